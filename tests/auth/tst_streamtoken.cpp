// Stream tokens, relay credentials and the replay cache. Keys, tokens and credentials under test
// are also derived and signed with Qt's HMAC, an implementation independent of the codec's, so
// that the codec is checked against its documented format rather than against itself.

#include "core/auth/jwt.h"
#include "core/auth/streamtoken.h"

#include <QMessageAuthenticationCode>
#include <QTest>

#include <atomic>
#include <thread>

using namespace sy::auth;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1800000000; // 2027-01-15T08:00:00Z
const std::string kMaster = "stream-master-0123456789abcdef-0123456789";

std::string hmacSha256(const std::string& input, const std::string& key) {
    return QMessageAuthenticationCode::hash(QByteArray::fromStdString(input),
                                            QByteArray::fromStdString(key),
                                            QCryptographicHash::Sha256)
        .toStdString();
}

std::string groupKey(const std::string& group) {
    return hmacSha256("switchyard/stream-token/v1/" + group, kMaster);
}

std::string signedText(const std::string& header, const std::string& payload,
                       const std::string& key) {
    const std::string input = base64UrlEncode(header) + '.' + base64UrlEncode(payload);
    return input + '.' + base64UrlEncode(hmacSha256(input, key));
}

std::string signedToken(const json& header, const json& payload, const std::string& key) {
    return signedText(header.dump(), payload.dump(), key);
}

json streamHeader(const char* alg = "HS256") {
    return {{"alg", alg}, {"typ", "sy-stream+jwt"}};
}

// The claims issue() writes: no sub, iss or iat, so that tokens stay short (see the header).
json streamPayload() {
    return {{"aud", "sy-stream"},
            {"sgd", "live/a"},
            {"act", "publish"},
            {"exp", kNow + 60},
            {"jti", "token-id-1"}};
}

json with(json j, const char* key, json value) {
    j[key] = std::move(value);
    return j;
}

json without(json j, const char* key) {
    j.erase(key);
    return j;
}

json decodeSegment(const std::string& token, int index) {
    std::string_view rest = token;
    for (int i = 0; i < index; ++i)
        rest.remove_prefix(rest.find('.') + 1);
    const auto text = base64UrlDecode(rest.substr(0, rest.find('.')));
    return text ? json::parse(*text, nullptr, false) : json();
}

