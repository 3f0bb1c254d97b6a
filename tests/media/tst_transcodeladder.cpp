// The transcoder ladder of a provision (core/media/transcodeladder.h): renditions read from
// videoParams in abrLevel order, the source the publisher sends; every refused rendition with the
// JSON path and the cause; golden ffmpeg command lines; and a real ffmpeg run of a 3-rendition
// ladder from a 1280x720 FLV source, each output probed for its size, profile, key frames and
// audio.

#include "core/media/childprocess.h"
#include "core/media/transcodeladder.h"
#include "tests/support/mediasources.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

using Json = nlohmann::json;
using namespace sy::media;

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(nlohmann::json)

namespace {

// Decoded only, not validated: the ladder does its own range checks and these rows prove them.
sy::model::ProvisionRequest provision(const Json& streams) {
    sy::model::Problems problems;
    auto p = sy::model::decodeProvision(Json{{"provisionGuid", "prov1"}, {"streams", streams}}, "",
                                        problems);
    if (!problems.empty())
        qFatal("test provision does not decode: %s", sy::model::describe(problems).c_str());
    return p;
}

Json rendition(const std::string& guid, int level, int w, int h, std::int64_t bitRate) {
    return {{"streamGuid", guid},
            {"abrLevel", level},
            {"videoParams", {{"videoWidth", w}, {"videoHeight", h}, {"videoBitRate", bitRate}}}};
}

// Two renditions every refused row breaks in one place.
Json goodBase() {
    return Json::array({rendition("live/cam_1", 1, 1280, 720, 2000000),
                        rendition("live/cam_2", 2, 640, 360, 800000)});
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : " ") + s;
    return out;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

struct BadRow {
    const char* name;
    std::function<void(Json&)> breakIt;
    std::string path;
    std::string message; // a part of the problem's message
};

std::vector<BadRow> badRows() {
    auto vp = [](int i, const char* key, const Json& value) {
        return [=](Json& s) {
            s[i]["videoParams"][key] = value;
        };
    };
    auto drop = [](int i, const char* key) {
        return [=](Json& s) {
            s[i]["videoParams"].erase(key);
        };
    };
    auto guid = [](int i, const char* g) {
        return [=](Json& s) {
            s[i]["streamGuid"] = g;
        };
    };
    const std::string v0 = "streams[0].videoParams.", v1 = "streams[1].videoParams.";
    return {
        {"width missing", drop(1, "videoWidth"), v1 + "videoWidth", "is required for a rendition"},
        {"height missing", drop(0, "videoHeight"), v0 + "videoHeight",
         "is required for a rendition"},
        {"bit rate missing", drop(1, "videoBitRate"), v1 + "videoBitRate",
         "is required for a rendition"},
        {"width above 7680", vp(0, "videoWidth", 7682), v0 + "videoWidth",
         "must be between 2 and 7680, got 7682"},
        {"height below 2", vp(1, "videoHeight", 0), v1 + "videoHeight",
         "must be between 2 and 4320, got 0"},
        {"height above 4320", vp(1, "videoHeight", 4322), v1 + "videoHeight",
         "must be between 2 and 4320"},
        {"bit rate below 100", vp(1, "videoBitRate", 99), v1 + "videoBitRate",
         "must be between 100 and 10485760, got 99"},
        {"bit rate above 10485760", vp(0, "videoBitRate", 10485761), v0 + "videoBitRate",
         "must be between 100 and 10485760"},
        {"qp min negative", vp(0, "videoQpMin", -1), v0 + "videoQpMin", "must be between 0 and 63"},
        {"qp max above 63", vp(0, "videoQpMax", 64), v0 + "videoQpMax", "must be between 0 and 63"},
        {"max bit rate above 10485760", vp(1, "videoBrMax", 20000000), v1 + "videoBrMax",
         "must be between 100 and 10485760"},
        {"key interval 0", vp(1, "videoKey", 0), v1 + "videoKey", "must be between 1 and 600"},
        {"key interval above 600", vp(1, "videoKey", 601), v1 + "videoKey",
         "must be between 1 and 600"},
        {"entropy 2", vp(0, "videoEntropyProfile", 2), v0 + "videoEntropyProfile",
         "must be between 0 and 1"},
        {"encoder mode 2", vp(0, "videoEncMode", 2), v0 + "videoEncMode",
         "must be between 0 and 1"},
        {"complexity 3", vp(1, "videoEncComplexity", 3), v1 + "videoEncComplexity",
         "must be between 0 and 2"},
        {"unknown profile", vp(1, "videoProfile", "extended"), v1 + "videoProfile",
         "must be baseline, main or high, got 'extended'"},
        {"odd width", vp(1, "videoWidth", 853), v1 + "videoWidth",
         "must be even for libx264 (4:2:0 chroma), got 853"},
        {"odd height", vp(0, "videoHeight", 721), v0 + "videoHeight",
         "must be even for libx264 (4:2:0 chroma), got 721"},
        {"qp min above qp max",
         [](Json& s) {
             s[0]["videoParams"]["videoQpMin"] = 40;
             s[0]["videoParams"]["videoQpMax"] = 30;
         },
         v0 + "videoQpMin", "must be <= videoQpMax (30), got 40"},
        {"max bit rate below bit rate", vp(1, "videoBrMax", 500000), v1 + "videoBrMax",
         "must be >= videoBitRate (800000), got 500000"},
        {"abrLevel 0 is a restream", [](Json& s) { s[1]["abrLevel"] = 0; }, "streams[1].abrLevel",
         "for a rendition (0 marks a restream), got 0"},
        {"guid missing", [](Json& s) { s[1].erase("streamGuid"); }, "streams[1].streamGuid",
         "is required for a rendition"},
        {"guid repeated", guid(1, "live/cam_1"), "streams[1].streamGuid", "repeats streams[0]"},
        {"another app", guid(1, "other/cam_2"), "streams[1].streamGuid",
         "is in app 'other' but streams[0] is in app 'live'"},
        {"another base name", guid(1, "live/dog_2"), "streams[1].streamGuid",
         "has base name 'live/dog' but streams[0] has 'live/cam'"},
        {"another room", guid(1, "live/room2/cam_2"), "streams[1].streamGuid",
         "has base name 'live/room2/cam'"},
        {"no suffix", guid(1, "live/cam"), "streams[1].streamGuid",
         "must end in _k, k in 1..2 (renditions are name_1 … name_N), got 'live/cam'"},
        {"suffix not a number", guid(0, "live/cam_hd"), "streams[0].streamGuid", "must end in _k"},
        {"suffix with a leading zero", guid(1, "live/cam_02"), "streams[1].streamGuid",
         "must end in _k"},
        {"suffix 0", guid(1, "live/cam_0"), "streams[1].streamGuid", "must end in _k"},
        {"suffix beyond N", guid(1, "live/cam_3"), "streams[1].streamGuid",
         "has suffix _3 but the ladder has 2 renditions: suffixes must be 1..2"},
    };
}

// A fixture ladder: three renditions of a 1280x720 source, listed out of order.
Json threeRenditions() {
    auto low = rendition("live/cam_3", 3, 428, 240, 400000);
    low["videoParams"]["videoKey"] = 25;
    low["videoParams"]["videoProfile"] = "baseline";
    auto top = rendition("live/cam_1", 1, 1280, 720, 2000000);
    top["videoParams"]["videoKey"] = 25;
    top["videoParams"]["videoProfile"] = "high";
    top["videoParams"]["videoBrMax"] = 2500000;
    auto mid = rendition("live/cam_2", 2, 852, 480, 1000000);
    mid["videoParams"]["videoKey"] = 25;
    mid["videoParams"]["videoProfile"] = "main";
    mid["videoParams"]["videoQpMin"] = 10;
    mid["videoParams"]["videoQpMax"] = 40;
    mid["videoParams"]["videoEntropyProfile"] = 0;
    mid["videoParams"]["videoEncComplexity"] = 1;
    // Not a rendition: a social destination of the same provision stays out of the ladder.
    Json social = {{"streamGuid", "live/cam_1"}, {"destUri", "rtmp://192.0.2.9/app/key"}};
    return Json::array({low, social, top, mid});
}

// Runs a tool to completion with a deadline; its stdout, or a failure that says why.
sy::Result<std::string> runTool(std::vector<std::string> argv, std::chrono::seconds deadline) {
    ProcessOptions po;
    po.argv = std::move(argv);
    auto ran = ChildProcess::run(po, deadline, 1024 * 1024);
    if (!ran)
        return sy::unexpected(ran.error());
    if (!ran->exit.success())
        return sy::fail("failed", po.argv.front() + " " + ran->exit.describe() + ": " + ran->err);
    return ran->out;
}

// The options string libx264 leaves in its first SEI ("x264 - core … options: cabac=1 …"),
// with a space at each end so that every option is found as " name=value ".
std::string x264Settings(const std::string& file) {
    QFile f(QString::fromStdString(file));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const auto bytes = f.read(1024 * 1024).toStdString();
    const auto at = bytes.find("options: ");
    if (at == std::string::npos)
        return {};
    const auto end = bytes.find('\0', at);
    return " " + bytes.substr(at + 9, end == std::string::npos ? 4096 : end - at - 9) + " ";
}

} // namespace

