#pragma once
// s3rver (an S3-compatible server, npm) on loopback for the storage tests: a real HTTP S3 API
// that rclone talks to. The package is installed once into the build tree by
// tests/tools/s3rver/run-s3rver.sh (npm ci); a missing node or npm is a failure with a message,
// never a skip. The server listens on a free port of 23500-23599 and is killed and reaped when
// the object goes. It runs as a ChildProcess in a process group of its own, so that a kill
// during the first-run `npm ci` reaches npm too.

#include "core/media/childprocess.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <mutex>

namespace sy::test {

class S3Server {
public:
    // s3rver checks the access key id, not the secret.
    static constexpr const char* accessKeyId = "S3RVER";
    static constexpr const char* secretAccessKey = "S3RVER";

    // `script`: run-s3rver.sh; `installDir`: where npm ci puts node_modules (build tree);
    // `dataDir`: the server's storage; `buckets`: created at start.
    S3Server(QString script, QString installDir, QString dataDir, QStringList buckets);
    ~S3Server();
    S3Server(const S3Server&) = delete;
    S3Server& operator=(const S3Server&) = delete;

    // Starts the server and waits until its port answers (the first run installs the package,
    // hence the long default). False with the reason in `error`.
    bool start(QString* error, int timeoutMs = 300000);
    void stop();
    quint16 port() const { return port_; }
    QString endpoint() const; // "http://127.0.0.1:PORT"
    QString log();            // what the script and the server printed

    // A port of 23500-23599 that nothing listens on now (for "nothing listening" tests too).
    static quint16 freePort();
    static bool portAnswers(quint16 port);

private:
    QString script_;
    QString installDir_;
    QString dataDir_;
    QStringList buckets_;
    std::unique_ptr<sy::media::ChildProcess> proc_;
    std::shared_ptr<std::mutex> logMutex_ = std::make_shared<std::mutex>();
    std::shared_ptr<QString> log_ = std::make_shared<QString>();
    quint16 port_ = 0;
};

} // namespace sy::test
