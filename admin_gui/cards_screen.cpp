#include "admin_gui/cards_screen.h"

#include "admin_gui/json_table_model.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace yika::gui {

CardsScreen::CardsScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent),
      number_(new QLineEdit(this)),
      id_(new QLineEdit(this)),
      reason_(new QComboBox(this)),
      events_(new TableView(this)),
      transactions_(new TableView(this)) {
    number_->setPlaceholderText(tr("卡号 Card number"));
    number_->setObjectName(QStringLiteral("cardNumber"));
    id_->setPlaceholderText(tr("卡 ID Card id"));
    id_->setMaximumWidth(140);
    auto* find = new QPushButton(tr("查询 Look up"), this);
    auto* search = new QHBoxLayout;
    search->addWidget(number_, 2);
    search->addWidget(id_, 1);
    search->addWidget(find);

    QWidget* panel = buildPanel();

    reason_->addItem(tr("挂失 Lost"), QStringLiteral("LOST"));
    reason_->addItem(tr("风险冻结 Risk hold"), QStringLiteral("RISK_HOLD"));
    auto* freeze = permissionButton(tr("冻结 Freeze"), QStringLiteral("card_service"));
    auto* unfreeze = permissionButton(tr("解冻 Unfreeze"), QStringLiteral("card_service"));
    auto* replace_button = permissionButton(tr("换卡 Replace"), QStringLiteral("card_service"));
    auto* extend = permissionButton(tr("延期 Extend"), QStringLiteral("card_service"));
    auto* redeem = permissionButton(tr("赎回 Redeem"), QStringLiteral("card_redeem"));
    auto* actions = new QHBoxLayout;
    actions->addWidget(reason_);
    for (QPushButton* b : {freeze, unfreeze, replace_button, extend, redeem}) actions->addWidget(b);
    actions->addStretch();

    setUpTables();
    auto* tabs = new QTabWidget(this);
    tabs->addTab(transactions_, tr("交易 Transactions"));
    tabs->addTab(events_, tr("状态变更 Events"));

    auto* top = new QHBoxLayout;
    top->addWidget(panel, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(search);
    layout->addLayout(top);
    layout->addLayout(actions);
    layout->addWidget(tabs, 1);

    auto go = [this] {
        if (!number_->text().trimmed().isEmpty()) {
            lookupNumber(number_->text());
        } else if (id_->text().toLongLong() > 0) {
            lookupId(id_->text().toLongLong());
        }
    };
    connect(find, &QPushButton::clicked, this, go);
    connect(number_, &QLineEdit::returnPressed, this, go);
    connect(id_, &QLineEdit::returnPressed, this, go);
    connect(freeze, &QPushButton::clicked, this,
            [this] { service(QStringLiteral("freeze"), reason_->currentData().toString()); });
    connect(unfreeze, &QPushButton::clicked, this, [this] { service(QStringLiteral("unfreeze")); });
    connect(extend, &QPushButton::clicked, this, [this] { service(QStringLiteral("extend")); });
    connect(replace_button, &QPushButton::clicked, this, [this] {
        bool ok = false;
        qint64 id = QInputDialog::getText(this, tr("换卡 Replace"),
                                          tr("新卡 ID（同产品、在库）New card id (same product, "
                                             "in stock)"),
                                          QLineEdit::Normal, {}, &ok)
                        .toLongLong();
        if (ok && id > 0) replace(id);
    });
    connect(redeem, &QPushButton::clicked, this, [this] { openRedeemDialog(); });
    connect(events_, &TableView::refreshRequested, this, &CardsScreen::refresh);
    connect(transactions_, &TableView::refreshRequested, this, &CardsScreen::refresh);
}

QWidget* CardsScreen::buildPanel() {
    auto* panel = new QGroupBox(tr("卡片 Card"), this);
    auto* form = new QFormLayout(panel);
    const QList<QPair<QString, QString>> shown = {
        {QStringLiteral("pan_masked"), tr("卡号 Number")},
        {QStringLiteral("id"), tr("卡 ID Card id")},
        {QStringLiteral("state"), tr("状态 State")},
        {QStringLiteral("product_id"), tr("产品 Product")},
        {QStringLiteral("balance_minor"), tr("余额 Balance")},
        {QStringLiteral("available_minor"), tr("可用 Available")},
        {QStringLiteral("held_minor"), tr("冻结金额 Held")},
        {QStringLiteral("expiry"), tr("有效期 Expiry")},
        {QStringLiteral("location"), tr("库位 Location")},
        {QStringLiteral("order_id"), tr("订单 Order")},
        {QStringLiteral("pin_failures"), tr("密码错误次数 PIN failures")}};
    for (const auto& [key, label] : shown) {
        auto* value = new QLabel(panel);
        value->setObjectName(key);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label, value);
        fields_.insert(key, value);
    }

    return panel;
}

void CardsScreen::setUpTables() {
    using K = Column::Kind;
    events_->setColumns({{QStringLiteral("at_ms"), tr("时间 Time"), K::TimeMs},
                         {QStringLiteral("from"), tr("从 From")},
                         {QStringLiteral("to"), tr("到 To")},
                         {QStringLiteral("actor"), tr("操作人 Actor")},
                         {QStringLiteral("channel"), tr("渠道 Channel")},
                         {QStringLiteral("reason"), tr("原因 Reason")}});
    transactions_->setColumns(
        {{QStringLiteral("id"), tr("交易 Txn"), K::Number},
         {QStringLiteral("at_ms"), tr("时间 Time"), K::TimeMs},
         {QStringLiteral("kind"), tr("类型 Kind")},
         {QStringLiteral("state"), tr("状态 State")},
         {QStringLiteral("amount_minor"), tr("金额 Amount"), K::Money},
         {QStringLiteral("balance_after_minor"), tr("余额 Balance after"), K::Money},
         {QStringLiteral("merchant_id"), tr("商户 Merchant"), K::Number},
         {QStringLiteral("business_date"), tr("营业日 Business date")},
         {QStringLiteral("decline"), tr("拒绝 Decline")}});
}