class TestTranscodeLadder : public QObject {
    Q_OBJECT
private slots:
    void threeRenditionsInLevelOrder();
    void levelsDefaultToOneAndKeepStreamOrder();
    void noVideoParamsNoLadder();
    void goodBaseIsAccepted();
    void refused_data();
    void refused();
    void everyProblemAtOnceInStreamOrder();
    void ladderForSourceFindsTheTopRendition();
    void arguments_data();
    void arguments();
    void argumentsNeedOneOutputPerRendition();
    void ladderCommandCarriesNoToken();
    void realRunMakesEveryRendition();
};

void TestTranscodeLadder::threeRenditionsInLevelOrder() {
    auto l = ladderForProvision(provision(threeRenditions()));
    QVERIFY2(bool(l), l ? "" : sy::model::describe(l.error()).c_str());
    QVERIFY(l->has_value());
    const Ladder& ladder = **l;
    QCOMPARE(q(ladder.provisionGuid), QStringLiteral("prov1"));
    QCOMPARE(q(ladder.sourceGuid), QStringLiteral("live/cam_1"));
    QCOMPARE(ladder.renditions.size(), std::size_t{3});
    const std::vector<std::tuple<std::string, int, int, int, int, std::int64_t>> expected = {
        {"live/cam_1", 2, 1, 1280, 720, 2000000},
        {"live/cam_2", 3, 2, 852, 480, 1000000},
        {"live/cam_3", 0, 3, 428, 240, 400000}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& r = ladder.renditions[i];
        const auto& [guid, index, level, w, h, rate] = expected[i];
        QCOMPARE(q(r.streamGuid), q(guid));
        QCOMPARE(r.streamIndex, index);
        QCOMPARE(r.level, level);
        QCOMPARE(r.width, w);
        QCOMPARE(r.height, h);
        QCOMPARE(r.bitRate, rate);
        QCOMPARE(r.keyFrames, 25);
    }
    const auto& top = ladder.renditions[0];
    QCOMPARE(q(top.profile), QStringLiteral("high"));
    QCOMPARE(top.maxRate, std::optional<std::int64_t>(2500000));
    QVERIFY(!top.qpMin && !top.qpMax && !top.entropy && !top.complexity);
    const auto& mid = ladder.renditions[1];
    QCOMPARE(q(mid.profile), QStringLiteral("main"));
    QCOMPARE(mid.qpMin, std::optional<int>(10));
    QCOMPARE(mid.qpMax, std::optional<int>(40));
    QCOMPARE(mid.entropy, std::optional<int>(0));
    QCOMPARE(mid.complexity, std::optional<int>(1));
    QVERIFY(!mid.maxRate);
}

