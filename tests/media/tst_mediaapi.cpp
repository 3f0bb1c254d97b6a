// The media layer's REST API over the API fixture (handlers without sockets, a real core with
// SIMULATED nodes and a real MediaManager): provisions refused by the media checks with the JSON
// path and the cause and nothing stored; secrets sealed at rest and masked in every answer;
// restreamers on SIMULATED groups going FAULT with the reason; media jobs; storage targets with
// write-only secrets, their test, validation and roles; recordings; and the OpenAPI document.

#include "tests/api/apifixture.h"
#include "tests/support/jsontest.h"

#include "core/store/statestore.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace apitest;

namespace {

const std::string kProv = "/as/v1/streams/provision/ng1";

struct BadProvision {
    const char* name;
    std::string method;
    Json body;
    std::vector<std::string> parts; // each must be in errorMessage
};

Json stream(const Json& fields, const std::string& guid = "live/bad") {
    Json s = fields;
    s["streamGuid"] = guid;
    return s;
}

Json cam(const Json& props, const std::string& guid = "live/bad") {
    return stream({{"camParams", {{"properties", props}}}}, guid);
}

Json one(const std::string& guid, const Json& s) {
    return Json::array({{{"provisionGuid", guid}, {"streams", Json::array({s})}}});
}

std::vector<BadProvision> badProvisions() {
    const std::string props = "streams[0].camParams.properties.";
    return {
        {"malformed rtspUri",
         "POST",
         one("bad1", cam({{"type", "rtsp"}, {"rtspUri", "rtsp://ca m/x"}})),
         {props + "rtspUri", "is not a valid URL"}},
        {"file:// scheme",
         "POST",
         one("bad1", cam({{"type", "rtsp"}, {"rtspUri", "file://localhost/etc/passwd"}})),
         {props + "rtspUri", "scheme 'file' is not allowed"}},
        {"file source outside the media folder",
         "POST",
         one("bad1", cam({{"type", "file"}, {"files", "/etc/passwd"}})),
         {props + "files", "'/etc/passwd' is outside the media folders"}},
        {"file source climbing out with ..",
         "POST",
         one("bad1", cam({{"type", "file"}, {"files", "../../etc/passwd"}})),
         {props + "files", "is outside the media folders"}},
        {"link-local source",
         "POST",
         one("bad1",
             cam({{"type", "rtsp"}, {"rtspUri", "rtsp://169.254.169.254/latest/meta-data"}})),
         {props + "rtspUri", "link-local address '169.254.169.254'"}},
        {"unspecified source",
         "POST",
         one("bad1", cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://0.0.0.0/live/x"}})),
         {props + "rtmpUri", "unspecified address"}},
        {"unknown restreamer type",
         "POST",
         one("bad1", cam({{"type", "webrtc"}, {"uri", "rtsp://192.0.2.1/x"}})),
         {props + "type", "unknown restreamer type 'webrtc'"}},
        {"srt without port",
         "POST",
         one("bad1", cam({{"type", "srt"}})),
         {props + "port", "required for this type"}},
        {"short passphrase",
         "POST",
         one("bad1", cam({{"type", "srt"}, {"port", "9000"}, {"passphrase", "short"}})),
         {props + "passphrase", "must be 10..79 characters"}},
        {"destUri with http scheme",
         "POST",
         one("bad1", stream({{"destUri", "http://192.0.2.1/app/key"}})),
         {"streams[0].destUri", "scheme 'http' is not allowed"}},
        {"bucketName naming no storage target",
         "POST",
         one("bad1", stream({{"cloudParams", {{"bucketName", "nowhere1"}}}})),
         {"streams[0].cloudParams.bucketName", "no storage target named 'nowhere1'"}},
        {"attempts many",
         "POST",
         one("bad1",
             cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"attempts", "many"}})),
         {props + "attempts", "got 'many'"}},
        {"action kill",
         "POST",
         one("bad1",
             cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}, {"action", "kill"}})),
         {props + "action", "only \"create\""}},
        {"batch: one good, one bad",
         "POST",
         Json::array(
             {{{"provisionGuid", "good1"},
               {"streams", Json::array({cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.1/x"}},
                                            "live/good")})}},
              {{"provisionGuid", "bad1"},
               {"streams", Json::array({cam({{"type", "rtsp"}, {"rtspUri", "file://h/x"}})})}}}),
         {"[1]", props + "rtspUri", "scheme 'file'"}},
        {"one object instead of an array",
         "POST",
         Json{{"provisionGuid", "bad1"},
              {"streams", Json::array({stream({{"destUri", "rtmp://169.254.169.254/a/k"}})})}},
         {"streams[0].destUri", "link-local address"}},
        {"replacing with a bad source",
         "PUT",
         one("cam", cam({{"type", "rtsp"}, {"rtspUri", "rtsp://[fe80::1]/x"}}, "live/cam")),
         {props + "rtspUri", "link-local address"}},
    };
}

