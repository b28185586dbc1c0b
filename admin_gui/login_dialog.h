#pragma once

// 登录 Log in: the server address, the user name and the password. QSettings keeps the address
// and the user name only; the password is never stored. After a login with a one-time password
// the ChangePasswordDialog must succeed before anything else is allowed (the server refuses
// every other call with 403 password_change_required until then).

#include "admin_gui/admin_client.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace yika::gui {

class LoginDialog : public QDialog {
    Q_OBJECT
  public:
    explicit LoginDialog(AdminClient& client, QWidget* parent = nullptr);
    QLineEdit* addressEdit() const { return address_; }
    QLineEdit* userEdit() const { return user_; }
    QLineEdit* passwordEdit() const { return password_; }
    QString errorText() const;
    // Logs in with the fields' values; accepts on success, shows the error otherwise.
    void login();

  signals:
    void attempted(const yika::gui::ApiResult& result);

  private:
    AdminClient& client_;
    QLineEdit* address_;
    QLineEdit* user_;
    QLineEdit* password_;
    QLabel* error_;
    QPushButton* ok_;
};

class ChangePasswordDialog : public QDialog {
    Q_OBJECT
  public:
    explicit ChangePasswordDialog(AdminClient& client, QWidget* parent = nullptr);
    QLineEdit* oldEdit() const { return old_; }
    QLineEdit* newEdit() const { return new_; }
    QLineEdit* repeatEdit() const { return repeat_; }
    QString errorText() const;
    void change();

  signals:
    void attempted(const yika::gui::ApiResult& result);

  private:
    AdminClient& client_;
    QLineEdit* old_;
    QLineEdit* new_;
    QLineEdit* repeat_;
    QLabel* error_;
    QPushButton* ok_;
};

}  // namespace yika::gui
