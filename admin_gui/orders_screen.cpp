#include "admin_gui/orders_screen.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace yika::gui {

OrdersScreen::OrdersScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent), table_(new TableView(this)), warnings_(new QLabel(this)) {
    using K = Column::Kind;
    table_->setColumns({{QStringLiteral("id"), tr("订单 Order"), K::Number},
                        {QStringLiteral("state"), tr("状态 State")},
                        {QStringLiteral("buyer.name"), tr("购卡人 Buyer")},
                        {QStringLiteral("buyer.kind"), tr("类型 Kind")},
                        {QStringLiteral("face_total_minor"), tr("面值 Face total"), K::Money},
                        {QStringLiteral("discount_minor"), tr("折扣 Discount"), K::Money},
                        {QStringLiteral("pay_total_minor"), tr("应付 Pay total"), K::Money},
                        {QStringLiteral("payment_method"), tr("付款方式 Payment")},
                        {QStringLiteral("location"), tr("库位 Location")},
                        {QStringLiteral("structuring_flag"), tr("拆分预警 Structuring"), K::Bool},
                        {QStringLiteral("created_by"), tr("经办 Created by")},
                        {QStringLiteral("created_at_ms"), tr("创建 Created"), K::TimeMs},
                        {QStringLiteral("paid_at_ms"), tr("付款 Paid"), K::TimeMs}});
    warnings_->setWordWrap(true);
    warnings_->setStyleSheet(QStringLiteral("color: #8a6d00;"));
    warnings_->hide();
    auto* create = permissionButton(tr("新建订单 New order"), QStringLiteral("order_create"));
    auto* pay = permissionButton(tr("记录付款并激活 Record payment"), QStringLiteral("order_pay"));
    auto* cancel_button = permissionButton(tr("取消订单 Cancel"), QStringLiteral("order_create"));
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {create, pay, cancel_button}) buttons->addWidget(b);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(warnings_);
    layout->addWidget(table_, 1);
    connect(table_, &TableView::refreshRequested, this, &OrdersScreen::refresh);
    connect(create, &QPushButton::clicked, this, [this] { openOrderDialog(); });
    connect(pay, &QPushButton::clicked, this, [this] {
        if (!table_->currentRow().isEmpty()) openPaymentDialog(table_->currentRow());
    });
    connect(cancel_button, &QPushButton::clicked, this, [this] {
        qint64 id = table_->currentRow().value(QStringLiteral("id")).toInteger();
        if (id > 0 &&
            QMessageBox::question(this, tr("取消订单 Cancel order"),
                                  tr("取消订单 %1？Cancel order %1?").arg(id)) == QMessageBox::Yes)
            cancel(id);
    });
}

void OrdersScreen::applyPermissions() { enableByPermission(); }

void OrdersScreen::refresh() {
    // Products first (the request form offers them), then the list; refreshed() after both.
    client().getAll(QStringLiteral("/v1/products"), this,
                    [this](const QJsonArray& products, const std::optional<ApiError>&) {
                        products_ = products;
                        client().getAll(
                            QStringLiteral("/v1/orders"), this,
                            [this](const QJsonArray& rows, const std::optional<ApiError>& error) {
                                if (error) emit message(error->text());
                                table_->setRows(rows);
                                emit refreshed();
                            });
                    });
}

QString OrdersScreen::warnings() const { return warnings_->text(); }

