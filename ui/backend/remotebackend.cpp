#include "ui/backend/remotebackend.h"

#include "core/model/jsontext.h"
#include "core/model/nodegroupcodec.h"
#include "core/model/nodestatus.h"
#include "ui/backend/mediajson.h"

#include <QNetworkRequest>
#include <QPointer>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace sy::ui {

namespace {

using Json = nlohmann::json;

constexpr int kTransferTimeoutMs = 5000;
constexpr int kMaxBackoffMs = 30000;

std::int64_t nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

Json parseBody(const QByteArray& body) {
    return model::parseJsonOrNull(std::string_view(body.constData(), body.size()),
                                  model::kMaxDerivedJsonDepth);
}

QString fromStd(const std::string& s) {
    return QString::fromStdString(s);
}

// Tolerance rule: `errorMessage`, then `error`, then the raw body.
QString errorText(const RemoteBackend::Reply& r) {
    if (!r.transportError.isEmpty())
        return r.transportError;
    const Json j = parseBody(r.body);
    if (j.is_object())
        for (const char* key : {"errorMessage", "error"})
            if (auto it = j.find(key); it != j.end() && it->is_string())
                return fromStd(it->get<std::string>());
    const QString raw = QString::fromUtf8(r.body).trimmed();
    return raw.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : raw;
}

std::string errorCode(int status) {
    switch (status) {
    case 0:
    case 503:
        return "unavailable";
    case 400:
    case 422:
        return "invalid";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not_found";
    case 409:
        return "exists";
    default:
        return status >= 500 ? "internal" : "http_" + std::to_string(status);
    }
}

bool succeeded(const RemoteBackend::Reply& r) {
    return r.status >= 200 && r.status < 300;
}

// "HTTP 401 on /as/v1/auth/login: invalid user name or password"
QString describeFailure(const QString& what, const RemoteBackend::Reply& r) {
    if (r.status == 0)
        return what + QStringLiteral(": ") + r.transportError;
    if (!r.transportError.isEmpty()) // already described, e.g. a refused login
        return r.transportError;
    return QStringLiteral("HTTP %1 on %2: %3").arg(r.status).arg(what, errorText(r));
}

// The `exp` claim (epoch s) of a JWT, without verifying it: only to know when to log in again.
std::optional<std::int64_t> jwtExpiryMs(const QByteArray& token) {
    const auto parts = token.split('.');
    if (parts.size() != 3)
        return std::nullopt;
    const auto payload = QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding |
                                                              QByteArray::OmitTrailingEquals);
    const Json j = parseBody(payload);
    if (!j.is_object() || !j.contains("exp") || !j["exp"].is_number())
        return std::nullopt;
    return static_cast<std::int64_t>(j["exp"].get<double>() * 1000);
}

std::optional<std::int64_t> intField(const Json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end())
        return std::nullopt;
    if (it->is_number())
        return static_cast<std::int64_t>(it->get<double>());
    if (it->is_string()) {
        bool ok = false;
        const auto v = fromStd(it->get<std::string>()).toLongLong(&ok);
        if (ok)
            return v;
    }
    return std::nullopt;
}

// A path segment from a name or node id (never a guid, so '/' may be encoded).
QString seg(const std::string& s) {
    return QString::fromUtf8(QUrl::toPercentEncoding(fromStd(s)));
}

