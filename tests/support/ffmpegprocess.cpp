#include "tests/support/ffmpegprocess.h"

namespace nodestest {

bool FfmpegProcess::encodeClip(const QString& file) {
    QProcess p;
    p.start(QStringLiteral("ffmpeg"), {QStringLiteral("-hide_banner"),
                                       QStringLiteral("-loglevel"),
                                       QStringLiteral("error"),
                                       QStringLiteral("-f"),
                                       QStringLiteral("lavfi"),
                                       QStringLiteral("-i"),
                                       QStringLiteral("testsrc=size=640x360:rate=30"),
                                       QStringLiteral("-f"),
                                       QStringLiteral("lavfi"),
                                       QStringLiteral("-i"),
                                       QStringLiteral("sine=frequency=440"),
                                       QStringLiteral("-t"),
                                       QStringLiteral("4"),
                                       QStringLiteral("-c:v"),
                                       QStringLiteral("libx264"),
                                       QStringLiteral("-preset"),
                                       QStringLiteral("ultrafast"),
                                       QStringLiteral("-g"),
                                       QStringLiteral("30"),
                                       QStringLiteral("-pix_fmt"),
                                       QStringLiteral("yuv420p"),
                                       QStringLiteral("-c:a"),
                                       QStringLiteral("aac"),
                                       QStringLiteral("-y"),
                                       file});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

void FfmpegProcess::start(const QStringList& args) {
    stop();
    process_ = std::make_unique<QProcess>();
    QStringList all{QStringLiteral("-hide_banner"), QStringLiteral("-nostdin"),
                    QStringLiteral("-loglevel"), QStringLiteral("error")};
    all << args;
    process_->start(QStringLiteral("ffmpeg"), all);
}

void FfmpegProcess::startPublisher(const QString& clip, const QString& url) {
    start({QStringLiteral("-re"), QStringLiteral("-stream_loop"), QStringLiteral("-1"),
           QStringLiteral("-i"), clip, QStringLiteral("-c"), QStringLiteral("copy"),
           QStringLiteral("-f"), QStringLiteral("flv"), url});
}

void FfmpegProcess::startViewer(const QString& url) {
    start({QStringLiteral("-i"), url, QStringLiteral("-map"), QStringLiteral("0:v"),
           QStringLiteral("-c"), QStringLiteral("copy"), QStringLiteral("-f"),
           QStringLiteral("null"), QStringLiteral("-"), QStringLiteral("-progress"),
           QStringLiteral("pipe:1")});
}

int FfmpegProcess::frames() {
    if (!process_)
        return frames_;
    pending_ += process_->readAllStandardOutput();
    const auto lastNewline = pending_.lastIndexOf('\n');
    if (lastNewline < 0)
        return frames_;
    const auto complete = pending_.left(lastNewline);
    pending_.remove(0, lastNewline + 1);
    for (const auto& line : complete.split('\n'))
        if (line.startsWith("frame="))
            frames_ = line.mid(6).trimmed().toInt();
    return frames_;
}

bool FfmpegProcess::isRunning() const {
    return process_ && process_->state() != QProcess::NotRunning;
}

QString FfmpegProcess::errorOutput() {
    return process_ ? QString::fromLocal8Bit(process_->readAllStandardError()) : QString();
}

void FfmpegProcess::stop() {
    if (!process_)
        return;
    if (process_->state() != QProcess::NotRunning) {
        process_->kill();
        process_->waitForFinished(5000);
    }
    process_.reset();
    pending_.clear();
}

} // namespace nodestest
