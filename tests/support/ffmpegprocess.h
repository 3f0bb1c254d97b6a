#pragma once
// ffmpeg as a test publisher or viewer. A viewer reports its progress on stdout
// (-progress pipe:1); frames() is the last `frame=` count seen, read without blocking.

#include <QProcess>
#include <QString>

#include <memory>

namespace nodestest {

class FfmpegProcess {
public:
    // Encodes a short 640x360 test clip with sound (once per test run: live encoding costs too
    // much CPU on small machines). Blocks up to 60 s; false on failure.
    static bool encodeClip(const QString& file);

    // -re -stream_loop -1 -c copy -f flv URL
    void startPublisher(const QString& clip, const QString& url);
    // -i URL -map 0:v -c copy -f null -, with progress on stdout.
    void startViewer(const QString& url);
    int frames();
    bool isRunning() const;
    QString errorOutput();
    void stop();
    ~FfmpegProcess() { stop(); }

private:
    void start(const QStringList& args);
    std::unique_ptr<QProcess> process_;
    QByteArray pending_;
    int frames_ = 0;
};

} // namespace nodestest
