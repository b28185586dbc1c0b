#include "admin_gui/dashboard_screen.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFrame>
#include <QGridLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

namespace yika::gui {

DashboardScreen::DashboardScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent),
      status_(new QLabel(this)),
      chart_view_(nullptr),
      sales_(new QLineSeries),
      redemptions_(new QLineSeries) {
    auto* grid = new QGridLayout;
    addFigure(QStringLiteral("business_date"), tr("营业日 Business date"), 0, 0);
    addFigure(QStringLiteral("liability"), tr("未清偿余额 Outstanding liability"), 0, 1);
    addFigure(QStringLiteral("sales"), tr("今日售卡 Today's sales"), 0, 2);
    addFigure(QStringLiteral("redemptions"), tr("今日消费 Today's redemptions"), 0, 3);
    addFigure(QStringLiteral("pending_approvals"), tr("待审批 Pending approvals"), 1, 1);
    addFigure(QStringLiteral("open_recon_exceptions"), tr("未结对账差异 Open recon exceptions"), 1,
              2);
    addFigure(QStringLiteral("overdue_merchant_invoices"),
              tr("逾期商户发票 Overdue merchant invoices"), 1, 3);
    for (QLabel* l : std::as_const(figures_)) {
        grid->addWidget(l->parentWidget(), l->property("row").toInt(),
                        l->property("column").toInt());
    }

    sales_->setName(tr("售卡 Sales (元)"));
    redemptions_->setName(tr("消费 Redemptions (元)"));
    auto* chart = new QChart;
    chart->addSeries(sales_);
    chart->addSeries(redemptions_);
    chart->setTitle(tr("近30天 Last 30 days"));
    auto* x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("MM-dd"));
    x->setTickCount(7);
    auto* y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.0f"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* s : {sales_, redemptions_}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    // The view takes the chart at construction: QChartView::setChart() would release (and leak)
    // the empty chart a default-constructed view makes for itself.
    chart_view_ = new QChartView(chart, this);
    chart_view_->setRenderHint(QPainter::Antialiasing);
    chart_view_->setMinimumHeight(280);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(grid);
    layout->addWidget(chart_view_, 1);
    layout->addWidget(status_);
}

QLabel* DashboardScreen::addFigure(const QString& name, const QString& title, int row, int column) {
    auto* box = new QFrame(this);
    box->setFrameShape(QFrame::StyledPanel);
    auto* v = new QVBoxLayout(box);
    auto* caption = new QLabel(title, box);
    caption->setStyleSheet(QStringLiteral("color: #555;"));
    auto* value = new QLabel(QStringLiteral("—"), box);
    value->setObjectName(name);
    value->setStyleSheet(QStringLiteral("font-size: 20px; font-weight: bold;"));
    value->setProperty("row", row);
    value->setProperty("column", column);
    v->addWidget(caption);
    v->addWidget(value);
    figures_.insert(name, value);
    return value;
}

void DashboardScreen::refresh() {
    client().get(QStringLiteral("/v1/dashboard"))->then(this, [this](const ApiResult& r) {
        if (!r.ok()) {
            status_->setText(tr("无法读取总览 Cannot read the dashboard: %1").arg(r.error->text()));
        } else {
            status_->clear();
            show(r.json);
        }
        emit refreshed();
    });
}

void DashboardScreen::show(const QJsonObject& d) {
    data_ = d;
    QJsonObject today = d.value(QStringLiteral("today")).toObject();
    auto money = [](const QJsonValue& v) {
        return QStringLiteral("¥ ") + formatYuan(v.toInteger());
    };
    figures_[QStringLiteral("business_date")]->setText(
        d.value(QStringLiteral("business_date")).toString());
    figures_[QStringLiteral("liability")]->setText(
        money(d.value(QStringLiteral("liability_minor"))));
    figures_[QStringLiteral("sales")]->setText(money(today.value(QStringLiteral("sales_minor"))));
    figures_[QStringLiteral("redemptions")]->setText(
        money(today.value(QStringLiteral("redemptions_minor"))));
    for (const char* key :
         {"pending_approvals", "open_recon_exceptions", "overdue_merchant_invoices"}) {
        figures_[QString::fromLatin1(key)]->setText(
            QString::number(d.value(QString::fromLatin1(key)).toInteger()));
    }

    // The chart shows yuan as floating point for drawing only; every figure above is exact.
    QList<QPointF> sales;
    QList<QPointF> redemptions;
    double top = 0;
    for (const QJsonValue& v : d.value(QStringLiteral("last_30_days")).toArray()) {
        QJsonObject day = v.toObject();
        QDate date = QDate::fromString(day.value(QStringLiteral("date")).toString(), Qt::ISODate);
        auto x = static_cast<double>(date.startOfDay().toMSecsSinceEpoch());
        double s = static_cast<double>(day.value(QStringLiteral("sales_minor")).toInteger()) / 100;
        double r =
            static_cast<double>(day.value(QStringLiteral("redemptions_minor")).toInteger()) / 100;
        sales.append({x, s});
        redemptions.append({x, r});
        top = std::max({top, s, r});
    }
    sales_->replace(sales);
    redemptions_->replace(redemptions);
    QChart* chart = chart_view_->chart();
    if (!sales.isEmpty()) {
        chart->axes(Qt::Horizontal)
            .first()
            ->setRange(QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(sales.first().x())),
                       QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(sales.last().x())));
    }
    chart->axes(Qt::Vertical).first()->setRange(0, top > 0 ? top * 1.1 : 1);
}

QString DashboardScreen::figure(const QString& name) const {
    auto it = figures_.find(name);
    return it == figures_.end() ? QString() : (*it)->text();
}

int DashboardScreen::chartPoints() const { return static_cast<int>(sales_->count()); }

}  // namespace yika::gui
