#include "admin_gui/admin_app.h"

#include "admin_gui/admin_client.h"
#include "admin_gui/login_dialog.h"
#include "admin_gui/main_window.h"

#include <QApplication>

namespace yika::gui {

namespace {

// Login and, when the password is one-time, its change. False when the operator gives up.
bool logIn(AdminClient& client) {
    LoginDialog login(client);
    if (login.exec() != QDialog::Accepted) return false;
    if (!client.mustChangePassword()) return true;
    ChangePasswordDialog change(client);
    if (change.exec() != QDialog::Accepted) {
        client.logout();
        return false;
    }
    return true;
}

}  // namespace

int runAdminApp(QApplication& app) {
    QApplication::setOrganizationName(QStringLiteral("Yika"));
    QApplication::setApplicationName(QStringLiteral("yika-admin"));
    app.setQuitOnLastWindowClosed(false);
    AdminClient client;
    if (!logIn(client)) return 0;
    MainWindow window(client);
    QObject::connect(&window, &MainWindow::logoutRequested, &window, [&] {
        window.hide();
        if (client.loggedIn()) client.logout();
        if (!logIn(client)) {
            QApplication::quit();
            return;
        }
        window.show();
        window.showScreen(0);
    });
    // Closing the main window ends the program; the dialogs in between do not.
    QObject::connect(&window, &MainWindow::closed, &app, &QApplication::quit);
    window.show();
    window.showScreen(0);
    int code = app.exec();
    if (client.loggedIn()) client.logout();
    return code;
}

}  // namespace yika::gui