void CardsScreen::applyPermissions() { enableByPermission(); }

void CardsScreen::refresh() {
    qint64 id = card_.value(QStringLiteral("id")).toInteger();
    if (id > 0) {
        lookupId(id);
    } else {
        emit refreshed();
    }
}

void CardsScreen::lookupNumber(const QString& card_number) {
    QString digits = card_number;
    digits.remove(' ');
    // The number leaves the field at once: it is sent in the body and kept nowhere else.
    number_->clear();
    client()
        .post(QStringLiteral("/v1/cards/lookup"), {{QStringLiteral("card_number"), digits}})
        ->then(this, [this](const ApiResult& r) { showCard(r); });
}

void CardsScreen::lookupId(qint64 card_id) {
    client()
        .get(QStringLiteral("/v1/cards/%1").arg(card_id))
        ->then(this, [this](const ApiResult& r) { showCard(r); });
}

void CardsScreen::showCard(const ApiResult& r) {
    if (!r.ok()) {
        emit message(tr("查询失败 Lookup failed: %1").arg(r.error->text()));
        emit cardShown({});
        emit refreshed();
        return;
    }
    card_ = r.json.contains(QStringLiteral("card"))
                ? r.json.value(QStringLiteral("card")).toObject()
                : r.json;
    for (auto it = fields_.begin(); it != fields_.end(); ++it) {
        Column::Kind kind =
            it.key().endsWith(QStringLiteral("_minor")) ? Column::Kind::Money : Column::Kind::Text;
        it.value()->setText(JsonTableModel::display(card_.value(it.key()), kind));
    }
    qint64 id = card_.value(QStringLiteral("id")).toInteger();
    client()
        .get(QStringLiteral("/v1/cards/%1/history?limit=200").arg(id))
        ->then(this, [this](const ApiResult& h) {
            events_->setRows(h.json.value(QStringLiteral("events")).toArray());
            transactions_->setRows(h.json.value(QStringLiteral("transactions")).toArray());
            emit cardShown(card_);
            emit refreshed();
        });
}

QString CardsScreen::shownText() const {
    QStringList texts;
    for (QLabel* l : fields_) texts << l->text();
    texts << number_->text() << events_->toCsv() << transactions_->toCsv();
    return texts.join('\n');
}

void CardsScreen::service(const QString& action, const QString& reason) {
    qint64 id = card_.value(QStringLiteral("id")).toInteger();
    if (id <= 0) return;
    QJsonObject body;
    if (!reason.isEmpty()) body.insert(QStringLiteral("reason"), reason);
    act(QStringLiteral("/v1/cards/%1/%2").arg(id).arg(action), body, action,
        [this, id](const ApiResult& r) {
            emit serviced(r);
            lookupId(id);
        });
}

void CardsScreen::replace(qint64 new_card_id) {
    qint64 id = card_.value(QStringLiteral("id")).toInteger();
    if (id <= 0) return;
    act(QStringLiteral("/v1/cards/%1/replace").arg(id),
        {{QStringLiteral("new_card_id"), new_card_id}}, tr("换卡 Replace"),
        [this, new_card_id](const ApiResult& r) {
            emit serviced(r);
            if (r.ok()) lookupId(new_card_id);
        });
}

FormDialog* CardsScreen::openRedeemDialog() {
    qint64 id = card_.value(QStringLiteral("id")).toInteger();
    auto* dialog = new FormDialog(client(), tr("赎回 Redeem card"),
                                  QStringLiteral("/v1/cards/%1/redeem").arg(id), this);
    FormWidget* f = dialog->form();
    f->addChoice(QStringLiteral("buyer.kind"), tr("购卡人类型 Buyer kind"),
                 {{QStringLiteral("individual"), tr("个人 Individual")},
                  {QStringLiteral("company"), tr("单位 Company")}});
    f->addChoice(QStringLiteral("buyer.id_type"), tr("证件类型 ID type"),
                 {{QStringLiteral("resident_id"), tr("居民身份证 Resident ID")},
                  {QStringLiteral("passport"), tr("护照 Passport")},
                  {QStringLiteral("hk_macau_permit"), tr("港澳通行证 HK/Macau permit")},
                  {QStringLiteral("taiwan_permit"), tr("台湾通行证 Taiwan permit")},
                  {QStringLiteral("other"), tr("其他 Other")}});
    f->addText(QStringLiteral("buyer.id_number"), tr("证件号 ID number"), false);
    f->addText(QStringLiteral("buyer.credit_code"), tr("统一社会信用代码 Credit code"), false);
    dialog->setAdjust([](QJsonObject& body) {
        QJsonObject buyer = body.value(QStringLiteral("buyer")).toObject();
        if (buyer.value(QStringLiteral("kind")).toString() == QStringLiteral("company"))
            buyer.remove(QStringLiteral("id_type"));
        body.insert(QStringLiteral("buyer"), buyer);
        return true;
    });
    connect(dialog, &FormDialog::submitted, this, [this, id](const ApiResult& r) {
        emit serviced(r);
        if (r.ok()) lookupId(id);
    });
    dialog->show();
    return dialog;
}

}  // namespace yika::gui
