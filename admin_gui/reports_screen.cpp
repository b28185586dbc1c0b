#include "admin_gui/reports_screen.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTextDocument>
#include <QVBoxLayout>

namespace yika::gui {

namespace {

struct ReportName {
    const char* name;
    const char* title;
};
constexpr ReportName kReports[] = {
    {"trial-balance", "试算平衡表 Trial balance"},
    {"settlement", "商户结算报表 Merchant settlement"},
    {"liability", "备付金负债 Card liability"},
    {"activity", "业务量 Activity"},
    {"breakage", "沉淀收益 Breakage"},
    {"day", "日终报告 Day report"},
    {"invoices-out", "开出发票 Invoices issued"},
    {"invoices-in", "收到商户发票 Merchant invoices"},
    {"invoice-pool", "发票池 Invoice pool"},
};

// The report's main list: the first member that is an array of objects.
QString mainArray(const QJsonObject& report) {
    for (const char* key : {"accounts", "merchants", "days", "by_product", "items", "orders",
                            "periods", "months", "rows", "payouts"}) {
        if (report.value(QString::fromLatin1(key)).isArray()) return QString::fromLatin1(key);
    }
    for (auto it = report.begin(); it != report.end(); ++it) {
        if (it->isArray() && it->toArray().first().isObject()) return it.key();
    }
    return {};
}

QString scalarText(const QString& key, const QJsonValue& v) {
    if (key.endsWith(QStringLiteral("_minor"))) return formatYuan(v.toInteger());
    return JsonTableModel::display(v, Column::Kind::Text);
}

// "key: value" for every scalar member (and those of the totals object); a money member
// "x_minor" is shown once, as "x".
QStringList totalsOf(const QJsonObject& o, const QString& prefix = {}) {
    QStringList out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString& k = it.key();
        if (it->isArray()) continue;
        if (it->isObject()) {
            out += totalsOf(it->toObject(), k + QStringLiteral("."));
            continue;
        }
        if (o.contains(k + QStringLiteral("_minor"))) continue;
        if (k == QStringLiteral("report")) continue;
        QString shown = k.endsWith(QStringLiteral("_minor")) ? k.chopped(6) : k;
        out << prefix + shown + QStringLiteral(": ") + scalarText(k, *it);
    }
    return out;
}

}  // namespace

