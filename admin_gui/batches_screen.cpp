#include "admin_gui/batches_screen.h"

#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLineEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace yika::gui {

namespace {
// How often the progress dialog asks the server; generation runs in chunks of thousands of
// cards, so a few polls a second show steady progress without loading the server.
constexpr int kPollIntervalMs = 250;
}  // namespace

BatchesScreen::BatchesScreen(AdminClient& client, QWidget* parent)
    : Screen(client, parent), table_(new TableView(this)) {
    using K = Column::Kind;
    table_->setColumns({{QStringLiteral("id"), tr("批次 Batch"), K::Number},
                        {QStringLiteral("product_code"), tr("产品 Product")},
                        {QStringLiteral("quantity"), tr("数量 Quantity"), K::Number},
                        {QStringLiteral("state"), tr("状态 State")},
                        {QStringLiteral("location"), tr("库位 Location")},
                        {QStringLiteral("generation.done"), tr("已生成 Generated"), K::Number},
                        {QStringLiteral("first_card_id"), tr("起始卡 First card"), K::Number},
                        {QStringLiteral("last_card_id"), tr("结束卡 Last card"), K::Number},
                        {QStringLiteral("card_expiry"), tr("有效期 Expiry")},
                        {QStringLiteral("requested_by"), tr("申请人 Requested by")},
                        {QStringLiteral("approved_by"), tr("批准人 Approved by")},
                        {QStringLiteral("requested_at_ms"), tr("申请时间 Requested"), K::TimeMs}});
    auto* request = permissionButton(tr("申请 Request"), QStringLiteral("batch_request"));
    auto* approve = permissionButton(tr("批准 Approve"), QStringLiteral("batch_approve"));
    auto* reject = permissionButton(tr("驳回 Reject"), QStringLiteral("batch_approve"));
    auto* generate_button = permissionButton(tr("生成 Generate"), QStringLiteral("batch_produce"));
    auto* file = permissionButton(tr("下载密封文件 Sealed file"), QStringLiteral("batch_produce"));
    auto* exported = permissionButton(tr("已交付 Exported"), QStringLiteral("batch_produce"));
    auto* receive = permissionButton(tr("入库 Receive"), QStringLiteral("batch_produce"));
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {request, approve, reject, generate_button, file, exported, receive})
        buttons->addWidget(b);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(table_, 1);

    connect(table_, &TableView::refreshRequested, this, &BatchesScreen::refresh);
    connect(request, &QPushButton::clicked, this, [this] { openRequestDialog(); });
    connect(approve, &QPushButton::clicked, this, [this] {
        if (selectedId() > 0) decide(selectedId(), true);
    });
    connect(reject, &QPushButton::clicked, this, [this] {
        if (selectedId() <= 0) return;
        bool ok = false;
        QString note = QInputDialog::getText(this, tr("驳回 Reject"), tr("原因 Reason"),
                                             QLineEdit::Normal, {}, &ok);
        if (ok) decide(selectedId(), false, note);
    });
    connect(generate_button, &QPushButton::clicked, this, [this] {
        if (selectedId() > 0) generate(selectedId());
    });
    connect(file, &QPushButton::clicked, this, [this] {
        if (selectedId() <= 0) return;
        QString path = QFileDialog::getSaveFileName(
            this, tr("密封文件 Sealed file"), QStringLiteral("batch-%1.sealed").arg(selectedId()));
        if (!path.isEmpty()) downloadFile(selectedId(), path);
    });
    connect(exported, &QPushButton::clicked, this, [this] {
        if (selectedId() > 0) advance(selectedId(), QStringLiteral("export"));
    });
    connect(receive, &QPushButton::clicked, this, [this] {
        if (selectedId() > 0) advance(selectedId(), QStringLiteral("receive"));
    });
}

qint64 BatchesScreen::selectedId() const {
    return table_->currentRow().value(QStringLiteral("id")).toInteger();
}

void BatchesScreen::applyPermissions() { enableByPermission(); }

void BatchesScreen::refresh() {
    // Products first (the request form offers them), then the list; refreshed() after both.
    client().getAll(QStringLiteral("/v1/products"), this,
                    [this](const QJsonArray& products, const std::optional<ApiError>&) {
                        products_ = products;
                        client().getAll(
                            QStringLiteral("/v1/batches"), this,
                            [this](const QJsonArray& rows, const std::optional<ApiError>& error) {
                                if (error) emit message(error->text());
                                table_->setRows(withProductCodes(rows, products_));
                                emit refreshed();
                            });
                    });
}

FormDialog* BatchesScreen::openRequestDialog() {
    auto* dialog = new FormDialog(client(), tr("申请制卡 Request a production batch"),
                                  QStringLiteral("/v1/batches"), this);
    QList<QPair<QString, QString>> choices;
    for (const QJsonValue& v : products_) {
        QJsonObject p = v.toObject();
        choices.append({QString::number(p.value(QStringLiteral("id")).toInteger()),
                        QStringLiteral("%1 %2").arg(p.value(QStringLiteral("code")).toString(),
                                                    p.value(QStringLiteral("name")).toString())});
    }
    dialog->form()->addChoice(QStringLiteral("product_id"), tr("卡产品 Product"), choices);
    dialog->form()->addInteger(QStringLiteral("quantity"), tr("数量 Quantity"));
    dialog->form()
        ->addText(QStringLiteral("location"), tr("库位 Location"))
        ->setText(QStringLiteral("HQ"));
    dialog->setAdjust([](QJsonObject& body) {
        // The choice carries the id as text; the API wants an integer.
        body.insert(QStringLiteral("product_id"),
                    body.value(QStringLiteral("product_id")).toString().toLongLong());
        return true;
    });
    connect(dialog, &FormDialog::submitted, this, [this](const ApiResult& r) {
        if (r.ok()) {
            emit message(
                tr("已申请批次 Batch %1 requested; a second operator must approve it")
                    .arg(JsonTableModel::valueAt(r.json, QStringLiteral("batch.id")).toInteger()));
            refresh();
        }
    });
    dialog->show();
    return dialog;
}