std::string textField(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<engine::EventKind> eventKindFrom(const std::string& s) {
    using K = engine::EventKind;
    for (K k : {K::NodeStateChanged, K::ScalingDecision, K::StreamStarted, K::StreamStopped,
                K::Alert, K::NodeGroupChanged, K::Media, K::Access})
        if (engine::toString(k) == s)
            return k;
    return std::nullopt;
}

engine::Event decodeEvent(const Json& j) {
    engine::Event e;
    e.sequence = static_cast<std::uint64_t>(intField(j, "sequence").value_or(0));
    e.timeMs = intField(j, "timestamp").value_or(0);
    // Kinds a newer server adds are shown as alerts rather than dropped.
    e.kind = eventKindFrom(textField(j, "kind")).value_or(engine::EventKind::Alert);
    e.message = textField(j, "message");
    e.nodeGroup = textField(j, "nodeGroupName");
    e.subGroup = textField(j, "subGroupName");
    e.role = textField(j, "nodeRoleName");
    e.nodeId = textField(j, "nodeId");
    if (auto it = j.find("details"); it != j.end() && it->is_object())
        e.details = *it;
    return e;
}

engine::NodeView nodeFromStatus(const model::NodeStatusItem& item, const std::string& group) {
    engine::NodeView n;
    n.nodeGroup = group;
    if (const auto& ne = item.nodeEvent) {
        n.nodeId = ne->nodeId;
        n.subGroup = ne->subGroupName;
        n.role = ne->nodeRoleName;
        n.endpoint.address = ne->publicIp;
        n.parents = ne->parents;
        n.lastReportMs = ne->timestamp;
        if (ne->metrics)
            n.metrics = model::flatten(*ne->metrics);
        if (ne->extra && ne->extra->is_object()) {
            n.endpoint.rtmpPort =
                static_cast<std::uint16_t>(intField(*ne->extra, "rtmpPort").value_or(0));
            n.endpoint.httpPort =
                static_cast<std::uint16_t>(intField(*ne->extra, "httpPort").value_or(0));
        }
    }
    if (const auto& se = item.scalingEvent) {
        if (n.nodeId.empty())
            n.nodeId = se->nodeId;
        if (n.subGroup.empty())
            n.subGroup = se->subGroupName;
        if (n.role.empty())
            n.role = se->nodeRoleName;
        n.state = se->state;
        n.stateSinceMs = se->timestamp;
        if (se->extra && se->extra->is_object())
            n.faultReason = textField(*se->extra, "reason");
    }
    return n;
}

} // namespace

// One refresh: the group list, then each group's config and status, and an event page.
struct RemoteBackend::Round {
    int pending = 0;
    QString error; // the first failure; the round is dropped when set

    void fail(QString why) {
        if (error.isEmpty())
            error = std::move(why);
    }
    std::map<std::string, engine::NodeGroupView> groups;
    EventList events;
    // Per group: the stream list per node (aggregate=false) and the publishing entries
    // (aggregate=true), joined to the nodes once every reply is in.
    std::map<std::string, Json> streamsPerNode;
    std::map<std::string, Json> streamsPublished;
};

RemoteBackend::RemoteBackend(QUrl base, QString user, QString password, int refreshMs,
                             QObject* parent)
    : ClusterBackend(parent)
    , base_(std::move(base))
    , user_(std::move(user))
    , password_(std::move(password))
    , refreshMs_(std::max(refreshMs, 10))
    , snapshot_(std::make_shared<engine::ClusterSnapshot>()) {
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &RemoteBackend::startRound);
    scheduleRound(0);
}

RemoteBackend::~RemoteBackend() {
    // Replies still in flight must not call back into a half-destroyed object.
    const auto replies = nam_.findChildren<QNetworkReply*>();
    for (QNetworkReply* reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
}

QString RemoteBackend::description() const {
    return base_.toString();
}

engine::SnapshotPtr RemoteBackend::snapshot() const {
    return snapshot_;
}

// --- HTTP plumbing ---------------------------------------------------------------------------

void RemoteBackend::sendRaw(const QByteArray& verb, const QString& pathAndQuery,
                            const QByteArray& body, const QByteArray& authorization,
                            ReplyHandler handler) {
    // Appended, not resolved: a base with a path prefix (a reverse proxy) keeps it.
    QString root = base_.toString(QUrl::StripTrailingSlash);
    QNetworkRequest req(QUrl(root + pathAndQuery));
    req.setTransferTimeout(kTransferTimeoutMs);
    req.setRawHeader("Authorization", authorization);
    req.setRawHeader("Accept", "application/json");
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = nam_.sendCustomRequest(req, verb, body);
    connect(reply, &QNetworkReply::finished, this, [reply, handler = std::move(handler)] {
        reply->deleteLater();
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        if (r.status == 0)
            r.transportError =
                reply->error() == QNetworkReply::OperationCanceledError
                    ? QStringLiteral("no answer within %1 s").arg(kTransferTimeoutMs / 1000)
                    : reply->errorString();
        handler(r);
    });
}

void RemoteBackend::withToken(std::function<void(const std::optional<Reply>&)> next) {
    if (!token_.isEmpty() && nowMs() < tokenRefreshAtMs_)
        return next(std::nullopt);
    tokenWaiters_.push_back(std::move(next));
    if (loginInFlight_)
        return;
    loginInFlight_ = true;
    const QByteArray basic = "Basic " + (user_ + QLatin1Char(':') + password_).toUtf8().toBase64();
    sendRaw("PUT", QStringLiteral("/as/v1/auth/login"), {}, basic,
            [this](const Reply& r) { onLoginReply(r); });
}

void RemoteBackend::onLoginReply(const Reply& r) {
    loginInFlight_ = false;
    std::optional<Reply> failure;
    const Json j = parseBody(r.body);
    if (!succeeded(r)) {
        failure = r;
    } else if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) {
        failure = Reply{r.status, "the login answer has no token: " + r.body.left(200), {}};
    } else {
        token_ = QByteArray::fromStdString(j["token"].get<std::string>());
        const std::int64_t now = nowMs();
        // SM 2.0 sends only the token: then the JWT's own `exp` says how long it lives.
        auto expires = intField(j, "expiresAt");
        if (!expires || *expires <= 0)
            expires = jwtExpiryMs(token_);
        const std::int64_t lifetime =
            expires ? std::max<std::int64_t>(*expires - now, 0) : std::int64_t{10} * 60 * 1000;
        tokenRefreshAtMs_ = now + lifetime * 9 / 10;
    }
    if (failure)
        token_.clear();
    auto waiters = std::move(tokenWaiters_);
    tokenWaiters_.clear();
    for (auto& w : waiters)
        w(failure);
}

