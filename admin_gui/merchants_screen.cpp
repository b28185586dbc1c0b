#include "admin_gui/merchants_screen.h"

#include <QHBoxLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace yika::gui {

MerchantsScreen::MerchantsScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent),
      merchants_(new TableView(this)),
      stores_(new TableView(this)),
      terminals_(new TableView(this)),
      groups_(new TableView(this)) {
    using K = Column::Kind;
    merchants_->setColumns({{QStringLiteral("id"), tr("ID"), K::Number},
                            {QStringLiteral("mid"), tr("商户号 MID")},
                            {QStringLiteral("name"), tr("名称 Name")},
                            {QStringLiteral("group_id"), tr("商户组 Group"), K::Number},
                            {QStringLiteral("fee_bps"), tr("费率(bp) Fee bps"), K::Number},
                            {QStringLiteral("fee_mode"), tr("收费方式 Fee mode")},
                            {QStringLiteral("settle_days"), tr("结算周期 Settle days"), K::Number},
                            {QStringLiteral("bank_name"), tr("开户行 Bank")},
                            {QStringLiteral("bank_account"), tr("账号 Account")}});
    stores_->setColumns({{QStringLiteral("id"), tr("ID"), K::Number},
                         {QStringLiteral("name"), tr("门店 Store")},
                         {QStringLiteral("address"), tr("地址 Address")}});
    terminals_->setColumns({{QStringLiteral("id"), tr("ID"), K::Number},
                            {QStringLiteral("tid"), tr("终端号 TID")},
                            {QStringLiteral("store_id"), tr("门店 Store"), K::Number},
                            {QStringLiteral("state"), tr("状态 State")},
                            {QStringLiteral("batch_no"), tr("批次号 Batch no"), K::Number},
                            {QStringLiteral("signed_on_at_ms"), tr("签到 Signed on"), K::TimeMs}});
    groups_->setColumns({{QStringLiteral("id"), tr("ID"), K::Number},
                         {QStringLiteral("code"), tr("代码 Code")},
                         {QStringLiteral("name"), tr("名称 Name")}});
    auto* add_merchant =
        permissionButton(tr("新建商户 New merchant"), QStringLiteral("merchant_write"));
    auto* fee = permissionButton(tr("费率变更 Fee change"), QStringLiteral("fee_change_request"));
    auto* add_store = permissionButton(tr("新建门店 New store"), QStringLiteral("merchant_write"));
    auto* add_terminal =
        permissionButton(tr("新建终端 New terminal"), QStringLiteral("terminal_write"));
    auto* add_group =
        permissionButton(tr("新建商户组 New group"), QStringLiteral("merchant_write"));
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {add_merchant, fee, add_store, add_terminal, add_group})
        buttons->addWidget(b);
    buttons->addStretch();
    auto* tabs = new QTabWidget(this);
    tabs->addTab(stores_, tr("门店 Stores"));
    tabs->addTab(terminals_, tr("终端 Terminals"));
    tabs->addTab(groups_, tr("商户组 Groups"));
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(merchants_);
    split->addWidget(tabs);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);

    auto selected = [this] {
        return merchants_->currentRow().value(QStringLiteral("id")).toInteger();
    };
    connect(merchants_, &TableView::refreshRequested, this, &MerchantsScreen::refresh);
    connect(merchants_, &TableView::currentRowChanged, this, [this](const QJsonObject& row) {
        loadChildren(row.value(QStringLiteral("id")).toInteger());
    });
    connect(stores_, &TableView::refreshRequested, this,
            [this, selected] { loadChildren(selected()); });
    connect(terminals_, &TableView::refreshRequested, this,
            [this, selected] { loadChildren(selected()); });
    connect(groups_, &TableView::refreshRequested, this, &MerchantsScreen::refresh);
    connect(add_merchant, &QPushButton::clicked, this, [this] { openMerchantDialog(); });
    connect(add_group, &QPushButton::clicked, this, [this] { openGroupDialog(); });
    connect(fee, &QPushButton::clicked, this, [this, selected] {
        if (selected() > 0) openFeeChangeDialog(selected());
    });
    connect(add_store, &QPushButton::clicked, this, [this, selected] {
        if (selected() > 0) openStoreDialog(selected());
    });
    connect(add_terminal, &QPushButton::clicked, this, [this, selected] {
        if (selected() > 0) openTerminalDialog(selected());
    });
}

void MerchantsScreen::refresh() {
    // The groups first, then the merchants: refreshed() follows both.
    client().getAll(QStringLiteral("/v1/merchant-groups"), this,
                    [this](const QJsonArray& groups, const std::optional<ApiError>& ge) {
                        if (ge) emit message(ge->text());
                        groups_->setRows(groups);
                        client().getAll(
                            QStringLiteral("/v1/merchants"), this,
                            [this](const QJsonArray& rows, const std::optional<ApiError>& e) {
                                if (e) emit message(e->text());
                                merchants_->setRows(rows);
                                emit refreshed();
                            });
                    });
}

