// Node configs for delivery: HLS on origins (segments under the prefix, served at /hls/), HLS on
// edges and relays (their parents' segments through an upstream that tries the next parent on
// 404), the relay credential on every pull, and the validation of those settings. Every rendered
// config is then checked by the real `nginx -t` when nginx with the RTMP module is installed.

#include "core/nodes/nginxconfigtemplate.h"
#include "core/nodes/nginxinstallation.h"
#include "core/nodes/nginxprocess.h"
#include "core/nodes/portallocator.h"
#include "nodestestsupport.h"

#include <QTemporaryDir>

using namespace sy::nodes;
using namespace nodestest;

Q_DECLARE_METATYPE(sy::nodes::NodeSpec)

namespace {

const std::filesystem::path kModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
const std::string kCredential = "sy-relay.edge-1.0123456789abcdef0123456789abcdef";

NodeSpec originSpec(const std::filesystem::path& prefix) {
    NodeSpec s;
    s.nodeId = "origin-1";
    s.kind = NodeKind::Origin;
    s.rtmpPort = 19350;
    s.httpPort = 19351;
    s.callbackBaseUrl = "http://127.0.0.1:5080/nodes/callback/";
    s.prefixDir = prefix;
    s.secret = "NodeSecret0123456789abcdef0123456789";
    return s;
}

NodeSpec childSpec(const std::filesystem::path& prefix, NodeKind kind = NodeKind::Edge) {
    NodeSpec s = originSpec(prefix);
    s.nodeId = "edge-1";
    s.kind = kind;
    s.rtmpPort = 19352;
    s.httpPort = 19353;
    s.parentRtmpPorts = {19350, 19360};
    s.parentHttpPorts = {19351, 19361};
    return s;
}

NginxConfigTemplate defaultTemplate() {
    auto t = NginxConfigTemplate::loadDefault();
    if (!t)
        qFatal("%s", t.error().message.c_str());
    return std::move(t).value();
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

} // namespace

class TestNodeConfigDelivery : public QObject {
    Q_OBJECT

private slots:
    void hlsOriginSegmentsUnderItsPrefix() {
        auto spec = originSpec("/srv/n/origin-1");
        spec.hls = true;
        spec.hlsFragmentS = 3;
        spec.hlsPlaylistS = 15;
        spec.applications = {"live", "backup"};
        const auto text = defaultTemplate().render(spec, kModule);
        SY_VERIFY_OK(text);
        for (const char* line :
             {"hls on;", "hls_path /srv/n/origin-1/temp/hls/live;",
              "hls_path /srv/n/origin-1/temp/hls/backup;", "hls_fragment 3s;",
              "hls_playlist_length 15s;", "hls_cleanup on;", "location /hls/ {",
              "alias /srv/n/origin-1/temp/hls/;", "application/vnd.apple.mpegurl m3u8;",
              "video/mp2t ts;", "add_header Cache-Control no-cache;"})
            QVERIFY2(contains(*text, line), line);
        QCOMPARE(count(*text, "hls on;"), std::size_t{2}); // one per application
        QVERIFY(!contains(*text, "hls off;"));
        QVERIFY(!contains(*text, "upstream hls_parents"));
        QVERIFY(!contains(*text, "proxy_pass"));
        QVERIFY(!contains(*text, "@"));
        // The /hls/ location comes before the catch-all 404.
        QVERIFY(text->find("location /hls/") < text->find("location / {"));
    }

    void hlsChildrenServeTheirParentsSegments_data() {
        QTest::addColumn<int>("kind");
        QTest::addRow("edge") << int(NodeKind::Edge);
        QTest::addRow("relay") << int(NodeKind::Relay);
    }
    void hlsChildrenServeTheirParentsSegments() {
        QFETCH(int, kind);
        auto spec = childSpec("/srv/n/edge-1", NodeKind(kind));
        spec.hls = true;
        const auto text = defaultTemplate().render(spec, kModule);
        SY_VERIFY_OK(text);
        for (const char* line :
             {"upstream hls_parents {", "server 127.0.0.1:19351;", "server 127.0.0.1:19361;",
              "location /hls/ {", "proxy_pass http://hls_parents;",
              "proxy_next_upstream error timeout http_404;", "hls off;"})
            QVERIFY2(contains(*text, line), line);
        // Children never segment: only their parents' files are served.
        QVERIFY(!contains(*text, "hls on;"));
        QVERIFY(!contains(*text, "hls_path"));
        QVERIFY(!contains(*text, "alias "));
        QVERIFY(text->find("upstream hls_parents") < text->find("listen 127.0.0.1:19353;"));
    }

    void hlsOffRendersNoHlsLocation_data() {
        QTest::addColumn<NodeSpec>("spec");
        QTest::addRow("origin") << originSpec("/srv/n/origin-1");
        QTest::addRow("edge") << childSpec("/srv/n/edge-1");
    }
    void hlsOffRendersNoHlsLocation() {
        QFETCH(NodeSpec, spec);
        const auto text = defaultTemplate().render(spec, kModule);
        SY_VERIFY_OK(text);
        QVERIFY(contains(*text, "hls off;"));
        QVERIFY(!contains(*text, "hls on;"));
        QVERIFY(!contains(*text, "location /hls/"));
        QVERIFY(!contains(*text, "upstream hls_parents"));
        QVERIFY(!contains(*text, "pageUrl"));
    }

