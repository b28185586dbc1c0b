// yika-admin: the back office desktop tool. A thin main: the client, the login, the window.
#include <QApplication>

#include "admin_gui/admin_app.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    return yika::gui::runAdminApp(app);
}
