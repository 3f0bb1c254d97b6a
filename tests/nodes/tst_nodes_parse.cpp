// Pure tests of core/nodes: /stat parsing on XML captured from real nodes (tests/nodes/data) and
// on garbage, config rendering and validation, the port allocator, HTTP response parsing.

#include "core/nodes/loopbackhttpclient.h"
#include "core/nodes/nginxconfigtemplate.h"
#include "core/nodes/nginxstatparser.h"
#include "core/nodes/portallocator.h"
#include "core/nodes/resourcelocator.h"
#include "core/nodes/xmlreader.h"
#include "nodestestsupport.h"

#include <QTemporaryDir>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

using namespace sy::nodes;
using namespace nodestest;

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(sy::nodes::NodeSpec)

namespace {

const std::string kSecret = "NodeSecret0123456789abcdef0123456789";

NodeSpec originSpec(const std::filesystem::path& prefix) {
    NodeSpec s;
    s.nodeId = "origin-1";
    s.kind = NodeKind::Origin;
    s.rtmpPort = 19350;
    s.httpPort = 19351;
    s.prefixDir = prefix;
    s.secret = kSecret;
    return s;
}

NodeSpec edgeSpec(const std::filesystem::path& prefix) {
    NodeSpec s = originSpec(prefix);
    s.nodeId = "edge-1";
    s.kind = NodeKind::Edge;
    s.rtmpPort = 19352;
    s.httpPort = 19353;
    s.parentRtmpPorts = {19350, 19360};
    s.callbackBaseUrl = "http://127.0.0.1:5080/nodes/callback/";
    return s;
}

NginxConfigTemplate defaultTemplate() {
    auto t = NginxConfigTemplate::loadDefault();
    if (!t)
        qFatal("%s", t.error().message.c_str());
    return std::move(t).value();
}

const std::filesystem::path kModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

} // namespace

class TestNodesParse : public QObject {
    Q_OBJECT

private slots:
    void originStatCountsRelaysAsChildrenNotViewers() {
        const auto stat = NginxStatParser::parse(fixture("stat-origin.xml"));
        SY_VERIFY_OK(stat);
        QCOMPARE(stat->streams.size(), std::size_t(1));
        const auto& s = stat->streams[0];
        QCOMPARE(s.guid(), std::string("live/cam1"));
        QVERIFY(s.hasPublisher);
        QCOMPARE(s.publishers, 1);
        QCOMPARE(s.viewers, 1);     // the ffmpeg player (LNX 9,0,124,2)
        QCOMPARE(s.childRelays, 2); // flashVer=ngx-relay pull + an on_play redirected pull
        QCOMPARE(s.width, 640);
        QCOMPARE(s.height, 360);
        QVERIFY(s.bitrateKbps > 100);
        QVERIFY(s.uptimeMs > 10000);
        const auto m = NginxStatParser::toFlatMetrics(*stat);
        QCOMPARE(m.at("connections.publisher"), 1.0);
        QCOMPARE(m.at("connections.subscriber"), 1.0);
        QCOMPARE(m.at("connections.client"), 2.0);
        QCOMPARE(m.at("connections.clusterchildren"), 2.0);
        QCOMPARE(m.at("network.ingress"), 343.296);
        QCOMPARE(m.at("network.egress"), 613.896);
        QCOMPARE(m.at("stream.count"), 1.0);
    }

    void edgeStatSourceIsARelayNotAPublisher() {
        const auto stat = NginxStatParser::parse(fixture("stat-edge.xml"));
        SY_VERIFY_OK(stat);
        QCOMPARE(stat->streams.size(), std::size_t(1));
        const auto& s = stat->streams[0];
        QVERIFY(s.hasSource);
        QVERIFY(!s.hasPublisher);
        QCOMPARE(s.upstream, std::string("127.0.0.1:29350/live"));
        QCOMPARE(s.viewers, 1);
        const auto m = NginxStatParser::toFlatMetrics(*stat);
        QCOMPARE(m.at("connections.publisher"), 0.0);
        QCOMPARE(m.at("connections.subscriber"), 1.0);
        QCOMPARE(m.at("connections.clusterchildren"), 0.0);
        QCOMPARE(m.at("stream.count"), 1.0);
    }

    void redirectedEdgeNamesItsOrigin() {
        const auto stat = NginxStatParser::parse(fixture("stat-edge-redirected.xml"));
        SY_VERIFY_OK(stat);
        const auto* s = stat->find("live", "cam1");
        QVERIFY(s);
        QCOMPARE(s->upstream, std::string("127.0.0.1:29350/live/cam1"));
        QCOMPARE(stat->publishers(), 0);
        QCOMPARE(stat->viewers(), 1);
    }