    void relayCredentialGoesOnEveryPull() {
        auto spec = childSpec("/srv/n/edge-1");
        spec.applications = {"live", "backup"};
        spec.relayCredential = kCredential;
        const auto text = defaultTemplate().render(spec, kModule);
        SY_VERIFY_OK(text);
        for (const std::string app : {"live", "backup"})
            for (int port : {19350, 19360}) {
                const auto line = "pull rtmp://127.0.0.1:" + std::to_string(port) + "/" + app +
                                  " flashVer=ngx-relay pageUrl=" + kCredential + ";";
                QVERIFY2(contains(*text, line), line.c_str());
            }
        QCOMPARE(count(*text, "pull rtmp://"), std::size_t{4});
        QCOMPARE(count(*text, "pageUrl="), std::size_t{4});
    }

    void invalidDeliverySpecsAreRefused_data() {
        QTest::addColumn<NodeSpec>("spec");
        QTest::addColumn<QString>("field");
        const auto base = childSpec("/srv/n/edge-1");
        auto with = [&](auto change) {
            auto s = base;
            change(s);
            return s;
        };
        QTest::addRow("credential with space")
            << with([](NodeSpec& s) { s.relayCredential = "sy-relay.a b"; }) << "relayCredential";
        QTest::addRow("credential with ;")
            << with([](NodeSpec& s) { s.relayCredential = "sy-relay.a;deny"; })
            << "relayCredential";
        QTest::addRow("credential with brace")
            << with([](NodeSpec& s) { s.relayCredential = "x}"; }) << "relayCredential";
        QTest::addRow("fragment 0")
            << with([](NodeSpec& s) { s.hlsFragmentS = 0; }) << "hlsFragmentS";
        QTest::addRow("fragment 11")
            << with([](NodeSpec& s) { s.hlsFragmentS = 11; }) << "hlsFragmentS";
        QTest::addRow("playlist below 3 fragments") << with([](NodeSpec& s) {
            s.hlsFragmentS = 4;
            s.hlsPlaylistS = 11;
        }) << "hlsPlaylistS";
        QTest::addRow("playlist 121")
            << with([](NodeSpec& s) { s.hlsPlaylistS = 121; }) << "hlsPlaylistS";
        QTest::addRow("http parent is itself") << with([](NodeSpec& s) {
            s.parentHttpPorts = {19351, s.httpPort};
        }) << "parentHttpPorts[1]";
        QTest::addRow("http parent port 0")
            << with([](NodeSpec& s) { s.parentHttpPorts = {0}; }) << "parentHttpPorts[0]";
    }
    void invalidDeliverySpecsAreRefused() {
        QFETCH(NodeSpec, spec);
        QFETCH(QString, field);
        const auto checked = validate(spec);
        QVERIFY(!checked);
        QCOMPARE(checked.error().code, std::string("invalid_node_spec"));
        QVERIFY2(checked.error().message.starts_with(field.toStdString() + ": "),
                 checked.error().message.c_str());
        const auto text = defaultTemplate().render(spec, kModule);
        QVERIFY(!text);
        QCOMPARE(text.error().code, std::string("invalid_node_spec"));
        // And the same spec without the bad setting renders.
        SY_VERIFY_OK(validate(childSpec("/srv/n/edge-1")));
    }

    void renderedDeliveryConfigsPassNginxTest_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("hls");
        QTest::addColumn<bool>("credential");
        QTest::addRow("hls origin") << int(NodeKind::Origin) << true << false;
        QTest::addRow("hls edge") << int(NodeKind::Edge) << true << false;
        QTest::addRow("hls relay with credential") << int(NodeKind::Relay) << true << true;
        QTest::addRow("edge with credential") << int(NodeKind::Edge) << false << true;
        QTest::addRow("hls edge without http parents") << int(NodeKind::Edge) << true << false;
    }
    void renderedDeliveryConfigsPassNginxTest() {
        QFETCH(int, kind);
        QFETCH(bool, hls);
        QFETCH(bool, credential);
        auto nginx = NginxInstallation::locate();
        if (!nginx)
            QSKIP(nginx.error().message.c_str());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        PortAllocator ports;
        const auto lease = ports.lease(2);
        SY_VERIFY_OK(lease);
        NodeSpec spec =
            NodeKind(kind) == NodeKind::Origin
                ? originSpec(dir.filePath(QStringLiteral("node")).toStdString())
                : childSpec(dir.filePath(QStringLiteral("node")).toStdString(), NodeKind(kind));
        spec.rtmpPort = (*lease)[0];
        spec.httpPort = (*lease)[1];
        if (spec.kind != NodeKind::Origin) { // nginx -t connects to none of them
            spec.parentRtmpPorts = {1935, 1936};
            spec.parentHttpPorts = {8081, 8082};
        }
        spec.applications = {"live", "backup"};
        spec.hls = hls;
        if (credential)
            spec.relayCredential = kCredential;
        if (QByteArray(QTest::currentDataTag()).contains("without http parents"))
            spec.parentHttpPorts.clear();
        const auto text = defaultTemplate().render(spec, nginx->rtmpModule);
        SY_VERIFY_OK(text);
        QCOMPARE(contains(*text, "location /hls/"), hls);
        QCOMPARE(contains(*text, "pageUrl="), credential);
        SY_VERIFY_OK(writeNodeConfig(spec, *text));
        SY_VERIFY_OK(NginxProcess::testConfig(*nginx, spec.prefixDir, "nginx.conf",
                                              std::chrono::seconds(10)));
    }
};

QTEST_GUILESS_MAIN(TestNodeConfigDelivery)
#include "tst_nodeconfig_delivery.moc"