// Every regular file under `dir` that contains `needle` (bytes on disk: the state store, the
// media store and their journals).
std::vector<std::string> filesContaining(const std::filesystem::path& dir,
                                         const std::string& needle) {
    std::vector<std::string> hits;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec))
            continue;
        std::ifstream in(it->path(), std::ios::binary);
        const std::string content((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
        if (content.find(needle) != std::string::npos)
            hits.push_back(it->path().string());
    }
    return hits;
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += s + "\n";
    return out;
}

// A loopback port where nothing listens: bound by the kernel, then released.
int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        qFatal("cannot find a free loopback port");
    ::close(fd);
    return ntohs(a.sin_port);
}

std::string message(const HttpResponse& r) {
    const auto j = body(r);
    return j.is_object() && j.contains("errorMessage") && j["errorMessage"].is_string()
               ? j["errorMessage"].get<std::string>()
               : std::string();
}

} // namespace

class TestMediaApi : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();

    void provisionRefused_data();
    void provisionRefused();
    void refusedProvisionsChangedNothing();
    void problemPathsAreJsonPaths();
    void secretsSealedAtRestAndMasked();
    void moreSecretsSealedAtRestAndMasked_data();
    void moreSecretsSealedAtRestAndMasked();
    void restreamerOnSimulatedGoesFault();
    void mediaJobsOfAnUnknownGroup();
    void storageTargets();
    void storageTargetRefused_data();
    void storageTargetRefused();
    void storageRoles();
    void recordings();
    void openApiListsTheMediaRoutes();

private:
    HttpResponse post(const Json& b, const std::string& method = "POST") const {
        return f_->as("operator", method, kProv, b.dump());
    }
    std::filesystem::path dataDir() const {
        return f_->media().policy().fileRoots.front().parent_path();
    }
    std::unique_ptr<ApiFixture> f_;
    QTemporaryDir folder_; // a folder storage target
    Json before_;
};

void TestMediaApi::initTestCase() {
    QVERIFY(folder_.isValid());
    f_ = std::make_unique<ApiFixture>();
    QCOMPARE(
        f_->as("admin", "POST", "/as/v1/admin/nodegroup", ApiFixture::smallGroup("ng1", 1).dump())
            .status,
        200);
    QCOMPARE(post(one("cam", stream({}, "live/cam"))).status, 201);
    QVERIFY(f_->waitFor(
        [](const auto& s) { return s.group("ng1") && !s.group("ng1")->nodes.empty(); }));
    before_ = f_->storeContents();
}

void TestMediaApi::cleanupTestCase() {
    f_.reset();
}

void TestMediaApi::provisionRefused_data() {
    QTest::addColumn<int>("index");
    const auto rows = badProvisions();
    for (std::size_t i = 0; i < rows.size(); ++i)
        QTest::addRow("%s", rows[i].name) << int(i);
}

void TestMediaApi::provisionRefused() {
    QFETCH(int, index);
    const auto row = badProvisions()[static_cast<std::size_t>(index)];
    const auto r = post(row.body, row.method);
    QCOMPARE(r.status, 400);
    QVERIFY(r.contentType.starts_with("application/json"));
    const auto text = message(r);
    for (const char* internal : {"std::", "exception", "what()", "sqlite", ".cpp", "SEALED"})
        QVERIFY2(text.find(internal) == std::string::npos, text.c_str());
    QVERIFY2(body(r).contains("problems") && !body(r)["problems"].empty(), r.body.c_str());
    QCOMPARE_JSON(f_->storeContents(), before_);
    // The cause first, then the JSON path (parts are listed path first).
    for (auto part = row.parts.rbegin(); part != row.parts.rend(); ++part)
        QVERIFY2(text.find(*part) != std::string::npos,
                 ("\"" + *part + "\" not in: " + text).c_str());
}