void RemoteBackend::request(QByteArray verb, QString pathAndQuery, QByteArray body,
                            ReplyHandler handler, bool retried) {
    withToken([this, verb, pathAndQuery, body, handler = std::move(handler),
               retried](const std::optional<Reply>& loginFailure) mutable {
        if (loginFailure) {
            Reply r = *loginFailure;
            if (r.status != 0)
                r.transportError = describeFailure(QStringLiteral("PUT /as/v1/auth/login"), r);
            return handler(r);
        }
        sendRaw(verb, pathAndQuery, body, "Bearer " + token_,
                [this, verb, pathAndQuery, body, handler, retried](const Reply& r) {
                    // Expired or revoked token (or a restarted server with a new secret).
                    if (r.status == 401 && !retried) {
                        token_.clear();
                        return request(verb, pathAndQuery, body, handler, true);
                    }
                    handler(r);
                });
    });
}

// --- Commands --------------------------------------------------------------------------------

void RemoteBackend::command(QByteArray verb, QString pathAndQuery, QByteArray body,
                            CommandCallback done) {
    request(std::move(verb), std::move(pathAndQuery), std::move(body),
            [this, done = std::move(done)](const Reply& r) {
                if (succeeded(r)) {
                    refreshSoon();
                    if (done)
                        done({});
                    return;
                }
                if (done)
                    done(fail(errorCode(r.status), errorText(r).toStdString()));
            });
}

void RemoteBackend::createNodeGroup(model::NodeGroupConfig config, CommandCallback done) {
    command("POST", QStringLiteral("/as/v1/admin/nodegroup"),
            QByteArray::fromStdString(model::encodeNodeGroup(config).dump()), std::move(done));
}

void RemoteBackend::updateNodeGroup(model::NodeGroupConfig config, CommandCallback done) {
    command("PUT", QStringLiteral("/as/v1/admin/nodegroup"),
            QByteArray::fromStdString(model::encodeNodeGroup(config).dump()), std::move(done));
}

void RemoteBackend::deleteNodeGroup(std::string name, CommandCallback done) {
    command("DELETE", QStringLiteral("/as/v1/admin/nodegroup/%1").arg(seg(name)), {},
            std::move(done));
}

void RemoteBackend::setPaused(std::string name, bool paused, CommandCallback done) {
    command("PUT",
            QStringLiteral("/as/v1/admin/nodegroup/%1/pause%2")
                .arg(seg(name), paused ? QString() : QStringLiteral("?resume=true")),
            {}, std::move(done));
}

void RemoteBackend::drainNode(std::string nodeGroup, std::string nodeId, CommandCallback done) {
    command(
        "POST",
        QStringLiteral("/as/v1/admin/nodegroup/%1/node/%2/drain").arg(seg(nodeGroup), seg(nodeId)),
        {}, std::move(done));
}

void RemoteBackend::manualScale(std::string nodeGroup, std::string subGroup, std::string role,
                                int nodeCount, CommandCallback done) {
    // Concatenated, not arg()ed: encoded names hold '%' escapes that arg() would reinterpret.
    command("POST",
            QStringLiteral("/as/v1/admin/nodegroup/") + seg(nodeGroup) + QLatin1Char('/') +
                seg(subGroup) + QLatin1Char('/') + seg(role) +
                QStringLiteral("/manualscale?nodeCount=") + QString::number(nodeCount),
            {}, std::move(done));
}

