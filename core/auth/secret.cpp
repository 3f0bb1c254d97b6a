#include "core/auth/secret.h"

#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sy::auth {

namespace {

constexpr std::size_t kMinSecret = 32;
constexpr std::size_t kGeneratedBytes = 32;
constexpr off_t kMaxFileSize = 64 * 1024; // a key file is tiny; refuse to slurp anything else

// Closes a descriptor on every path out of a function.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
};

std::string describe(const std::filesystem::path& path, int err) {
    return path.string() + ": " + std::strerror(err);
}

Result<std::string> checkLength(std::string secret, const std::string& origin) {
    if (secret.size() < kMinSecret)
        return fail("weak_secret", "the JWT secret from " + origin + " has " +
                                       std::to_string(secret.size()) +
                                       " bytes; at least 32 are required");
    return secret;
}

// Reads a key file: nullopt when it does not exist. `requirePrivate` refuses a file that group or
// others may access, checked on the open descriptor so that the file read is the file checked.
Result<std::optional<std::string>> readKeyFile(const std::filesystem::path& path,
                                               bool requirePrivate) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    // ENOTDIR: a parent is missing in effect too; creating it then gives the clearer message.
    if (f.fd < 0 && (errno == ENOENT || errno == ENOTDIR))
        return std::optional<std::string>{};
    if (f.fd < 0)
        return fail("secret_unreadable",
                    "cannot open the JWT secret file " + describe(path, errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0)
        return fail("secret_unreadable",
                    "cannot stat the JWT secret file " + describe(path, errno));
    if (!S_ISREG(st.st_mode) || st.st_size > kMaxFileSize)
        return fail("secret_unreadable",
                    "the JWT secret file " + path.string() + " is not a small regular file");
    if (requirePrivate && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return fail("secret_permissions", "the JWT secret file " + path.string() +
                                              " is accessible by group or others; run: chmod 600 " +
                                              path.string());
    std::string text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(f.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail("secret_unreadable",
                        "cannot read the JWT secret file " + describe(path, errno));
        if (n == 0)
            break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > static_cast<std::size_t>(kMaxFileSize))
            return fail("secret_unreadable",
                        "the JWT secret file " + path.string() + " is too large");
    }
    // Editors and `echo` end files with a line break that is not meant as part of the key.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return std::optional<std::string>{std::move(text)};
}

bool writeAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string hex(const unsigned char* bytes, std::size_t n) {
    constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

// Creates the file exclusively: nullopt when another process created it first (the caller then
// reads that one), so two servers starting together on one data directory agree on the key.
Result<std::optional<std::string>> createKeyFile(const std::filesystem::path& dataDir,
                                                 const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::create_directories(dataDir, ec);
    if (ec)
        return fail("secret_write",
                    "cannot create the data directory " + dataDir.string() + ": " + ec.message());
    unsigned char bytes[kGeneratedBytes];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return fail("secret_write", "the random generator failed; no JWT secret was created");
    const std::string secret = hex(bytes, sizeof bytes);

    Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
    if (f.fd < 0 && errno == EEXIST)
        return std::optional<std::string>{};
    if (f.fd < 0)
        return fail("secret_write", "cannot create the JWT secret file " + describe(path, errno));
    if (!writeAll(f.fd, secret + '\n') || ::fsync(f.fd) != 0) {
        const int err = errno;
        ::unlink(path.c_str()); // a truncated key must not be picked up by the next start
        return fail("secret_write", "cannot write the JWT secret file " + describe(path, err));
    }
    // Make the new directory entry durable too; failure here only risks regenerating the key.
    Fd dir{::open(dataDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.fd >= 0)
        ::fsync(dir.fd);
    return std::optional<std::string>{secret};
}

} // namespace

Result<std::string> loadOrCreateSecret(const std::filesystem::path& dataDir,
                                       const SecretSources& sources) {
    if (sources.fromEnvironment)
        return checkLength(*sources.fromEnvironment, "SWITCHYARD_JWT_SECRET");
    if (sources.file) {
        auto text = readKeyFile(*sources.file, /*requirePrivate=*/false);
        if (!text.ok())
            return unexpected(std::move(text).error());
        if (!*text)
            return fail("secret_unreadable",
                        "cannot open the JWT secret file " + describe(*sources.file, ENOENT));
        return checkLength(std::move(**text), sources.file->string());
    }

    const auto path = dataDir / kSecretFileName;
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto stored = readKeyFile(path, /*requirePrivate=*/true);
        if (!stored.ok())
            return unexpected(std::move(stored).error());
        if (*stored)
            return checkLength(std::move(**stored), path.string());
        auto created = createKeyFile(dataDir, path);
        if (!created.ok())
            return unexpected(std::move(created).error());
        if (*created)
            return std::move(**created);
    }
    return fail("secret_write",
                "the JWT secret file " + path.string() + " keeps appearing and disappearing");
}

} // namespace sy::auth
