// Password hashes, the signing key and the login rate limiter. Hashes are checked against an
// independent PBKDF2 (built on Qt's HMAC); time comes from fake clocks, files from temporary
// directories.

#include "tests/auth/tst_auth.h"

#include "core/auth/base64.h"
#include "core/auth/jwt.h"
#include "core/auth/loginratelimiter.h"
#include "core/auth/passwordhash.h"
#include "core/auth/secret.h"

#include <QFile>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <sys/stat.h>
#include <thread>

using namespace sy::auth;

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// PBKDF2-HMAC-SHA256 for one 32-byte block (RFC 8018 §5.2), independent of OpenSSL.
QByteArray pbkdf2(const QByteArray& password, const QByteArray& salt, int iterations) {
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, password);
    mac.addData(salt + QByteArray("\0\0\0\1", 4));
    QByteArray u = mac.result();
    QByteArray key = u;
    for (int i = 1; i < iterations; ++i) {
        u = QMessageAuthenticationCode::hash(u, password, QCryptographicHash::Sha256);
        for (int b = 0; b < key.size(); ++b)
            key[b] = char(key[b] ^ u[b]);
    }
    return key;
}

std::string encodeHash(const QByteArray& iterations, const QByteArray& salt,
                       const QByteArray& key) {
    return "pbkdf2-sha256$" + iterations.toStdString() + '$' + salt.toBase64().toStdString() + '$' +
           key.toBase64().toStdString();
}

std::filesystem::path root(const QTemporaryDir& dir) {
    return dir.path().toStdString();
}

// Options set field by field: GCC's -Wmissing-field-initializers flags designated initializers.
RateLimitOptions limits(int maxFailures, std::size_t maxKeys, std::function<std::int64_t()> clock) {
    RateLimitOptions options;
    options.maxFailures = maxFailures;
    options.maxKeys = maxKeys;
    options.clock = std::move(clock);
    return options;
}

int fileMode(const std::filesystem::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

void writeFile(const std::filesystem::path& path, const QByteArray& content, int mode) {
    QFile f(QString::fromStdString(path.string()));
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        qFatal("cannot write %s", path.c_str());
    f.close();
    ::chmod(path.c_str(), static_cast<mode_t>(mode));
}

} // namespace

void TestAuth::passwordHashVerifies() {
    const std::string hash = hashPassword("correct horse", 1000);
    QVERIFY2(hash.starts_with("pbkdf2-sha256$1000$"), hash.c_str());
    QVERIFY(verifyPassword("correct horse", hash));
    QVERIFY(!verifyPassword("correct hors", hash));
    QVERIFY(!verifyPassword("", hash));
    QVERIFY(!verifyPassword(std::string("correct horse\0x", 15), hash));
    const std::string again = hashPassword("correct horse", 1000);
    QVERIFY(again != hash); // random salt
    QVERIFY(verifyPassword("correct horse", again));
    QVERIFY(hashPassword("pw", 10).starts_with("pbkdf2-sha256$1000$")); // clamped, still verifies

    // A hash made elsewhere (here: by the independent PBKDF2) verifies, so the format is standard.
    const QByteArray salt("0123456789abcdef");
    QVERIFY(verifyPassword("s3cret", encodeHash("1000", salt, pbkdf2("s3cret", salt, 1000))));
}

void TestAuth::passwordHashDefaultCost() {
    const std::string hash = hashPassword("pw");
    QVERIFY2(hash.starts_with("pbkdf2-sha256$600000$"), hash.c_str());
    QVERIFY(verifyPassword("pw", hash));
    const std::string dummy = dummyHash();
    QVERIFY(dummy.starts_with("pbkdf2-sha256$600000$"));
    QCOMPARE(qs(dummyHash()), qs(dummy)); // computed once
    QVERIFY(!verifyPassword("pw", dummy));
}

