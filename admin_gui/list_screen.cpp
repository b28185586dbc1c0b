#include "admin_gui/list_screen.h"

#include <QCheckBox>
#include <QComboBox>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace yika::gui {

ListScreen::ListScreen(AdminClient& client, QString path, QList<Column> columns, QWidget* parent)
    : Screen(client, parent),
      path_(std::move(path)),
      table_(new TableView(this)),
      buttons_(new QHBoxLayout) {
    table_->setColumns(std::move(columns));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons_);
    layout->addWidget(table_, 1);
    connect(table_, &TableView::refreshRequested, this, &ListScreen::refresh);
}

void ListScreen::refresh() {
    client().getAll(
        path_, this,
        [this, sequence = ++sequence_](const QJsonArray& rows, const std::optional<ApiError>& e) {
            if (sequence != sequence_) return;  // a newer refresh() is on its way
            if (e) emit message(e->text());
            table_->setRows(rows);
            emit refreshed();
        });
}

// ---- products ----

ProductsScreen::ProductsScreen(AdminClient& client, QWidget* parent)
    : ListScreen(
          client, QStringLiteral("/v1/products"),
          {{QStringLiteral("id"), tr("ID"), Column::Kind::Number},
           {QStringLiteral("code"), tr("代码 Code")},
           {QStringLiteral("name"), tr("名称 Name")},
           {QStringLiteral("bin"), tr("BIN")},
           {QStringLiteral("named"), tr("记名 Named"), Column::Kind::Bool},
           {QStringLiteral("reloadable"), tr("可充值 Reloadable"), Column::Kind::Bool},
           {QStringLiteral("max_balance_minor"), tr("余额上限 Max balance"), Column::Kind::Money},
           {QStringLiteral("validity_months"), tr("有效期(月) Validity months"),
            Column::Kind::Number},
           {QStringLiteral("purchase_max_minor"), tr("单笔上限 Purchase max"), Column::Kind::Money},
           {QStringLiteral("scope_group_id"), tr("商户组 Scope group"), Column::Kind::Number}},
          parent) {
    auto* create = permissionButton(tr("新建产品 New product"), QStringLiteral("product_write"));
    buttons()->addWidget(create);
    buttons()->addStretch();
    connect(create, &QPushButton::clicked, this, [this] { openProductDialog(); });
}

FormDialog* ProductsScreen::openProductDialog() {
    auto* dialog = new FormDialog(client(), tr("新建卡产品 New card product"),
                                  QStringLiteral("/v1/products"), this);
    FormWidget* f = dialog->form();
    f->addText(QStringLiteral("code"), tr("代码 Code"));
    f->addText(QStringLiteral("name"), tr("名称 Name"));
    f->addText(QStringLiteral("bin"), tr("BIN (6–8 位 digits)"));
    f->addInteger(QStringLiteral("pan_length"), tr("卡号长度 PAN length"), false);
    f->addBool(QStringLiteral("named"), tr("记名 Named"))->setChecked(true);
    f->addBool(QStringLiteral("reloadable"), tr("可充值 Reloadable"));
    f->addMoney(QStringLiteral("max_balance_minor"), tr("余额上限 Max balance (元)"), false);
    f->addInteger(QStringLiteral("validity_months"), tr("有效期(月) Validity months"), false);
    // Empty limits take the design's defaults for a named or anonymous product (the server's).
    f->addText(QStringLiteral("load_amounts_minor"),
               tr("面值 Load amounts (元, 逗号分隔 comma-separated)"), false,
               tr("空=任意 empty: any amount"));
    f->addMoney(QStringLiteral("purchase_max_minor"), tr("单笔消费上限 Purchase max (元)"), false);
    f->addMoney(QStringLiteral("daily_spend_max_minor"), tr("日消费上限 Daily spend max (元)"),
                false);
    f->addInteger(QStringLiteral("daily_count_max"), tr("日消费笔数上限 Daily count max"), false);
    f->addMoney(QStringLiteral("pin_threshold_daily_minor"),
                tr("免密日累计上限 PIN threshold per day (元)"), false);
    f->addInteger(QStringLiteral("scope_group_id"),
                  tr("适用商户组 Scope group id (空=全网 empty: whole network)"), false);
    // The load amounts are one text field here and an array of fen in the body.
    dialog->setAdjust([f](QJsonObject& body) {
        const QString text = body.take(QStringLiteral("load_amounts_minor")).toString();
        if (text.isEmpty()) return true;
        QJsonArray amounts;
        for (const QString& part :
             text.split(QRegularExpression(QStringLiteral("[,，\\s]+")), Qt::SkipEmptyParts)) {
            auto minor = parseYuan(part);
            if (!minor) {
                f->showError(ApiError{0, QStringLiteral("invalid_amount"),
                                      tr("金额格式：元，最多两位小数 Amount in yuan, at most 2 "
                                         "decimals: %1")
                                          .arg(part),
                                      QStringLiteral("load_amounts_minor")});
                return false;
            }
            amounts.append(*minor);
        }
        body.insert(QStringLiteral("load_amounts_minor"), amounts);
        return true;
    });
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (r.ok()) refresh();
    });
    dialog->show();
    return dialog;
}