void TestTranscodeLadder::levelsDefaultToOneAndKeepStreamOrder() {
    // No abrLevel anywhere: every rendition is level 1 and streams[] order decides, so the top
    // is the first listed even when its suffix is not _1. Defaults: 60-frame GOP, baseline.
    Json streams = Json::array({rendition("live/room1/cam_2", 1, 640, 360, 800000),
                                rendition("live/room1/cam_1", 1, 1280, 720, 2000000)});
    for (auto& s : streams)
        s.erase("abrLevel");
    auto l = ladderForProvision(provision(streams));
    QVERIFY2(bool(l), l ? "" : sy::model::describe(l.error()).c_str());
    QVERIFY(l->has_value());
    QCOMPARE(q((*l)->sourceGuid), QStringLiteral("live/room1/cam_2"));
    QCOMPARE((*l)->renditions[0].level, 1);
    QCOMPARE((*l)->renditions[1].streamIndex, 1);
    QCOMPARE((*l)->renditions[0].keyFrames, 60);
    QCOMPARE(q((*l)->renditions[0].profile), QStringLiteral("baseline"));
    // A lower level larger than a higher one is allowed, and the order follows the level.
    streams[0]["abrLevel"] = 2;
    streams[1]["abrLevel"] = 1;
    streams[0]["videoParams"]["videoWidth"] = 1920;
    streams[0]["videoParams"]["videoHeight"] = 1080;
    l = ladderForProvision(provision(streams));
    QVERIFY2(bool(l), l ? "" : sy::model::describe(l.error()).c_str());
    QCOMPARE(q((*l)->sourceGuid), QStringLiteral("live/room1/cam_1"));
    QCOMPARE((*l)->renditions[1].width, 1920);
}

