#pragma once

// 总览 Dashboard: outstanding liability, today's sales and redemptions, the last 30 days as a
// chart, pending approvals, open reconciliation exceptions and overdue merchant invoices, all
// from GET /v1/dashboard.

#include "admin_gui/screen.h"

#include <QJsonObject>
#include <QMap>

class QChartView;
class QLabel;
class QLineSeries;

namespace yika::gui {

class DashboardScreen : public Screen {
    Q_OBJECT
  public:
    DashboardScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    // The text of one figure: "liability", "sales", "redemptions", "pending_approvals",
    // "open_recon_exceptions", "overdue_merchant_invoices", "business_date".
    QString figure(const QString& name) const;
    const QJsonObject& data() const { return data_; }
    // The chart's points (one per day) for the sales series.
    int chartPoints() const;

  private:
    void show(const QJsonObject& d);
    QLabel* addFigure(const QString& name, const QString& title, int row, int column);

    QJsonObject data_;
    QMap<QString, QLabel*> figures_;
    QLabel* status_;
    QChartView* chart_view_;
    QLineSeries* sales_;
    QLineSeries* redemptions_;
};

}  // namespace yika::gui