// ---- stock ----

StockScreen::StockScreen(AdminClient& client, QWidget* parent)
    : ListScreen(client, QStringLiteral("/v1/stock"),
                 {{QStringLiteral("product_code"), tr("产品 Product")},
                  {QStringLiteral("location"), tr("库位 Location")},
                  {QStringLiteral("free"), tr("可售 Free"), Column::Kind::Number},
                  {QStringLiteral("reserved"), tr("已预留 Reserved"), Column::Kind::Number}},
                 parent) {
    auto* location = new QLineEdit(this);
    location->setPlaceholderText(tr("库位（空=全部）Location (empty: all)"));
    buttons()->addWidget(new QLabel(tr("库位 Location"), this));
    buttons()->addWidget(location);
    buttons()->addStretch();
    connect(location, &QLineEdit::editingFinished, this, [this, location] {
        QString l = location->text().trimmed();
        setPath(l.isEmpty() ? QStringLiteral("/v1/stock")
                            : QStringLiteral("/v1/stock?location=") +
                                  QString::fromLatin1(QUrl::toPercentEncoding(l)));
        refresh();
    });
}

void StockScreen::refresh() {
    client().getAll(QStringLiteral("/v1/products"), this,
                    [this](const QJsonArray& products, const std::optional<ApiError>&) {
                        client().getAll(path(), this,
                                        [this, products](const QJsonArray& rows,
                                                         const std::optional<ApiError>& e) {
                                            if (e) emit message(e->text());
                                            table()->setRows(withProductCodes(rows, products));
                                            emit refreshed();
                                        });
                    });
}

// ---- approvals ----

