#pragma once
// CommandRunner: every operator command goes through here, so the console shows one busy
// indicator while any is in flight, one readable message when one fails (the backend's error as
// is: the API's errorMessage when attached) and records the failure in the event log.

#include "ui/backend/clusterbackend.h"

#include <QObject>
#include <QString>

#include <functional>

namespace sy::ui {

class CommandRunner final : public QObject {
    Q_OBJECT
public:
    using Start = std::function<void(ClusterBackend::CommandCallback)>;

    using QObject::QObject;

    // Runs one command. `what` names it for people ("Drain node e-3"); `nodeGroup` is the group
    // it concerns, for the event log. `onSuccess` runs on the GUI thread after success.
    void run(const QString& what, const QString& nodeGroup, const Start& start,
             std::function<void()> onSuccess = {});
    int inFlight() const { return inFlight_; }

Q_SIGNALS:
    void busyChanged(bool busy);
    void succeeded(const QString& what);
    void failed(const QString& what, const QString& nodeGroup, const QString& message);

private:
    int inFlight_ = 0;
};

} // namespace sy::ui