// --- Refresh rounds --------------------------------------------------------------------------

void RemoteBackend::evaluateExpression(ExpressionKind kind, QString expression,
                                       ExpressionCallback done) {
    const bool capacity = kind == ExpressionKind::Capacity;
    const Json body = {{"expression", expression.toStdString()}};
    request("POST",
            capacity ? QStringLiteral("/as/v1/admin/evaluate/capacity")
                     : QStringLiteral("/as/v1/admin/evaluate/scale"),
            QByteArray::fromStdString(body.dump()),
            [capacity, done = std::move(done)](const Reply& r) {
                if (!succeeded(r))
                    return done(fail(errorCode(r.status), errorText(r).toStdString()));
                const Json j = parseBody(r.body);
                const char* key = capacity ? "doubleResult" : "result";
                const auto it = j.is_object() ? j.find(key) : j.end();
                if (it == j.end() || (capacity ? !it->is_number() : !it->is_boolean()))
                    return done(fail("invalid", std::string("the server's answer has no ") + key));
                done(capacity ? QString::number(it->get<double>())
                              : QString::fromLatin1(it->get<bool>() ? "true" : "false"));
            });
}

void RemoteBackend::routeStream(bool publish, std::string nodeGroup, std::string guid,
                                RouteCallback done) {
    // The guid's '/' separates app and name on the wire: each part is encoded on its own.
    QString path = QStringLiteral("/as/v1/streams/stream/") + seg(nodeGroup) +
                   (publish ? QStringLiteral("/publish") : QStringLiteral("/subscribe"));
    for (const auto& part : QString::fromStdString(guid).split(u'/'))
        path += u'/' + seg(part.toStdString());
    request("GET", path, {}, [done = std::move(done)](const Reply& r) {
        if (!succeeded(r))
            return done(fail(errorCode(r.status), errorText(r).toStdString()));
        const Json j = parseBody(r.body);
        if (!j.is_array() || j.empty() || !j[0].is_object())
            return done(fail("not_found", "routing answered no node"));
        const auto& first = j[0];
        // Our urls field first; a Stream Manager 2.0 answers serverAddress only (port 1935).
        if (auto urls = first.find("urls"); urls != first.end() && urls->is_object())
            if (auto rtmp = urls->find("rtmp"); rtmp != urls->end() && rtmp->is_string())
                return done(QString::fromStdString(rtmp->get<std::string>()));
        const auto address = first.value("serverAddress", std::string());
        const auto streamGuid = first.value("streamGuid", std::string());
        if (address.empty() || streamGuid.empty())
            return done(fail("not_found", "routing answered no server address"));
        done(QStringLiteral("rtmp://%1:1935/%2")
                 .arg(QString::fromStdString(address), QString::fromStdString(streamGuid)));
    });
}

void RemoteBackend::scheduleRound(int delayMs) {
    timer_.start(delayMs);
}

void RemoteBackend::refreshSoon() {
    if (roundActive_)
        refreshAgain_ = true;
    else
        scheduleRound(0);
}

void RemoteBackend::startRound() {
    if (roundActive_)
        return;
    roundActive_ = true;
    refreshAgain_ = false;
    auto round = std::make_shared<Round>();
    round->pending = 1;
    // Polling is the fallback of the event stream: used until the stream is open, and whenever
    // it drops.
    if (eventsEnabled_ && !streaming_)
        fetchEvents(round);
    request("GET", QStringLiteral("/as/v1/admin/nodegroup"), {}, [this, round](const Reply& r) {
        const Json names = parseBody(r.body);
        if (!succeeded(r))
            round->fail(describeFailure(QStringLiteral("/as/v1/admin/nodegroup"), r));
        else if (!names.is_array())
            round->fail(QStringLiteral("the node group list is not a JSON array"));
        else
            for (const auto& n : names)
                if (n.is_string())
                    fetchGroup(round, n.get<std::string>());
        finishOne(round);
    });
}