void TestMediaApi::refusedProvisionsChangedNothing() {
    QCOMPARE_JSON(f_->storeContents(), before_);
    QCOMPARE(f_->call("GET", "/as/v1/admin/healthz").status, 200);
    const auto list = f_->as("viewer", "GET", kProv);
    QCOMPARE(list.status, 200);
    QCOMPARE(body(list).size(), std::size_t{1});
    QCOMPARE(f_->as("viewer", "GET", kProv + "/good1").status, 404);
}

// problems[].path is a JSON path into the request body, in the form the model's own problems
// use ("[0].streams[0].streamGuid"), so that a client can put the message next to the field.
void TestMediaApi::problemPathsAreJsonPaths() {
    const auto model = body(post(one("bad1", stream({}, "noslash"))));
    QVERIFY2(!model["problems"].empty(), model.dump().c_str());
    QCOMPARE(QString::fromStdString(model["problems"][0]["path"].get<std::string>()),
             QStringLiteral("[0].streams[0].streamGuid"));
    const auto media =
        body(post(one("bad1", cam({{"type", "rtsp"}, {"rtspUri", "file:///etc/passwd"}}))));
    QVERIFY2(!media["problems"].empty(), media.dump().c_str());
    QCOMPARE(QString::fromStdString(media["problems"][0]["path"].get<std::string>()),
             QStringLiteral("[0].streams[0].camParams.properties.rtspUri"));
    const auto bucket =
        body(post(one("bad1", stream({{"cloudParams", {{"bucketName", "nowhere1"}}}}))));
    QVERIFY2(!bucket["problems"].empty(), bucket.dump().c_str());
    QCOMPARE(QString::fromStdString(bucket["problems"][0]["path"].get<std::string>()),
             QStringLiteral("[0].streams[0].cloudParams.bucketName"));
}

void TestMediaApi::secretsSealedAtRestAndMasked() {
    const std::string key = "sk-secret-123";
    const std::string password = "pa55word-xyz";
    auto doc =
        one("secretcam", stream({{"destUri", "rtmp://192.0.2.50/app/" + key},
                                 {"camParams",
                                  {{"properties",
                                    {{"type", "rtsp"},
                                     {"rtspUri", "rtsp://admin:" + password + "@192.0.2.10/s"}}}}}},
                                "live/sec"));
    auto r = post(doc);
    QCOMPARE(r.status, 201);

    auto noSecret = [&](const std::string& text, const char* what) {
        QVERIFY2(text.find(key) == std::string::npos, (std::string(what) + ": " + text).c_str());
        QVERIFY2(text.find(password) == std::string::npos,
                 (std::string(what) + ": " + text).c_str());
    };
    const auto single = f_->as("viewer", "GET", kProv + "/secretcam");
    QCOMPARE(single.status, 200);
    noSecret(single.body, "GET one");
    const auto shown = body(single);
    const auto dest = shown["streams"][0]["destUri"].get<std::string>();
    const auto rtsp = shown["streams"][0]["camParams"]["properties"]["rtspUri"].get<std::string>();
    QVERIFY2(dest.find("••••") != std::string::npos, dest.c_str());
    QVERIFY2(rtsp.find("••••") != std::string::npos, rtsp.c_str());
    QCOMPARE(shown["streams"][0]["camParams"]["properties"]["type"].get<std::string>(),
             std::string("rtsp"));
    const auto list = f_->as("viewer", "GET", kProv);
    QCOMPARE(list.status, 200);
    noSecret(list.body, "GET list");
    QVERIFY(list.body.find("secretcam") != std::string::npos);

    noSecret(f_->storeContents().dump(), "storeContents");
    auto stored = f_->core().store().getProvision("ng1", "secretcam");
    QVERIFY(bool(stored));
    noSecret(stored->doc.dump(), "stored doc");
    QVERIFY(stored->doc["streams"][0]["destUri"].get<std::string>() !=
            "rtmp://192.0.2.50/app/" + key);
    QVERIFY2(filesContaining(dataDir(), key).empty(),
             joined(filesContaining(dataDir(), key)).c_str());
    QVERIFY2(filesContaining(dataDir(), password).empty(),
             joined(filesContaining(dataDir(), password)).c_str());

    // Replacing it: the new key is sealed too, and the stored value changes.
    const std::string newKey = "sk-other-456";
    doc[0]["streams"][0]["destUri"] = "rtmp://192.0.2.50/app/" + newKey;
    r = post(doc, "PUT");
    QCOMPARE(r.status, 200);
    auto replaced = f_->core().store().getProvision("ng1", "secretcam");
    QVERIFY(bool(replaced));
    QVERIFY(replaced->version > stored->version);
    QVERIFY(replaced->doc["streams"][0]["destUri"] != stored->doc["streams"][0]["destUri"]);
    const auto after = f_->as("viewer", "GET", kProv + "/secretcam");
    QCOMPARE(after.status, 200);
    QVERIFY(after.body.find(newKey) == std::string::npos);
    QVERIFY(f_->storeContents().dump().find(newKey) == std::string::npos);
    QVERIFY2(filesContaining(dataDir(), newKey).empty(),
             joined(filesContaining(dataDir(), newKey)).c_str());
    // Its jobs show the destination masked.
    const auto jobs = f_->as("viewer", "GET", "/as/v1/media/ng1/jobs");
    QCOMPARE(jobs.status, 200);
    noSecret(jobs.body, "jobs");

    // A GET sent back as the PUT (secrets masked) keeps the stored secrets, sealed as they were.
    Json echoed = Json::array();
    echoed.push_back(body(f_->as("viewer", "GET", kProv + "/secretcam")));
    QVERIFY(echoed.dump().find("••••") != std::string::npos);
    r = post(echoed, "PUT");
    QCOMPARE(r.status, 200);
    auto kept = f_->core().store().getProvision("ng1", "secretcam");
    QVERIFY(bool(kept));
    QVERIFY(kept->doc["streams"][0]["destUri"] == replaced->doc["streams"][0]["destUri"]);
    QVERIFY(kept->doc["streams"][0]["camParams"]["properties"]["rtspUri"] ==
            replaced->doc["streams"][0]["camParams"]["properties"]["rtspUri"]);
    QVERIFY(jobs.body.find(newKey) == std::string::npos);
    QCOMPARE(f_->as("operator", "DELETE", kProv + "/secretcam").status, 200);
}