FormDialog* OrdersScreen::openOrderDialog() {
    auto* dialog = new FormDialog(client(), tr("新建售卡订单 New sales order"),
                                  QStringLiteral("/v1/orders"), this);
    FormWidget* f = dialog->form();
    f->addChoice(QStringLiteral("buyer.kind"), tr("购卡人类型 Buyer kind"),
                 {{QStringLiteral("individual"), tr("个人 Individual")},
                  {QStringLiteral("company"), tr("单位 Company")}});
    f->addText(QStringLiteral("buyer.name"), tr("姓名/名称 Name"), false);
    f->addChoice(QStringLiteral("buyer.id_type"), tr("证件类型 ID type"),
                 {{QStringLiteral("resident_id"), tr("居民身份证 Resident ID")},
                  {QStringLiteral("passport"), tr("护照 Passport")},
                  {QStringLiteral("hk_macau_permit"), tr("港澳通行证 HK/Macau permit")},
                  {QStringLiteral("taiwan_permit"), tr("台湾通行证 Taiwan permit")},
                  {QStringLiteral("other"), tr("其他 Other")}});
    f->addText(QStringLiteral("buyer.id_number"), tr("证件号 ID number"), false);
    f->addText(QStringLiteral("buyer.credit_code"), tr("统一社会信用代码 Credit code"), false);
    f->addText(QStringLiteral("buyer.contact"), tr("联系人 Contact"), false);
    QList<QPair<QString, QString>> products;
    for (const QJsonValue& v : products_) {
        QJsonObject p = v.toObject();
        products.append({QString::number(p.value(QStringLiteral("id")).toInteger()),
                         QStringLiteral("%1 %2").arg(p.value(QStringLiteral("code")).toString(),
                                                     p.value(QStringLiteral("name")).toString())});
    }
    f->addChoice(QStringLiteral("product_id"), tr("卡产品 Product"), products);
    f->addInteger(QStringLiteral("count"), tr("张数 Cards"));
    f->addMoney(QStringLiteral("load_each_minor"), tr("每张面值 Load each (元)"));
    f->addAlias(QStringLiteral("load"), QStringLiteral("load_each_minor"));
    f->addText(QStringLiteral("location"), tr("库位 Location"))->setText(QStringLiteral("HQ"));
    f->addMoney(QStringLiteral("discount_minor"), tr("折扣 Discount (元)"), false);
    f->addChoice(QStringLiteral("payment_method"), tr("付款方式 Payment method"),
                 {{QStringLiteral("bank_transfer"), tr("银行转账 Bank transfer")},
                  {QStringLiteral("cash"), tr("现金 Cash")},
                  {QStringLiteral("pos_debit_card"), tr("借记卡 POS debit card")},
                  {QStringLiteral("pos_credit_card"), tr("信用卡 POS credit card")}});
    f->addBool(QStringLiteral("invoice_wanted"), tr("需要发票 Invoice wanted"));
    f->addText(QStringLiteral("invoice_title"), tr("发票抬头 Invoice title"), false);
    f->addText(QStringLiteral("invoice_tax_id"), tr("税号 Tax id"), false);
    f->addText(QStringLiteral("agent"), tr("经办人 Agent"), false);
    dialog->setAdjust([](QJsonObject& body) {
        // One line per order from this form; the API takes an array of lines.
        QJsonObject line{
            {QStringLiteral("product_id"),
             body.take(QStringLiteral("product_id")).toString().toLongLong()},
            {QStringLiteral("count"), body.take(QStringLiteral("count"))},
            {QStringLiteral("load_each_minor"), body.take(QStringLiteral("load_each_minor"))}};
        body.insert(QStringLiteral("lines"), QJsonArray{line});
        // The ID type goes with a number only (an anonymous walk-in sale has neither).
        QJsonObject buyer = body.value(QStringLiteral("buyer")).toObject();
        if (buyer.value(QStringLiteral("kind")).toString() == QStringLiteral("company") ||
            !buyer.contains(QStringLiteral("id_number")))
            buyer.remove(QStringLiteral("id_type"));
        body.insert(QStringLiteral("buyer"), buyer);
        return true;
    });
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (!r.ok()) return;
        QStringList w;
        for (const QJsonValue& v : r.json.value(QStringLiteral("warnings")).toArray())
            w << (v.isString() ? v.toString()
                               : v.toObject().value(QStringLiteral("message")).toString());
        qint64 id = JsonTableModel::valueAt(r.json, QStringLiteral("order.id")).toInteger();
        warnings_->setText(w.isEmpty() ? QString()
                                       : tr("订单 %1 提示 Warnings: %2").arg(id).arg(w.join("; ")));
        warnings_->setVisible(!w.isEmpty());
        emit message(tr("订单 %1 已创建 Order %1 created").arg(id));
        refresh();
    });
    dialog->show();
    return dialog;
}

FormDialog* OrdersScreen::openPaymentDialog(const QJsonObject& order) {
    qint64 id = order.value(QStringLiteral("id")).toInteger();
    auto* dialog = new FormDialog(client(), tr("记录付款 Record payment: order %1").arg(id),
                                  QStringLiteral("/v1/orders/%1/payment").arg(id), this);
    FormWidget* f = dialog->form();
    auto* method =
        f->addChoice(QStringLiteral("method"), tr("付款方式 Method"),
                     {{QStringLiteral("bank_transfer"), tr("银行转账 Bank transfer")},
                      {QStringLiteral("cash"), tr("现金 Cash")},
                      {QStringLiteral("pos_debit_card"), tr("借记卡 POS debit card")},
                      {QStringLiteral("pos_credit_card"), tr("信用卡 POS credit card")}});
    int index = method->findData(order.value(QStringLiteral("payment_method")).toString());
    if (index >= 0) method->setCurrentIndex(index);
    f->addMoney(QStringLiteral("amount_minor"), tr("金额 Amount (元)"))
        ->setText(formatYuan(order.value(QStringLiteral("pay_total_minor")).toInteger()));
    f->addText(QStringLiteral("payer_name"), tr("付款人 Payer name"), false);
    f->addText(QStringLiteral("payer_account"), tr("付款账号 Payer account"), false);
    f->addText(QStringLiteral("reference"), tr("凭证号 Reference"), false);
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (!r.ok()) return;
        emit message(tr("已激活 %1 张卡 %1 cards activated")
                         .arg(r.json.value(QStringLiteral("activated_cards")).toInteger()));
        refresh();
    });
    dialog->show();
    return dialog;
}

void OrdersScreen::cancel(qint64 order_id) {
    act(QStringLiteral("/v1/orders/%1/cancel").arg(order_id), {}, tr("取消订单 Cancel order"),
        [this](const ApiResult&) { refresh(); });
}

}  // namespace yika::gui
