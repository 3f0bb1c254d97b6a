#pragma once
// RemoteBackend: the console attached to a remote Stream Manager 2.0 (or switchyard-server) over
// its REST API. It logs in with Basic credentials, keeps the JWT fresh, polls the node groups
// into an immutable ClusterSnapshot once per refresh period, polls the event pages, and turns
// lost connections into connectionChanged() with an exponential back-off.
//
// Everything runs on the GUI thread through QNetworkAccessManager's signals: nothing blocks.
// A refresh round is all-or-nothing: the previous snapshot stays until every reply of the next
// round is in, and a round never overlaps another.

#include "ui/backend/clusterbackend.h"

#include <QByteArray>
#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace sy::ui {

class RemoteBackend final : public ClusterBackend {
    Q_OBJECT
public:
    // `base`: the server's root ("http://127.0.0.1:5080"); the API lives under /as/v1 there.
    RemoteBackend(QUrl base, QString user, QString password, int refreshMs = 1000,
                  QObject* parent = nullptr);
    ~RemoteBackend() override;

    QString description() const override;
    engine::SnapshotPtr snapshot() const override;

    void createNodeGroup(model::NodeGroupConfig config, CommandCallback done) override;
    void updateNodeGroup(model::NodeGroupConfig config, CommandCallback done) override;
    void deleteNodeGroup(std::string name, CommandCallback done) override;
    void setPaused(std::string name, bool paused, CommandCallback done) override;
    void drainNode(std::string nodeGroup, std::string nodeId, CommandCallback done) override;
    void manualScale(std::string nodeGroup, std::string subGroup, std::string role, int nodeCount,
                     CommandCallback done) override;
    void evaluateExpression(ExpressionKind kind, QString expression,
                            ExpressionCallback done) override;
    void routeStream(bool publish, std::string nodeGroup, std::string guid,
                     RouteCallback done) override;

    MediaSnapshotPtr media() const override { return media_; }
    void refreshMedia() override;
    void createProvisions(std::string nodeGroup, nlohmann::json provisions,
                          CommandCallback done) override;
    void deleteProvision(std::string nodeGroup, std::string guid, CommandCallback done) override;
    void putStorageTarget(nlohmann::json target, CommandCallback done) override;
    void deleteStorageTarget(std::string name, CommandCallback done) override;
    void testStorageTarget(nlohmann::json target, CommandCallback done) override;
    void deleteRecording(std::string nodeGroup, std::int64_t id, CommandCallback done) override;
    void recordingPlaybackUrl(std::string nodeGroup, std::int64_t id, UrlCallback done) override;

    bool isConnected() const { return connected_; }
    // Events come over the server's event stream (SSE) right now; otherwise each refresh
    // round polls the event pages (the fallback, and all a Stream Manager 2.0 offers).
    bool eventsStreaming() const { return streaming_; }
    // When the current outage began; invalid while connected.
    QDateTime disconnectedSince() const { return disconnectedSince_; }

    // The outcome of one HTTP exchange, whatever went wrong.
    struct Reply {
        int status = 0; // 0: no HTTP answer (refused, timeout, …)
        QByteArray body;
        QString transportError; // empty when an HTTP answer came
    };

private:
    struct Round;
    struct MediaRound;
    using ReplyHandler = std::function<void(const Reply&)>;

    // Sends with the bearer token, logging in first when needed; one retry after a 401.
    void request(QByteArray verb, QString pathAndQuery, QByteArray body, ReplyHandler handler,
                 bool retried = false);
    void sendRaw(const QByteArray& verb, const QString& pathAndQuery, const QByteArray& body,
                 const QByteArray& authorization, ReplyHandler handler);
    // Calls `next` with nothing once a fresh token is at hand, or with the failed login's reply.
    void withToken(std::function<void(const std::optional<Reply>&)> next);
    void onLoginReply(const Reply& reply);
    void command(QByteArray verb, QString pathAndQuery, QByteArray body, CommandCallback done);

    void startRound();
    void fetchGroup(const std::shared_ptr<Round>& round, const std::string& name);
    void fetchEvents(const std::shared_ptr<Round>& round);
    void fetchStreams(const std::shared_ptr<Round>& round, const std::string& name);
    void openEventStream();
    void onEventStreamData();
    void onEventStreamEnded();
    void finishOne(const std::shared_ptr<Round>& round);
    void roundSucceeded(Round& round);
    void roundFailed(const QString& reason);
    void scheduleRound(int delayMs);
    void refreshSoon();
    // A media command: like command(), then a media refresh.
    void mediaCommand(QByteArray verb, QString pathAndQuery, QByteArray body, CommandCallback done);
    void mediaRoundDone(MediaRound& round);

    QUrl base_;
    QString user_;
    QString password_;
    int refreshMs_;
    QNetworkAccessManager nam_;
    QTimer timer_;

    QByteArray token_;
    std::int64_t tokenRefreshAtMs_ = 0;
    bool loginInFlight_ = false;
    std::vector<std::function<void(const std::optional<Reply>&)>> tokenWaiters_;

    engine::SnapshotPtr snapshot_;
    std::uint64_t version_ = 0;
    bool roundActive_ = false;
    bool refreshAgain_ = false;

    bool eventsEnabled_ = true;
    QString lastEventId_;
    QNetworkReply* eventStream_ = nullptr;
    QByteArray sseBuffer_;
    bool streaming_ = false;
    int streamRefusals_ = 0; // answers other than a stream; after 3 the console keeps polling

    MediaSnapshotPtr media_ = std::make_shared<MediaSnapshot>();
    bool mediaInFlight_ = false;
    bool mediaAgain_ = false;

    bool connected_ = false;
    QDateTime disconnectedSince_;
    QString lastFailure_;
    int failures_ = 0;
};

} // namespace sy::ui