    void idleAndReloadedNodesReportZero_data() {
        QTest::addColumn<std::string>("file");
        QTest::addRow("idle") << std::string("stat-idle.xml");
        // After SIGHUP the new worker answers /stat; the old one still serves its viewers.
        QTest::addRow("after reload") << std::string("stat-edge-after-reload.xml");
    }
    void idleAndReloadedNodesReportZero() {
        QFETCH(std::string, file);
        const auto stat = NginxStatParser::parse(fixture(file));
        SY_VERIFY_OK(stat);
        QVERIFY(stat->workerPid > 0);
        QVERIFY(stat->streams.empty());
        for (const auto& [name, value] : NginxStatParser::toFlatMetrics(*stat))
            QVERIFY2(value == 0, name.c_str());
    }

    void metricTreeHasReferenceShape() {
        const auto stat = NginxStatParser::parse(fixture("stat-origin.xml"));
        SY_VERIFY_OK(stat);
        const auto tree = NginxStatParser::toMetricTree(*stat);
        QCOMPARE(sy::model::flatten(tree), NginxStatParser::toFlatMetrics(*stat));
        std::set<std::string> roots;
        for (const auto& n : tree)
            roots.insert(n.name);
        QCOMPARE(roots, (std::set<std::string>{"connections", "network", "stream"}));
    }

    void tolerantOfMarkupVariants() {
        const std::string xml =
            "<?xml version=\"1.0\"?><!DOCTYPE x><!-- c --><rtmp><unknown a=\"x>y\">1</unknown>"
            "<bw_in> 8000 </bw_in><server><application><name>a&amp;b</name><live><stream>"
            "<name><![CDATA[s1]]></name><client><id>1</id><flashver>ngx-relay</flashver></client>"
            "<client><flashver>x</flashver><publishing/></client></stream></live></application>"
            "</server></rtmp>";
        const auto stat = NginxStatParser::parse(xml);
        SY_VERIFY_OK(stat);
        QCOMPARE(stat->bwInBitsPerSec, 8000.0);
        QCOMPARE(stat->streams.size(), std::size_t(1));
        QCOMPARE(stat->streams[0].guid(), std::string("a&b/s1"));
        QCOMPARE(stat->childRelays(), 1);
        QCOMPARE(stat->publishers(), 1);
    }

    void garbageIsRefused_data() {
        QTest::addColumn<std::string>("xml");
        QTest::addRow("empty") << std::string();
        QTest::addRow("lone <") << std::string("<");
        QTest::addRow("html") << std::string("<html><body>502</body></html>");
        QTest::addRow("truncated") << fixture("stat-origin.xml").substr(0, 700);
        QTest::addRow("unterminated tag") << std::string("<rtmp><server");
        QTest::addRow("unterminated quote") << std::string("<rtmp a=\"></rtmp>");
        QTest::addRow("deep") << "<rtmp>" + [] {
            std::string s;
            for (int i = 0; i < 100000; ++i)
                s += "<a>";
            return s;
        }();
        QTest::addRow("two roots") << std::string("<rtmp></rtmp><rtmp></rtmp>");
        QTest::addRow("nameless") << std::string("<rtmp></></rtmp>");
    }
    void garbageIsRefused() {
        QFETCH(std::string, xml);
        const auto stat = NginxStatParser::parse(xml);
        QVERIFY(!stat);
        QCOMPARE(stat.error().code, std::string("bad_stat"));
    }

    // Mutations of real output: whatever comes back, nothing crashes or reads out of bounds
    // (run under the asan preset to make that a hard check).
    void mutatedFixturesNeverCrash() {
        const auto base = fixture("stat-origin.xml");
        std::mt19937 rng(20240611);
        const std::string alphabet = "<>/!?-[]&#;\"' \n\0abcx";
        int parsed = 0;
        for (int i = 0; i < 3000; ++i) {
            auto doc = base;
            const int edits = 1 + static_cast<int>(rng() % 8);
            for (int e = 0; e < edits && !doc.empty(); ++e) {
                const auto at = rng() % doc.size();
                switch (rng() % 3) {
                case 0:
                    doc[at] = alphabet[rng() % alphabet.size()];
                    break;
                case 1:
                    doc.erase(at, rng() % 16);
                    break;
                default:
                    doc.insert(at, 1, alphabet[rng() % alphabet.size()]);
                }
            }
            if (const auto stat = NginxStatParser::parse(doc); stat)
                parsed += stat->viewers() >= 0 ? 1 : 0;
        }
        QVERIFY(parsed > 0); // some mutations leave a valid document
    }