void TestTranscodeLadder::noVideoParamsNoLadder() {
    auto l = ladderForProvision(provision(Json::array(
        {{{"streamGuid", "live/cam"}, {"destUri", "rtmp://192.0.2.9/app/key"}},
         {{"streamGuid", "live/cam2"}, {"cloudParams", {{"bucketName", "archive"}}}}})));
    QVERIFY(l);
    QVERIFY(!l->has_value());
    sy::model::ProvisionRequest empty;
    auto none = ladderForProvision(empty);
    QVERIFY(none && !none->has_value());
}

void TestTranscodeLadder::goodBaseIsAccepted() {
    // Every refused row differs from this provision in one place only.
    auto l = ladderForProvision(provision(goodBase()));
    QVERIFY2(bool(l), l ? "" : sy::model::describe(l.error()).c_str());
    QVERIFY(l->has_value());
    QCOMPARE((*l)->renditions.size(), std::size_t{2});
}

void TestTranscodeLadder::refused_data() {
    QTest::addColumn<int>("index");
    const auto rows = badRows();
    for (std::size_t i = 0; i < rows.size(); ++i)
        QTest::addRow("%s", rows[i].name) << int(i);
}

void TestTranscodeLadder::refused() {
    QFETCH(int, index);
    const auto row = badRows()[static_cast<std::size_t>(index)];
    Json streams = goodBase();
    row.breakIt(streams);
    auto l = ladderForProvision(provision(streams));
    QVERIFY2(!bool(l), "accepted");
    const auto all = sy::model::describe(l.error());
    const sy::model::Problem* match = nullptr;
    for (const auto& p : l.error())
        if (!match && p.message.find(row.message) != std::string::npos)
            match = &p;
    QVERIFY2(match, ("no problem says …" + row.message + "…; got:\n" + all).c_str());
    QCOMPARE(q(match->path), q(row.path));
    // One fault, one problem: a check does not pile follow-up problems on the first.
    QVERIFY2(l.error().size() == 1, all.c_str());
}

void TestTranscodeLadder::everyProblemAtOnceInStreamOrder() {
    Json streams = goodBase();
    streams.push_back(rendition("other/cam_3", 3, 427, 240, 50));
    streams[0]["videoParams"].erase("videoBitRate");
    auto l = ladderForProvision(provision(streams));
    QVERIFY(!l);
    // Each problem once, streams in order, whichever check found it.
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"streams[0].videoParams.videoBitRate", "is required"},
        {"streams[2].videoParams.videoBitRate", "must be between 100 and 10485760, got 50"},
        {"streams[2].videoParams.videoWidth", "must be even"},
        {"streams[2].streamGuid", "is in app 'other'"}};
    const auto all = sy::model::describe(l.error());
    QCOMPARE(l.error().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(q(l.error()[i].path), q(expected[i].first));
        QVERIFY2(l.error()[i].message.find(expected[i].second) != std::string::npos, all.c_str());
    }
}