ApprovalsScreen::ApprovalsScreen(AdminClient& client, QWidget* parent)
    : ListScreen(
          client, QStringLiteral("/v1/approvals?state=PENDING"),
          {{QStringLiteral("id"), tr("ID"), Column::Kind::Number},
           {QStringLiteral("kind"), tr("类型 Kind")},
           {QStringLiteral("state"), tr("状态 State")},
           {QStringLiteral("summary"), tr("摘要 Summary")},
           {QStringLiteral("requested_by"), tr("申请人 Requested by")},
           {QStringLiteral("requested_at_ms"), tr("申请时间 Requested"), Column::Kind::TimeMs},
           {QStringLiteral("decided_by"), tr("审批人 Decided by")},
           {QStringLiteral("note"), tr("备注 Note")},
           {QStringLiteral("result"), tr("结果 Result")}},
          parent) {
    auto* state = new QComboBox(this);
    state->addItem(tr("待审批 Pending"), QStringLiteral("PENDING"));
    state->addItem(tr("已执行 Executed"), QStringLiteral("EXECUTED"));
    state->addItem(tr("已驳回 Rejected"), QStringLiteral("REJECTED"));
    state->addItem(tr("全部 All"), QString());
    // Approving needs the kind's approve permission; the server decides per request, the
    // buttons are only disabled for roles that approve nothing.
    auto* approve = new QPushButton(tr("批准 Approve"), this);
    auto* reject = new QPushButton(tr("驳回 Reject"), this);
    decide_buttons_ = {approve, reject};
    adjust_button_ =
        permissionButton(tr("调账申请 Manual adjustment"), QStringLiteral("adjustment_request"));
    buttons()->addWidget(state);
    buttons()->addWidget(approve);
    buttons()->addWidget(reject);
    buttons()->addWidget(adjust_button_);
    buttons()->addStretch();
    connect(adjust_button_, &QPushButton::clicked, this, [this] { openAdjustmentDialog(); });
    connect(state, &QComboBox::currentIndexChanged, this, [this, state] {
        QString s = state->currentData().toString();
        setPath(s.isEmpty() ? QStringLiteral("/v1/approvals")
                            : QStringLiteral("/v1/approvals?state=") + s);
        refresh();
    });
    for (QPushButton* b : {approve, reject}) {
        bool is_approve = b == approve;
        connect(b, &QPushButton::clicked, this, [this, is_approve] {
            if (selectedId() <= 0) return;
            bool ok = false;
            QString note =
                QInputDialog::getText(this, is_approve ? tr("批准 Approve") : tr("驳回 Reject"),
                                      tr("备注 Note"), QLineEdit::Normal, {}, &ok);
            if (ok) decide(selectedId(), is_approve, note);
        });
    }
}

void ApprovalsScreen::applyPermissions() {
    bool any = false;
    for (const char* p :
         {"batch_approve", "adjustment_approve", "fee_change_approve", "payout_approve"}) {
        any = any || client().can(QString::fromLatin1(p));
    }
    for (QPushButton* b : decide_buttons_) b->setEnabled(any);
    enableByPermission();
}

FormDialog* ApprovalsScreen::openAdjustmentDialog() {
    auto* dialog = new FormDialog(client(), tr("调账申请 Manual adjustment request"),
                                  QStringLiteral("/v1/adjustments"), this);
    FormWidget* f = dialog->form();
    f->addText(QStringLiteral("reason"), tr("原因 Reason"));
    // The chart without 2201: a card's balance moves only through card transactions (the
    // server refuses it; offering it would only produce a refusal).
    const QList<QPair<QString, QString>> accounts = {
        {QStringLiteral("1001"), tr("1001 备付金 Reserve fund")},
        {QStringLiteral("1122"), tr("1122 应收购卡款 Buyer receivable")},
        {QStringLiteral("1131"), tr("1131 应收手续费 Fee receivable")},
        {QStringLiteral("2202"), tr("2202 待清算 Merchant pending (sub: merchant id)")},
        {QStringLiteral("2203"), tr("2203 应付结算款 Merchant payable (sub: merchant id)")},
        {QStringLiteral("2204"), tr("2204 预收款 Buyer deposits")},
        {QStringLiteral("6001"), tr("6001 手续费收入 Fee income")},
        {QStringLiteral("6002"), tr("6002 沉淀收入 Breakage income")},
        {QStringLiteral("6401"), tr("6401 售卡折扣 Sales discount")}};
    for (int i = 0; i < kAdjustmentLines; ++i) {
        const QString line = QStringLiteral("lines[%1].").arg(i);
        const QString n = QString::number(i + 1);
        f->addChoice(line + QStringLiteral("account"), tr("第%1行 科目 Line %1 account").arg(n),
                     accounts);
        f->addChoice(line + QStringLiteral("side"), tr("第%1行 借贷 Line %1 side").arg(n),
                     {{QStringLiteral("debit"), tr("借 Debit")},
                      {QStringLiteral("credit"), tr("贷 Credit")}});
        f->addInteger(line + QStringLiteral("sub"), tr("第%1行 商户 Line %1 merchant id").arg(n),
                      false);
        // Two lines at least: the first two amounts are required.
        f->addMoney(line + QStringLiteral("amount_minor"),
                    tr("第%1行 金额 Line %1 amount (元)").arg(n), i < 2);
        // The server names the line ("lines[1]: no merchant 9"); what it can say about a line
        // of this form is about its merchant sub-account.
        f->addAlias(QStringLiteral("lines[%1]").arg(i), line + QStringLiteral("sub"));
    }
    dialog->setAdjust([](QJsonObject& body) {
        QJsonArray lines;
        for (int i = 0; i < kAdjustmentLines; ++i) {
            const QString key = QStringLiteral("lines[%1]").arg(i);
            QJsonObject line = body.take(key).toObject();
            if (!line.contains(QStringLiteral("amount_minor"))) continue;  // an unused line
            line.insert(QStringLiteral("account"),
                        line.value(QStringLiteral("account")).toString().toInt());
            lines.append(line);
        }
        body.insert(QStringLiteral("lines"), lines);
        return true;
    });
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (!r.ok()) return;
        emit message(tr("已提交，待第二人审批 Submitted; a second operator approves it"));
        refresh();
    });
    dialog->show();
    return dialog;
}