    void entitiesDecode() {
        QCOMPARE(decodeXmlEntities("a&lt;b&gt;&amp;&quot;&apos;&#65;&#x42;"),
                 std::string("a<b>&\"'AB"));
        QCOMPARE(decodeXmlEntities("&bogus; &#99999999999; &#0; &"),
                 std::string("&bogus; &#99999999999; &#0; &"));
    }

    void originConfigRenders() {
        const auto text = defaultTemplate().render(originSpec("/srv/n/origin-1"), kModule);
        SY_VERIFY_OK(text);
        for (const char* line :
             {"load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;", "daemon off;",
              "master_process on;", "worker_processes 1;", "listen 127.0.0.1:19350;",
              "chunk_size 4096;", "application live {", "live on;", "listen 127.0.0.1:19351;",
              "rtmp_stat all;", "rtmp_control all;", "pid logs/nginx.pid;"})
            QVERIFY2(contains(*text, line), line);
        QVERIFY(!contains(*text, "pull "));
        QVERIFY(!contains(*text, "on_play"));
        QVERIFY(!contains(*text, "@"));
        // Every compiled-in temp path of Debian's nginx is moved into the prefix.
        for (const char* dir : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
            const auto directive = std::string(dir) + "_temp_path temp/";
            QVERIFY2(contains(*text, directive), directive.c_str());
        }
    }

    void edgeConfigPullsAndCallsBack() {
        auto spec = edgeSpec("/srv/n/edge-1");
        spec.applications = {"live", "vod.2"};
        const auto text = defaultTemplate().render(spec, kModule);
        SY_VERIFY_OK(text);
        const std::string query = "?secret=" + kSecret + ";";
        for (const std::string& line : std::vector<std::string>{
                 "pull rtmp://127.0.0.1:19350/live flashVer=ngx-relay;",
                 "pull rtmp://127.0.0.1:19360/live flashVer=ngx-relay;",
                 "pull rtmp://127.0.0.1:19350/vod.2 flashVer=ngx-relay;", "deny publish all;",
                 "on_play http://127.0.0.1:5080/nodes/callback/edge-1/play" + query,
                 "on_publish http://127.0.0.1:5080/nodes/callback/edge-1/publish" + query,
                 "on_done http://127.0.0.1:5080/nodes/callback/edge-1/done" + query,
                 "application vod.2 {"})
            QVERIFY2(contains(*text, line), line.c_str());
    }

    // /stat and /control refuse (401) a request without the node's secret header: nginx checks
    // it before rtmp_stat / rtmp_control run.
    void statAndControlRequireTheSecret() {
        const auto text = defaultTemplate().render(originSpec("/srv/n/origin-1"), kModule);
        SY_VERIFY_OK(text);
        const std::string guard = "            if ($http_x_switchyard_node_secret != \"" + kSecret +
                                  "\") {\n                return 401;\n            }\n";
        QVERIFY2(contains(*text, "location /stat {\n" + guard + "            rtmp_stat all;"),
                 text->c_str());
        QVERIFY2(contains(*text, "location /control {\n" + guard + "            rtmp_control all;"),
                 text->c_str());
        QCOMPARE(std::string(kNodeSecretHeader), std::string("X-Switchyard-Node-Secret"));
    }

