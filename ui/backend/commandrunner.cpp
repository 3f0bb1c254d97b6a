#include "ui/backend/commandrunner.h"

#include <QPointer>

namespace sy::ui {

void CommandRunner::run(const QString& what, const QString& nodeGroup, const Start& start,
                        std::function<void()> onSuccess) {
    if (++inFlight_ == 1)
        Q_EMIT busyChanged(true);
    QPointer<CommandRunner> self(this);
    start([self, what, nodeGroup, onSuccess = std::move(onSuccess)](Result<void> result) {
        if (!self)
            return;
        if (--self->inFlight_ == 0)
            Q_EMIT self->busyChanged(false);
        if (result) {
            if (onSuccess)
                onSuccess();
            Q_EMIT self->succeeded(what);
        } else {
            Q_EMIT self->failed(what, nodeGroup, QString::fromStdString(result.error().message));
        }
    });
}

} // namespace sy::ui