// Secrets beyond stream keys and URL passwords: the provision's own credentials (round-trip
// auth), an SRT streamid, the key in an rtmp pull's path, and token/sig query values. A viewer
// never reads them, and no file of the data directory (the SQLite files' bytes) holds them.
void TestMediaApi::moreSecretsSealedAtRestAndMasked_data() {
    QTest::addColumn<QByteArray>("doc");
    QTest::addColumn<QByteArray>("secret");
    const auto row = [](const char* name, const Json& doc, const char* secret) {
        QTest::addRow("%s", name) << QByteArray::fromStdString(doc.dump()) << QByteArray(secret);
    };
    const auto prov = [](const Json& s, const Json& extra = Json::object()) {
        Json p = {{"provisionGuid", "moresecret"}, {"streams", Json::array({s})}};
        p.update(extra);
        return Json::array({p});
    };
    const Json plainCam = cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.10/s"}}, "live/more");
    row("credentials.password",
        prov(plainCam, {{"credentials", {{"username", "pub"}, {"password", "credpass-987"}}}}),
        "credpass-987");
    row("credentials.token", prov(plainCam, {{"credentials", {{"token", "credtoken-555"}}}}),
        "credtoken-555");
    row("srt streamid",
        prov(cam({{"type", "srt"}, {"port", "9123"}, {"streamid", "#!::r=live/x,s=sidsecret42"}},
                 "live/more")),
        "sidsecret42");
    row("rtmp pull key in the path",
        prov(cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://192.0.2.20/live/pullkey-789"}},
                 "live/more")),
        "pullkey-789");
    row("token query parameter",
        prov(cam({{"type", "rtsp"}, {"rtspUri", "rtsp://192.0.2.10/s?token=rtsptoken-654"}},
                 "live/more")),
        "rtsptoken-654");
    row("sig query parameter",
        prov(cam({{"type", "hls"}, {"hlsUri", "http://192.0.2.30/x/index.m3u8?sig=sigvalue-321"}},
                 "live/more")),
        "sigvalue-321");
}