    void invalidSpecsAreRefused_data() {
        QTest::addColumn<NodeSpec>("spec");
        QTest::addColumn<QString>("field");
        const auto base = edgeSpec("/srv/n/edge-1");
        auto with = [&](auto change) {
            auto s = base;
            change(s);
            return s;
        };
        QTest::addRow("dotdot id") << with([](NodeSpec& s) { s.nodeId = "../etc"; }) << "nodeId";
        QTest::addRow("id with ;") << with([](NodeSpec& s) { s.nodeId = "a;b"; }) << "nodeId";
        QTest::addRow("empty id") << with([](NodeSpec& s) { s.nodeId.clear(); }) << "nodeId";
        QTest::addRow("port 0") << with([](NodeSpec& s) { s.rtmpPort = 0; }) << "rtmpPort";
        QTest::addRow("port 70000") << with([](NodeSpec& s) { s.httpPort = 70000; }) << "httpPort";
        QTest::addRow("same ports")
            << with([](NodeSpec& s) { s.httpPort = s.rtmpPort; }) << "httpPort";
        QTest::addRow("bad parent")
            << with([](NodeSpec& s) { s.parentRtmpPorts = {-1}; }) << "parentRtmpPorts[0]";
        QTest::addRow("origin with parents")
            << with([](NodeSpec& s) { s.kind = NodeKind::Origin; }) << "parentRtmpPorts";
        QTest::addRow("orphan edge") << with([](NodeSpec& s) {
            s.parentRtmpPorts.clear();
            s.callbackBaseUrl.clear();
        }) << "parentRtmpPorts";
        QTest::addRow("remote callback")
            << with([](NodeSpec& s) { s.callbackBaseUrl = "http://example.com/cb"; })
            << "callbackBaseUrl";
        QTest::addRow("callback injection")
            << with([](NodeSpec& s) { s.callbackBaseUrl = "http://127.0.0.1:80/a;deny all"; })
            << "callbackBaseUrl";
        QTest::addRow("app with space")
            << with([](NodeSpec& s) { s.applications = {"li ve"}; }) << "applications[0]";
        QTest::addRow("app twice") << with([](NodeSpec& s) {
            s.applications = {"a", "a"};
        }) << "applications[1]";
        QTest::addRow("relative prefix")
            << with([](NodeSpec& s) { s.prefixDir = "rel/dir"; }) << "prefixDir";
        QTest::addRow("prefix with space")
            << with([](NodeSpec& s) { s.prefixDir = "/srv/a b"; }) << "prefixDir";
        QTest::addRow("no secret") << with([](NodeSpec& s) { s.secret.clear(); }) << "secret";
        QTest::addRow("short secret")
            << with([](NodeSpec& s) { s.secret = "0123456789abcdef"; }) << "secret";
        QTest::addRow("secret closing the if")
            << with([](NodeSpec& s) { s.secret = kSecret + "\") { return 200; } if (\""; })
            << "secret";
        QTest::addRow("secret with a variable")
            << with([](NodeSpec& s) { s.secret = kSecret + "$host"; }) << "secret";
    }
    void invalidSpecsAreRefused() {
        QFETCH(NodeSpec, spec);
        QFETCH(QString, field);
        QTemporaryDir dir;
        if (spec.prefixDir == "/srv/n/edge-1")
            spec.prefixDir = dir.filePath(QStringLiteral("node")).toStdString();
        const auto text = defaultTemplate().render(spec, kModule);
        QVERIFY(!text);
        QCOMPARE(text.error().code, std::string("invalid_node_spec"));
        QVERIFY2(text.error().message.starts_with(field.toStdString() + ": "),
                 text.error().message.c_str());
        const auto written = writeNodeConfig(spec, "daemon off;");
        QVERIFY(!written);
        QVERIFY(!std::filesystem::exists(dir.filePath(QStringLiteral("node")).toStdString()));
    }

    void badTemplatesAreRefused() {
        QVERIFY(!NginxConfigTemplate::fromText("no markers here"));
        // A template that leaves /stat and /control open is refused.
        const auto open = NginxConfigTemplate::fromText(
            "a @RTMP_PORT@\n#@BEGIN_APPLICATION@\n@APP@\n#@END_APPLICATION@\n");
        QVERIFY(!open);
        QVERIFY2(contains(open.error().message, "@CORE_ONLY@"), open.error().message.c_str());
        auto t =
            NginxConfigTemplate::fromText("a @RTMP_PORT@ @CORE_ONLY@\n#@BEGIN_APPLICATION@\n@APP@ "
                                          "@MYSTERY@\n#@END_APPLICATION@\n");
        SY_VERIFY_OK(t);
        const auto text = t->render(originSpec("/srv/n/o"), kModule);
        QVERIFY(!text);
        QVERIFY2(contains(text.error().message, "@MYSTERY@"), text.error().message.c_str());
        QVERIFY(!t->render(originSpec("/srv/n/o"), "/usr/lib/x;y.so"));
        QVERIFY(!NginxConfigTemplate::load("/nonexistent/node.conf.in"));
    }

    void resourceLookupHonoursOverride() {
        const auto found = ResourceLocator::find("nginx/node.conf.in");
        SY_VERIFY_OK(found);
        QTemporaryDir dir;
        std::filesystem::create_directories(dir.filePath(QStringLiteral("nginx")).toStdString());
        writeFile(dir.filePath(QStringLiteral("nginx/node.conf.in")).toStdString());
        qputenv("SWITCHYARD_RESOURCES_DIR", dir.path().toUtf8());
        const auto overridden = ResourceLocator::find("nginx/node.conf.in");
        qunsetenv("SWITCHYARD_RESOURCES_DIR");
        SY_VERIFY_OK(overridden);
        QVERIFY(overridden->string().starts_with(dir.path().toStdString()));
        const auto missing = ResourceLocator::find("nginx/nothing.in");
        QVERIFY(!missing);
        QVERIFY(contains(missing.error().message, "SWITCHYARD_RESOURCES_DIR"));
    }