void TestTranscodeLadder::ladderForSourceFindsTheTopRendition() {
    auto other = provision(Json::array({rendition("live/dog_1", 1, 640, 360, 800000)}));
    other.provisionGuid = "prov0";
    auto broken = provision(Json::array({rendition("live/cam_1", 1, 641, 360, 800000)}));
    broken.provisionGuid = "broken";
    const std::vector<sy::model::ProvisionRequest> all = {other, broken,
                                                          provision(threeRenditions())};
    auto l = ladderForSource(all, "live/cam_1");
    QVERIFY(l);
    QCOMPARE(q(l->provisionGuid), QStringLiteral("prov1"));
    QCOMPARE(l->renditions.size(), std::size_t{3});
    QCOMPARE(q(ladderForSource(all, "live/dog_1").value_or(Ladder{}).provisionGuid),
             QStringLiteral("prov0"));
    // A lower rendition is not a source: the publisher sends the top one only.
    QVERIFY(!ladderForSource(all, "live/cam_2"));
    QVERIFY(!ladderForSource(all, "live/nobody_1"));
}

void TestTranscodeLadder::arguments_data() {
    QTest::addColumn<Json>("streams");
    QTest::addColumn<std::string>("source");
    QTest::addColumn<std::string>("golden");
    const std::string head =
        "ffmpeg -hide_banner -nostdin -loglevel error -progress pipe:1 -stats_period 0.5 ";
    const std::string src = "rtmp://127.0.0.1:24001/live/cam_1";
    QTest::addRow("one rendition")
        << Json::array({rendition("live/cam_1", 1, 1280, 720, 2000000)}) << src
        << head + "-rw_timeout 5000000 -i " + src +
               " -filter_complex [0:v]scale=1280:720,setsar=1[v1]"
               " -map [v1] -map 0:a? -c:v libx264 -preset veryfast -tune zerolatency -profile:v "
               "baseline -b:v 2000000 -maxrate 2000000 -bufsize 4000000 -g 60 -keyint_min 60 "
               "-sc_threshold 0 -pix_fmt yuv420p -c:a copy -f flv out1";
    QTest::addRow("three renditions")
        << threeRenditions() << src
        << head + "-rw_timeout 5000000 -i " + src +
               " -filter_complex [0:v]split=3[s1][s2][s3];[s1]scale=1280:720,setsar=1[v1];"
               "[s2]scale=852:480,setsar=1[v2];[s3]scale=428:240,setsar=1[v3]"
               " -map [v1] -map 0:a? -c:v libx264 -preset veryfast -tune zerolatency -profile:v "
               "high -b:v 2000000 -maxrate 2500000 -bufsize 4000000 -g 25 -keyint_min 25 "
               "-sc_threshold 0 -pix_fmt yuv420p -c:a copy -f flv out1"
               " -map [v2] -map 0:a? -c:v libx264 -preset superfast -tune zerolatency -profile:v "
               "main -b:v 1000000 -maxrate 1000000 -bufsize 2000000 -g 25 -keyint_min 25 "
               "-sc_threshold 0 -qmin 10 -qmax 40 -coder cavlc -pix_fmt yuv420p -c:a copy -f flv "
               "out2"
               " -map [v3] -map 0:a? -c:v libx264 -preset veryfast -tune zerolatency -profile:v "
               "baseline -b:v 400000 -maxrate 400000 -bufsize 800000 -g 25 -keyint_min 25 "
               "-sc_threshold 0 -pix_fmt yuv420p -c:a copy -f flv out3";
    QTest::addRow("file source: no network timeout")
        << Json::array({rendition("live/cam_1", 1, 640, 360, 800000)})
        << std::string("/tmp/src.flv")
        << head + "-i /tmp/src.flv -filter_complex [0:v]scale=640:360,setsar=1[v1]"
                  " -map [v1] -map 0:a? -c:v libx264 -preset veryfast -tune zerolatency "
                  "-profile:v baseline -b:v 800000 -maxrate 800000 -bufsize 1600000 -g 60 "
                  "-keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p -c:a copy -f flv out1";
}

