#pragma once

// AdminClient: the back office's only way to the server, the admin API over HTTP
// (docs/admin-api.md). JSON in, JSON out; every error becomes an ApiError {status, code,
// message, field} so that a form can put the message next to the field it names.
//
// The bearer token lives in this object's memory only: nothing here writes to disk (the
// login dialog stores the address and the user name, nothing else). Not thread-safe: use it
// from the GUI thread. Every call is asynchronous and answers through ApiReply::finished.

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

namespace yika::gui {

// An error as the server (or the network) reported it. status 0: no answer at all.
struct ApiError {
    int status = 0;
    QString code;     // stable: "rule_violation", "forbidden", ... ("network" without an answer)
    QString message;  // for people
    QString field;    // path into the request body ("buyer.id_number"), or empty
    // "422 rule_violation: message" for a status bar.
    QString text() const;
};

// The outcome of one call.
struct ApiResult {
    int status = 0;                 // HTTP status (0: no answer)
    QJsonObject json;               // the answer's object (empty for a file or an error)
    QByteArray body;                // the raw answer (files, CSV)
    QString content_type;           // the answer's Content-Type
    std::optional<ApiError> error;  // set unless the status is 2xx
    bool ok() const { return !error.has_value(); }
};

// One call in flight. Emits finished() once, then deletes itself (deleteLater): connect to it
// before returning to the event loop, and keep no pointer after it finished.
class ApiReply : public QObject {
    Q_OBJECT
  public:
    explicit ApiReply(QObject* parent) : QObject(parent) {}
    // Calls `done` with the result when the call ends, unless `context` is gone by then.
    void then(QObject* context, std::function<void(const ApiResult&)> done);
  signals:
    void finished(const yika::gui::ApiResult& result);
};

class AdminClient : public QObject {
    Q_OBJECT
  public:
    explicit AdminClient(QObject* parent = nullptr);

    // "http://127.0.0.1:8481" (a trailing "/v1" or "/" is ignored).
    void setBaseUrl(const QUrl& url);
    QUrl baseUrl() const { return base_; }
    // Time after which a call is abandoned with a "network" error.
    void setTimeoutMs(int timeout_ms) { timeout_ms_ = timeout_ms; }

    // `path` starts with "/v1/" and may carry a query ("/v1/batches?limit=50").
    ApiReply* get(const QString& path);
    ApiReply* post(const QString& path, const QJsonObject& body = {});
    // Every page of a listing (`{"items":[...],"next_after_id":K}`), up to `max_rows` rows.
    // A listing without paging ({"items":[...]} only) is one page.
    void getAll(const QString& path, QObject* context,
                std::function<void(const QJsonArray&, const std::optional<ApiError>&)> done,
                int max_rows = 20000);

    // POST /v1/session; on success keeps the token, then reads GET /v1/session (permissions)
    // before answering. sessionChanged() follows either way.
    ApiReply* login(const QString& name, const QString& password);
    // POST /v1/session/password; on success the new session replaces the old one.
    ApiReply* changePassword(const QString& old_password, const QString& new_password);
    ApiReply* logout();
    // Forgets the token without telling the server (the server ends it after its TTL).
    void forget();

    bool loggedIn() const { return !token_.isEmpty(); }
    bool mustChangePassword() const;
    QJsonObject operatorInfo() const { return operator_; }
    QStringList permissions() const { return permissions_; }
    // Whether the session's role holds `permission` ("card_service"): enables buttons.
    bool can(const QString& permission) const { return permissions_.contains(permission); }

  signals:
    void sessionChanged();
    // The server no longer knows the session (expired, revoked): log in again.
    void sessionLost();

  private:
    ApiReply* send(const QByteArray& method, const QString& path, const QByteArray& body);
    ApiReply* postForSession(const QString& path, const QJsonObject& body);
    void adoptSession(const QJsonObject& session);
    void readSession(ApiReply* outer, const ApiResult& login_result);

    QNetworkAccessManager net_;
    QUrl base_;
    int timeout_ms_ = 60000;
    QString token_;  // memory only
    QJsonObject operator_;
    QStringList permissions_;
};

// "1,234.56" from fen; "-0.50" for negatives.
QString formatYuan(qint64 minor);
// "12.5" or "12.50" or "12" yuan to fen, exactly (no floating point); nullopt if malformed or
// with more than two decimals.
std::optional<qint64> parseYuan(const QString& text);

}  // namespace yika::gui

Q_DECLARE_METATYPE(yika::gui::ApiResult)