void TestMediaApi::moreSecretsSealedAtRestAndMasked() {
    QFETCH(QByteArray, doc);
    QFETCH(QByteArray, secret);
    const std::string key = secret.toStdString();
    const auto r = post(Json::parse(doc.toStdString()));
    QCOMPARE(r.status, 201);
    const auto one = f_->as("viewer", "GET", kProv + "/moresecret");
    QCOMPARE(one.status, 200);
    QVERIFY2(one.body.find(key) == std::string::npos, one.body.c_str());
    QVERIFY2(one.body.find("••••") != std::string::npos, one.body.c_str());
    const auto list = f_->as("viewer", "GET", kProv);
    QVERIFY2(list.body.find(key) == std::string::npos, list.body.c_str());
    const auto jobs = f_->as("viewer", "GET", "/as/v1/media/ng1/jobs");
    QVERIFY2(jobs.body.find(key) == std::string::npos, jobs.body.c_str());
    QVERIFY2(filesContaining(dataDir(), key).empty(),
             joined(filesContaining(dataDir(), key)).c_str());
    // The view sent back keeps the stored (sealed) secret.
    const auto stored = f_->core().store().getProvision("ng1", "moresecret");
    QVERIFY(bool(stored));
    QCOMPARE(post(Json::array({body(one)}), "PUT").status, 200);
    const auto kept = f_->core().store().getProvision("ng1", "moresecret");
    QVERIFY(bool(kept));
    QVERIFY2(kept->doc.dump().find("••••") == std::string::npos, kept->doc.dump().c_str());
    QCOMPARE(f_->as("operator", "DELETE", kProv + "/moresecret").status, 200);
}

void TestMediaApi::restreamerOnSimulatedGoesFault() {
    QCOMPARE(
        post(one("restream1", cam({{"type", "rtmp"}, {"rtmpUri", "rtmp://192.0.2.60/live/src"}},
                                  "live/restream1")))
            .status,
        201);
    Json entry;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        const auto r = f_->as("viewer", "GET", kProv + "/restream1?status=true");
        QCOMPARE(r.status, 200);
        const auto j = body(r);
        QVERIFY2(j.is_array() && j.size() == 1, r.body.c_str());
        entry = j[0];
        if (entry.value("state", "") == "FAULT")
            break;
        QThread::msleep(50); // polling interval, not a wait for an outcome
    }
    QVERIFY2(entry.value("state", "") == "FAULT", entry.dump().c_str());
    QVERIFY2(entry.value("error", "").find("SIMULATED") != std::string::npos, entry.dump().c_str());
    QVERIFY2(entry.contains("jobs") && entry["jobs"].is_array() && entry["jobs"].size() == 1,
             entry.dump().c_str());
    const auto& job = entry["jobs"][0];
    QCOMPARE(job["kind"].get<std::string>(), std::string("pull"));
    QCOMPARE(job["type"].get<std::string>(), std::string("rtmp"));
    QCOMPARE(job["state"].get<std::string>(), std::string("FAULT"));
    QVERIFY(job["lastError"].get<std::string>().find("SIMULATED") != std::string::npos);

    const auto r = f_->as("viewer", "GET", "/as/v1/media/ng1/jobs");
    QCOMPARE(r.status, 200);
    const auto jobs = body(r);
    QVERIFY(jobs.is_array());
    bool found = false;
    for (const auto& j : jobs)
        if (j.value("provisionGuid", "") == "restream1") {
            found = true;
            QCOMPARE(j["nodeGroup"].get<std::string>(), std::string("ng1"));
            QCOMPARE(j["streamGuid"].get<std::string>(), std::string("live/restream1"));
            // The last segment of a pulled rtmp URL is a stream key: masked.
            QCOMPARE(j["remote"].get<std::string>(), std::string("rtmp://192.0.2.60/live/••••"));
            QCOMPARE(j["state"].get<std::string>(), std::string("FAULT"));
        }
    QVERIFY2(found, r.body.c_str());
    // Without status the provision reads back as stored.
    const auto plain = body(f_->as("viewer", "GET", kProv + "/restream1"));
    QCOMPARE(plain["provisionGuid"].get<std::string>(), std::string("restream1"));
    QVERIFY(!plain.contains("jobs"));
}

void TestMediaApi::mediaJobsOfAnUnknownGroup() {
    const auto r = f_->as("viewer", "GET", "/as/v1/media/ghost/jobs");
    QCOMPARE(r.status, 404);
    QVERIFY(r.contentType.starts_with("application/json"));
    QVERIFY2(message(r).find("ghost") != std::string::npos, r.body.c_str());
    QCOMPARE(f_->as("", "GET", "/as/v1/media/ng1/jobs").status, 401);
}