void TestTranscodeLadder::arguments() {
    QFETCH(Json, streams);
    QFETCH(std::string, source);
    QFETCH(std::string, golden);
    auto l = ladderForProvision(provision(streams));
    QVERIFY(l && l->has_value());
    std::vector<std::string> outputs;
    for (std::size_t k = 1; k <= (*l)->renditions.size(); ++k)
        outputs.push_back("out" + std::to_string(k));
    const auto args = ladderArguments(**l, source, outputs);
    QCOMPARE(q(join(args)), q(golden));
    // Whatever the golden line: one input, decoded once, and one FLV output per rendition.
    QCOMPARE(std::count(args.begin(), args.end(), std::string("-i")), std::ptrdiff_t{1});
    QCOMPARE(std::count(args.begin(), args.end(), std::string("-filter_complex")),
             std::ptrdiff_t{1});
    QCOMPARE(std::count(args.begin(), args.end(), std::string("flv")),
             std::ptrdiff_t(outputs.size()));
    QCOMPARE(q(args.back()), q(outputs.back()));
}

// The core's stream tokens on the source and on every rendition stay off the command line
// (issue 14): the source is read through concat from a pipe, each output's play path comes from
// a preset on a pipe of its own.
void TestTranscodeLadder::ladderCommandCarriesNoToken() {
    auto l = ladderForProvision(provision(threeRenditions()));
    QVERIFY(l && l->has_value());
    const std::vector<std::string> outputs = {"rtmp://127.0.0.1:2/live/cam_1?token=out-tok-1",
                                              "rtmp://127.0.0.1:2/live/cam_2?token=out-tok-2",
                                              "rtmp://127.0.0.1:2/live/cam_3?token=out-tok-3"};
    const auto c = ladderCommand(**l, "rtmp://127.0.0.1:1/live/cam?token=src-tok-0", outputs);
    QCOMPARE(c.logical,
             ladderArguments(**l, "rtmp://127.0.0.1:1/live/cam?token=src-tok-0", outputs));
    QCOMPARE(c.documents.size(), std::size_t{4});
    std::string argv, docs;
    for (const auto& a : c.argv)
        argv += a + " ";
    for (const auto& d : c.documents)
        docs += d;
    for (const char* token : {"src-tok-0", "out-tok-1", "out-tok-2", "out-tok-3"}) {
        QVERIFY2(argv.find(token) == std::string::npos, argv.c_str());
        QVERIFY2(docs.find(token) != std::string::npos, docs.c_str());
    }
    QCOMPARE(std::count(c.argv.begin(), c.argv.end(), std::string("-fpre")), std::ptrdiff_t{3});
    QCOMPARE(c.argv.back(), std::string("rtmp://127.0.0.1:2/live"));
}

void TestTranscodeLadder::argumentsNeedOneOutputPerRendition() {
    auto l = ladderForProvision(provision(threeRenditions()));
    QVERIFY(l && l->has_value());
    QVERIFY(ladderArguments(**l, "rtmp://h/live/cam_1", {"a", "b"}).empty());
    QVERIFY(!ladderArguments(**l, "rtmp://h/live/cam_1", {"a", "b", "c"}).empty());
    QVERIFY(ladderArguments(Ladder{}, "rtmp://h/live/cam_1", {}).empty());
}