void TestAuth::malformedPasswordHashes_data() {
    QTest::addColumn<QByteArray>("encoded");
    const QByteArray salt("0123456789abcdef");
    const auto row = [](const char* name, const std::string& encoded) {
        QTest::addRow("%s", name) << QByteArray::fromStdString(encoded);
    };
    // Well-formed hashes of "pw" that only their iteration count disqualifies.
    row("iterations 999", encodeHash("999", salt, pbkdf2("pw", salt, 999)));
    row("iterations 1", encodeHash("1", salt, pbkdf2("pw", salt, 1)));
    const std::string good = encodeHash("1000", salt, pbkdf2("pw", salt, 1000));
    const QByteArray saltText = salt.toBase64();
    const QByteArray keyText = pbkdf2("pw", salt, 1000).toBase64();
    const auto with = [&](const char* iterations, const QByteArray& s, const QByteArray& k) {
        return "pbkdf2-sha256$" + std::string(iterations) + '$' + s.toStdString() + '$' +
               k.toStdString();
    };
    row("iterations 10000001", with("10000001", saltText, keyText));
    row("iterations huge", with("99999999999999999999", saltText, keyText));
    row("iterations negative", with("-1000", saltText, keyText));
    row("iterations exponent", with("1e3", saltText, keyText));
    row("iterations space", with(" 1000", saltText, keyText));
    row("iterations empty", with("", saltText, keyText));
    row("iterations differ", with("1001", saltText, keyText));
    row("salt not base64", with("1000", "!!!!", keyText));
    row("salt empty", with("1000", "", keyText));
    row("key 31 bytes", with("1000", saltText, QByteArray(31, 'k').toBase64()));
    row("key without padding", with("1000", saltText, keyText.chopped(1)));
    row("key missing", "pbkdf2-sha256$1000$" + saltText.toStdString());
    row("extra field", good + "$x");
    row("other scheme", "pbkdf2-sha1" + good.substr(good.find('$')));
    row("argon2", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g");
    row("scheme only", "pbkdf2-sha256");
    row("dollars only", "$$$");
    row("empty", "");
}

void TestAuth::malformedPasswordHashes() {
    QFETCH(QByteArray, encoded);
    QVERIFY(!verifyPassword("pw", encoded.toStdString()));
}

void TestAuth::secretFileCreatedPrivateAndReused() {
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const std::filesystem::path dataDir = root(tmp) / "data"; // not there yet
    const auto first = loadOrCreateSecret(dataDir, {});
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
    QCOMPARE(first->size(), std::size_t{64});
    QVERIFY(first->find_first_not_of("0123456789abcdef") == std::string::npos);
    const auto path = dataDir / kSecretFileName;
    QCOMPARE(fileMode(path), 0600);
    QFile f(QString::fromStdString(path.string()));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray::fromStdString(*first + '\n'));

    const auto second = loadOrCreateSecret(dataDir, {});
    QVERIFY(second.ok());
    QCOMPARE(qs(*second), qs(*first));
    JwtConfig config;
    config.secret = *second;
    QVERIFY(JwtCodec::create(config).ok());

    const auto elsewhere = loadOrCreateSecret(root(tmp) / "other", {});
    QVERIFY(elsewhere.ok());
    QVERIFY(*elsewhere != *first);
}

void TestAuth::secretSourcesWin() {
    QTemporaryDir tmp;
    const auto dataDir = root(tmp) / "data";
    const auto file = root(tmp) / "given.key";
    writeFile(file, "file-secret-0123456789abcdef-0123456789\n", 0644); // orchestrators mount 0644
    const std::string env = "env-secret-0123456789abcdef-0123456789";

    const auto fromEnv = loadOrCreateSecret(dataDir, {env, file});
    QVERIFY(fromEnv.ok());
    QCOMPARE(qs(*fromEnv), qs(env));
    const auto fromFile = loadOrCreateSecret(dataDir, {std::nullopt, file});
    QVERIFY2(fromFile.ok(), fromFile.ok() ? "" : fromFile.error().message.c_str());
    QCOMPARE(qs(*fromFile), QStringLiteral("file-secret-0123456789abcdef-0123456789"));
    QVERIFY(!std::filesystem::exists(dataDir / kSecretFileName)); // nothing generated
}

void TestAuth::secretRefused_data() {
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    const auto row = [](const char* setup, const char* code, const char* message) {
        QTest::addRow("%s", setup) << QString::fromLatin1(setup) << QString::fromLatin1(code)
                                   << QString::fromLatin1(message);
    };
    row("env short", "weak_secret", "SWITCHYARD_JWT_SECRET has 5 bytes");
    row("env empty", "weak_secret", "at least 32");
    row("file short", "weak_secret", "has 3 bytes");
    row("file missing", "secret_unreadable", "No such file");
    row("file a directory", "secret_unreadable", "not a small regular file");
    row("stored 0640", "secret_permissions", "chmod 600 ");
    row("stored 0604", "secret_permissions", "chmod 600 ");
    row("stored 0620", "secret_permissions", "chmod 600 ");
    row("stored short", "weak_secret", "jwt.secret has 4 bytes");
    row("data dir blocked", "secret_write", "cannot create the data directory");
}

void TestAuth::secretRefused() {
    QFETCH(QString, setup);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    std::filesystem::path dataDir = root(tmp) / "data";
    std::filesystem::create_directory(dataDir);
    const auto stored = dataDir / kSecretFileName;
    const auto given = root(tmp) / "given.key";
    SecretSources sources;
    if (setup == QLatin1String("env short")) {
        sources.fromEnvironment = "short";
    } else if (setup == QLatin1String("env empty")) {
        sources.fromEnvironment = "";
    } else if (setup == QLatin1String("file short")) {
        writeFile(given, "abc\n", 0600);
        sources.file = given;
    } else if (setup == QLatin1String("file missing")) {
        sources.file = given;
    } else if (setup == QLatin1String("file a directory")) {
        sources.file = root(tmp);
    } else if (setup.startsWith(QLatin1String("stored 0"))) {
        writeFile(stored, QByteArray(64, 'a'), setup.mid(7).toInt(nullptr, 8));
    } else if (setup == QLatin1String("stored short")) {
        writeFile(stored, "abcd", 0600);
    } else if (setup == QLatin1String("data dir blocked")) {
        writeFile(root(tmp) / "file", "x", 0600);
        dataDir = root(tmp) / "file" / "data";
    } else {
        QFAIL("unknown setup");
    }

    const auto secret = loadOrCreateSecret(dataDir, sources);
    QVERIFY(!secret.ok());
    QCOMPARE(qs(secret.error().code), code);
    QVERIFY2(qs(secret.error().message).contains(message), secret.error().message.c_str());
    QVERIFY(secret.error().message.find(std::string(64, 'a')) == std::string::npos);
}