StreamTokenCodec makeCodec(
    std::function<std::int64_t()> clock = [] { return kNow; },
    const std::string& master = kMaster) {
    auto codec = StreamTokenCodec::create(master, std::move(clock));
    if (!codec.ok())
        qFatal("cannot create the codec: %s", codec.error().message.c_str());
    return std::move(codec).value();
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

class TestStreamToken : public QObject {
    Q_OBJECT
private slots:
    void issueVerifyRoundTrip();
    void formatMatchesTheIndependentHmac();
    void acceptedTokens_data();
    void acceptedTokens();
    void refusedTokens_data();
    void refusedTokens();
    void expiryUsesTheClockWithLeeway();
    void apiAndStreamTokensNeverCross();
    void garbageNeverThrows_data();
    void garbageNeverThrows();
    void weakSecretRejected();
    void relayCredentialRoundTrip();
    void relayCredentialRefused_data();
    void relayCredentialRefused();
    void replayCacheUsesOnce();
    void replayCachePrunesExpired();
    void replayCacheIsThreadSafe();
};

void TestStreamToken::issueVerifyRoundTrip() {
    const StreamTokenCodec codec = makeCodec();
    for (StreamAction action : {StreamAction::Publish, StreamAction::Play}) {
        const std::string token = codec.issue("eu", "live/a", action, 60, "alice");
        const auto claims = codec.verify(token, "eu", "live/a", action);
        QVERIFY2(claims.ok(), claims.ok() ? "" : claims.error().message.c_str());
        QCOMPARE(qs(claims->nodeGroup), QStringLiteral("eu"));
        QCOMPARE(qs(claims->streamGuid), QStringLiteral("live/a"));
        QVERIFY(claims->action == action);
        QVERIFY(claims->subject.empty()); // not carried, to stay short
        QCOMPARE(claims->issuedAt, 0);    // likewise
        QCOMPARE(claims->expiresAt, kNow + 60);
        QCOMPARE(claims->id.size(), std::size_t{12}); // 72 random bits in base64url
        // A copy shares the key cache and verifies the same; every token has its own id.
        const StreamTokenCodec copy = codec;
        QVERIFY(copy.verify(token, "eu", "live/a", action).ok());
        QVERIFY(
            copy.verify(codec.issue("eu", "live/a", action, 60, "alice"), "eu", "live/a", action)
                ->id != claims->id);
    }
    QCOMPARE(qs(std::string(toString(StreamAction::Publish))), QStringLiteral("publish"));
    QCOMPARE(qs(std::string(toString(StreamAction::Play))), QStringLiteral("play"));
}

void TestStreamToken::formatMatchesTheIndependentHmac() {
    const std::string token =
        makeCodec().issue("eu", "live/a", StreamAction::Play, 120, "media:job-7");
    QCOMPARE(qs(decodeSegment(token, 0).dump()),
             QStringLiteral(R"({"alg":"HS256","typ":"sy-stream+jwt"})"));
    const json p = decodeSegment(token, 1);
    QCOMPARE(qs(p.value("aud", "")), QStringLiteral("sy-stream"));
    QCOMPARE(qs(p.value("sgd", "")), QStringLiteral("live/a"));
    QCOMPARE(qs(p.value("act", "")), QStringLiteral("play"));
    QCOMPARE(p.value("exp", std::int64_t{0}), kNow + 120);
    // Exactly these claims: nothing an API codec could read as a role or a subject.
    QCOMPARE(p.size(), std::size_t{5});
    QVERIFY(p.contains("jti"));
    // nginx-rtmp keeps 255 bytes of "name?args": a token for a 16-character stream name fits.
    const std::string longer =
        makeCodec().issue("eu", "live/stream-0001", StreamAction::Publish, 3600, "anonymous");
    QVERIFY2(("live/stream-0001?token=" + longer).size() <= 255, longer.c_str());
    const auto lastDot = token.rfind('.');
    QCOMPARE(qs(token.substr(lastDot + 1)),
             qs(base64UrlEncode(hmacSha256(token.substr(0, lastDot), groupKey("eu")))));
    // A token signed by hand with the documented key derivation verifies.
    const auto claims =
        makeCodec().verify(signedToken(streamHeader(), streamPayload(), groupKey("eu")), "eu",
                           "live/a", StreamAction::Publish);
    QVERIFY2(claims.ok(), claims.ok() ? "" : claims.error().message.c_str());
    QCOMPARE(qs(claims->id), QStringLiteral("token-id-1"));
}

void TestStreamToken::acceptedTokens_data() {
    QTest::addColumn<QByteArray>("token");
    const std::string eu = groupKey("eu");
    const auto row = [&eu](const char* name, const std::string& header,
                           const std::string& payload) {
        QTest::addRow("%s", name) << QByteArray::fromStdString(signedText(header, payload, eu));
    };
    const std::string h = streamHeader().dump();
    const auto p = [](const char* key, json value) {
        return with(streamPayload(), key, value).dump();
    };
    row("plain", h, streamPayload().dump());
    row("header spelled otherwise", R"({"typ":"sy-stream+jwt","kid":"k1","alg":"HS256"})",
        streamPayload().dump());
    row("aud array with ours", h, p("aud", {"switchyard-api", "sy-stream"}));
    row("exp within leeway", h, p("exp", kNow - 29));
    row("fractional exp", h, p("exp", kNow + 0.5));
    row("huge exp saturates", h, p("exp", 1e30));
    row("huge unsigned exp", h, p("exp", std::uint64_t{18000000000000000000u}));
    row("unknown and nested claims ignored", h,
        with(with(streamPayload(), "x", {{"sgd", "live/b"}, {"exp", 1}, {"aud", "other"}}), "y",
             {{"sy-stream"}, nullptr, 3.5})
            .dump());
    row("sub, iat and nbf of another issuer", h,
        with(with(with(streamPayload(), "sub", "alice"), "iat", kNow), "nbf", kNow + 30).dump());
    row("sub a number is no subject", h, p("sub", 7));
}

void TestStreamToken::acceptedTokens() {
    QFETCH(QByteArray, token);
    const auto claims =
        makeCodec().verify(token.toStdString(), "eu", "live/a", StreamAction::Publish);
    QVERIFY2(claims.ok(), claims.ok() ? "" : claims.error().message.c_str());
    QCOMPARE(qs(claims->id), QStringLiteral("token-id-1"));
    QVERIFY(claims->expiresAt >= kNow - 29);
}

void TestStreamToken::refusedTokens_data() {
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("group");
    QTest::addColumn<QString>("stream");
    QTest::addColumn<bool>("publish");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message"); // a part of the expected message
    const StreamTokenCodec codec = makeCodec();
    const std::string eu = groupKey("eu");
    const std::string valid = codec.issue("eu", "live/a", StreamAction::Publish, 60, "alice");
    const auto row = [](const char* name, const std::string& token, const char* group,
                        const char* stream, bool publish, const char* code, const char* message) {
        QTest::addRow("%s", name) << QByteArray::fromStdString(token) << QString::fromLatin1(group)
                                  << QString::fromLatin1(stream) << publish
                                  << QString::fromLatin1(code) << QString::fromLatin1(message);
    };
    const auto hand = [&eu](const json& payload) {
        return signedToken(streamHeader(), payload, eu);
    };

    row("wrong stream", valid, "eu", "live/b", true, "wrong_stream",
        R"(for stream "live/a", not "live/b")");
    row("wrong action", valid, "eu", "live/a", false, "wrong_action", "allows publish, not play");
    row("other group", valid, "us", "live/a", true, "bad_signature", "node group \"us\"");
    row("another audience, this group's key",
        hand(with(streamPayload(), "aud", "switchyard-stream:eu")), "eu", "live/a", true,
        "bad_audience", "node group \"eu\"");
    row("API audience", hand(with(streamPayload(), "aud", "switchyard-api")), "eu", "live/a", true,
        "bad_audience", "not meant for");
    row("tampered payload",
        base64UrlEncode(streamHeader().dump()) + '.' +
            base64UrlEncode(with(streamPayload(), "sgd", "live/b").dump()) +
            valid.substr(valid.rfind('.')),
        "eu", "live/b", true, "bad_signature", "signature does not match");
    row("signature of another master",
        signedToken(streamHeader(), streamPayload(),
                    QMessageAuthenticationCode::hash("switchyard/stream-token/v1/eu",
                                                     "another-master-0123456789abcdef-0123",
                                                     QCryptographicHash::Sha256)
                        .toStdString()),
        "eu", "live/a", true, "bad_signature", "signature");
    row("alg none, no signature",
        base64UrlEncode(streamHeader("none").dump()) + '.' +
            base64UrlEncode(streamPayload().dump()) + '.',
        "eu", "live/a", true, "bad_algorithm", "\"none\"");
    row("alg HS512", signedToken(streamHeader("HS512"), streamPayload(), eu), "eu", "live/a", true,
        "bad_algorithm", "\"HS512\"");
    row("alg missing", signedToken(without(streamHeader(), "alg"), streamPayload(), eu), "eu",
        "live/a", true, "bad_algorithm", "HS256 only");
    row("typ JWT", signedToken(with(streamHeader(), "typ", "JWT"), streamPayload(), eu), "eu",
        "live/a", true, "bad_type", "no stream token");
    row("critical header", signedToken(with(streamHeader(), "crit", {"exp"}), streamPayload(), eu),
        "eu", "live/a", true, "malformed", "critical");
    row("iat in the future", hand(with(streamPayload(), "iat", kNow + 31)), "eu", "live/a", true,
        "not_yet_valid", "iat");
    row("no exp", hand(without(streamPayload(), "exp")), "eu", "live/a", true, "bad_claims", "exp");
    row("no sgd", hand(without(streamPayload(), "sgd")), "eu", "live/a", true, "bad_claims", "sgd");
    row("act unknown", hand(with(streamPayload(), "act", "admin")), "eu", "live/a", true,
        "bad_claims", "\"admin\"");
    row("no jti", hand(without(streamPayload(), "jti")), "eu", "live/a", true, "bad_claims", "jti");
    row("aud array without ours, nested ones ignored",
        hand(with(streamPayload(), "aud", {"switchyard-api", {"sy-stream"}, {{"a", "sy-stream"}}})),
        "eu", "live/a", true, "bad_audience", "node group");
    row("aud an object", hand(with(streamPayload(), "aud", {{"aud", "sy-stream"}})), "eu", "live/a",
        true, "bad_audience", "node group");
    row("aud missing", hand(without(streamPayload(), "aud")), "eu", "live/a", true, "bad_audience",
        "node group");
    row("repeated sgd: the last counts",
        signedText(
            streamHeader().dump(),
            R"({"sgd":"live/a","aud":"sy-stream","act":"publish","exp":1800000060,"jti":"j",)"
            R"("sgd":"live/b"})",
            eu),
        "eu", "live/a", true, "wrong_stream", "\"live/b\"");
    row("exp a string", hand(with(streamPayload(), "exp", "1800000060")), "eu", "live/a", true,
        "bad_claims", "exp");
    row("iat a string", hand(with(streamPayload(), "iat", "now")), "eu", "live/a", true,
        "bad_claims", "iat");
    row("sgd a number", hand(with(streamPayload(), "sgd", 5)), "eu", "live/a", true, "bad_claims",
        "sgd");
    row("payload a JSON array", signedText(streamHeader().dump(), "[1]", eu), "eu", "live/a", true,
        "malformed", "payload");
    row("payload a JSON string", signedText(streamHeader().dump(), "\"x\"", eu), "eu", "live/a",
        true, "malformed", "payload");
    row("payload with trailing text",
        signedText(streamHeader().dump(), streamPayload().dump() + "x", eu), "eu", "live/a", true,
        "malformed", "payload");
    row(
        "payload not JSON",
        [&eu] {
            const std::string input =
                base64UrlEncode(streamHeader().dump()) + '.' + base64UrlEncode("{\"sub\":");
            return input + '.' + base64UrlEncode(hmacSha256(input, eu));
        }(),
        "eu", "live/a", true, "malformed", "payload");
}

void TestStreamToken::refusedTokens() {
    QFETCH(QByteArray, token);
    QFETCH(QString, group);
    QFETCH(QString, stream);
    QFETCH(bool, publish);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto claims =
        makeCodec().verify(token.toStdString(), group.toStdString(), stream.toStdString(),
                           publish ? StreamAction::Publish : StreamAction::Play);
    QVERIFY(!claims.ok());
    QCOMPARE(qs(claims.error().code), code);
    QVERIFY2(qs(claims.error().message).contains(message), claims.error().message.c_str());
    QVERIFY(claims.error().message.find(kMaster) == std::string::npos);
}

void TestStreamToken::expiryUsesTheClockWithLeeway() {
    std::int64_t now = kNow;
    const StreamTokenCodec codec = makeCodec([&now] { return now; });
    const std::string token = codec.issue("eu", "live/a", StreamAction::Play, 60, "anonymous");
    now = kNow + 60 + 29; // within the 30 s leeway
    QVERIFY(codec.verify(token, "eu", "live/a", StreamAction::Play).ok());
    now = kNow + 60 + 30;
    const auto refused = codec.verify(token, "eu", "live/a", StreamAction::Play);
    QVERIFY(!refused.ok());
    QCOMPARE(qs(refused.error().code), QStringLiteral("expired"));
    QVERIFY2(refused.error().message.find("expired at 2027-01-15T08:01:00Z") != std::string::npos,
             refused.error().message.c_str());
}

void TestStreamToken::apiAndStreamTokensNeverCross() {
    const StreamTokenCodec stream = makeCodec();
    JwtConfig config;
    config.secret = kMaster; // the same master secret on both sides
    config.clock = [] {
        return kNow;
    };
    const JwtCodec api = JwtCodec::create(config).value();

    // An API token is no stream token, even for an admin.
    const auto asStream =
        stream.verify(api.issue("alice", Role::Admin), "eu", "live/a", StreamAction::Publish);
    QVERIFY(!asStream.ok());
    QCOMPARE(qs(asStream.error().code), QStringLiteral("bad_type"));
    QVERIFY2(asStream.error().message.find("\"JWT\"") != std::string::npos,
             asStream.error().message.c_str());

    // A stream token is no API token.
    const std::string token = stream.issue("eu", "live/a", StreamAction::Publish, 60, "alice");
    const auto asApi = api.verify(token);
    QVERIFY(!asApi.ok());
    QCOMPARE(qs(asApi.error().code), QStringLiteral("bad_type"));

    // Not even an API codec that expects the stream type: the key is not the master secret.
    JwtConfig sameType = config;
    sameType.type = "sy-stream+jwt";
    const auto withType = JwtCodec::create(sameType).value().verify(token);
    QVERIFY(!withType.ok());
    QCOMPARE(qs(withType.error().code), QStringLiteral("bad_signature"));
}

void TestStreamToken::garbageNeverThrows_data() {
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("message");
    QTest::addRow("empty") << QByteArray() << QStringLiteral("three");
    QTest::addRow("dots only") << QByteArray("..") << QStringLiteral("header");
    QTest::addRow("three dots") << QByteArray("...") << QStringLiteral("three");
    QTest::addRow("one dot") << QByteArray(".") << QStringLiteral("three");
    QTest::addRow("9 KiB") << QByteArray(9 * 1024, 'a') << QStringLiteral("8 KiB");
    QTest::addRow("9 KiB of dots") << QByteArray(9 * 1024, '.') << QStringLiteral("8 KiB");
    QTest::addRow("nul bytes") << QByteArray("\0.\0.\0", 5) << QStringLiteral("base64url");
    QTest::addRow("high bytes") << QByteArray("\xff\xfe.\xc3\xa9.\x80") << QStringLiteral("base64");
    QTest::addRow("header a JSON number") << QByteArray("MTI.e30.AAAA") << QStringLiteral("JSON");
}

void TestStreamToken::garbageNeverThrows() {
    QFETCH(QByteArray, token);
    QFETCH(QString, message);
    const StreamTokenCodec codec = makeCodec();
    try {
        const auto claims = codec.verify(std::string_view(token.constData(), token.size()), "eu",
                                         "live/a", StreamAction::Play);
        QVERIFY(!claims.ok());
        QCOMPARE(qs(claims.error().code), QStringLiteral("malformed"));
        QVERIFY2(qs(claims.error().message).contains(message), claims.error().message.c_str());
        QVERIFY(!codec.relayNode("eu", std::string_view(token.constData(), token.size())));
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
}

void TestStreamToken::weakSecretRejected() {
    const auto weak = StreamTokenCodec::create(std::string(31, 's'));
    QVERIFY(!weak.ok());
    QCOMPARE(qs(weak.error().code), QStringLiteral("weak_secret"));
    QVERIFY(weak.error().message.find("at least 32") != std::string::npos);
    QVERIFY(StreamTokenCodec::create(std::string(32, 's')).ok());
}

void TestStreamToken::relayCredentialRoundTrip() {
    const StreamTokenCodec codec = makeCodec();
    const std::string credential = codec.relayCredential("eu", "edge-1");
    const std::string independent =
        "sy-relay.edge-1." +
        QByteArray::fromStdString(hmacSha256("relay/edge-1", groupKey("eu"))).toHex().toStdString();
    QCOMPARE(qs(credential), qs(independent));
    QCOMPARE(qs(codec.relayNode("eu", credential).value_or("none")), QStringLiteral("edge-1"));
    // Node ids may contain dots: the MAC is after the last one.
    const std::string dotted = codec.relayCredential("eu", "eu.relay.3");
    QCOMPARE(qs(codec.relayNode("eu", dotted).value_or("none")), QStringLiteral("eu.relay.3"));
    // Static per node: a second codec with the same master secret agrees.
    QCOMPARE(qs(makeCodec().relayCredential("eu", "edge-1")), qs(credential));
}

void TestStreamToken::relayCredentialRefused_data() {
    QTest::addColumn<QByteArray>("credential");
    const StreamTokenCodec codec = makeCodec();
    const std::string edge1 = codec.relayCredential("eu", "edge-1");
    const std::string mac = edge1.substr(edge1.rfind('.') + 1);
    const auto row = [](const char* name, const std::string& credential) {
        QTest::addRow("%s", name) << QByteArray::fromStdString(credential);
    };
    row("another node's MAC", "sy-relay.edge-2." + mac);
    row("another group's credential", codec.relayCredential("us", "edge-1"));
    row("another master's credential",
        makeCodec([] { return kNow; }, "another-master-0123456789abcdef-0123")
            .relayCredential("eu", "edge-1"));
    row("truncated by one", edge1.substr(0, edge1.size() - 1));
    row("MAC truncated to half", edge1.substr(0, edge1.size() - 32));
    row("no MAC", "sy-relay.edge-1.");
    row("no node id", "sy-relay.." + mac);
    row("prefix only", "sy-relay.");
    row("other prefix", "sy-relai.edge-1." + mac);
    row("uppercase hex",
        "sy-relay.edge-1." + QByteArray::fromStdString(mac).toUpper().toStdString());
    row("extra byte", edge1 + "0");
    row("empty", "");
}

void TestStreamToken::relayCredentialRefused() {
    QFETCH(QByteArray, credential);
    const auto node = makeCodec().relayNode("eu", credential.toStdString());
    QVERIFY2(!node, node ? node->c_str() : "");
}

void TestStreamToken::replayCacheUsesOnce() {
    ReplayCache cache([] { return kNow; });
    QVERIFY(cache.firstUse("a", kNow + 60));
    QVERIFY(!cache.firstUse("a", kNow + 60));
    QVERIFY(!cache.firstUse("a", kNow + 600)); // another expiry does not make it new
    QVERIFY(cache.firstUse("b", kNow + 60));
    QCOMPARE(cache.size(), std::size_t{2});
}

void TestStreamToken::replayCachePrunesExpired() {
    std::int64_t now = kNow;
    ReplayCache cache([&now] { return now; });
    for (const char* id : {"a", "b", "c"})
        QVERIFY(cache.firstUse(id, kNow + 10));
    QVERIFY(cache.firstUse("long", kNow + 1000));
    QCOMPARE(cache.size(), std::size_t{4});
    // Kept while the codec would still accept the token (exp + 30 s of leeway).
    now = kNow + 10 + 29;
    QVERIFY(!cache.firstUse("a", kNow + 10));
    QCOMPARE(cache.size(), std::size_t{4});
    now = kNow + 10 + 30;
    QVERIFY(cache.firstUse("new", kNow + 100));
    QCOMPARE(cache.size(), std::size_t{2}); // "long" and "new"
    QVERIFY(!cache.firstUse("long", kNow + 1000));
}

void TestStreamToken::replayCacheIsThreadSafe() {
    ReplayCache cache;
    constexpr int kIds = 20000;
    std::atomic<int> firsts{0};
    const auto worker = [&](int offset) {
        for (int i = 0; i < kIds; ++i) {
            const int id = (i + offset) % kIds; // both threads see every id, in another order
            if (cache.firstUse("id-" + std::to_string(id), 4102444800)) // 2100-01-01
                firsts.fetch_add(1, std::memory_order_relaxed);
        }
    };
    std::thread a(worker, 0);
    std::thread b(worker, kIds / 2);
    a.join();
    b.join();
    QCOMPARE(firsts.load(), kIds); // every id exactly once, never twice, never lost
    QCOMPARE(cache.size(), std::size_t{kIds});
}

QTEST_APPLESS_MAIN(TestStreamToken)
#include "tst_streamtoken.moc"
