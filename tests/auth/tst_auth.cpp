// Roles and HS256 tokens. Tokens under test are built by hand and signed with Qt's HMAC, an
// implementation independent of the codec's, so that the codec is checked against the standard
// rather than against itself.

#include "tests/auth/tst_auth.h"

#include "core/auth/jwt.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace sy::auth;
using nlohmann::json;

namespace {

constexpr std::int64_t kNow = 1800000000; // 2027-01-15T08:00:00Z
const std::string kSecret = "test-secret-0123456789abcdef-0123456789";

std::string hmacSha256(const std::string& input, const std::string& secret) {
    return QMessageAuthenticationCode::hash(QByteArray::fromStdString(input),
                                            QByteArray::fromStdString(secret),
                                            QCryptographicHash::Sha256)
        .toStdString();
}

std::string signedToken(const std::string& header, const std::string& payload,
                        const std::string& secret = kSecret) {
    const std::string input = base64UrlEncode(header) + '.' + base64UrlEncode(payload);
    return input + '.' + base64UrlEncode(hmacSha256(input, secret));
}

std::string signedToken(const json& header, const json& payload,
                        const std::string& secret = kSecret) {
    return signedToken(header.dump(), payload.dump(), secret);
}

json header(const char* alg = "HS256") {
    return {{"alg", alg}, {"typ", "JWT"}};
}

json payload() {
    return {{"sub", "alice"},      {"roles", "ROLE_VIEWER"},
            {"iss", "switchyard"}, {"aud", "switchyard-api"},
            {"iat", kNow},         {"nbf", kNow},
            {"exp", kNow + 3600},  {"jti", "id-1"}};
}

json with(json j, const char* key, json value) {
    j[key] = std::move(value);
    return j;
}

json without(json j, const char* key) {
    j.erase(key);
    return j;
}

JwtCodec makeCodec(
    std::string type = "JWT", std::function<std::int64_t()> clock = [] { return kNow; }) {
    JwtConfig config;
    config.secret = kSecret;
    config.type = std::move(type);
    config.clock = std::move(clock);
    auto codec = JwtCodec::create(std::move(config));
    if (!codec.ok())
        qFatal("cannot create the codec: %s", codec.error().message.c_str());
    return std::move(codec).value();
}

json decodeSegment(const std::string& token, int index) {
    std::string_view rest = token;
    for (int i = 0; i < index; ++i)
        rest.remove_prefix(rest.find('.') + 1);
    const auto text = base64UrlDecode(rest.substr(0, rest.find('.')));
    return text ? json::parse(*text, nullptr, false) : json();
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

void TestAuth::parseRoleSpellings_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("role"); // -1: refused
    QTest::addRow("viewer") << QStringLiteral("viewer") << int(Role::Viewer);
    QTest::addRow("Operator") << QStringLiteral("Operator") << int(Role::Operator);
    QTest::addRow("ADMIN") << QStringLiteral("ADMIN") << int(Role::Admin);
    QTest::addRow("ROLE_ADMIN") << QStringLiteral("ROLE_ADMIN") << int(Role::Admin);
    QTest::addRow("role_operator") << QStringLiteral("role_operator") << int(Role::Operator);
    QTest::addRow("ROLE_VIEWER") << QStringLiteral("ROLE_VIEWER") << int(Role::Viewer);
    QTest::addRow("empty") << QString() << -1;
    QTest::addRow("ROLE_ alone") << QStringLiteral("ROLE_") << -1;
    QTest::addRow("ROLE_ROLE_ADMIN") << QStringLiteral("ROLE_ROLE_ADMIN") << -1;
    QTest::addRow("trailing space") << QStringLiteral("admin ") << -1;
    QTest::addRow("root") << QStringLiteral("root") << -1;
    QTest::addRow("ROLE_SUPERUSER") << QStringLiteral("ROLE_SUPERUSER") << -1;
}

void TestAuth::parseRoleSpellings() {
    QFETCH(QString, text);
    QFETCH(int, role);
    const auto parsed = parseRole(text.toStdString());
    QCOMPARE(parsed ? int(*parsed) : -1, role);
}

void TestAuth::roleOrderAndClaims() {
    for (Role r : {Role::Viewer, Role::Operator, Role::Admin}) {
        QVERIFY(parseRole(toString(r)) == r);
        QVERIFY(parseRole(roleClaim(r)) == r);
    }
    QCOMPARE(qs(roleClaim(Role::Admin)), QStringLiteral("ROLE_ADMIN"));
    QCOMPARE(qs(std::string(toString(Role::Operator))), QStringLiteral("operator"));
    QVERIFY(allows(Role::Admin, Role::Operator));
    QVERIFY(allows(Role::Operator, Role::Operator));
    QVERIFY(allows(Role::Operator, Role::Viewer));
    QVERIFY(!allows(Role::Operator, Role::Admin));
    QVERIFY(!allows(Role::Viewer, Role::Operator));
}

void TestAuth::base64UrlVectors_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("text");
    // RFC 4648 §10 without padding, then bytes that use the url-safe characters.
    QTest::addRow("empty") << QByteArray() << QByteArray();
    QTest::addRow("f") << QByteArray("f") << QByteArray("Zg");
    QTest::addRow("fo") << QByteArray("fo") << QByteArray("Zm8");
    QTest::addRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::addRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
    QTest::addRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
    QTest::addRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    QTest::addRow("url alphabet") << QByteArray("\xfb\xff\xbf", 3) << QByteArray("-_-_");
    QTest::addRow("nul bytes") << QByteArray("\0\0", 2) << QByteArray("AAA");
}

