#include "admin_gui/admin_client.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <memory>

namespace yika::gui {

QString ApiError::text() const {
    if (status == 0) return QStringLiteral("%1: %2").arg(code, message);
    return QStringLiteral("%1 %2: %3").arg(QString::number(status), code, message);
}

void ApiReply::then(QObject* context, std::function<void(const ApiResult&)> done) {
    connect(this, &ApiReply::finished, context,
            [done = std::move(done)](const ApiResult& result) { done(result); });
}

AdminClient::AdminClient(QObject* parent) : QObject(parent) { qRegisterMetaType<ApiResult>(); }

void AdminClient::setBaseUrl(const QUrl& url) {
    QUrl base = url;
    QString path = base.path();
    while (path.endsWith('/')) path.chop(1);
    if (path.endsWith(QStringLiteral("/v1"))) path.chop(3);
    base.setPath(path);
    base_ = base;
}

namespace {

ApiResult resultOf(QNetworkReply* reply) {
    ApiResult r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.content_type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
    QJsonParseError parse_error{};
    QJsonDocument doc = QJsonDocument::fromJson(r.body, &parse_error);
    if (parse_error.error == QJsonParseError::NoError && doc.isObject()) r.json = doc.object();
    if (r.status >= 200 && r.status < 300) return r;
    ApiError e;
    e.status = r.status;
    if (r.json.contains(QStringLiteral("error"))) {
        QJsonObject err = r.json.value(QStringLiteral("error")).toObject();
        e.code = err.value(QStringLiteral("code")).toString();
        e.message = err.value(QStringLiteral("message")).toString();
        e.field = err.value(QStringLiteral("field")).toString();
    } else if (r.status == 0) {
        e.code = QStringLiteral("network");
        e.message = reply->errorString();
    } else {
        e.code = QStringLiteral("http_%1").arg(r.status);
        e.message = reply->errorString();
    }
    r.error = e;
    return r;
}

}  // namespace

ApiReply* AdminClient::send(const QByteArray& method, const QString& path, const QByteArray& body) {
    QUrl url = base_;
    qsizetype q = path.indexOf('?');
    url.setPath(base_.path() + (q < 0 ? path : path.left(q)));
    if (q >= 0) url.setQuery(path.mid(q + 1));
    QNetworkRequest request(url);
    request.setTransferTimeout(timeout_ms_);
    request.setRawHeader("Accept", "application/json");
    if (!token_.isEmpty()) request.setRawHeader("Authorization", "Bearer " + token_.toLatin1());
    QNetworkReply* reply = nullptr;
    if (method == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        reply = net_.post(request, body);
    } else {
        reply = net_.get(request);
    }
    auto* out = new ApiReply(this);
    connect(reply, &QNetworkReply::finished, this, [this, reply, out] {
        ApiResult result = resultOf(reply);
        reply->deleteLater();
        if (result.error && result.error->status == 401 &&
            result.error->code == QStringLiteral("unauthenticated") && !token_.isEmpty()) {
            forget();
            emit sessionLost();
        }
        emit out->finished(result);
        out->deleteLater();
    });
    return out;
}

ApiReply* AdminClient::get(const QString& path) { return send("GET", path, {}); }

ApiReply* AdminClient::post(const QString& path, const QJsonObject& body) {
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void AdminClient::getAll(
    const QString& path, QObject* context,
    std::function<void(const QJsonArray&, const std::optional<ApiError>&)> done, int max_rows) {
    // One page after the other, following next_after_id, accumulating into `rows`. The step
    // refers to itself weakly; the answer being waited for holds it, so nothing outlives the
    // last request (or the context, whose end drops the waiting callback).
    using Step = std::function<void(qint64)>;
    auto rows = std::make_shared<QJsonArray>();
    auto step = std::make_shared<Step>();
    std::weak_ptr<Step> weak = step;
    *step = [this, path, context, done, max_rows, rows, weak](qint64 after_id) {
        QString page = path;
        if (after_id > 0) {
            page += (path.contains('?') ? QStringLiteral("&") : QStringLiteral("?")) +
                    QStringLiteral("after_id=%1").arg(after_id);
        }
        get(page)->then(context, [done, max_rows, rows, self = weak.lock()](const ApiResult& r) {
            if (!r.ok()) {
                done(*rows, r.error);
                return;
            }
            const QJsonArray items = r.json.value(QStringLiteral("items")).toArray();
            for (const QJsonValue& v : items) rows->append(v);
            qint64 next = r.json.value(QStringLiteral("next_after_id")).toInteger();
            if (next > 0 && !items.isEmpty() && rows->size() < max_rows && self) {
                (*self)(next);
                return;
            }
            done(*rows, std::nullopt);
        });
    };
    (*step)(0);
}

void AdminClient::adoptSession(const QJsonObject& session) {
    token_ = session.value(QStringLiteral("token")).toString();
    operator_ = session.value(QStringLiteral("operator")).toObject();
    permissions_.clear();
}

void AdminClient::readSession(ApiReply* outer, const ApiResult& login_result) {
    get(QStringLiteral("/v1/session"))->then(this, [this, outer, login_result](const ApiResult& r) {
        if (r.ok()) {
            operator_ = r.json.value(QStringLiteral("operator")).toObject();
            permissions_.clear();
            for (const QJsonValue& p : r.json.value(QStringLiteral("permissions")).toArray())
                permissions_.append(p.toString());
        }
        emit sessionChanged();
        emit outer->finished(r.ok() ? login_result : r);
        outer->deleteLater();
    });
}

ApiReply* AdminClient::login(const QString& name, const QString& password) {
    forget();
    return postForSession(QStringLiteral("/v1/session"),
                          {{QStringLiteral("name"), name}, {QStringLiteral("password"), password}});
}

ApiReply* AdminClient::changePassword(const QString& old_password, const QString& new_password) {
    return postForSession(QStringLiteral("/v1/session/password"),
                          {{QStringLiteral("old_password"), old_password},
                           {QStringLiteral("new_password"), new_password}});
}

// Login and password change both answer with a new session token: adopt it, then read the
// session (operator, permissions) before telling the caller.
ApiReply* AdminClient::postForSession(const QString& path, const QJsonObject& body) {
    auto* outer = new ApiReply(this);
    post(path, body)->then(this, [this, outer](const ApiResult& r) {
        if (!r.ok()) {
            emit outer->finished(r);
            outer->deleteLater();
            return;
        }
        adoptSession(r.json);
        readSession(outer, r);
    });
    return outer;
}

ApiReply* AdminClient::logout() {
    ApiReply* reply = post(QStringLiteral("/v1/session/logout"));
    forget();
    emit sessionChanged();
    return reply;
}

void AdminClient::forget() {
    // Overwrite before release: the token should not linger in freed memory longer than needed.
    token_.fill(QChar('0'));
    token_.clear();
    operator_ = {};
    permissions_.clear();
}

bool AdminClient::mustChangePassword() const {
    return operator_.value(QStringLiteral("must_change_password")).toBool();
}

QString formatYuan(qint64 minor) {
    const bool negative = minor < 0;
    // Work on the magnitude as unsigned so that the most negative value does not overflow.
    quint64 magnitude = negative ? 0 - static_cast<quint64>(minor) : static_cast<quint64>(minor);
    QString whole = QString::number(magnitude / 100);
    for (qsizetype i = whole.size() - 3; i > 0; i -= 3) whole.insert(i, ',');
    return QStringLiteral("%1%2.%3")
        .arg(negative ? QStringLiteral("-") : QString(), whole)
        .arg(magnitude % 100, 2, 10, QChar('0'));
}

std::optional<qint64> parseYuan(const QString& text) {
    QString t = text.trimmed();
    t.remove(',');
    if (t.isEmpty()) return std::nullopt;
    bool negative = t.startsWith('-');
    if (negative) t.remove(0, 1);
    QStringList parts = t.split('.');
    if (parts.size() > 2 || parts[0].isEmpty() || parts[0].size() > 15) return std::nullopt;
    QString cents = parts.size() == 2 ? parts[1] : QString();
    if (cents.size() > 2) return std::nullopt;
    for (const QString& p : {parts[0], cents}) {
        for (QChar c : p) {
            if (!c.isDigit() || c.unicode() > '9') return std::nullopt;
        }
    }
    while (cents.size() < 2) cents.append('0');
    qint64 minor = parts[0].toLongLong() * 100 + cents.toLongLong();
    return negative ? -minor : minor;
}

}  // namespace yika::gui