void MerchantsScreen::loadChildren(qint64 merchant_id) {
    if (merchant_id <= 0) {
        stores_->setRows({});
        terminals_->setRows({});
        return;
    }
    client().getAll(
        QStringLiteral("/v1/merchants/%1/stores").arg(merchant_id), this,
        [this](const QJsonArray& rows, const std::optional<ApiError>&) { stores_->setRows(rows); });
    client().getAll(QStringLiteral("/v1/terminals?merchant_id=%1").arg(merchant_id), this,
                    [this](const QJsonArray& rows, const std::optional<ApiError>&) {
                        terminals_->setRows(rows);
                    });
}

FormDialog* MerchantsScreen::openMerchantDialog() {
    auto* dialog = new FormDialog(client(), tr("新建商户 New merchant"),
                                  QStringLiteral("/v1/merchants"), this);
    FormWidget* f = dialog->form();
    f->addText(QStringLiteral("mid"), tr("商户号 MID (15)"));
    f->addText(QStringLiteral("name"), tr("名称 Name"));
    f->addInteger(QStringLiteral("group_id"), tr("商户组 Group id"), false);
    f->addInteger(QStringLiteral("fee_bps"), tr("费率(bp) Fee bps (0–10000)"));
    f->addChoice(
        QStringLiteral("fee_mode"), tr("收费方式 Fee mode"),
        {{QStringLiteral("net"), tr("内扣 Net")}, {QStringLiteral("gross"), tr("外收 Gross")}});
    f->addInteger(QStringLiteral("settle_days"), tr("结算周期(天) Settle days"), false);
    f->addText(QStringLiteral("bank_name"), tr("开户行 Bank name"));
    f->addText(QStringLiteral("bank_account"), tr("银行账号 Bank account"));
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (r.ok()) refresh();
    });
    dialog->show();
    return dialog;
}

FormDialog* MerchantsScreen::openGroupDialog() {
    auto* dialog = new FormDialog(client(), tr("新建商户组 New merchant group"),
                                  QStringLiteral("/v1/merchant-groups"), this);
    dialog->form()->addText(QStringLiteral("code"), tr("代码 Code"));
    dialog->form()->addText(QStringLiteral("name"), tr("名称 Name"));
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (r.ok()) refresh();
    });
    dialog->show();
    return dialog;
}

FormDialog* MerchantsScreen::openFeeChangeDialog(qint64 merchant_id) {
    auto* dialog =
        new FormDialog(client(), tr("费率变更申请 Fee change request"),
                       QStringLiteral("/v1/merchants/%1/fee-change").arg(merchant_id), this);
    FormWidget* f = dialog->form();
    f->addInteger(QStringLiteral("fee_bps"), tr("新费率(bp) New fee bps"));
    f->addChoice(
        QStringLiteral("fee_mode"), tr("收费方式 Fee mode"),
        {{QStringLiteral("net"), tr("内扣 Net")}, {QStringLiteral("gross"), tr("外收 Gross")}});
    f->addText(QStringLiteral("reason"), tr("原因 Reason"), false);
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (r.ok())
            emit message(tr("已提交，待第二人审批 Submitted; a second operator approves it"));
    });
    dialog->show();
    return dialog;
}

FormDialog* MerchantsScreen::openStoreDialog(qint64 merchant_id) {
    auto* dialog = new FormDialog(client(), tr("新建门店 New store"),
                                  QStringLiteral("/v1/merchants/%1/stores").arg(merchant_id), this);
    dialog->form()->addText(QStringLiteral("name"), tr("门店名称 Name"));
    dialog->form()->addText(QStringLiteral("address"), tr("地址 Address"), false);
    connect(dialog, &FormDialog::submitted, this, [this, merchant_id](const ApiResult& r) {
        if (r.ok()) loadChildren(merchant_id);
    });
    dialog->show();
    return dialog;
}

FormDialog* MerchantsScreen::openTerminalDialog(qint64 merchant_id) {
    auto* dialog = new FormDialog(client(), tr("新建终端 New terminal"),
                                  QStringLiteral("/v1/terminals"), this);
    dialog->form()->addText(QStringLiteral("tid"), tr("终端号 TID (8)"));
    dialog->form()->addInteger(QStringLiteral("store_id"), tr("门店 Store id"), false);
    dialog->setAdjust([merchant_id](QJsonObject& body) {
        body.insert(QStringLiteral("merchant_id"), merchant_id);
        return true;
    });
    connect(dialog, &FormDialog::submitted, this, [this, merchant_id](const ApiResult& r) {
        if (!r.ok()) return;
        // The key exists in this answer only: show it, let it be copied, keep no copy.
        last_key_text_ =
            tr("终端主密钥仅显示一次，请立即注入设备。The terminal master key is shown ONCE; "
               "inject it into the device now.\n\nTMK: %1\nKCV: %2")
                .arg(r.json.value(QStringLiteral("terminal_master_key_hex")).toString(),
                     r.json.value(QStringLiteral("key_check_value_hex")).toString());
        auto* box = new QMessageBox(QMessageBox::Warning, tr("终端主密钥 Terminal master key"),
                                    last_key_text_, QMessageBox::Ok, this);
        box->setTextInteractionFlags(Qt::TextSelectableByMouse);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("terminalKeyBox"));
        // Once the operator closes the box the key is gone from this program too.
        connect(box, &QMessageBox::finished, this, [this] {
            last_key_text_.fill(QChar('0'));
            last_key_text_.clear();
        });
        box->show();
        loadChildren(merchant_id);
    });
    dialog->show();
    return dialog;
}

}  // namespace yika::gui