void ApprovalsScreen::decide(qint64 approval_id, bool approve, const QString& note) {
    QJsonObject body;
    if (!note.isEmpty()) body.insert(QStringLiteral("note"), note);
    act(QStringLiteral("/v1/approvals/%1/%2")
            .arg(approval_id)
            .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject")),
        body, approve ? tr("批准 Approve") : tr("驳回 Reject"), [this](const ApiResult& r) {
            emit decided(r);
            refresh();
        });
}

// ---- operators ----

OperatorsScreen::OperatorsScreen(AdminClient& client, QWidget* parent)
    : ListScreen(
          client, QStringLiteral("/v1/operators"),
          {{QStringLiteral("id"), tr("ID"), Column::Kind::Number},
           {QStringLiteral("name"), tr("用户名 Name")},
           {QStringLiteral("display_name"), tr("姓名 Display name")},
           {QStringLiteral("role"), tr("角色 Role")},
           {QStringLiteral("must_change_password"), tr("须改密码 Must change password"),
            Column::Kind::Bool},
           {QStringLiteral("disabled"), tr("停用 Disabled"), Column::Kind::Bool},
           {QStringLiteral("locked_until_ms"), tr("锁定至 Locked until"), Column::Kind::TimeMs},
           {QStringLiteral("created_by"), tr("创建人 Created by")}},
          parent) {
    auto* create =
        permissionButton(tr("新建操作员 New operator"), QStringLiteral("operator_manage"));
    auto* disable = permissionButton(tr("停用 Disable"), QStringLiteral("operator_manage"));
    auto* reset =
        permissionButton(tr("重置密码 Reset password"), QStringLiteral("operator_manage"));
    for (QPushButton* b : {create, disable, reset}) buttons()->addWidget(b);
    buttons()->addStretch();
    connect(create, &QPushButton::clicked, this, [this] { openCreateDialog(); });
    connect(disable, &QPushButton::clicked, this, [this] {
        if (selectedId() > 0)
            act(QStringLiteral("/v1/operators/%1/disable").arg(selectedId()), {},
                tr("停用 Disable"), [this](const ApiResult&) { refresh(); });
    });
    connect(reset, &QPushButton::clicked, this, [this] {
        if (selectedId() <= 0) return;
        act(QStringLiteral("/v1/operators/%1/reset-password").arg(selectedId()), {},
            tr("重置密码 Reset password"), [this](const ApiResult& r) {
                if (r.ok()) {
                    QMessageBox::information(
                        this, tr("一次性密码 One-time password"),
                        tr("仅显示一次，请当面交给操作员。Shown once; hand it to the operator in "
                           "person:\n\n%1")
                            .arg(r.json.value(QStringLiteral("one_time_password")).toString()));
                }
                refresh();
            });
    });
}

