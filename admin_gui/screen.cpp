#include "admin_gui/screen.h"

#include <QDialogButtonBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QVBoxLayout>

namespace yika::gui {

QPushButton* Screen::permissionButton(const QString& text, const QString& permission) {
    auto* b = new QPushButton(text, this);
    gated_.append({b, permission});
    b->setEnabled(client_.can(permission));
    return b;
}

void Screen::enableByPermission() {
    for (const auto& [button, permission] : gated_) {
        bool allowed = client_.can(permission);
        button->setEnabled(allowed);
        button->setToolTip(
            allowed ? QString()
                    : tr("您的角色没有权限 Your role lacks permission: %1").arg(permission));
    }
}

void Screen::act(const QString& path, const QJsonObject& body, const QString& what,
                 std::function<void(const ApiResult&)> done) {
    client_.post(path, body)->then(this, [this, what, done](const ApiResult& r) {
        if (!r.ok()) {
            emit message(tr("%1 失败 failed: %2").arg(what, r.error->text()));
        } else {
            emit message(tr("%1 完成 done").arg(what));
        }
        if (done) done(r);
    });
}

FormDialog::FormDialog(AdminClient& client, const QString& title, const QString& path,
                       QWidget* parent)
    : QDialog(parent), client_(client), path_(path), form_(new FormWidget(this)) {
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("提交 Submit"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("取消 Cancel"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(form_);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &FormDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(460);
}

void FormDialog::submit() {
    auto body = form_->toJson();
    if (!body) return;
    if (adjust_ && !adjust_(*body)) return;
    ok_->setEnabled(false);
    client_.post(path_, *body)->then(this, [this](const ApiResult& r) {
        ok_->setEnabled(true);
        result_ = r;
        if (!r.ok()) {
            form_->showError(*r.error);
        }
        emit submitted(r);
        if (r.ok()) accept();
    });
}

QProgressDialog* Screen::jobProgress(const QString& object_name, const QString& title,
                                     const QString& label) {
    auto* dialog = new QProgressDialog(label, tr("隐藏 Hide"), 0, 100, this);
    dialog->setObjectName(object_name);
    dialog->setWindowTitle(title);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    dialog->setMinimumDuration(0);
    dialog->setValue(0);
    dialog->show();
    return dialog;
}

void Screen::jobFailed(QProgressDialog* dialog, const ApiResult& r) {
    dialog->setLabelText(tr("失败 Failed: %1").arg(r.error->message));
    dialog->setCancelButtonText(tr("关闭 Close"));
}

void Screen::startJob(QProgressDialog* dialog, const QString& path, int poll_interval_ms,
                      std::function<void(const ApiResult&)> failed,
                      std::function<void(QTimer*)> poll) {
    auto* timer = new QTimer(dialog);
    timer->setInterval(poll_interval_ms);
    client().post(path)->then(dialog, [dialog, timer, failed, poll](const ApiResult& r) {
        if (!r.ok()) {
            jobFailed(dialog, r);
            failed(r);
            return;
        }
        connect(timer, &QTimer::timeout, dialog, [timer, poll] { poll(timer); });
        poll(timer);
    });
}

}  // namespace yika::gui