ReportsScreen::ReportsScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent),
      name_(new QComboBox(this)),
      from_(new QDateEdit(this)),
      to_(new QDateEdit(this)),
      table_(new TableView(this)),
      summary_(new QLabel(this)) {
    for (const ReportName& r : kReports)
        name_->addItem(QString::fromUtf8(r.title), QString::fromLatin1(r.name));
    for (QDateEdit* d : {from_, to_}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setDate(QDate::currentDate().addDays(-1));
    }
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setObjectName(QStringLiteral("reportSummary"));
    auto* go = new QPushButton(tr("生成 Run"), this);
    auto* csv = new QPushButton(tr("服务器 CSV Server CSV"), this);
    auto* pdf = new QPushButton(tr("打印 PDF"), this);
    pdf->setObjectName(QStringLiteral("savePdf"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(name_, 1);
    bar->addWidget(new QLabel(tr("从 From"), this));
    bar->addWidget(from_);
    bar->addWidget(new QLabel(tr("到 To"), this));
    bar->addWidget(to_);
    bar->addWidget(go);
    bar->addWidget(csv);
    bar->addWidget(pdf);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(table_, 1);
    layout->addWidget(summary_);
    connect(go, &QPushButton::clicked, this, &ReportsScreen::refresh);
    connect(table_, &TableView::refreshRequested, this, &ReportsScreen::refresh);
    connect(csv, &QPushButton::clicked, this, &ReportsScreen::saveServerCsv);
    connect(pdf, &QPushButton::clicked, this, [this] {
        if (report_.isEmpty()) return;
        QString path = QFileDialog::getSaveFileName(
            this, tr("保存 PDF Save PDF"),
            QStringLiteral("%1-%2.pdf").arg(name_->currentData().toString(), period_),
            QStringLiteral("PDF (*.pdf)"));
        QString error;
        if (!path.isEmpty() && !savePdf(path, &error))
            QMessageBox::warning(this, tr("保存失败 Save failed"), error);
    });
}

void ReportsScreen::refresh() {
    if (dates_set_) {
        run(name_->currentData().toString(), from_->date(), to_->date());
        return;
    }
    // The first time: the last business day before the server's business date (the day a
    // report is usually asked for), not the desktop's calendar.
    client().get(QStringLiteral("/v1/day"))->then(this, [this](const ApiResult& r) {
        QDate business = QDate::fromString(r.json.value(QStringLiteral("business_date")).toString(),
                                           Qt::ISODate);
        QDate day = business.isValid() ? business.addDays(-1) : QDate::currentDate().addDays(-1);
        if (!dates_set_) {
            from_->setDate(day);
            to_->setDate(day);
        }
        dates_set_ = true;
        run(name_->currentData().toString(), from_->date(), to_->date());
    });
}

// The columns of the two reports that are printed most, in the order accountants read them;
// the other reports show their members as they come.
QList<Column> ReportsScreen::columnsFor(const QString& name) {
    using K = Column::Kind;
    if (name == QStringLiteral("trial-balance")) {
        return {{QStringLiteral("account"), tr("科目 Account")},
                {QStringLiteral("name"), tr("名称 Name")},
                {QStringLiteral("opening_minor"), tr("期初 Opening"), K::Money},
                {QStringLiteral("debits_minor"), tr("借方 Debits"), K::Money},
                {QStringLiteral("credits_minor"), tr("贷方 Credits"), K::Money},
                {QStringLiteral("closing_minor"), tr("期末 Closing"), K::Money}};
    }
    if (name == QStringLiteral("settlement")) {
        return {{QStringLiteral("mid"), tr("商户号 MID")},
                {QStringLiteral("name"), tr("商户 Merchant")},
                {QStringLiteral("purchase_count"), tr("笔数 Purchases"), K::Number},
                {QStringLiteral("purchases_minor"), tr("消费 Purchases"), K::Money},
                {QStringLiteral("refunds_minor"), tr("退货 Refunds"), K::Money},
                {QStringLiteral("carried_in_minor"), tr("上期结转 Carried in"), K::Money},
                {QStringLiteral("net_minor"), tr("净额 Net"), K::Money},
                {QStringLiteral("fee_mode"), tr("收费方式 Fee mode")},
                {QStringLiteral("fee_bps"), tr("费率 bps"), K::Number},
                {QStringLiteral("fee_minor"), tr("手续费 Fee"), K::Money},
                {QStringLiteral("payable_minor"), tr("应付 Payable"), K::Money},
                {QStringLiteral("carried_out_minor"), tr("结转 Carried out"), K::Money},
                {QStringLiteral("payout_reference"), tr("付款编号 Payout")},
                {QStringLiteral("payout_state"), tr("付款状态 Payout state")}};
    }
    return {};
}

QString ReportsScreen::query(const QDate& from, const QDate& to) const {
    if (from == to) return QStringLiteral("date=") + from.toString(Qt::ISODate);
    return QStringLiteral("from=%1&to=%2")
        .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate));
}

void ReportsScreen::run(const QString& name, const QDate& from, const QDate& to) {
    int index = name_->findData(name);
    if (index >= 0) name_->setCurrentIndex(index);
    from_->setDate(from);
    to_->setDate(to);
    title_ = name_->currentText();
    period_ = from == to
                  ? from.toString(Qt::ISODate)
                  : from.toString(Qt::ISODate) + QStringLiteral("_") + to.toString(Qt::ISODate);
    dates_set_ = true;
    const int sequence = ++sequence_;
    client()
        .get(QStringLiteral("/v1/reports/%1?%2").arg(name, query(from, to)))
        ->then(this, [this, sequence, name](const ApiResult& r) {
            if (sequence != sequence_) return;  // a newer run() is on its way
            if (!r.ok()) {
                report_ = {};
                table_->setRows({});
                summary_->setText(r.error->text());
            } else {
                report_ = r.json;
                table_->setColumns(columnsFor(name));  // empty: derived from the rows
                table_->setRows(report_.value(mainArray(report_)).toArray());
                // Four totals a line, so that a long list wraps where it reads well.
                QStringList totals = totalsOf(report_);
                QString text;
                for (qsizetype i = 0; i < totals.size(); ++i)
                    text +=
                        totals.at(i) + (i % 4 == 3 ? QStringLiteral("\n") : QStringLiteral("    "));
                summary_->setText(text.trimmed());
            }
            emit ran(r);
            emit refreshed();
        });
}