// ffmpeg really makes every rendition: a 4 s 1280x720 25 fps source with sound, transcoded by
// ladderArguments() into three FLV files, each probed for what its rendition asked.
void TestTranscodeLadder::realRunMakesEveryRendition() {
    if (QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty() ||
        QStandardPaths::findExecutable(QStringLiteral("ffprobe")).isEmpty())
        QSKIP("ffmpeg and ffprobe are needed (see README: make test installs them)");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto path = [&](const char* name) {
        return dir.filePath(QLatin1String(name)).toStdString();
    };
    const std::string source = path("source.flv");
    auto encoded = runTool({"ffmpeg",
                            "-hide_banner",
                            "-nostdin",
                            "-loglevel",
                            "error",
                            "-f",
                            "lavfi",
                            "-i",
                            "testsrc2=size=1280x720:rate=25:duration=4",
                            "-f",
                            "lavfi",
                            "-i",
                            "sine=frequency=440:sample_rate=44100:duration=4",
                            "-c:v",
                            "libx264",
                            "-preset",
                            "ultrafast",
                            "-g",
                            "25",
                            "-pix_fmt",
                            "yuv420p",
                            "-c:a",
                            "aac",
                            "-b:a",
                            "96k",
                            "-f",
                            "flv",
                            "-y",
                            source},
                           std::chrono::seconds(120));
    QVERIFY2(bool(encoded), encoded ? "" : encoded.error().message.c_str());

    auto l = ladderForProvision(provision(threeRenditions()));
    QVERIFY(l && l->has_value());
    const Ladder& ladder = **l;
    const std::vector<std::string> outputs = {path("out1.flv"), path("out2.flv"), path("out3.flv")};
    const auto started = std::chrono::steady_clock::now();
    auto ran = runTool(ladderArguments(ladder, source, outputs), std::chrono::seconds(180));
    const auto tookMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    QVERIFY2(bool(ran), ran ? "" : ran.error().message.c_str());
    qInfo("ladder of 3 renditions from 4 s of 1280x720: ffmpeg ran %lld ms",
          static_cast<long long>(tookMs));
    // -progress pipe:1 reports on stdout up to the end.
    QVERIFY2(ran->find("progress=end") != std::string::npos, ran->c_str());

    const std::vector<QString> profiles = {QStringLiteral("High"), QStringLiteral("Main"),
                                           QStringLiteral("Constrained Baseline")};
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        const auto& r = ladder.renditions[k];
        const QString file = q(outputs[k]);
        const auto video = mediatest::probe(file);
        QVERIFY2(video.ok, qPrintable(file + QStringLiteral(": ") + video.error));
        QCOMPARE(video.codec, QStringLiteral("h264"));
        QCOMPARE(video.width, r.width);
        QCOMPARE(video.height, r.height);
        QVERIFY2(video.durationS > 3.5, qPrintable(QString::number(video.durationS)));
        // The profile asked for, the audio copied, and a key frame every 25 frames (1 s).
        auto streams =
            runTool({"ffprobe", "-v", "error", "-show_entries",
                     "stream=codec_type,codec_name,profile", "-of", "csv=p=0", outputs[k]},
                    std::chrono::seconds(30));
        QVERIFY2(bool(streams), streams ? "" : streams.error().message.c_str());
        QVERIFY2(streams->find("h264," + profiles[k].toStdString() + ",video") != std::string::npos,
                 streams->c_str());
        QVERIFY2(streams->find("aac,LC,audio") != std::string::npos, streams->c_str());
        auto packets = runTool({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                                "packet=flags", "-of", "csv=p=0", outputs[k]},
                               std::chrono::seconds(30));
        QVERIFY2(bool(packets), packets ? "" : packets.error().message.c_str());
        int frames = 0, keys = 0;
        for (std::size_t pos = 0; pos < packets->size();) {
            const auto end = std::min(packets->find('\n', pos), packets->size());
            const auto line = packets->substr(pos, end - pos);
            if (!line.empty()) {
                ++frames;
                keys += line.starts_with('K') ? 1 : 0;
            }
            pos = end + 1;
        }
        QCOMPARE(frames, 100);
        QCOMPARE(keys, 100 / r.keyFrames);
        // libx264 writes its settings into the stream (an SEI message): the encoder options
        // that no container field shows.
        const auto settings = x264Settings(outputs[k]);
        QVERIFY2(!settings.empty(), qPrintable(file));
        const bool cabac = r.profile != "baseline" && r.entropy != 0;
        for (const auto& want :
             {" cabac=" + std::to_string(cabac ? 1 : 0) + " ",
              " keyint=" + std::to_string(r.keyFrames) + " ", std::string(" scenecut=0 "),
              " qpmin=" + std::to_string(r.qpMin.value_or(0)) + " ",
              " qpmax=" + std::to_string(r.qpMax.value_or(69)) + " ",
              " vbv_maxrate=" + std::to_string(r.maxRate.value_or(r.bitRate) / 1000) + " "})
            QVERIFY2(settings.find(want) != std::string::npos,
                     ("no" + want + "in: " + settings).c_str());
    }
}

QTEST_GUILESS_MAIN(TestTranscodeLadder)
#include "tst_transcodeladder.moc"
