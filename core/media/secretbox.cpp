#include "core/media/secretbox.h"

#include "core/util/strings.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace sy::media {

namespace {

constexpr std::string_view kPrefix = "sy1:";
constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
// The key file is text so that an operator can tell it from a stray file and back it up with
// ordinary tools: one line, a marker and the key in hex.
constexpr std::string_view kKeyMarker = "switchyard-secretbox-v1 ";
constexpr std::string_view kMask = "\u2022\u2022\u2022\u2022";

std::string errnoText() {
    return std::strerror(errno);
}

std::string toHex(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xF]);
    }
    return out;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> fromHex(std::string_view hex) {
    if (hex.size() % 2 != 0)
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexValue(hex[i]);
        const int lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// base64url without padding (RFC 4648 §5): safe in JSON, URLs and file names.
std::string base64url(std::string_view in) {
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const auto n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out.push_back(kB64[(n >> 6) & 63]);
        out.push_back(kB64[n & 63]);
    }
    if (i + 1 == in.size()) {
        const auto n = static_cast<unsigned char>(in[i]) << 16;
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
    } else if (i + 2 == in.size()) {
        const auto n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8);
        out.push_back(kB64[(n >> 18) & 63]);
        out.push_back(kB64[(n >> 12) & 63]);
        out.push_back(kB64[(n >> 6) & 63]);
    }
    return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
    if (in.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    unsigned int acc = 0;
    int bits = 0;
    for (char c : in) {
        const char* p = std::strchr(kB64, c);
        if (c == '\0' || p == nullptr)
            return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned int>(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

Result<std::string> readKeyFile(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return fail("storage", "key file " + file.string() + ": " + errnoText());
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const auto msg = errnoText();
        ::close(fd);
        return fail("storage", "key file " + file.string() + ": " + msg);
    }
    // Readable (or writable) by anyone but the owner: the key may already be out, so refuse
    // rather than keep sealing with it; the operator decides (chmod 600, or a new key).
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return fail("insecure_key_file", "key file " + file.string() + " has mode " + mode +
                                             ": it must be a regular file readable only by its "
                                             "owner (chmod 600)");
    }
    std::string content;
    char buf[256];
    for (;;) {
        const auto n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const auto msg = errnoText();
            ::close(fd);
            return fail("storage", "key file " + file.string() + ": " + msg);
        }
        if (n == 0 || content.size() > 4096)
            break;
        content.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
        content.pop_back();
    std::optional<std::string> key;
    if (content.starts_with(kKeyMarker))
        key = fromHex(std::string_view(content).substr(kKeyMarker.size()));
    if (!key || key->size() != kKeyBytes)
        return fail("corrupt", "key file " + file.string() + " is not a Switchyard secret key");
    return *key;
}

// Writes the key to a temporary file (0600 from the first byte), syncs it and links it to the
// final name. link() never replaces: when two processes race to create the key, one wins and
// the other reads the winner's key, so no value is ever sealed with a key that is then lost.
Result<void> createKeyFile(const std::filesystem::path& file, const std::string& key) {
    std::error_code ec;
    const auto dir = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    std::filesystem::create_directories(dir, ec);
    std::array<unsigned char, 8> rnd{};
    RAND_bytes(rnd.data(), static_cast<int>(rnd.size()));
    const auto tmp =
        dir / ("." + file.filename().string() + ".tmp-" +
               toHex(std::string_view(reinterpret_cast<char*>(rnd.data()), rnd.size())));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("storage", "cannot create key file " + file.string() + ": " + errnoText());
    const std::string content = std::string(kKeyMarker) + toHex(key) + "\n";
    bool ok = ::fchmod(fd, 0600) == 0; // the umask cannot widen 0600, but be explicit
    std::size_t done = 0;
    while (ok && done < content.size()) {
        const auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const auto writeError = errnoText();
    ::close(fd);
    if (!ok) {
        ::unlink(tmp.c_str());
        return fail("storage", "cannot write key file " + file.string() + ": " + writeError);
    }
    const int linked = ::link(tmp.c_str(), file.c_str());
    const int linkErrno = errno;
    ::unlink(tmp.c_str());
    if (linked != 0 && linkErrno != EEXIST)
        return fail("storage",
                    "cannot create key file " + file.string() + ": " + std::strerror(linkErrno));
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

bool isMaskedQueryName(std::string_view name) {
    const std::string n = sy::toLower(name);
    static const char* const names[] = {"passphrase",
                                        "key",
                                        "token",
                                        "streamid",
                                        "secret",
                                        "password",
                                        "pass",
                                        "pwd",
                                        "access_token",
                                        "auth",
                                        "signature",
                                        "sig",
                                        "x-amz-signature",
                                        "x-amz-credential",
                                        "x-amz-security-token"};
    for (const char* candidate : names)
        if (n == candidate)
            return true;
    return false;
}

std::string maskQuery(std::string_view query) {
    std::string out;
    std::size_t start = 0;
    while (start <= query.size()) {
        const auto end = std::min(query.find('&', start), query.size());
        const auto param = query.substr(start, end - start);
        const auto eq = param.find('=');
        if (eq != std::string_view::npos && eq + 1 < param.size() &&
            isMaskedQueryName(param.substr(0, eq))) {
            out.append(param.substr(0, eq + 1));
            out.append(kMask);
        } else {
            out.append(param);
        }
        if (end < query.size())
            out.push_back('&');
        start = end + 1;
    }
    return out;
}

} // namespace

Result<SecretBox> SecretBox::open(const std::filesystem::path& keyFile) {
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(keyFile, ec))) {
        std::string key(kKeyBytes, '\0');
        if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(kKeyBytes)) !=
            1)
            return fail("storage", "no randomness for a new key (" + keyFile.string() + ")");
        if (auto r = createKeyFile(keyFile, key); !r)
            return unexpected(r.error());
        // Read back rather than use `key`: another process may have created the file first.
    }
    auto key = readKeyFile(keyFile);
    if (!key)
        return unexpected(std::move(key).error());
    return SecretBox(std::move(*key));
}