void RemoteBackend::fetchGroup(const std::shared_ptr<Round>& round, const std::string& name) {
    fetchStreams(round, name);
    round->pending += 2;
    auto& view = round->groups[name];
    view.config.name = name;
    const QString path = QStringLiteral("/as/v1/admin/nodegroup/%1").arg(seg(name));
    request("GET", path, {}, [this, round, name, path](const Reply& r) {
        const Json j = parseBody(r.body);
        if (r.status == 404) {
            round->groups.erase(name); // deleted since the list was read
        } else if (!succeeded(r)) {
            round->fail(describeFailure(path, r));
        } else if (!j.is_object()) {
            round->fail(QStringLiteral("%1: the node group is not a JSON object").arg(path));
        } else if (auto it = round->groups.find(name); it != round->groups.end()) {
            auto config = model::parseNodeGroup(j);
            model::Problems ignored;
            // A config our validator rejects is still shown as the server has it.
            it->second.config =
                config ? std::move(config).value() : model::decodeNodeGroup(j, ignored);
            it->second.paused = it->second.config.isScalingPaused.value_or(false);
            it->second.simulated = it->second.config.cloudPlatform.value_or("") == "SIMULATED";
        }
        finishOne(round);
    });
    const QString status =
        QStringLiteral("/as/v1/admin/nodegroup/status/%1?metrics=true").arg(seg(name));
    request("GET", status, {}, [this, round, name, status](const Reply& r) {
        Json j = parseBody(r.body);
        if (j.is_object())
            j = Json::array({j}); // tolerance: one item may come unwrapped
        if (r.status == 404) {
            round->groups.erase(name);
        } else if (!succeeded(r)) {
            round->fail(describeFailure(status, r));
        } else if (!j.is_array()) {
            round->fail(QStringLiteral("%1: the node status is not a JSON array").arg(status));
        } else if (auto it = round->groups.find(name); it != round->groups.end()) {
            for (std::size_t i = 0; i < j.size(); ++i) {
                model::Problems problems; // unknown fields and states: keep what decodes
                const auto item = model::decodeNodeStatus(j[i], model::indexPath("", i), problems);
                it->second.nodes.push_back(nodeFromStatus(item, name));
            }
        }
        finishOne(round);
    });
}

void RemoteBackend::fetchEvents(const std::shared_ptr<Round>& round) {
    ++round->pending;
    QString path = QStringLiteral("/as/v1/admin/events");
    if (!lastEventId_.isEmpty())
        path +=
            QStringLiteral("?after=") + QString::fromUtf8(QUrl::toPercentEncoding(lastEventId_));
    request("GET", path, {}, [this, round](const Reply& r) {
        const Json page = parseBody(r.body);
        if (r.status == 404) {
            eventsEnabled_ = false; // a real SM 2.0: no event route, nothing to report
        } else if (!succeeded(r)) {
            round->fail(describeFailure(QStringLiteral("/as/v1/admin/events"), r));
        } else if (!page.is_object() || !page.contains("events") || !page["events"].is_array()) {
            round->fail(QStringLiteral("the event page is not {\"events\": [...]}"));
        } else {
            for (const auto& e : page["events"])
                if (e.is_object())
                    round->events.push_back(decodeEvent(e));
            if (const auto last = textField(page, "lastEventId"); !last.empty())
                lastEventId_ = fromStd(last);
            // Delivered now, in order, even if the rest of the round fails: they happened.
            if (!round->events.empty())
                Q_EMIT eventsArrived(std::exchange(round->events, {}));
        }
        finishOne(round);
    });
}

void RemoteBackend::finishOne(const std::shared_ptr<Round>& round) {
    if (--round->pending > 0)
        return;
    roundActive_ = false;
    if (round->error.isEmpty())
        roundSucceeded(*round);
    else
        roundFailed(round->error);
}

void RemoteBackend::fetchStreams(const std::shared_ptr<Round>& round, const std::string& name) {
    // The stream routes are public and optional: a server without them (or an error) leaves the
    // nodes without streams, never fails the round.
    for (const bool aggregate : {false, true}) {
        round->pending += 1;
        const QString path =
            QStringLiteral("/as/v1/streams/stream/%1?aggregate=%2")
                .arg(seg(name), aggregate ? QStringLiteral("true") : QStringLiteral("false"));
        request("GET", path, {}, [this, round, name, aggregate](const Reply& r) {
            Json j = parseBody(r.body);
            if (succeeded(r) && j.is_array())
                (aggregate ? round->streamsPublished : round->streamsPerNode)[name] = std::move(j);
            finishOne(round);
        });
    }
}