void TestAuth::base64UrlVectors() {
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, text);
    QCOMPARE(QByteArray::fromStdString(base64UrlEncode(bytes.toStdString())), text);
    const auto decoded = base64UrlDecode(text.toStdString());
    QVERIFY(decoded);
    QCOMPARE(QByteArray::fromStdString(*decoded), bytes);
}

void TestAuth::base64UrlRefusesNonCanonical_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("padding") << QByteArray("Zg==");
    QTest::addRow("one padding char") << QByteArray("Zm8=");
    QTest::addRow("length 4n+1") << QByteArray("Zm9vY");
    QTest::addRow("standard alphabet +") << QByteArray("+/+/");
    QTest::addRow("space") << QByteArray("Zm9 v");
    QTest::addRow("non-zero unused bits") << QByteArray("Zh");
    QTest::addRow("nul") << QByteArray("Zm\0v", 4);
    QTest::addRow("high byte") << QByteArray("Zm\xc3\xa9");
}

void TestAuth::base64UrlRefusesNonCanonical() {
    QFETCH(QByteArray, text);
    QVERIFY(!base64UrlDecode(text.toStdString()));
}

void TestAuth::issueVerifyRoundTrip() {
    std::int64_t now = kNow;
    const JwtCodec codec = makeCodec("JWT", [&now] { return now; });
    const std::string token =
        codec.issue("alice", Role::Operator, {{"guid", "live/cam1"}, {"sub", "mallory"}});
    now += 400 * 60 - 1; // still valid one second before the 400 minutes end
    const auto claims = codec.verify(token);
    QVERIFY2(claims.ok(), claims.ok() ? "" : claims.error().message.c_str());
    QCOMPARE(qs(claims->subject), QStringLiteral("alice")); // extra cannot override sub
    QCOMPARE(int(claims->role), int(Role::Operator)); // not Role: ADL would find auth::toString
    QCOMPARE(claims->issuedAt, kNow);
    QCOMPARE(claims->expiresAt, kNow + 400 * 60);
    QVERIFY(!claims->id.empty());
    QCOMPARE(qs(claims->extra.dump()), QStringLiteral(R"({"guid":"live/cam1"})"));

    QVERIFY(codec.verify(codec.issue("alice", Role::Viewer)).value().id != claims->id);
    now = kNow + 400 * 60 + 30; // ttl plus the whole leeway
    QCOMPARE(qs(codec.verify(token).error().code), QStringLiteral("expired"));
}

void TestAuth::tokenHeaderAndPayloadAreSm20Compatible() {
    const std::string token = makeCodec().issue("admin", Role::Admin);
    QCOMPARE(qs(decodeSegment(token, 0).dump()), QStringLiteral(R"({"alg":"HS256","typ":"JWT"})"));
    const json p = decodeSegment(token, 1);
    QCOMPARE(qs(p.value("roles", "")), QStringLiteral("ROLE_ADMIN"));
    QCOMPARE(qs(p.value("sub", "")), QStringLiteral("admin"));
    QCOMPARE(qs(p.value("iss", "")), QStringLiteral("switchyard"));
    QCOMPARE(qs(p.value("aud", "")), QStringLiteral("switchyard-api"));
    QCOMPARE(p.value("exp", 0) - p.value("iat", 0), 400 * 60);
    QCOMPARE(p.value("nbf", std::int64_t{0}), kNow);
    // The independent HMAC agrees with the codec's signature.
    const auto lastDot = token.rfind('.');
    QCOMPARE(qs(token.substr(lastDot + 1)),
             qs(base64UrlEncode(hmacSha256(token.substr(0, lastDot), kSecret))));
}