bool SecretBox::isSealed(std::string_view value) {
    return value.starts_with(kPrefix);
}

std::string SecretBox::seal(std::string_view plain) const {
    std::array<unsigned char, kNonceBytes> nonce{};
    // RAND_bytes fails only when the system has no entropy source at all; a fixed nonce would
    // break GCM, so that is not a state to carry on in.
    if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1)
        std::abort();
    std::string out(nonce.begin(), nonce.end());
    out.resize(kNonceBytes + plain.size() + kTagBytes);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    auto* ct = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
    bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
              EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), nonce.data()) &&
              // The version prefix is authenticated: a value cannot be relabelled.
              EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(kPrefix),
                                static_cast<int>(kPrefix.size())) &&
              EVP_EncryptUpdate(ctx.get(), ct, &len, bytes(plain), static_cast<int>(plain.size()));
    int finalLen = 0;
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), ct + len, &finalLen) &&
         EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plain.size());
    if (!ok)
        std::abort(); // only on allocation failure inside OpenSSL
    return std::string(kPrefix) + base64url(out);
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
    if (!isSealed(sealed))
        return std::string(sealed);
    auto raw = unbase64url(sealed.substr(kPrefix.size()));
    if (!raw || raw->size() < kNonceBytes + kTagBytes)
        return fail("corrupt", "sealed secret is malformed");
    const std::size_t ctLen = raw->size() - kNonceBytes - kTagBytes;
    const auto* nonce = bytes(*raw);
    const auto* ct = nonce + kNonceBytes;
    std::string plain(ctLen, '\0');
    std::array<unsigned char, kTagBytes> tag{};
    std::memcpy(tag.data(), ct + ctLen, kTagBytes);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
              EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key_), nonce) &&
              EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(kPrefix),
                                static_cast<int>(kPrefix.size())) &&
              EVP_DecryptUpdate(ctx.get(), out, &len, ct, static_cast<int>(ctLen)) &&
              EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data());
    int finalLen = 0;
    ok = ok && EVP_DecryptFinal_ex(ctx.get(), out + len, &finalLen) == 1;
    if (!ok)
        return fail("corrupt", "sealed secret does not authenticate (another key, or altered)");
    return plain;
}

std::string maskUrl(std::string_view url, bool lastSegmentIsKey) {
    // Split off the fragment and the query first; they never contain the authority.
    std::string_view rest = url;
    std::string_view fragment;
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        fragment = rest.substr(hash);
        rest = rest.substr(0, hash);
    }
    std::string query;
    bool hasQuery = false;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = maskQuery(rest.substr(q + 1));
        hasQuery = true;
        rest = rest.substr(0, q);
    }
    std::string out;
    const auto schemeEnd = rest.find("://");
    std::string_view path = rest;
    if (schemeEnd != std::string_view::npos) {
        out.append(rest.substr(0, schemeEnd + 3));
        const auto afterScheme = rest.substr(schemeEnd + 3);
        const auto slash = afterScheme.find('/');
        const auto authority = afterScheme.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : afterScheme.substr(slash);
        // user:password@host: the user identifies, the password grants.
        if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
            const auto userinfo = authority.substr(0, at);
            if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
                out.append(userinfo.substr(0, colon + 1));
                out.append(kMask);
            } else {
                out.append(userinfo);
            }
            out.append(authority.substr(at));
        } else {
            out.append(authority);
        }
    }
    if (lastSegmentIsKey && schemeEnd != std::string_view::npos) {
        // "/app/key": the key is the last segment, but only when there is an app before it.
        const auto lastSlash = path.rfind('/');
        if (lastSlash != std::string_view::npos && lastSlash > 0 && lastSlash + 1 < path.size()) {
            out.append(path.substr(0, lastSlash + 1));
            out.append(kMask);
        } else {
            out.append(path);
        }
    } else {
        out.append(path);
    }
    if (hasQuery) {
        out.push_back('?');
        out.append(query);
    }
    out.append(fragment);
    return out;
}

} // namespace sy::media