namespace {

// "address:port" of a StreamLocation: from urls.rtmp when present (local nodes differ by port),
// else serverAddress on RTMP's default port (a Stream Manager 2.0).
std::string locationKey(const Json& l) {
    if (auto urls = l.find("urls"); urls != l.end() && urls->is_object())
        if (auto rtmp = urls->find("rtmp"); rtmp != urls->end() && rtmp->is_string()) {
            const QUrl url(QString::fromStdString(rtmp->get<std::string>()));
            return url.host().toStdString() + ':' + std::to_string(url.port(1935));
        }
    return l.value("serverAddress", std::string()) + ":1935";
}

void attachStreams(engine::NodeGroupView& g, const Json& perNode, const Json& published) {
    std::map<std::string, engine::NodeView*> byKey;
    for (auto& n : g.nodes)
        byKey[n.endpoint.address + ':' + std::to_string(n.endpoint.rtmpPort)] = &n;
    std::set<std::pair<std::string, std::string>> publishing; // (key, guid)
    for (const auto& l : published)
        if (l.is_object())
            publishing.insert({locationKey(l), l.value("streamGuid", std::string())});
    for (const auto& l : perNode) {
        if (!l.is_object() || !l.contains("streamGuid"))
            continue;
        const auto key = locationKey(l);
        const auto node = byKey.find(key);
        if (node == byKey.end())
            continue;
        providers::StreamStats s;
        s.guid = l.value("streamGuid", std::string());
        s.publishing = publishing.contains({key, s.guid});
        s.viewers = l.value("subscribers", std::int64_t{0});
        s.uptimeMs = l.value("durationMs", std::int64_t{0});
        node->second->streams.push_back(std::move(s));
    }
}

} // namespace

void RemoteBackend::roundSucceeded(Round& round) {
    for (auto& [name, g] : round.groups)
        if (auto perNode = round.streamsPerNode.find(name); perNode != round.streamsPerNode.end())
            attachStreams(g, perNode->second,
                          round.streamsPublished.count(name) ? round.streamsPublished.at(name)
                                                             : Json::array());
    auto snap = std::make_shared<engine::ClusterSnapshot>();
    snap->version = ++version_;
    snap->timeMs = nowMs();
    snap->observed = true;
    snap->groups = std::move(round.groups);
    snapshot_ = std::move(snap);
    failures_ = 0;
    if (!connected_) {
        connected_ = true;
        disconnectedSince_ = QDateTime();
        lastFailure_.clear();
        Q_EMIT connectionChanged(true, QStringLiteral("connected to %1").arg(description()));
    }
    Q_EMIT snapshotChanged();
    if (eventsEnabled_ && !eventStream_ && streamRefusals_ < 3)
        openEventStream();
    scheduleRound(refreshAgain_ ? 0 : refreshMs_);
}

// --- Event stream (SSE) ----------------------------------------------------------------------

void RemoteBackend::openEventStream() {
    withToken([this](const std::optional<Reply>& loginFailure) {
        if (loginFailure || eventStream_)
            return;
        QNetworkRequest req(
            QUrl(base_.toString(QUrl::StripTrailingSlash) + QStringLiteral("/as/v1/admin/events")));
        req.setTransferTimeout(0); // open for good; the server sends heartbeats
        req.setRawHeader("Authorization", "Bearer " + token_);
        req.setRawHeader("Accept", "text/event-stream");
        if (!lastEventId_.isEmpty())
            req.setRawHeader("Last-Event-ID", lastEventId_.toUtf8());
        sseBuffer_.clear();
        eventStream_ = nam_.get(req);
        connect(eventStream_, &QNetworkReply::readyRead, this, &RemoteBackend::onEventStreamData);
        connect(eventStream_, &QNetworkReply::finished, this, &RemoteBackend::onEventStreamEnded);
    });
}

void RemoteBackend::onEventStreamData() {
    const int status = eventStream_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const bool isStream = eventStream_->header(QNetworkRequest::ContentTypeHeader)
                              .toString()
                              .startsWith(QLatin1String("text/event-stream"));
    if (status != 200 || !isStream)
        return; // an error page or a JSON answer: read in full when it finishes
    streaming_ = true;
    sseBuffer_ += eventStream_->readAll();
    EventList batch;
    // Messages end with a blank line; fields are "name: value" lines; ':' starts a comment.
    for (qsizetype end; (end = sseBuffer_.indexOf("\n\n")) >= 0;) {
        const QByteArray message = sseBuffer_.left(end);
        sseBuffer_.remove(0, end + 2);
        QByteArray id, kind, data;
        for (const QByteArray& line : message.split('\n')) {
            if (line.startsWith("id: "))
                id = line.mid(4);
            else if (line.startsWith("event: "))
                kind = line.mid(7);
            else if (line.startsWith("data: "))
                data += line.mid(6);
        }
        if (kind == "reset" || data.isEmpty())
            continue; // a restarted server: what follows is its backlog, in order
        const Json j = parseBody(data);
        if (j.is_object())
            batch.push_back(decodeEvent(j));
        if (!id.isEmpty())
            lastEventId_ = QString::fromUtf8(id);
    }
    if (!batch.empty())
        Q_EMIT eventsArrived(batch);
}