void TestMediaApi::storageTargets() {
    // A folder.
    const std::string path = folder_.path().toStdString();
    auto r = f_->as("admin", "PUT", "/as/v1/storage/local",
                    Json{{"kind", "folder"}, {"settings", {{"path", path}}}}.dump());
    QCOMPARE(r.status, 200);
    QCOMPARE(body(r)["settings"]["path"].get<std::string>(), path);
    r = f_->as("viewer", "GET", "/as/v1/storage/local");
    QCOMPARE(r.status, 200);
    QCOMPARE(body(r)["name"].get<std::string>(), std::string("local"));
    QCOMPARE(body(r)["kind"].get<std::string>(), std::string("folder"));
    QCOMPARE(body(r)["settings"]["path"].get<std::string>(), path);
    r = f_->as("operator", "POST", "/as/v1/storage/local/test");
    QCOMPARE(r.status, 200);
    QCOMPARE(body(r)["result"].get<std::string>(), std::string("OK"));
    QVERIFY(QDir(folder_.path()).entryList(QDir::Files | QDir::Hidden).isEmpty()); // probe gone

    // An s3 target: the secret is write-only.
    const std::string secret = "s3cr3t-KEY-987xyz";
    const int port = closedPort();
    Json s3 = {{"kind", "s3"},
               {"settings",
                {{"bucket", "recordings"},
                 {"region", "us-east-1"},
                 {"endpoint", "http://127.0.0.1:" + std::to_string(port)},
                 {"accessKeyId", "AKIDTEST"},
                 {"secretAccessKey", secret}}}};
    r = f_->as("admin", "PUT", "/as/v1/storage/cloud", s3.dump());
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.find(secret) == std::string::npos, r.body.c_str());
    QCOMPARE(body(r)["settings"]["secretAccessKey"].get<std::string>(), std::string("••••"));
    r = f_->as("viewer", "GET", "/as/v1/storage/cloud");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.find(secret) == std::string::npos, r.body.c_str());
    QCOMPARE(body(r)["settings"]["secretAccessKey"].get<std::string>(), std::string("••••"));
    QCOMPARE(body(r)["settings"]["bucket"].get<std::string>(), std::string("recordings"));
    r = f_->as("viewer", "GET", "/as/v1/storage");
    QCOMPARE(r.status, 200);
    QCOMPARE(body(r).size(), std::size_t{2});
    QVERIFY2(r.body.find(secret) == std::string::npos, r.body.c_str());
    QVERIFY(f_->storeContents().dump().find(secret) == std::string::npos);
    QVERIFY2(filesContaining(dataDir(), secret).empty(),
             joined(filesContaining(dataDir(), secret)).c_str());

    // Sent back as shown (masked), the secret keeps its stored value.
    auto echoed = body(f_->as("viewer", "GET", "/as/v1/storage/cloud"));
    echoed["settings"]["region"] = "eu-west-1";
    r = f_->as("admin", "PUT", "/as/v1/storage/cloud", echoed.dump());
    QCOMPARE(r.status, 200);
    QCOMPARE(body(r)["settings"]["region"].get<std::string>(), std::string("eu-west-1"));
    QCOMPARE(body(r)["settings"]["secretAccessKey"].get<std::string>(), std::string("••••"));

    // Its test fails: nothing listens at the endpoint. The message names the target and the
    // cause, never the secret.
    r = f_->as("operator", "POST", "/as/v1/storage/cloud/test");
    QCOMPARE(r.status, 422);
    const auto why = message(r);
    QVERIFY2(why.find("\"cloud\"") != std::string::npos, why.c_str());
    QVERIFY2(why.find("refused") != std::string::npos ||
                 why.find("unreachable") != std::string::npos,
             why.c_str());
    QVERIFY2(why.find(secret) == std::string::npos, why.c_str());
    QVERIFY2(r.body.find(secret) == std::string::npos, r.body.c_str());

    // A test of a target that does not exist; delete.
    r = f_->as("operator", "POST", "/as/v1/storage/missing/test");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("missing") != std::string::npos);
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/storage/local").status, 200);
    r = f_->as("viewer", "GET", "/as/v1/storage/local");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("local") != std::string::npos);
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/storage/local").status, 404);

    // A provision may now record to it.
    QCOMPARE(
        post(one("rec1", stream({{"cloudParams", {{"bucketName", "cloud"}}}}, "live/rec1"))).status,
        201);
    QCOMPARE(f_->as("operator", "DELETE", kProv + "/rec1").status, 200);

    // Left out, it keeps its stored value too (the route's documented contract).
    Json withoutSecret = s3;
    withoutSecret["settings"].erase("secretAccessKey");
    r = f_->as("admin", "PUT", "/as/v1/storage/cloud", withoutSecret.dump());
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(body(f_->as("viewer", "GET", "/as/v1/storage/cloud"))["settings"]["secretAccessKey"]
                 .get<std::string>(),
             std::string("••••"));
    r = f_->as("operator", "POST", "/as/v1/storage/cloud/test");
    QCOMPARE(r.status, 422); // still the endpoint, not a missing secret
    QVERIFY2(message(r).find("secretAccessKey") == std::string::npos, r.body.c_str());
}

