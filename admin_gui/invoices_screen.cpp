#include "admin_gui/invoices_screen.h"

#include <QComboBox>
#include <QDate>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace yika::gui {

InvoicesScreen::InvoicesScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent),
      order_id_(new QLineEdit(this)),
      order_summary_(new QLabel(this)),
      order_table_(new TableView(this)),
      merchant_(new QComboBox(this)),
      merchant_table_(new TableView(this)) {
    using K = Column::Kind;
    order_table_->setColumns({{QStringLiteral("number"), tr("发票号 Number")},
                              {QStringLiteral("date"), tr("日期 Date")},
                              {QStringLiteral("title"), tr("抬头 Title")},
                              {QStringLiteral("tax_id"), tr("税号 Tax id")},
                              {QStringLiteral("amount_minor"), tr("金额 Amount"), K::Money},
                              {QStringLiteral("issued_by"), tr("开票人 Issued by")}});
    merchant_table_->setColumns(
        {{QStringLiteral("period"), tr("期间 Period")},
         {QStringLiteral("expected_minor"), tr("应收 Expected"), K::Money},
         {QStringLiteral("received_minor"), tr("已收 Received"), K::Money},
         {QStringLiteral("outstanding_minor"), tr("未收 Outstanding"), K::Money},
         {QStringLiteral("due_on"), tr("到期 Due on")},
         {QStringLiteral("overdue"), tr("逾期 Overdue"), K::Bool}});
    order_id_->setPlaceholderText(tr("订单号 Order id"));
    auto* load_order = new QPushButton(tr("查询 Load"), this);
    auto* issue = permissionButton(tr("开票 Issue invoice"), QStringLiteral("invoice_write"));
    auto* order_bar = new QHBoxLayout;
    order_bar->addWidget(order_id_);
    order_bar->addWidget(load_order);
    order_bar->addWidget(issue);
    order_bar->addStretch();
    auto* out_page = new QWidget(this);
    auto* out_layout = new QVBoxLayout(out_page);
    out_layout->addLayout(order_bar);
    out_layout->addWidget(order_summary_);
    out_layout->addWidget(order_table_, 1);

    auto* load_merchant = new QPushButton(tr("查询 Load"), this);
    auto* receive =
        permissionButton(tr("登记收票 Record invoice"), QStringLiteral("invoice_write"));
    auto* merchant_bar = new QHBoxLayout;
    merchant_bar->addWidget(merchant_, 1);
    merchant_bar->addWidget(load_merchant);
    merchant_bar->addWidget(receive);
    auto* in_page = new QWidget(this);
    auto* in_layout = new QVBoxLayout(in_page);
    in_layout->addLayout(merchant_bar);
    in_layout->addWidget(merchant_table_, 1);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(out_page, tr("开给购卡人 To buyers"));
    tabs->addTab(in_page, tr("商户发票 From merchants"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);

    connect(load_order, &QPushButton::clicked, this,
            [this] { loadOrder(order_id_->text().toLongLong()); });
    connect(order_id_, &QLineEdit::returnPressed, this,
            [this] { loadOrder(order_id_->text().toLongLong()); });
    connect(order_table_, &TableView::refreshRequested, this,
            [this] { loadOrder(order_id_->text().toLongLong()); });
    connect(load_merchant, &QPushButton::clicked, this,
            [this] { loadMerchant(merchant_->currentData().toLongLong()); });
    connect(merchant_table_, &TableView::refreshRequested, this,
            [this] { loadMerchant(merchant_->currentData().toLongLong()); });
    connect(issue, &QPushButton::clicked, this, [this] {
        if (!order_.isEmpty()) openIssueDialog();
    });
    connect(receive, &QPushButton::clicked, this, [this] { openReceiveDialog(); });
}

void InvoicesScreen::refresh() {
    client().getAll(QStringLiteral("/v1/merchants"), this,
                    [this](const QJsonArray& rows, const std::optional<ApiError>&) {
                        QVariant keep = merchant_->currentData();
                        merchant_->clear();
                        for (const QJsonValue& v : rows) {
                            QJsonObject m = v.toObject();
                            merchant_->addItem(QStringLiteral("%1 %2").arg(
                                                   m.value(QStringLiteral("mid")).toString(),
                                                   m.value(QStringLiteral("name")).toString()),
                                               m.value(QStringLiteral("id")).toInteger());
                        }
                        int i = merchant_->findData(keep);
                        if (i >= 0) merchant_->setCurrentIndex(i);
                        emit refreshed();
                    });
}

void InvoicesScreen::loadOrder(qint64 order_id) {
    if (order_id <= 0) return;
    order_id_->setText(QString::number(order_id));
    client()
        .get(QStringLiteral("/v1/orders/%1/invoices").arg(order_id))
        ->then(this, [this](const ApiResult& r) {
            if (!r.ok()) {
                order_ = {};
                order_summary_->setText(r.error->text());
                order_table_->setRows({});
                emit orderLoaded({});
                return;
            }
            order_ = r.json;
            order_summary_->setText(
                tr("%1  已付 paid ¥ %2  已开 issued ¥ %3  可开 invoiceable ¥ %4  %5")
                    .arg(r.json.value(QStringLiteral("buyer_name")).toString(),
                         formatYuan(r.json.value(QStringLiteral("paid_minor")).toInteger()),
                         formatYuan(r.json.value(QStringLiteral("issued_minor")).toInteger()),
                         formatYuan(r.json.value(QStringLiteral("invoiceable_minor")).toInteger()),
                         r.json.value(QStringLiteral("invoice_wanted")).toBool()
                             ? tr("需要发票 invoice wanted")
                             : QString()));
            order_table_->setRows(r.json.value(QStringLiteral("items")).toArray());
            emit orderLoaded(order_);
        });
}

void InvoicesScreen::loadMerchant(qint64 merchant_id) {
    if (merchant_id <= 0) return;
    client()
        .get(QStringLiteral("/v1/merchants/%1/invoices").arg(merchant_id))
        ->then(this, [this](const ApiResult& r) {
            if (!r.ok()) emit message(r.error->text());
            merchant_table_->setRows(r.json.value(QStringLiteral("items")).toArray());
        });
}

FormDialog* InvoicesScreen::openIssueDialog() {
    qint64 id = order_.value(QStringLiteral("order_id")).toInteger();
    auto* dialog = new FormDialog(client(), tr("开票 Issue invoice: order %1").arg(id),
                                  QStringLiteral("/v1/orders/%1/invoices").arg(id), this);
    FormWidget* f = dialog->form();
    f->addText(QStringLiteral("number"), tr("发票号 Number"));
    f->addText(QStringLiteral("date"), tr("开票日期 Date"))
        ->setText(QDate::currentDate().toString(Qt::ISODate));
    f->addText(QStringLiteral("title"), tr("抬头 Title"))
        ->setText(order_.value(QStringLiteral("invoice_title")).toString());
    f->addText(QStringLiteral("tax_id"), tr("税号 Tax id"), false)
        ->setText(order_.value(QStringLiteral("invoice_tax_id")).toString());
    f->addMoney(QStringLiteral("amount_minor"), tr("金额 Amount (元)"))
        ->setText(formatYuan(order_.value(QStringLiteral("invoiceable_minor")).toInteger()));
    connect(dialog, &FormDialog::submitted, this, [this, id](const ApiResult& r) {
        if (r.ok()) loadOrder(id);
    });
    dialog->show();
    return dialog;
}

FormDialog* InvoicesScreen::openReceiveDialog() {
    qint64 id = merchant_->currentData().toLongLong();
    auto* dialog = new FormDialog(client(), tr("登记商户发票 Record merchant invoice"),
                                  QStringLiteral("/v1/merchants/%1/invoices").arg(id), this);
    FormWidget* f = dialog->form();
    f->addText(QStringLiteral("period"), tr("期间 Period (YYYY-MM)"))
        ->setText(QDate::currentDate().addMonths(-1).toString(QStringLiteral("yyyy-MM")));
    f->addText(QStringLiteral("number"), tr("发票号 Number"));
    f->addText(QStringLiteral("date"), tr("开票日期 Date"))
        ->setText(QDate::currentDate().toString(Qt::ISODate));
    f->addMoney(QStringLiteral("amount_minor"), tr("金额 Amount (元)"));
    f->addText(QStringLiteral("remark"), tr("备注 Remark"), false);
    connect(dialog, &FormDialog::submitted, this, [this, id](const ApiResult& r) {
        if (r.ok()) loadMerchant(id);
    });
    dialog->show();
    return dialog;
}

}  // namespace yika::gui