void RemoteBackend::onEventStreamEnded() {
    QNetworkReply* reply = std::exchange(eventStream_, nullptr);
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401)
        token_.clear(); // expired or revoked: the next round logs in again and reopens
    else if (status == 404)
        eventsEnabled_ = false; // no event route (a Stream Manager 2.0)
    else if (status != 0 && (status != 200 || !streaming_))
        ++streamRefusals_; // answered, but not with a stream: polling it is
    streaming_ = false;
    // Rounds poll again from lastEventId_ until the next successful round reopens the stream.
}

void RemoteBackend::roundFailed(const QString& reason) {
    // A failed login leaves no token: the next round logs in again.
    ++failures_;
    const bool wasConnected = connected_;
    connected_ = false;
    if (wasConnected || !disconnectedSince_.isValid())
        disconnectedSince_ = QDateTime::currentDateTime();
    if (wasConnected || reason != lastFailure_) {
        lastFailure_ = reason;
        Q_EMIT connectionChanged(
            false, QStringLiteral("disconnected since %1: %2")
                       .arg(disconnectedSince_.toString(QStringLiteral("HH:mm:ss")), reason));
    }
    const int shift = std::min(failures_ - 1, 5);
    scheduleRound(std::min(1000 << shift, kMaxBackoffMs));
}

} // namespace sy::ui

