#pragma once

// The application's flow: log in (and change a one-time password), then the main window until
// the operator quits; a logout or a lost session goes back to the login.

class QApplication;

namespace yika::gui {

int runAdminApp(QApplication& app);

}  // namespace yika::gui