void TestAuth::rateLimiterScenarios_data() {
    QTest::addColumn<QString>("script"); // f: failure, s: success, +N: N ms pass
    QTest::addColumn<int>("retryAfter"); // -1: allowed
    // maxFailures 3, window 1000 ms, lockout 5000 ms
    QTest::addRow("below max") << QStringLiteral("f f") << -1;
    QTest::addRow("locks at max") << QStringLiteral("f f f") << 5000;
    QTest::addRow("lock counts down") << QStringLiteral("f f f +2000") << 3000;
    QTest::addRow("lock ends") << QStringLiteral("f f f +5000") << -1;
    QTest::addRow("within window") << QStringLiteral("f +500 f +499 f") << 5000;
    QTest::addRow("window expires") << QStringLiteral("f f +1000 f") << -1;
    QTest::addRow("window restarts") << QStringLiteral("f f +1000 f f f") << 5000;
    QTest::addRow("success resets") << QStringLiteral("f f s f f") << -1;
    QTest::addRow("success clears a lock") << QStringLiteral("f f f s") << -1;
    QTest::addRow("locked failures do not extend") << QStringLiteral("f f f +1000 f f f") << 4000;
    QTest::addRow("fresh count after lockout") << QStringLiteral("f f f +5000 f f") << -1;
    QTest::addRow("locks again after lockout") << QStringLiteral("f f f +5000 f f f") << 5000;
}

void TestAuth::rateLimiterScenarios() {
    QFETCH(QString, script);
    QFETCH(int, retryAfter);
    std::int64_t now = 1000000;
    RateLimitOptions options = limits(3, 10000, [&now] { return now; });
    options.windowMs = 1000;
    options.lockoutMs = 5000;
    LoginRateLimiter limiter(options);
    for (const QString& op : script.split(QLatin1Char(' '))) {
        if (op == QLatin1String("f"))
            limiter.recordFailure("user:alice");
        else if (op == QLatin1String("s"))
            limiter.recordSuccess("user:alice");
        else
            now += op.mid(1).toLongLong();
    }
    const auto wait = limiter.retryAfterMs("user:alice");
    QCOMPARE(wait ? int(*wait) : -1, retryAfter);
}

void TestAuth::rateLimiterKeysAreIndependent() {
    LoginRateLimiter limiter(limits(2, 10000, [] { return std::int64_t{0}; }));
    limiter.recordFailure("ip:10.0.0.1");
    limiter.recordFailure("ip:10.0.0.1");
    QVERIFY(limiter.retryAfterMs("ip:10.0.0.1"));
    QVERIFY(!limiter.retryAfterMs("ip:10.0.0.2"));
    QVERIFY(!limiter.retryAfterMs("user:10.0.0.1"));
}

void TestAuth::rateLimiterMemoryIsBounded() {
    LoginRateLimiter limiter(limits(1, 3, [] { return std::int64_t{0}; }));
    for (int i = 0; i < 10; ++i)
        limiter.recordFailure("k" + std::to_string(i));
    QCOMPARE(limiter.size(), std::size_t{3});
    for (int i = 0; i < 7; ++i)
        QVERIFY(!limiter.retryAfterMs("k" + std::to_string(i))); // the oldest went first
    for (int i = 7; i < 10; ++i)
        QVERIFY(limiter.retryAfterMs("k" + std::to_string(i)));
    limiter.recordFailure("k7"); // k7 failed last now, so k8 is the oldest
    limiter.recordFailure("k10");
    QVERIFY(limiter.retryAfterMs("k7"));
    QVERIFY(!limiter.retryAfterMs("k8"));
    QCOMPARE(limiter.size(), std::size_t{3});
}

void TestAuth::rateLimiterIsThreadSafe() {
    std::atomic<std::int64_t> now{0};
    LoginRateLimiter limiter(limits(5, 100, [&now] { return now++; }));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&limiter, t] {
            for (int i = 0; i < 2000; ++i) {
                const std::string key = "ip:" + std::to_string(t) + '.' + std::to_string(i % 150);
                limiter.recordFailure(key);
                (void)limiter.retryAfterMs(key);
                if (i % 7 == 0)
                    limiter.recordSuccess(key);
            }
        });
    for (auto& thread : threads)
        thread.join();
    QVERIFY(limiter.size() <= 100); // 600 keys went through
}
