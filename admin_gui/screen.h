#pragma once

// Screen: the base of every page of the main window. It holds the AdminClient (never owns it),
// reloads its data in refresh(), enables its buttons from the session's permissions in
// applyPermissions(), and reports to the status bar through message().
//
// FormDialog: a FormWidget in a dialog that posts its body to one endpoint. A 4xx answer stays
// in the dialog, next to the field it names; success closes it. submitted() follows every
// answer (tests wait on it).

#include "admin_gui/admin_client.h"
#include "admin_gui/form_widget.h"

#include <QDialog>
#include <QTimer>
#include <QWidget>

#include <functional>

class QProgressDialog;
class QPushButton;

namespace yika::gui {

class Screen : public QWidget {
    Q_OBJECT
  public:
    Screen(AdminClient& client, QWidget* parent) : QWidget(parent), client_(client) {}
    virtual void refresh() = 0;
    virtual void applyPermissions() {}

  signals:
    void message(const QString& text);
    // Emitted when refresh() has loaded (or failed to load) what it shows.
    void refreshed();

  protected:
    AdminClient& client() const { return client_; }
    // A button enabled only when the session holds `permission` (its tooltip says why not).
    QPushButton* permissionButton(const QString& text, const QString& permission);
    void enableByPermission();
    // Posts `path` and reports the outcome; `done` runs on success.
    void act(const QString& path, const QJsonObject& body, const QString& what,
             std::function<void(const ApiResult&)> done = {});
    // An open progress dialog (0-100 %) for a server job that the screen then polls: batch
    // generation, day close. Owned by this screen; the caller names it for tests.
    QProgressDialog* jobProgress(const QString& object_name, const QString& title,
                                 const QString& label);
    // The job could not start: says so in its dialog, which stays open to be read.
    static void jobFailed(QProgressDialog* dialog, const ApiResult& r);
    // Starts a server job by posting `path` and then polls it: `poll(timer)` runs at once and on
    // each tick of a timer owned by `dialog` (poll stops the timer while its request is out and
    // starts it again). A refused start goes to jobFailed and then `failed`.
    void startJob(QProgressDialog* dialog, const QString& path, int poll_interval_ms,
                  std::function<void(const ApiResult&)> failed, std::function<void(QTimer*)> poll);

  private:
    AdminClient& client_;
    QList<QPair<QPushButton*, QString>> gated_;
};

class FormDialog : public QDialog {
    Q_OBJECT
  public:
    FormDialog(AdminClient& client, const QString& title, const QString& path, QWidget* parent);
    FormWidget* form() const { return form_; }
    // Lets the screen complete the body (lines arrays, ids) before it is posted.
    void setAdjust(std::function<bool(QJsonObject&)> adjust) { adjust_ = std::move(adjust); }
    void setPath(const QString& path) { path_ = path; }
    const ApiResult& result() const { return result_; }
    // Validates, posts, and on success accepts. Public so that tests can press OK.
    void submit();

  signals:
    void submitted(const yika::gui::ApiResult& result);

  private:
    AdminClient& client_;
    QString path_;
    FormWidget* form_;
    QPushButton* ok_;
    std::function<bool(QJsonObject&)> adjust_;
    ApiResult result_;
};

}  // namespace yika::gui