void TestMediaApi::storageTargetRefused_data() {
    QTest::addColumn<std::string>("name");
    QTest::addColumn<std::string>("payload");
    QTest::addColumn<std::string>("expected");
    auto row = [](const char* tag, const std::string& name, const std::string& payload,
                  const std::string& expected) {
        QTest::addRow("%s", tag) << name << payload << expected;
    };
    row("kind ftp", "t1", R"({"kind": "ftp", "settings": {"host": "h"}})",
        "kind: must be one of folder, s3");
    row("s3 without bucket", "t1",
        R"({"kind": "s3", "settings": {"accessKeyId": "a", "secretAccessKey": "b"}})",
        "settings.bucket: required for s3");
    row("s3 endpoint not http", "t1",
        R"({"kind": "s3", "settings": {"bucket": "b", "accessKeyId": "a", "secretAccessKey": "b",
            "endpoint": "file:///etc"}})",
        "settings.endpoint: must be an http");
    row("folder relative path", "t1", R"({"kind": "folder", "settings": {"path": "rel/dir"}})",
        "settings.path: must be an absolute path");
    row("folder without path", "t1", R"({"kind": "folder"})", "settings.path: required");
    row("body an array", "t1", R"([{"kind": "folder"}])", "must be a JSON object");
    row("body a string", "t1", R"("folder")", "must be a JSON object");
    row("body not json", "t1", R"({"kind": )", "JSON");
    row("name differs from path", "t1",
        R"({"name": "t2", "kind": "folder", "settings": {"path": "/tmp"}})",
        "the body names \"t2\" but the path names 't1'");
    row("bad name in path", "a%20b", R"({"kind": "folder", "settings": {"path": "/tmp"}})",
        "name: must be 1-64 characters");
    row("unknown field", "t1", R"({"kind": "folder", "settings": {"path": "/tmp"}, "x": 1})",
        "x: unknown field");
    row("retention zero", "t1",
        R"({"kind": "folder", "settings": {"path": "/tmp"}, "retention": {"maxAgeDays": 0}})",
        "retention.maxAgeDays: must be >= 1");
}

void TestMediaApi::storageTargetRefused() {
    QFETCH(std::string, name);
    QFETCH(std::string, payload);
    QFETCH(std::string, expected);
    const auto before = f_->as("viewer", "GET", "/as/v1/storage").body;
    const auto r = f_->as("admin", "PUT", "/as/v1/storage/" + name, payload);
    QVERIFY(r.contentType.starts_with("application/json"));
    QVERIFY2(message(r).find(expected) != std::string::npos, r.body.c_str());
    QCOMPARE(QString::fromStdString(f_->as("viewer", "GET", "/as/v1/storage").body),
             QString::fromStdString(before));
    QCOMPARE(r.status, 400);
}

void TestMediaApi::storageRoles() {
    const std::string doc =
        Json{{"kind", "folder"}, {"settings", {{"path", folder_.path().toStdString()}}}}.dump();
    QCOMPARE(f_->as("viewer", "PUT", "/as/v1/storage/roles", doc).status, 403);
    QCOMPARE(f_->as("operator", "PUT", "/as/v1/storage/roles", doc).status, 403);
    QCOMPARE(f_->as("", "PUT", "/as/v1/storage/roles", doc).status, 401);
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/storage/roles").status, 404); // not created
    QCOMPARE(f_->as("admin", "PUT", "/as/v1/storage/roles", doc).status, 200);
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/storage/roles").status, 200);
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/storage").status, 200);
    QCOMPARE(f_->as("", "GET", "/as/v1/storage").status, 401);
    QCOMPARE(f_->as("viewer", "POST", "/as/v1/storage/roles/test").status, 403);
    QCOMPARE(f_->as("viewer", "DELETE", "/as/v1/storage/roles").status, 403);
    QCOMPARE(f_->as("operator", "DELETE", "/as/v1/storage/roles").status, 403);
    QCOMPARE(f_->as("operator", "POST", "/as/v1/recordings/retention").status, 403);
    QCOMPARE(f_->as("admin", "DELETE", "/as/v1/storage/roles").status, 200);
}