void BatchesScreen::decide(qint64 batch_id, bool approve, const QString& note) {
    // The batch's pending request is the approval whose reference is "batch:<id>".
    const QString reference = QStringLiteral("batch:%1").arg(batch_id);
    client().getAll(
        QStringLiteral("/v1/approvals?state=PENDING"), this,
        [this, reference, approve, note](const QJsonArray& rows,
                                         const std::optional<ApiError>& error) {
            qint64 approval = 0;
            for (const QJsonValue& v : rows) {
                if (v.toObject().value(QStringLiteral("reference")).toString() == reference)
                    approval = v.toObject().value(QStringLiteral("id")).toInteger();
            }
            if (error || approval == 0) {
                ApiResult none;
                none.error = error.value_or(
                    ApiError{404,
                             QStringLiteral("not_found"),
                             tr("没有待审批的申请 No pending request for %1").arg(reference),
                             {}});
                emit message(none.error->text());
                emit decided(none);
                return;
            }
            QJsonObject body;
            if (!note.isEmpty()) body.insert(QStringLiteral("note"), note);
            act(QStringLiteral("/v1/approvals/%1/%2")
                    .arg(approval)
                    .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject")),
                body, approve ? tr("批准 Approve") : tr("驳回 Reject"), [this](const ApiResult& r) {
                    emit decided(r);
                    refresh();
                });
        });
}

QProgressDialog* BatchesScreen::generate(qint64 batch_id) {
    QProgressDialog* dialog =
        jobProgress(QStringLiteral("generationProgress"), tr("生成卡号 Generating cards"),
                    tr("正在生成批次 %1 Generating batch %1").arg(batch_id));
    startJob(
        dialog, QStringLiteral("/v1/batches/%1/generate").arg(batch_id), kPollIntervalMs,
        [this](const ApiResult& r) { emit generationEnded(false, r.error->text()); },
        [this, batch_id, dialog](QTimer* timer) { poll(batch_id, dialog, timer); });
    return dialog;
}

void BatchesScreen::poll(qint64 batch_id, QProgressDialog* dialog, QTimer* timer) {
    timer->stop();  // one request at a time; restarted when this one is answered
    client()
        .get(QStringLiteral("/v1/batches/%1").arg(batch_id))
        ->then(dialog, [this, dialog, timer](const ApiResult& r) {
            if (!r.ok()) {
                emit message(r.error->text());
                timer->start();
                return;
            }
            QJsonObject g = r.json.value(QStringLiteral("generation")).toObject();
            qint64 total = g.value(QStringLiteral("total")).toInteger();
            qint64 done = g.value(QStringLiteral("done")).toInteger();
            QString state = g.value(QStringLiteral("state")).toString();
            if (total > 0) dialog->setValue(static_cast<int>(done * 100 / total));
            dialog->setLabelText(tr("已生成 %1 / %2 张卡 cards generated")
                                     .arg(QLocale().toString(done), QLocale().toString(total)));
            if (state == QStringLiteral("running") || g.isEmpty()) {
                if (g.isEmpty() && r.json.value(QStringLiteral("state")).toString() ==
                                       QStringLiteral("GENERATED")) {
                    dialog->setValue(100);
                } else {
                    timer->start();
                    return;
                }
            }
            bool ok = state != QStringLiteral("failed");
            if (ok) dialog->setValue(100);
            dialog->setLabelText(
                ok ? tr("完成：%1 张卡已生成 Done: %1 cards generated")
                         .arg(QLocale().toString(total))
                   : tr("失败 Failed: %1").arg(g.value(QStringLiteral("error")).toString()));
            dialog->setCancelButtonText(tr("关闭 Close"));
            emit generationEnded(ok, g.value(QStringLiteral("error")).toString());
            refresh();
        });
}

void BatchesScreen::advance(qint64 batch_id, const QString& action) {
    act(QStringLiteral("/v1/batches/%1/%2").arg(batch_id).arg(action), {},
        action == QStringLiteral("receive") ? tr("入库 Receive") : tr("交付 Export"),
        [this](const ApiResult& r) {
            emit advanced(r);
            refresh();
        });
}

void BatchesScreen::downloadFile(qint64 batch_id, const QString& path) {
    client()
        .get(QStringLiteral("/v1/batches/%1/file").arg(batch_id))
        ->then(this, [this, path](const ApiResult& r) {
            bool ok = r.ok();
            if (ok) {
                QFile f(path);
                ok = f.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
                     f.write(r.body) == r.body.size() && f.flush();
            }
            emit message(
                ok ? tr("密封文件已保存 Sealed file saved: %1").arg(path)
                   : tr("下载失败 Download failed: %1").arg(r.error ? r.error->text() : path));
            emit downloaded(ok);
        });
}

}  // namespace yika::gui
