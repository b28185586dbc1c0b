#pragma once

// 报表 Reports: every report of GET /v1/reports/{name} (trial balance, liability, activity,
// settlement, breakage, invoices, the day report) for a date or a range, shown in a table
// (its main list) with its totals underneath; CSV export of the table, the server's own CSV,
// and a printable PDF (the settlement report and the trial balance go to the auditors).

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

#include <QJsonObject>

class QComboBox;
class QDateEdit;
class QLabel;

namespace yika::gui {

class ReportsScreen : public Screen {
    Q_OBJECT
  public:
    ReportsScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    TableView* table() const { return table_; }

    // Runs `name` for [from, to] (one date when equal); ran() follows.
    void run(const QString& name, const QDate& from, const QDate& to);
    const QJsonObject& report() const { return report_; }
    QString summary() const;
    // Writes the shown report as a PDF (title, parameters, the table, the totals).
    bool savePdf(const QString& path, QString* error) const;
    // The report as HTML (what the PDF prints).
    QString html() const;

  signals:
    void ran(const yika::gui::ApiResult& result);

  private:
    static QList<Column> columnsFor(const QString& name);
    QString query(const QDate& from, const QDate& to) const;
    void saveServerCsv();

    QComboBox* name_;
    QDateEdit* from_;
    QDateEdit* to_;
    TableView* table_;
    QLabel* summary_;
    QJsonObject report_;
    int sequence_ = 0;  // answers to an older run() are dropped (they may arrive after a newer)
    bool dates_set_ = false;
    QString title_;
    QString period_;
};

}  // namespace yika::gui