void TestMediaApi::recordings() {
    auto r = f_->as("viewer", "GET", "/as/v1/recordings/ng1");
    QCOMPARE(r.status, 200);
    QCOMPARE_JSON(body(r), Json::array());
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/recordings/ng1?stream=live/cam").status, 200);
    for (const char* id : {"abc", "0", "-1", "1x"}) {
        r = f_->as("viewer", "GET", std::string("/as/v1/recordings/ng1/") + id);
        QVERIFY2(r.status == 400, id);
        QVERIFY2(message(r).find("positive integer") != std::string::npos, r.body.c_str());
    }
    r = f_->as("viewer", "GET", "/as/v1/recordings/ng1/999");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("999") != std::string::npos);
    QCOMPARE(f_->as("operator", "DELETE", "/as/v1/recordings/ng1/999").status, 404);
    QCOMPARE(f_->as("viewer", "DELETE", "/as/v1/recordings/ng1/999").status, 403);
    r = f_->as("viewer", "GET", "/as/v1/recordings/ghost");
    QCOMPARE(r.status, 404);
    QVERIFY(message(r).find("ghost") != std::string::npos);
    QCOMPARE(f_->as("viewer", "GET", "/as/v1/recordings/ghost/1").status, 404);
    r = f_->as("admin", "POST", "/as/v1/recordings/retention");
    QCOMPARE(r.status, 200);
    QCOMPARE(body(r)["removed"].get<int>(), 0);
}

void TestMediaApi::openApiListsTheMediaRoutes() {
    const auto r = f_->as("", "GET", "/as/v1/admin/v3/api-docs");
    QCOMPARE(r.status, 200);
    const auto doc = body(r);
    const std::vector<std::pair<std::string, std::string>> routes = {
        {"/as/v1/media/{ng}/jobs", "get"},        {"/as/v1/storage", "get"},
        {"/as/v1/storage/test", "post"},          {"/as/v1/storage/{name}", "get"},
        {"/as/v1/storage/{name}", "put"},         {"/as/v1/storage/{name}", "delete"},
        {"/as/v1/storage/{name}/test", "post"},   {"/as/v1/recordings/retention", "post"},
        {"/as/v1/recordings/{ng}", "get"},        {"/as/v1/recordings/{ng}/{id}", "get"},
        {"/as/v1/recordings/{ng}/{id}", "delete"}};
    for (const auto& [path, method] : routes)
        QVERIFY2(doc["paths"].contains(path) && doc["paths"][path].contains(method),
                 (method + " " + path).c_str());
    QCOMPARE(doc["paths"]["/as/v1/storage/{name}"]["put"]["x-switchyard-role"].get<std::string>(),
             std::string("admin"));
    QCOMPARE(doc["paths"]["/as/v1/media/{ng}/jobs"]["get"]["x-switchyard-role"].get<std::string>(),
             std::string("viewer"));
    for (const char* schema : {"MediaJob", "MediaJobList", "StorageTarget", "StorageTargetList",
                               "Recording", "RecordingList"})
        QVERIFY2(doc["components"]["schemas"].contains(schema), schema);
    // Every $ref resolves.
    int refs = 0;
    std::function<void(const Json&)> check = [&](const Json& j) {
        if (j.is_object()) {
            if (j.contains("$ref")) {
                ++refs;
                const std::string ref = j["$ref"].get<std::string>();
                const std::string prefix = "#/components/schemas/";
                QVERIFY2(ref.starts_with(prefix), ref.c_str());
                QVERIFY2(doc["components"]["schemas"].contains(ref.substr(prefix.size())),
                         ref.c_str());
            }
            for (const auto& [k, v] : j.items())
                check(v);
        } else if (j.is_array()) {
            for (const auto& v : j)
                check(v);
        }
    };
    check(doc);
    QVERIFY(refs > 10);
}

QTEST_GUILESS_MAIN(TestMediaApi)
#include "tst_mediaapi.moc"
