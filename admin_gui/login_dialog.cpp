#include "admin_gui/login_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace yika::gui {

namespace {
const char* kErrorStyle = "color: #b00020;";
}

LoginDialog::LoginDialog(AdminClient& client, QWidget* parent)
    : QDialog(parent),
      client_(client),
      address_(new QLineEdit(this)),
      user_(new QLineEdit(this)),
      password_(new QLineEdit(this)),
      error_(new QLabel(this)) {
    setWindowTitle(tr("一卡后台 登录 Yika back office — Log in"));
    QSettings settings;
    address_->setText(
        settings.value(QStringLiteral("server/address"), QStringLiteral("http://127.0.0.1:8481"))
            .toString());
    user_->setText(settings.value(QStringLiteral("server/user")).toString());
    password_->setEchoMode(QLineEdit::Password);
    error_->setStyleSheet(QString::fromLatin1(kErrorStyle));
    error_->setWordWrap(true);
    auto* title = new QLabel(tr("一卡 Yika"), this);
    title->setStyleSheet(QStringLiteral("font-size: 22px; font-weight: bold;"));
    auto* form = new QFormLayout;
    form->addRow(tr("服务器 Server"), address_);
    form->addRow(tr("用户名 User"), user_);
    form->addRow(tr("密码 Password"), password_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("登录 Log in"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("退出 Quit"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(form);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &LoginDialog::login);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(420);
    if (!user_->text().isEmpty()) password_->setFocus();
}

QString LoginDialog::errorText() const { return error_->text(); }

void LoginDialog::login() {
    QUrl url = QUrl::fromUserInput(address_->text().trimmed());
    if (!url.isValid() ||
        (url.scheme() != QStringLiteral("http") && url.scheme() != QStringLiteral("https"))) {
        error_->setText(tr("服务器地址无效 Invalid server address"));
        return;
    }
    client_.setBaseUrl(url);
    ok_->setEnabled(false);
    error_->clear();
    client_.login(user_->text().trimmed(), password_->text())
        ->then(this, [this](const ApiResult& r) {
            ok_->setEnabled(true);
            password_->clear();
            if (!r.ok()) {
                error_->setText(r.error->code == QStringLiteral("bad_credentials")
                                    ? tr("用户名或密码错误 Wrong user name or password")
                                : r.error->code == QStringLiteral("locked")
                                    ? tr("账户已锁定，请稍后再试 Locked; try again later")
                                    : r.error->text());
                emit attempted(r);
                return;
            }
            QSettings settings;
            settings.setValue(QStringLiteral("server/address"), address_->text().trimmed());
            settings.setValue(QStringLiteral("server/user"), user_->text().trimmed());
            emit attempted(r);
            accept();
        });
}

ChangePasswordDialog::ChangePasswordDialog(AdminClient& client, QWidget* parent)
    : QDialog(parent),
      client_(client),
      old_(new QLineEdit(this)),
      new_(new QLineEdit(this)),
      repeat_(new QLineEdit(this)),
      error_(new QLabel(this)) {
    setWindowTitle(tr("修改密码 Change password"));
    for (QLineEdit* e : {old_, new_, repeat_}) e->setEchoMode(QLineEdit::Password);
    error_->setStyleSheet(QString::fromLatin1(kErrorStyle));
    error_->setWordWrap(true);
    auto* note = new QLabel(
        tr("首次登录须修改一次性密码（至少 12 个字符）。\nChange the one-time password before "
           "you continue (at least 12 characters)."),
        this);
    auto* form = new QFormLayout;
    form->addRow(tr("当前密码 Current"), old_);
    form->addRow(tr("新密码 New"), new_);
    form->addRow(tr("再输一次 Repeat"), repeat_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    ok_ = buttons->button(QDialogButtonBox::Ok);
    ok_->setText(tr("修改 Change"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("取消 Cancel"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addWidget(error_);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ChangePasswordDialog::change);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setMinimumWidth(420);
}

QString ChangePasswordDialog::errorText() const { return error_->text(); }

void ChangePasswordDialog::change() {
    if (new_->text() != repeat_->text()) {
        error_->setText(tr("两次输入的新密码不同 The new passwords differ"));
        return;
    }
    ok_->setEnabled(false);
    client_.changePassword(old_->text(), new_->text())->then(this, [this](const ApiResult& r) {
        ok_->setEnabled(true);
        if (!r.ok()) {
            error_->setText(r.error->message.isEmpty() ? r.error->text() : r.error->message);
            emit attempted(r);
            return;
        }
        for (QLineEdit* e : {old_, new_, repeat_}) e->clear();
        emit attempted(r);
        accept();
    });
}

}  // namespace yika::gui
