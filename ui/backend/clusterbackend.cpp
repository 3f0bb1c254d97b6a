#include "ui/backend/clusterbackend.h"

#include <QMetaObject>

namespace sy::ui {

namespace {

const char* const kNoMedia = "this backend has no media layer";

// Answers on the next turn of the event loop, as every command callback must.
template <class Callback>
void answerLater(QObject* context, Callback done) {
    if (!done)
        return;
    QMetaObject::invokeMethod(
        context, [done = std::move(done)] { done(fail("unsupported", kNoMedia)); },
        Qt::QueuedConnection);
}

} // namespace

MediaSnapshotPtr ClusterBackend::media() const {
    static const MediaSnapshotPtr none = [] {
        auto s = std::make_shared<MediaSnapshot>();
        s->error = QString::fromLatin1(kNoMedia);
        return s;
    }();
    return none;
}

void ClusterBackend::refreshMedia() {
    QMetaObject::invokeMethod(this, &ClusterBackend::mediaChanged, Qt::QueuedConnection);
}

void ClusterBackend::createProvisions(std::string, nlohmann::json, CommandCallback done) {
    answerLater(this, std::move(done));
}

void ClusterBackend::deleteProvision(std::string, std::string, CommandCallback done) {
    answerLater(this, std::move(done));
}

void ClusterBackend::putStorageTarget(nlohmann::json, CommandCallback done) {
    answerLater(this, std::move(done));
}

void ClusterBackend::deleteStorageTarget(std::string, CommandCallback done) {
    answerLater(this, std::move(done));
}

void ClusterBackend::testStorageTarget(nlohmann::json, CommandCallback done) {
    answerLater(this, std::move(done));
}

void ClusterBackend::deleteRecording(std::string, std::int64_t, CommandCallback done) {
    answerLater(this, std::move(done));
}

void ClusterBackend::recordingPlaybackUrl(std::string, std::int64_t, UrlCallback done) {
    answerLater(this, std::move(done));
}

} // namespace sy::ui