void TestAuth::acceptedTokens_data() {
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("role");
    const auto row = [](const char* name, const std::string& token, Role role) {
        QTest::addRow("%s", name) << QByteArray::fromStdString(token) << int(role);
    };
    row("plain", signedToken(header(), payload()), Role::Viewer);
    row("exp within leeway", signedToken(header(), with(payload(), "exp", kNow - 29)),
        Role::Viewer);
    row("nbf within leeway", signedToken(header(), with(payload(), "nbf", kNow + 30)),
        Role::Viewer);
    row("fractional exp", signedToken(header(), with(payload(), "exp", kNow + 0.5)), Role::Viewer);
    row("aud array with ours",
        signedToken(header(), with(payload(), "aud", {"other", "switchyard-api"})), Role::Viewer);
    row("short role name", signedToken(header(), with(payload(), "roles", "admin")), Role::Admin);
    row("no nbf iat jti",
        signedToken(header(), without(without(without(payload(), "nbf"), "iat"), "jti")),
        Role::Viewer);
    row("header with kid", signedToken(with(header(), "kid", "k1"), payload()), Role::Viewer);
    row("7 KiB token", signedToken(header(), with(payload(), "pad", std::string(5000, 'x'))),
        Role::Viewer);
}

void TestAuth::acceptedTokens() {
    QFETCH(QByteArray, token);
    QFETCH(int, role);
    const auto claims = makeCodec().verify(token.toStdString());
    QVERIFY2(claims.ok(), claims.ok() ? "" : claims.error().message.c_str());
    QCOMPARE(int(claims->role), role);
    QCOMPARE(qs(claims->subject), QStringLiteral("alice"));
}