QString ReportsScreen::summary() const { return summary_->text(); }

void ReportsScreen::saveServerCsv() {
    QString name = name_->currentData().toString();
    QString path = QFileDialog::getSaveFileName(this, tr("保存 CSV Save CSV"),
                                                QStringLiteral("%1-%2.csv").arg(name, period_),
                                                QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty()) return;
    client()
        .get(QStringLiteral("/v1/reports/%1?%2&format=csv")
                 .arg(name, query(from_->date(), to_->date())))
        ->then(this, [this, path](const ApiResult& r) {
            QFile f(path);
            bool ok = r.ok() && f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                      f.write(r.body) == r.body.size();
            emit message(ok ? tr("已保存 Saved %1").arg(path)
                            : tr("保存失败 Save failed: %1").arg(r.error ? r.error->text() : path));
        });
}

QString ReportsScreen::html() const {
    QString h;
    h += QStringLiteral("<html><body style='font-family: sans-serif; font-size: 7pt;'>");
    h += QStringLiteral("<h2>一卡 Yika — %1</h2>").arg(title_.toHtmlEscaped());
    h += QStringLiteral("<p>%1: %2 &nbsp;&nbsp; %3: %4</p>")
             .arg(tr("期间 Period"), period_.toHtmlEscaped(), tr("打印 Printed"),
                  QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    h += QStringLiteral("<table border='1' cellspacing='0' cellpadding='2' width='100%'><tr>");
    const QSortFilterProxyModel* p = table_->proxy();
    for (int c = 0; c < p->columnCount(); ++c) {
        h += QStringLiteral("<th>%1</th>")
                 .arg(p->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString().toHtmlEscaped());
    }
    h += QStringLiteral("</tr>");
    for (int r = 0; r < p->rowCount(); ++r) {
        h += QStringLiteral("<tr>");
        for (int c = 0; c < p->columnCount(); ++c) {
            QModelIndex i = p->index(r, c);
            bool right = i.data(Qt::TextAlignmentRole).toInt() & Qt::AlignRight;
            QString cell = i.data(Qt::DisplayRole).toString();
            // Amounts, merchant numbers and references stay on one line; names may wrap.
            bool nowrap = right || (!cell.contains(' ') && cell.size() <= 20);
            h += QStringLiteral("<td%1%2>%3</td>")
                     .arg(right ? QStringLiteral(" align='right'") : QString(),
                          nowrap ? QStringLiteral(" style='white-space: nowrap;'") : QString(),
                          cell.toHtmlEscaped());
        }
        h += QStringLiteral("</tr>");
    }
    h += QStringLiteral("</table><p>");
    for (const QString& line : totalsOf(report_))
        h += line.toHtmlEscaped() + QStringLiteral("<br>");
    h += QStringLiteral("</p></body></html>");
    return h;
}

bool ReportsScreen::savePdf(const QString& path, QString* error) const {
    if (report_.isEmpty()) {
        if (error) *error = tr("没有报表 No report shown");
        return false;
    }
    {
        QFile probe(path);
        if (!probe.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            if (error) *error = probe.errorString();
            return false;
        }
    }
    QPdfWriter writer(path);
    writer.setTitle(title_ + QStringLiteral(" ") + period_);
    writer.setCreator(QStringLiteral("yika-admin"));
    writer.setPageSize(QPageSize(QPageSize::A4));
    // Wide reports (the settlement report has 16 columns) print across the page.
    writer.setPageOrientation(table_->proxy()->columnCount() > 7 ? QPageLayout::Landscape
                                                                 : QPageLayout::Portrait);
    writer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter);
    QTextDocument doc;
    doc.setHtml(html());
    doc.print(&writer);
    if (QFileInfo(path).size() == 0) {
        if (error) *error = tr("无法写入 Cannot write %1").arg(path);
        return false;
    }
    return true;
}

}  // namespace yika::gui
