#pragma once
// The traffic lab's engine: test publishers and viewers sent through the cluster's real
// routing, to watch it scale. On LOCAL groups they are ffmpeg processes: publishers loop a short
// clip encoded once (so N publishers cost N stream copies, not N encoders) to the origin that
// publish routing picks, viewers play from the edge that subscribe routing picks (retrying until
// the stream is live). On SIMULATED groups the lab adds synthetic publishers and viewers to the
// group's traffic model and restores the model when stopped. Everything is asynchronous: the
// GUI thread never waits for a process or a route.

#include <QObject>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QVector>

#include <memory>
#include <optional>

namespace sy::api {
class ClusterHost;
}
namespace sy::providers {
struct SimulatedTraffic;
}

namespace sy::ui {

class ClusterBackend;

class TrafficLab final : public QObject {
    Q_OBJECT
public:
    enum class Kind { Publisher, Viewer };
    enum class State { Routing, Starting, Running, Failed, Stopped };
    struct Client {
        Kind kind = Kind::Publisher;
        QString guid;
        QString url;
        State state = State::Routing;
        QString error;
        int attempts = 0;
        QProcess* process = nullptr;
    };

    // `host`: the embedded cluster, for synthetic load on SIMULATED groups; may be null.
    TrafficLab(ClusterBackend& backend, api::ClusterHost* host, QObject* parent = nullptr);
    ~TrafficLab() override;

    // Starts `publishers` and `viewers` test clients on `nodeGroup`. An error says why not
    // (unknown group, SIMULATED group while attached, already running).
    QString start(const QString& nodeGroup, int publishers, int viewers);
    void stop();
    bool isRunning() const { return !group_.isEmpty(); }
    QString nodeGroup() const { return group_; }
    bool synthetic() const { return synthetic_; }
    const QVector<Client>& clients() const { return clients_; }
    int count(Kind kind, State state) const;

    static QString stateName(State s);

Q_SIGNALS:
    void changed();

private:
    void prepareClip();
    void route(int index);
    void launch(int index);
    void retryLater(int index, const QString& why);
    void setState(int index, State state, const QString& error = {});

    ClusterBackend& backend_;
    api::ClusterHost* host_;
    QString group_;
    bool synthetic_ = false;
    std::unique_ptr<providers::SimulatedTraffic> savedTraffic_; // restored on stop
    bool hadTraffic_ = false;
    QVector<Client> clients_;
    std::unique_ptr<QTemporaryDir> clipDir_;
    QString clip_;
    QProcess* encoder_ = nullptr;
    int generation_ = 0; // callbacks of an earlier run are dropped
};

} // namespace sy::ui