void OperatorsScreen::refresh() {
    if (!client().can(QStringLiteral("operator_read"))) {
        table()->setRows({});
        emit refreshed();
        return;
    }
    ListScreen::refresh();
}

FormDialog* OperatorsScreen::openCreateDialog() {
    auto* dialog = new FormDialog(client(), tr("新建操作员 New operator"),
                                  QStringLiteral("/v1/operators"), this);
    FormWidget* f = dialog->form();
    f->addText(QStringLiteral("name"), tr("用户名 Name (a-z 0-9 . _ -)"));
    f->addText(QStringLiteral("display_name"), tr("姓名 Display name"));
    f->addChoice(QStringLiteral("role"), tr("角色 Role"),
                 {{QStringLiteral("issuance"), tr("制卡 Issuance")},
                  {QStringLiteral("finance"), tr("财务 Finance")},
                  {QStringLiteral("customer_service"), tr("客服 Customer service")},
                  {QStringLiteral("auditor"), tr("审计 Auditor")},
                  {QStringLiteral("administrator"), tr("管理员 Administrator")}});
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (!r.ok()) return;
        QMessageBox::information(
            this, tr("一次性密码 One-time password"),
            tr("仅显示一次，请当面交给操作员。Shown once; hand it to the operator in person:\n\n%1")
                .arg(r.json.value(QStringLiteral("one_time_password")).toString()));
        refresh();
    });
    dialog->show();
    return dialog;
}

// ---- audit ----

AuditScreen::AuditScreen(AdminClient& client, QWidget* parent)
    : ListScreen(client, QStringLiteral("/v1/audit"),
                 {{QStringLiteral("id"), tr("ID"), Column::Kind::Number},
                  {QStringLiteral("at_ms"), tr("时间 Time"), Column::Kind::TimeMs},
                  {QStringLiteral("actor"), tr("操作人 Actor")},
                  {QStringLiteral("role"), tr("角色 Role")},
                  {QStringLiteral("action"), tr("动作 Action")},
                  {QStringLiteral("target"), tr("对象 Target")},
                  {QStringLiteral("outcome"), tr("结果 Outcome")},
                  {QStringLiteral("detail"), tr("详情 Detail")}},
                 parent) {
    auto* verify = permissionButton(tr("校验哈希链 Verify chain"), QStringLiteral("audit_read"));
    auto* result = new QLabel(this);
    buttons()->addWidget(verify);
    buttons()->addWidget(result, 1);
    connect(verify, &QPushButton::clicked, this, [this, result] {
        this->client()
            .get(QStringLiteral("/v1/audit/verify"))
            ->then(this, [result](const ApiResult& r) {
                if (!r.ok()) {
                    result->setText(r.error->text());
                    return;
                }
                bool ok = r.json.value(QStringLiteral("ok")).toBool();
                result->setText(
                    ok ? tr("完整 Intact: %1 rows, head %2")
                             .arg(r.json.value(QStringLiteral("rows")).toInteger())
                             .arg(r.json.value(QStringLiteral("head_id")).toInteger())
                       : tr("断裂于 Broken at row %1")
                             .arg(r.json.value(QStringLiteral("first_broken_id")).toInteger()));
            });
    });
}

void AuditScreen::refresh() {
    if (!client().can(QStringLiteral("audit_read"))) {
        table()->setRows({});
        emit refreshed();
        return;
    }
    ListScreen::refresh();
}

}  // namespace yika::gui