namespace sy::ui {

// --- Media -------------------------------------------------------------------------------------

namespace {

// The provision guid's '/' separates path segments on the wire: each part encoded on its own.
QString guidPath(const std::string& guid) {
    QString out;
    for (const auto& part : QString::fromStdString(guid).split(u'/'))
        out += u'/' + seg(part.toStdString());
    return out;
}

} // namespace

// One media refresh: the storage targets, then per node group its jobs, recordings and
// provisions. All or nothing, like the cluster rounds: a failure keeps the previous lists.
struct RemoteBackend::MediaRound {
    int pending = 0;
    QString error;
    MediaSnapshot next;
    void fail(QString why) {
        if (error.isEmpty())
            error = std::move(why);
    }
};

void RemoteBackend::refreshMedia() {
    if (mediaInFlight_) {
        mediaAgain_ = true;
        return;
    }
    mediaInFlight_ = true;
    mediaAgain_ = false;
    auto round = std::make_shared<MediaRound>();
    // One count held by the starter, so that no early answer finishes the round.
    round->pending = 1;
    auto finish = [this, round] {
        if (--round->pending == 0)
            mediaRoundDone(*round);
    };
    auto get = [this, round, finish](const QString& path, std::function<void(const Json&)> take) {
        ++round->pending;
        request("GET", path, {}, [round, finish, path, take = std::move(take)](const Reply& r) {
            const Json j = parseBody(r.body);
            if (!succeeded(r))
                round->fail(describeFailure(path, r));
            else if (!j.is_array())
                round->fail(QStringLiteral("%1: the answer is not a JSON array").arg(path));
            else
                take(j);
            finish();
        });
    };
    get(QStringLiteral("/as/v1/storage"), [round](const Json& list) {
        for (const auto& t : list)
            if (t.is_object())
                round->next.targets.push_back(t);
    });
    for (const auto& [name, group] : snapshot_->groups) {
        get(QStringLiteral("/as/v1/media/") + seg(name) + QStringLiteral("/jobs"),
            [round](const Json& list) {
                for (const auto& j : list)
                    round->next.jobs.push_back(jobViewFromJson(j));
            });
        get(QStringLiteral("/as/v1/recordings/") + seg(name), [round](const Json& list) {
            for (const auto& j : list)
                round->next.recordings.push_back(recordingFromJson(j));
        });
        get(QStringLiteral("/as/v1/streams/provision/") + seg(name),
            [round, name = name](const Json& list) {
                auto& out = round->next.provisions[name];
                for (const auto& p : list)
                    if (p.is_object())
                        out.push_back(p);
            });
    }
    finish();
}

void RemoteBackend::mediaRoundDone(MediaRound& round) {
    mediaInFlight_ = false;
    auto next = std::make_shared<MediaSnapshot>();
    if (!round.error.isEmpty()) {
        *next = *media_; // the last good lists stay
        next->error = round.error;
    } else {
        *next = std::move(round.next);
        std::sort(next->jobs.begin(), next->jobs.end(),
                  [](const media::JobView& a, const media::JobView& b) { return a.id < b.id; });
        std::sort(next->recordings.begin(), next->recordings.end(),
                  [](const store::RecordingRecord& a, const store::RecordingRecord& b) {
                      return a.startedMs != b.startedMs ? a.startedMs > b.startedMs : a.id > b.id;
                  });
        next->fetchedMs = nowMs();
    }
    media_ = std::move(next);
    Q_EMIT mediaChanged();
    if (mediaAgain_)
        refreshMedia();
}

void RemoteBackend::mediaCommand(QByteArray verb, QString pathAndQuery, QByteArray body,
                                 CommandCallback done) {
    QPointer<RemoteBackend> self(this);
    command(std::move(verb), std::move(pathAndQuery), std::move(body),
            [self, done = std::move(done)](Result<void> r) {
                const bool ok = r.ok();
                if (done)
                    done(std::move(r));
                if (ok && self)
                    self->refreshMedia();
            });
}

void RemoteBackend::createProvisions(std::string nodeGroup, nlohmann::json provisions,
                                     CommandCallback done) {
    mediaCommand("POST", QStringLiteral("/as/v1/streams/provision/") + seg(nodeGroup),
                 QByteArray::fromStdString(provisions.dump()), std::move(done));
}

void RemoteBackend::deleteProvision(std::string nodeGroup, std::string guid, CommandCallback done) {
    mediaCommand("DELETE",
                 QStringLiteral("/as/v1/streams/provision/") + seg(nodeGroup) + guidPath(guid), {},
                 std::move(done));
}

void RemoteBackend::putStorageTarget(nlohmann::json target, CommandCallback done) {
    const std::string name =
        target.is_object() && target.contains("name") && target["name"].is_string()
            ? target["name"].get<std::string>()
            : std::string();
    if (name.empty()) {
        QMetaObject::invokeMethod(
            this,
            [done = std::move(done)] {
                if (done)
                    done(fail("invalid", "a storage target needs a name"));
            },
            Qt::QueuedConnection);
        return;
    }
    mediaCommand("PUT", QStringLiteral("/as/v1/storage/") + seg(name),
                 QByteArray::fromStdString(target.dump()), std::move(done));
}

void RemoteBackend::deleteStorageTarget(std::string name, CommandCallback done) {
    mediaCommand("DELETE", QStringLiteral("/as/v1/storage/") + seg(name), {}, std::move(done));
}

void RemoteBackend::testStorageTarget(nlohmann::json target, CommandCallback done) {
    // The unsaved-form route: it also takes a saved target's masked document (its stored
    // secrets are used), so the page tests both the same way.
    request("POST", QStringLiteral("/as/v1/storage/test"), QByteArray::fromStdString(target.dump()),
            [done = std::move(done)](const Reply& r) {
                if (!done)
                    return;
                if (succeeded(r))
                    return done({});
                done(fail(errorCode(r.status), errorText(r).toStdString()));
            });
}

void RemoteBackend::deleteRecording(std::string nodeGroup, std::int64_t id, CommandCallback done) {
    mediaCommand("DELETE",
                 QStringLiteral("/as/v1/recordings/") + seg(nodeGroup) + u'/' + QString::number(id),
                 {}, std::move(done));
}

void RemoteBackend::recordingPlaybackUrl(std::string nodeGroup, std::int64_t id, UrlCallback done) {
    request("GET",
            QStringLiteral("/as/v1/recordings/") + seg(nodeGroup) + u'/' + QString::number(id), {},
            [id, done = std::move(done)](const Reply& r) {
                if (!succeeded(r))
                    return done(fail(errorCode(r.status), errorText(r).toStdString()));
                const Json j = parseBody(r.body);
                const std::string url = j.is_object() ? textField(j, "playbackUrl") : "";
                if (url.empty())
                    return done(fail("not_ready", "recording " + std::to_string(id) +
                                                      " has no playback URL yet"));
                done(QString::fromStdString(url));
            });
}

} // namespace sy::ui
