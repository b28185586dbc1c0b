// yika-admin: the back office desktop tool. A thin main: the client, the login, the window.
#include "admin_gui/admin_app.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    return yika::gui::runAdminApp(app);
}
