#include "admin_gui/day_screen.h"

#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace yika::gui {

namespace {
constexpr int kPollIntervalMs = 300;

bool readTextFile(QWidget* parent, const QString& title, QString* text) {
    QString path = QFileDialog::getOpenFileName(parent, title, QString(),
                                                QStringLiteral("CSV (*.csv);;* (*)"));
    if (path.isEmpty()) return false;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(parent, title, f.errorString());
        return false;
    }
    *text = QString::fromUtf8(f.readAll());
    return true;
}
}  // namespace

DayScreen::DayScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent),
      header_(new QLabel(this)),
      days_(new TableView(this)),
      steps_(new TableView(this)),
      payouts_(new TableView(this)),
      day_summary_(new QLabel(this)) {
    setUpColumns();
    auto* cut = permissionButton(tr("日切 Cut off"), QStringLiteral("day_close"));
    auto* close = permissionButton(tr("日终 Close day"), QStringLiteral("day_close"));
    auto* release =
        permissionButton(tr("申请放款 Request payout release"), QStringLiteral("payout_request"));
    auto* file = permissionButton(tr("下载付款文件 Payout file"), QStringLiteral("payout_request"));
    auto* results = permissionButton(tr("导入银行回盘 Import payout results"),
                                     QStringLiteral("settlement_import"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(header_, 1);
    for (QPushButton* b : {cut, close, release, file, results}) buttons->addWidget(b);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(steps_, tr("日终步骤 Close steps"));
    tabs->addTab(payouts_, tr("商户付款 Payouts"));
    auto* lower = new QWidget(this);
    auto* lower_layout = new QVBoxLayout(lower);
    lower_layout->setContentsMargins(0, 0, 0, 0);
    lower_layout->addWidget(day_summary_);
    lower_layout->addWidget(tabs, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(days_);
    split->addWidget(lower);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);

    connect(days_, &TableView::refreshRequested, this, &DayScreen::refresh);
    connect(days_, &TableView::currentRowChanged, this, [this](const QJsonObject& row) {
        loadDay(row.value(QStringLiteral("date")).toString());
    });
    connect(steps_, &TableView::refreshRequested, this, [this] { loadDay(selectedDate()); });
    connect(payouts_, &TableView::refreshRequested, this, [this] { loadDay(selectedDate()); });
    connect(cut, &QPushButton::clicked, this, [this] {
        if (QMessageBox::question(this, tr("日切 Cut off"),
                                  tr("结束营业日 %1？End business day %1?").arg(business_date_)) ==
            QMessageBox::Yes)
            cutoff();
    });
    connect(close, &QPushButton::clicked, this, [this] {
        if (!selectedDate().isEmpty()) closeDay(selectedDate());
    });
    connect(release, &QPushButton::clicked, this, [this] {
        if (!selectedDate().isEmpty()) requestRelease(selectedDate());
    });
    connect(file, &QPushButton::clicked, this, [this] {
        QString date = selectedDate();
        if (date.isEmpty()) return;
        QString path = QFileDialog::getSaveFileName(this, tr("付款文件 Payout file"),
                                                    QStringLiteral("payouts-%1.csv").arg(date));
        if (!path.isEmpty()) downloadPayoutFile(date, path);
    });
    connect(results, &QPushButton::clicked, this, [this] {
        QString csv;
        if (readTextFile(this, tr("银行回盘 Payout results"), &csv)) importPayoutResults(csv);
    });
}

void DayScreen::setUpColumns() {
    using K = Column::Kind;
    header_->setStyleSheet(QStringLiteral("font-size: 16px; font-weight: bold;"));
    header_->setObjectName(QStringLiteral("dayHeader"));
    days_->setColumns({{QStringLiteral("date"), tr("日期 Date")},
                       {QStringLiteral("state"), tr("状态 State")},
                       {QStringLiteral("cut_off_at_ms"), tr("日切 Cut off"), K::TimeMs},
                       {QStringLiteral("cut_off_by"), tr("日切人 Cut off by")},
                       {QStringLiteral("closed_at_ms"), tr("日终 Closed"), K::TimeMs}});
    steps_->setColumns({{QStringLiteral("name"), tr("步骤 Step")},
                        {QStringLiteral("done"), tr("完成 Done"), K::Bool},
                        {QStringLiteral("count"), tr("数量 Count"), K::Number},
                        {QStringLiteral("done_at_ms"), tr("完成时间 Done at"), K::TimeMs}});
    payouts_->setColumns({{QStringLiteral("reference"), tr("付款编号 Reference")},
                          {QStringLiteral("mid"), tr("商户号 MID")},
                          {QStringLiteral("merchant_name"), tr("商户 Merchant")},
                          {QStringLiteral("amount_minor"), tr("金额 Amount"), K::Money},
                          {QStringLiteral("value_date"), tr("起息日 Value date")},
                          {QStringLiteral("bank_name"), tr("开户行 Bank")},
                          {QStringLiteral("bank_account_masked"), tr("账号 Account")},
                          {QStringLiteral("state"), tr("状态 State")},
                          {QStringLiteral("bank_reference"), tr("银行流水 Bank ref")},
                          {QStringLiteral("failure_reason"), tr("失败原因 Failure")}});
}

QString DayScreen::selectedDate() const {
    return days_->currentRow().value(QStringLiteral("date")).toString();
}

void DayScreen::refresh() {
    client().get(QStringLiteral("/v1/day"))->then(this, [this](const ApiResult& r) {
        if (!r.ok()) {
            header_->setText(
                tr("无法读取营业日 Cannot read the business day: %1").arg(r.error->text()));
            emit refreshed();
            return;
        }
        business_date_ = r.json.value(QStringLiteral("business_date")).toString();
        QString next = r.json.value(QStringLiteral("next_to_close")).toString();
        header_->setText(
            tr("营业日 Business date: %1").arg(business_date_) +
            (next.isEmpty() ? QString() : tr("   待日终 Next to close: %1").arg(next)));
        days_->setRows(r.json.value(QStringLiteral("days")).toArray());
        emit refreshed();
    });
}

void DayScreen::loadDay(const QString& date) {
    if (date.isEmpty()) return;
    client().get(QStringLiteral("/v1/days/%1").arg(date))->then(this, [this](const ApiResult& r) {
        if (!r.ok()) return;
        steps_->setRows(r.json.value(QStringLiteral("steps")).toArray());
        QJsonObject release = r.json.value(QStringLiteral("payout_release")).toObject();
        day_summary_->setText(
            tr("%1：%2 笔付款 payouts, 合计 total ¥ %3；放款审批 release: %4")
                .arg(r.json.value(QStringLiteral("date")).toString())
                .arg(r.json.value(QStringLiteral("payouts")).toInteger())
                .arg(formatYuan(r.json.value(QStringLiteral("payouts_total_minor")).toInteger()))
                .arg(release.value(QStringLiteral("state")).toString()));
    });
    client().getAll(QStringLiteral("/v1/payouts?date=%1").arg(date), this,
                    [this](const QJsonArray& rows, const std::optional<ApiError>&) {
                        payouts_->setRows(rows);
                    });
}

void DayScreen::cutoff() {
    act(QStringLiteral("/v1/day/cutoff"), {{QStringLiteral("business_date"), business_date_}},
        tr("日切 Cut off"), [this](const ApiResult& r) {
            emit acted(r);
            refresh();
        });
}

QProgressDialog* DayScreen::closeDay(const QString& date) {
    QProgressDialog* dialog = jobProgress(QStringLiteral("closeProgress"), tr("日终 Day close"),
                                          tr("正在日终 %1 Closing %1").arg(date));
    startJob(
        dialog, QStringLiteral("/v1/days/%1/close").arg(date), kPollIntervalMs,
        [this](const ApiResult& r) { emit closeEnded(false, r.error->text()); },
        [this, date, dialog](QTimer* timer) { pollClose(date, dialog, timer); });
    return dialog;
}

void DayScreen::pollClose(const QString& date, QProgressDialog* dialog, QTimer* timer) {
    timer->stop();
    client()
        .get(QStringLiteral("/v1/days/%1").arg(date))
        ->then(dialog, [=, this](const ApiResult& r) {
            if (!r.ok()) {
                timer->start();
                return;
            }
            const QJsonArray steps = r.json.value(QStringLiteral("steps")).toArray();
            int done = 0;
            for (const QJsonValue& s : steps)
                done += s.toObject().value(QStringLiteral("done")).toBool();
            steps_->setRows(steps);
            if (!steps.isEmpty())
                dialog->setValue(static_cast<int>(qint64{done} * 100 / steps.size()));
            QJsonObject job = r.json.value(QStringLiteral("job")).toObject();
            dialog->setLabelText(tr("日终 %1：%2 / %3 步 steps  %4")
                                     .arg(date)
                                     .arg(done)
                                     .arg(steps.size())
                                     .arg(job.value(QStringLiteral("step")).toString()));
            bool closed =
                r.json.value(QStringLiteral("state")).toString() == QStringLiteral("CLOSED");
            bool failed = job.value(QStringLiteral("state")).toString() == QStringLiteral("failed");
            if (!closed && !failed) {
                timer->start();
                return;
            }
            if (closed) dialog->setValue(100);
            QString error = r.json.value(QStringLiteral("error")).toString();
            dialog->setLabelText(closed ? tr("日终完成 %1 closed").arg(date)
                                        : tr("日终失败 Close failed: %1").arg(error));
            dialog->setCancelButtonText(tr("关闭 Close"));
            emit closeEnded(closed, error);
            refresh();
        });
}

void DayScreen::requestRelease(const QString& date, const QString& note) {
    QJsonObject body;
    if (!note.isEmpty()) body.insert(QStringLiteral("note"), note);
    act(QStringLiteral("/v1/days/%1/payout-release").arg(date), body,
        tr("申请放款 Payout release request"), [this, date](const ApiResult& r) {
            emit acted(r);
            loadDay(date);
        });
}

void DayScreen::downloadPayoutFile(const QString& date, const QString& path) {
    client()
        .get(QStringLiteral("/v1/days/%1/payout-file").arg(date))
        ->then(this, [this, path](const ApiResult& r) {
            bool ok = r.ok();
            if (ok) {
                QFile f(path);
                ok = f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                     f.write(r.body) == r.body.size() && f.flush();
            }
            emit message(
                ok ? tr("付款文件已保存 Payout file saved: %1").arg(path)
                   : tr("下载失败 Download failed: %1").arg(r.error ? r.error->text() : path));
            emit acted(r);
        });
}

void DayScreen::importPayoutResults(const QString& csv) {
    act(QStringLiteral("/v1/payout-results"), {{QStringLiteral("csv"), csv}},
        tr("导入银行回盘 Payout results import"), [this](const ApiResult& r) {
            if (r.ok()) {
                emit message(tr("已付 paid %1, 失败 failed %2, 差异 exceptions %3")
                                 .arg(r.json.value(QStringLiteral("paid")).toInteger())
                                 .arg(r.json.value(QStringLiteral("failed")).toInteger())
                                 .arg(r.json.value(QStringLiteral("exceptions")).toInteger()));
            }
            emit acted(r);
            loadDay(selectedDate());
        });
}

// ---- reconciliation ----

ReconScreen::ReconScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent), table_(new TableView(this)) {
    using K = Column::Kind;
    table_->setColumns({{QStringLiteral("id"), tr("ID"), K::Number},
                        {QStringLiteral("kind"), tr("类型 Kind")},
                        {QStringLiteral("reference"), tr("关联 Reference")},
                        {QStringLiteral("detail"), tr("详情 Detail")},
                        {QStringLiteral("state"), tr("状态 State")},
                        {QStringLiteral("created_at_ms"), tr("发现 Found"), K::TimeMs},
                        {QStringLiteral("resolved_by"), tr("处理人 Resolved by")},
                        {QStringLiteral("resolution"), tr("处理说明 Resolution")}});
    auto* all = new QCheckBox(tr("含已处理 Include resolved"), this);
    auto* resolve_button = permissionButton(tr("处理 Resolve"), QStringLiteral("recon_resolve"));
    auto* statement = permissionButton(tr("导入银行对账单 Import bank statement"),
                                       QStringLiteral("settlement_import"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(all);
    buttons->addWidget(resolve_button);
    buttons->addWidget(statement);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(table_, 1);
    connect(table_, &TableView::refreshRequested, this, &ReconScreen::refresh);
    connect(all, &QCheckBox::toggled, this, [this](bool on) {
        all_ = on;
        refresh();
    });
    connect(resolve_button, &QPushButton::clicked, this, [this] {
        qint64 id = table_->currentRow().value(QStringLiteral("id")).toInteger();
        if (id <= 0) return;
        bool ok = false;
        QString comment = QInputDialog::getText(this, tr("处理差异 Resolve exception"),
                                                tr("说明 Comment"), QLineEdit::Normal, {}, &ok);
        if (ok) resolve(id, comment);
    });
    connect(statement, &QPushButton::clicked, this, [this] {
        QString csv;
        if (readTextFile(this, tr("银行对账单 Bank statement"), &csv)) importStatement(csv);
    });
}

void ReconScreen::refresh() {
    client().getAll(
        QStringLiteral("/v1/recon/exceptions?state=%1")
            .arg(all_ ? QStringLiteral("all") : QStringLiteral("open")),
        this,
        [this, sequence = ++sequence_](const QJsonArray& rows, const std::optional<ApiError>& e) {
            if (sequence != sequence_) return;  // a newer refresh() is on its way
            if (e) emit message(e->text());
            table_->setRows(rows);
            emit refreshed();
        });
}

void ReconScreen::resolve(qint64 exception_id, const QString& comment) {
    act(QStringLiteral("/v1/recon/exceptions/%1/resolve").arg(exception_id),
        {{QStringLiteral("comment"), comment}}, tr("处理差异 Resolve"), [this](const ApiResult& r) {
            emit acted(r);
            refresh();
        });
}

void ReconScreen::importStatement(const QString& csv) {
    act(QStringLiteral("/v1/bank-statements"), {{QStringLiteral("csv"), csv}},
        tr("导入银行对账单 Statement import"), [this](const ApiResult& r) {
            if (r.ok()) {
                emit message(
                    tr("匹配 matched %1 + %2, 未匹配 unmatched %3 / %4")
                        .arg(r.json.value(QStringLiteral("matched_payments")).toInteger())
                        .arg(r.json.value(QStringLiteral("matched_payouts")).toInteger())
                        .arg(r.json.value(QStringLiteral("unmatched_bank")).toInteger())
                        .arg(r.json.value(QStringLiteral("unmatched_system")).toInteger()));
            }
            emit acted(r);
            refresh();
        });
}

}  // namespace yika::gui