    void portsAreLeasedOnce() {
        PortAllocator ports({24100, 24109});
        auto a = ports.lease(4);
        SY_VERIFY_OK(a);
        auto b = ports.lease(4);
        SY_VERIFY_OK(b);
        std::set<int> all(a->ports().begin(), a->ports().end());
        all.insert(b->ports().begin(), b->ports().end());
        QCOMPARE(all.size(), std::size_t(8));
        for (int p : all)
            QVERIFY(p >= 24100 && p <= 24109 && ports.isReserved(p));
        QVERIFY(!ports.lease(4)); // only 2 left
        const int first = (*a)[0];
        QVERIFY(!ports.adopt({first}));
        a->release();
        QVERIFY(!ports.isReserved(first));
        auto adopted = ports.adopt({first});
        SY_VERIFY_OK(adopted);
        QVERIFY(ports.isReserved(first));
    }

    void boundPortsAreSkipped() {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(24200);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(fd, 1), 0);
        PortAllocator ports({24200, 24202});
        auto lease = ports.lease(2);
        ::close(fd);
        SY_VERIFY_OK(lease);
        QCOMPARE(lease->ports(), (std::vector<int>{24201, 24202}));
    }

    void concurrentLeasesNeverOverlap() {
        PortAllocator ports({24300, 24399});
        std::vector<std::vector<int>> got(4);
        std::vector<std::thread> threads;
        std::vector<PortLease> leases[4];
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 10; ++i)
                    if (auto l = ports.lease(2)) {
                        got[t].insert(got[t].end(), l->ports().begin(), l->ports().end());
                        leases[t].push_back(std::move(l).value());
                    }
            });
        for (auto& th : threads)
            th.join();
        std::multiset<int> all;
        for (const auto& g : got)
            all.insert(g.begin(), g.end());
        QCOMPARE(all.size(), std::size_t(80));
        QCOMPARE(std::set<int>(all.begin(), all.end()).size(), std::size_t(80));
        QCOMPARE(ports.reservedCount(), std::size_t(80));
    }

    void leaseOutlivesAllocator() {
        PortLease lease;
        {
            PortAllocator ports({24400, 24401});
            lease = std::move(ports.lease(1)).value();
        }
        lease.release(); // must not touch the destroyed allocator
        QVERIFY(lease.empty());
    }

    void httpResponsesParse_data() {
        QTest::addColumn<std::string>("raw");
        QTest::addColumn<bool>("closed");
        QTest::addColumn<bool>("complete");
        QTest::addColumn<std::string>("body");
        QTest::addRow("length") << std::string("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3")
                                << false << true << std::string("3");
        QTest::addRow("length partial")
            << std::string("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab") << false << false
            << std::string("ab");
        QTest::addRow("chunked") << std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                                                "\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                                 << false << true << std::string("abcde");
        QTest::addRow("until close")
            << std::string("HTTP/1.0 200 OK\r\n\r\nxyz") << true << true << std::string("xyz");
    }
    void httpResponsesParse() {
        QFETCH(std::string, raw);
        QFETCH(bool, closed);
        QFETCH(bool, complete);
        QFETCH(std::string, body);
        bool done = false;
        const auto r = parseHttpResponse(raw, closed, done);
        SY_VERIFY_OK(r);
        QCOMPARE(done, complete);
        if (complete) {
            QCOMPARE(r->status, 200);
            QCOMPARE(r->body, body);
        }
    }

    void badHttpResponsesAreErrors() {
        bool done = false;
        QVERIFY(!parseHttpResponse("SSH-2.0\r\n\r\n", true, done));
        QVERIFY(!parseHttpResponse("HTTP/1.1 2x0 OK\r\n\r\n", true, done));
        QVERIFY(!parseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab", true, done));
        QVERIFY(!parseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                                   false, done));
        QVERIFY(!LoopbackHttpClient::get(1, "/stat")); // nothing listens on port 1
        QVERIFY(!LoopbackHttpClient::get(19351, "/stat x"));
    }

private:
    static void writeFile(const std::string& path) {
        std::ofstream(path) << "#@BEGIN_APPLICATION@\n#@END_APPLICATION@\n";
    }
};

QTEST_GUILESS_MAIN(TestNodesParse)
#include "tst_nodes_parse.moc"