void TestAuth::refusedTokens_data() {
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message"); // a part of the expected message, when it matters
    const auto row = [](const char* name, const std::string& token, const char* code,
                        const char* message = "") {
        QTest::addRow("%s", name) << QByteArray::fromStdString(token) << QString::fromLatin1(code)
                                  << QString::fromLatin1(message);
    };
    const std::string valid = signedToken(header(), payload());
    const auto unsigned_ = [](const json& h, const json& p) {
        return base64UrlEncode(h.dump()) + '.' + base64UrlEncode(p.dump()) + '.';
    };

    row("alg none, empty signature", unsigned_(header("none"), payload()), "bad_algorithm");
    row("alg none, with signature", signedToken(header("none"), payload()), "bad_algorithm");
    row("alg HS512", signedToken(header("HS512"), payload()), "bad_algorithm");
    row("alg RS256", signedToken(header("RS256"), payload()), "bad_algorithm");
    row("alg lowercase", signedToken(header("hs256"), payload()), "bad_algorithm");
    row("alg missing", signedToken(without(header(), "alg"), payload()), "bad_algorithm");
    row("alg an array", signedToken(with(header(), "alg", {"HS256"}), payload()), "bad_algorithm");
    row("typ changed", signedToken(with(header(), "typ", "stream"), payload()), "bad_type");
    row("typ missing", signedToken(without(header(), "typ"), payload()), "bad_type");
    row("signature from another secret",
        signedToken(header(), payload(), "another-secret-0123456789abcdef-01234"), "bad_signature");
    row("payload tampered viewer to admin",
        base64UrlEncode(header().dump()) + '.' +
            base64UrlEncode(with(payload(), "roles", "ROLE_ADMIN").dump()) +
            valid.substr(valid.rfind('.')),
        "bad_signature");
    row("signature truncated",
        valid.substr(0, valid.rfind('.') + 1) +
            base64UrlEncode(hmacSha256(valid.substr(0, valid.rfind('.')), kSecret).substr(0, 16)),
        "bad_signature");
    row("signature empty", unsigned_(header(), payload()), "bad_signature");
    row("expired", signedToken(header(), with(payload(), "exp", kNow - 31)), "expired",
        "token expired at 2027-01-15T07:59:29Z");
    row("nbf in the future", signedToken(header(), with(payload(), "nbf", kNow + 31)),
        "not_yet_valid", "nbf");
    row("iat in the future", signedToken(header(), with(payload(), "iat", kNow + 3000)),
        "not_yet_valid", "iat");
    row("wrong issuer", signedToken(header(), with(payload(), "iss", "red5pro")), "bad_issuer");
    row("issuer missing", signedToken(header(), without(payload(), "iss")), "bad_issuer");
    row("wrong audience", signedToken(header(), with(payload(), "aud", "other")), "bad_audience");
    row("aud array without ours", signedToken(header(), with(payload(), "aud", {"a", "b"})),
        "bad_audience");
    row("audience missing", signedToken(header(), without(payload(), "aud")), "bad_audience");
    row("missing exp", signedToken(header(), without(payload(), "exp")), "bad_claims", "exp");
    row("exp a string", signedToken(header(), with(payload(), "exp", "2030")), "bad_claims");
    row("nbf a string", signedToken(header(), with(payload(), "nbf", "now")), "bad_claims");
    row("missing sub", signedToken(header(), without(payload(), "sub")), "bad_claims");
    row("empty sub", signedToken(header(), with(payload(), "sub", "")), "bad_claims");
    row("sub a number", signedToken(header(), with(payload(), "sub", 7)), "bad_claims");
    row("unknown role", signedToken(header(), with(payload(), "roles", "ROLE_ROOT")), "bad_claims");
    row("roles missing", signedToken(header(), without(payload(), "roles")), "bad_claims");
    row("jti a number", signedToken(header(), with(payload(), "jti", 5)), "bad_claims");
    row("2 segments", valid.substr(0, valid.rfind('.')), "malformed");
    row("4 segments", valid + ".AAAA", "malformed");
    row("only dots", "..", "malformed");
    row("bad base64 char", "eyJ*" + valid.substr(4), "malformed");
    row("padding", valid + "=", "malformed");
    row("header not JSON", signedToken(std::string("not json"), payload().dump()), "malformed");
    row("header a JSON array", signedToken(std::string("[1]"), payload().dump()), "malformed");
    row("critical header", signedToken(with(header(), "crit", {"exp"}), payload()), "malformed");
    row("payload a JSON array", signedToken(header().dump(), std::string("[]")), "malformed");
    row("payload not JSON", signedToken(header().dump(), std::string("{\"sub\":")), "malformed");
    row("empty string", "", "malformed");
    row("9 KiB token", signedToken(header(), with(payload(), "pad", std::string(7000, 'x'))),
        "malformed", "8 KiB");
}

void TestAuth::refusedTokens() {
    QFETCH(QByteArray, token);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto claims = makeCodec().verify(token.toStdString());
    QVERIFY(!claims.ok());
    QCOMPARE(qs(claims.error().code), code);
    QVERIFY2(qs(claims.error().message).contains(message), claims.error().message.c_str());
    QVERIFY(claims.error().message.find(kSecret) == std::string::npos);
}

void TestAuth::tokensOfAnotherTypeDoNotPass() {
    const JwtCodec api = makeCodec();
    const JwtCodec stream = makeCodec("stream+jwt");
    const std::string streamToken = stream.issue("cam1", Role::Viewer, {{"action", "publish"}});
    QVERIFY(stream.verify(streamToken).ok());
    QCOMPARE(qs(api.verify(streamToken).error().code), QStringLiteral("bad_type"));
    QCOMPARE(qs(stream.verify(api.issue("alice", Role::Admin)).error().code),
             QStringLiteral("bad_type"));
}

void TestAuth::weakSecretRejected_data() {
    QTest::addColumn<int>("length");
    QTest::addColumn<bool>("accepted");
    QTest::addRow("empty") << 0 << false;
    QTest::addRow("31 bytes") << 31 << false;
    QTest::addRow("32 bytes") << 32 << true;
    QTest::addRow("64 bytes") << 64 << true;
}

void TestAuth::weakSecretRejected() {
    QFETCH(int, length);
    QFETCH(bool, accepted);
    JwtConfig config;
    config.secret = std::string(static_cast<std::size_t>(length), 's');
    const auto codec = JwtCodec::create(config);
    QCOMPARE(codec.ok(), accepted);
    if (!accepted) {
        QCOMPARE(qs(codec.error().code), QStringLiteral("weak_secret"));
        QVERIFY(codec.error().message.find("at least 32") != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(TestAuth)
