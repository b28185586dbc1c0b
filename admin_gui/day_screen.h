#pragma once

// 营业日与日终 Business day and day close (日切, 日终): the business date, cut-off, the days
// with their state, closing a day as a background job with a progress dialog over its steps,
// and the day's payouts (清分结果): request their release (maker-checker), download the
// approved payout file, import the bank's result file.

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

class QLabel;
class QProgressDialog;
class QTimer;

namespace yika::gui {

class DayScreen : public Screen {
    Q_OBJECT
  public:
    DayScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override { enableByPermission(); }
    TableView* days() const { return days_; }
    TableView* steps() const { return steps_; }
    TableView* payouts() const { return payouts_; }
    QString businessDate() const { return business_date_; }

    void cutoff();
    // Starts the close of `date` and shows its progress until CLOSED or failed; closeEnded()
    // follows.
    QProgressDialog* closeDay(const QString& date);
    void requestRelease(const QString& date, const QString& note = {});
    void downloadPayoutFile(const QString& date, const QString& path);
    void importPayoutResults(const QString& csv);

  signals:
    void closeEnded(bool ok, const QString& message);
    void acted(const yika::gui::ApiResult& result);

  private:
    void setUpColumns();
    void loadDay(const QString& date);
    void pollClose(const QString& date, QProgressDialog* dialog, QTimer* timer);
    QString selectedDate() const;

    QString business_date_;
    QLabel* header_;
    TableView* days_;
    TableView* steps_;
    TableView* payouts_;
    QLabel* day_summary_;
};

// 对账 Reconciliation (对账): open exceptions, resolving them with a comment, and importing
// the bank statement.
class ReconScreen : public Screen {
    Q_OBJECT
  public:
    ReconScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override { enableByPermission(); }
    TableView* table() const { return table_; }
    void resolve(qint64 exception_id, const QString& comment);
    void importStatement(const QString& csv);

  signals:
    void acted(const yika::gui::ApiResult& result);

  private:
    TableView* table_;
    bool all_ = false;
    int sequence_ = 0;  // answers to an older refresh() are dropped
};

}  // namespace yika::gui
