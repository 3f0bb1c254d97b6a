#include "core/media/storagetarget.h"

#include "core/media/childprocess.h"
#include "core/model/jsontext.h"
#include "core/util/strings.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

namespace sy::media {

namespace {

constexpr std::string_view kMask = "\u2022\u2022\u2022\u2022";
// Objects of our own that are never recordings: probe objects of test() and the temporary names
// of folder uploads. list() hides them so that retention never counts or deletes them.
constexpr std::string_view kOwnPrefix = ".switchyard-";

// Codes of the errors a target returns (beside "invalid_argument", "not_installed", "timed_out").
constexpr const char* kNotFound = "not_found";      // no such object
constexpr const char* kAuthFailed = "auth_failed";  // credentials refused
constexpr const char* kNoBucket = "no_bucket";      // bucket / container missing
constexpr const char* kUnreachable = "unreachable"; // endpoint not reachable
constexpr const char* kStorage = "storage";         // anything else
constexpr const char* kInvalid = "invalid_argument";

const std::set<std::string> kKinds = {"folder", "s3", "gcs", "azureblob", "sftp"};

std::string randomHex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1)
        for (auto& c : raw) // names only need to be unlikely to collide, not secret
            c = static_cast<char>(std::rand());
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xF]);
    }
    return out;
}

std::string errnoText(int e) {
    return std::strerror(e);
}

bool isRcloneOptionName(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

bool validName(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    });
}

// A relative path without empty, "." or ".." segments: keys and prefixes can never leave the
// target's root, whatever a stream name contains.
bool validRelativePath(std::string_view p, bool allowTrailingSlash) {
    if (p.empty() || p.front() == '/' || p.find('\0') != std::string_view::npos ||
        p.find('\\') != std::string_view::npos)
        return false;
    if (allowTrailingSlash && p.back() == '/')
        p.remove_suffix(1);
    for (auto seg : sy::split(p, '/'))
        if (seg.empty() || seg == "." || seg == "..")
            return false;
    return true;
}

std::string kindLabel(const StorageTargetConfig& c) {
    return c.kind + " target \"" + c.name + "\"";
}

std::string setting(const StorageTargetConfig& c, const std::string& name) {
    const auto it = c.settings.find(name);
    return it == c.settings.end() ? std::string() : it->second;
}

std::vector<std::string> problemsOf(const StorageTargetConfig& c) {
    std::vector<std::string> p;
    if (!validName(c.name))
        p.push_back("name: must be 1-64 characters of A-Z a-z 0-9 _ . -");
    if (!kKinds.count(c.kind)) {
        p.push_back("kind: must be one of folder, s3, gcs, azureblob, sftp (got " +
                    sy::quoted(c.kind) + ")");
    } else if (c.kind == "folder") {
        const auto path = setting(c, "path");
        if (path.empty())
            p.push_back("settings.path: required for folder");
        else if (path.front() != '/')
            p.push_back("settings.path: must be an absolute path");
        for (const auto& [k, v] : c.settings)
            if (k != "path")
                p.push_back("settings." + k + ": unknown setting for folder");
    } else {
        if (c.kind == "s3") {
            for (const char* required : {"bucket", "accessKeyId", "secretAccessKey"})
                if (setting(c, required).empty())
                    p.push_back(std::string("settings.") + required + ": required for s3");
            const auto endpoint = setting(c, "endpoint");
            if (!endpoint.empty() && !endpoint.starts_with("http://") &&
                !endpoint.starts_with("https://"))
                p.push_back("settings.endpoint: must be an http:// or https:// URL");
            static const std::set<std::string> known = {
                "bucket",          "region",   "endpoint", "accessKeyId",
                "secretAccessKey", "provider", "prefix"};
            for (const auto& [k, v] : c.settings)
                if (!known.count(k) && !isRcloneOptionName(k))
                    p.push_back("settings." + k + ": unknown setting for s3");
        } else {
            if ((c.kind == "gcs" || c.kind == "azureblob") && setting(c, "bucket").empty())
                p.push_back("settings.bucket: required for " + c.kind);
            if (c.kind == "sftp" && setting(c, "host").empty())
                p.push_back("settings.host: required for sftp");
            for (const auto& [k, v] : c.settings)
                if (k != "bucket" && k != "prefix" && !isRcloneOptionName(k))
                    p.push_back("settings." + k + ": not an rclone option name (lower_case)");
        }
        const auto bucket = setting(c, "bucket");
        if (!bucket.empty() && !validRelativePath(bucket, false))
            p.push_back("settings.bucket: must be a plain name");
        const auto prefix = setting(c, "prefix");
        if (!prefix.empty() && !validRelativePath(prefix, true))
            p.push_back("settings.prefix: must be a relative path without '..' or empty segments");
    }
    if (c.retention.maxAgeDays && *c.retention.maxAgeDays < 1)
        p.push_back("retention.maxAgeDays: must be >= 1");
    if (c.retention.maxCount && *c.retention.maxCount < 1)
        p.push_back("retention.maxCount: must be >= 1");
    for (std::size_t i = 0; i < c.recordNodeGroups.size(); ++i)
        if (!sy::isSafeName(c.recordNodeGroups[i]))
            p.push_back("recordNodeGroups[" + std::to_string(i) + "]: not a node group name");
    return p;
}

std::string joinProblems(const std::vector<std::string>& p) {
    std::string out;
    for (const auto& s : p)
        out += (out.empty() ? "" : "; ") + s;
    return out;
}

// RFC 3339 ("2026-11-24T04:09:01.261488055Z", or with an offset) to Unix milliseconds.
std::int64_t parseRfc3339Ms(const std::string& s) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
        return 0;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    std::int64_t ms = static_cast<std::int64_t>(::timegm(&tm)) * 1000;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        std::int64_t frac = 0;
        int digits = 0;
        for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
            if (digits < 3) {
                frac = frac * 10 + (s[i] - '0');
                ++digits;
            }
        while (digits++ < 3)
            frac *= 10;
        ms += frac;
    }
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int oh = 0, om = 0;
        if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) == 2) {
            const std::int64_t offset = (oh * 60 + om) * 60000LL;
            ms += s[i] == '+' ? -offset : offset;
        }
    }
    return ms;
}

std::int64_t mtimeMs(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

void syncDirectory(const std::filesystem::path& dir) {
    if (const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

bool writeAll(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        const auto w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        data += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

std::string percentEncodePath(const std::string& path) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0xF]);
        }
    }
    return out;
}

// ---- folder ----

class FolderTarget final : public StorageTarget {
public:
    explicit FolderTarget(StorageTargetConfig c)
        : StorageTarget(std::move(c))
        , root_(setting(config_, "path")) {}

    Result<StoredObject> upload(const std::filesystem::path& file,
                                const std::string& key) override {
        if (auto r = checkKey(key); !r)
            return unexpected(r.error());
        if (auto r = checkRoot(); !r)
            return unexpected(r.error());
        const auto dest = root_ / key;
        std::error_code ec;
        std::filesystem::create_directories(dest.parent_path(), ec);
        if (ec)
            return error(kStorage,
                         "cannot create " + dest.parent_path().string() + ": " + ec.message());
        const auto tmp =
            dest.parent_path() / (std::string(kOwnPrefix) + "upload-" + randomHex(8) + ".tmp");
        if (auto r = copyFile(file, tmp); !r) {
            ::unlink(tmp.c_str());
            return unexpected(r.error());
        }
        if (::rename(tmp.c_str(), dest.c_str()) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return error(kStorage, "cannot rename to " + dest.string() + ": " + errnoText(e));
        }
        syncDirectory(dest.parent_path());
        return stat(key);
    }

    Result<StoredObject> stat(const std::string& key) override {
        if (auto r = checkKey(key); !r)
            return unexpected(r.error());
        const auto path = root_ / key;
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            const int e = errno;
            if (e == ENOENT || e == ENOTDIR)
                return error(kNotFound, "no object " + sy::quoted(key));
            return error(kStorage, path.string() + ": " + errnoText(e));
        }
        if (!S_ISREG(st.st_mode))
            return error(kNotFound, "no object " + sy::quoted(key));
        StoredObject o{key, static_cast<std::int64_t>(st.st_size), mtimeMs(st), fileMd5(path)};
        if (o.md5.empty())
            return error(kStorage, "cannot read " + path.string());
        return o;
    }

    Result<std::vector<StoredObject>> list(const std::string& prefix) override {
        if (auto r = checkRoot(); !r)
            return unexpected(r.error());
        std::vector<StoredObject> out;
        std::error_code ec;
        // Start at the deepest directory the prefix names, so listing one stream stays cheap.
        auto start = root_;
        if (const auto slash = prefix.rfind('/'); slash != std::string::npos) {
            if (!validRelativePath(prefix.substr(0, slash), false))
                return error(kInvalid, "invalid prefix " + sy::quoted(prefix));
            start = root_ / prefix.substr(0, slash);
            if (!std::filesystem::is_directory(start, ec))
                return out;
        }
        std::filesystem::recursive_directory_iterator it(
            start, std::filesystem::directory_options::skip_permission_denied, ec);
        if (ec)
            return error(kStorage, "cannot list " + start.string() + ": " + ec.message());
        for (const std::filesystem::recursive_directory_iterator end; it != end; it.increment(ec)) {
            if (ec)
                return error(kStorage, "cannot list " + start.string() + ": " + ec.message());
            const auto name = it->path().filename().string();
            if (name.starts_with(kOwnPrefix)) {
                if (it->is_directory(ec))
                    it.disable_recursion_pending();
                continue;
            }
            struct stat st {};
            if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode))
                continue;
            auto key = it->path().lexically_relative(root_).generic_string();
            if (!key.starts_with(prefix))
                continue;
            // No MD5 here: it means reading every recording of the archive. stat() has it.
            out.push_back(StoredObject{
                std::move(key), static_cast<std::int64_t>(st.st_size), mtimeMs(st), {}});
        }
        std::sort(out.begin(), out.end(), [](const StoredObject& a, const StoredObject& b) {
            return a.modifiedMs != b.modifiedMs ? a.modifiedMs < b.modifiedMs : a.key < b.key;
        });
        return out;
    }

    Result<void> remove(const std::string& key) override {
        if (auto r = checkKey(key); !r)
            return r;
        const auto path = root_ / key;
        if (::unlink(path.c_str()) != 0) {
            const int e = errno;
            if (e == ENOENT || e == ENOTDIR)
                return error(kNotFound, "no object " + sy::quoted(key));
            return error(kStorage, "cannot delete " + path.string() + ": " + errnoText(e));
        }
        // Empty stream directories would pile up over years of retention: drop them.
        for (auto dir = path.parent_path();
             dir != root_ && dir.string().size() > root_.string().size(); dir = dir.parent_path())
            if (::rmdir(dir.c_str()) != 0)
                break;
        return {};
    }

    Result<std::string> playbackUrl(const std::string& key, std::chrono::seconds) override {
        auto o = stat(key);
        if (!o)
            return unexpected(o.error());
        return "file://" + percentEncodePath((root_ / key).lexically_normal().string());
    }

    Result<void> test() override {
        if (auto r = checkRoot(); !r)
            return r;
        const auto probe = root_ / (std::string(kOwnPrefix) + "probe-" + randomHex(8));
        const std::string content = "switchyard storage probe " + randomHex(16) + "\n";
        const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return error(kStorage,
                         "test failed at write: " + probe.string() + ": " + errnoText(errno));
        const bool ok = writeAll(fd, content.data(), content.size()) && ::fsync(fd) == 0;
        const int writeErr = errno;
        ::close(fd);
        if (!ok) {
            ::unlink(probe.c_str());
            return error(kStorage,
                         "test failed at write: " + probe.string() + ": " + errnoText(writeErr));
        }
        std::string back;
        if (const int rfd = ::open(probe.c_str(), O_RDONLY | O_CLOEXEC); rfd >= 0) {
            char buf[256];
            ssize_t n;
            while ((n = ::read(rfd, buf, sizeof buf)) > 0)
                back.append(buf, static_cast<std::size_t>(n));
            ::close(rfd);
        }
        if (back != content) {
            ::unlink(probe.c_str());
            return error(kStorage, "test failed at read: " + probe.string() +
                                       " did not read back what was written");
        }
        if (::unlink(probe.c_str()) != 0)
            return error(kStorage,
                         "test failed at delete: " + probe.string() + ": " + errnoText(errno));
        return {};
    }

private:
    Unexpected<Error> error(const char* code, const std::string& what) const {
        return fail(code, kindLabel(config_) + ": " + what);
    }

    Result<void> checkKey(const std::string& key) const {
        if (!validRelativePath(key, false))
            return error(kInvalid, "invalid object key " + sy::quoted(key));
        return {};
    }

    // The root is not created: a missing root usually is a mount that is not there, and writing
    // into the mount point would fill the local disk instead.
    Result<void> checkRoot() const {
        struct stat st {};
        if (::stat(root_.c_str(), &st) != 0)
            return error(kUnreachable, "folder " + root_.string() + ": " + errnoText(errno));
        if (!S_ISDIR(st.st_mode))
            return error(kUnreachable, "folder " + root_.string() + " is not a directory");
        return {};
    }

    Result<void> copyFile(const std::filesystem::path& from, const std::filesystem::path& to) {
        const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0)
            return error(kStorage, "cannot read " + from.string() + ": " + errnoText(errno));
        struct stat st {};
        ::fstat(in, &st);
        const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (out < 0) {
            const int e = errno;
            ::close(in);
            return error(kStorage, "cannot create " + to.string() + ": " + errnoText(e));
        }
        std::array<char, 1 << 16> buf{};
        bool ok = true;
        int e = 0;
        for (;;) {
            const auto n = ::read(in, buf.data(), buf.size());
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                ok = false;
                e = errno;
                break;
            }
            if (n == 0)
                break;
            if (!writeAll(out, buf.data(), static_cast<std::size_t>(n))) {
                ok = false;
                e = errno;
                break;
            }
        }
        // The recording's time, not the copy's: retention ages objects alike in every engine
        // (rclone keeps the source's modification time too).
        const struct timespec times[2] = {st.st_atim, st.st_mtim};
        ::futimens(out, times);
        if (ok && ::fsync(out) != 0) {
            ok = false;
            e = errno;
        }
        ::close(out);
        ::close(in);
        if (!ok)
            return error(kStorage, "cannot write " + to.string() + ": " + errnoText(e));
        return {};
    }

    std::filesystem::path root_;
};

// ---- rclone ----

constexpr const char* kRemote = "SY"; // RCLONE_CONFIG_SY_*; the remote is "SY:"

// rclone options that rclone expects obscured (`rclone obscure`), not in clear.
bool isObscuredOption(const std::string& kind, const std::string& option) {
    return kind != "s3" && (option == "pass" || option == "key_file_pass" || option == "password");
}

class RcloneTarget final : public StorageTarget {
public:
    RcloneTarget(StorageTargetConfig c, std::filesystem::path workDir)
        : StorageTarget(std::move(c))
        , workDir_(std::move(workDir)) {
        for (const auto& [k, v] : config_.settings)
            if (!v.empty() && isSecretSetting(config_.kind, k))
                secrets_.push_back(v);
        auto base = setting(config_, "bucket");
        auto prefix = setting(config_, "prefix");
        while (!prefix.empty() && prefix.back() == '/')
            prefix.pop_back();
        if (!prefix.empty())
            base += (base.empty() ? "" : "/") + prefix;
        base_ = base;
    }

    Result<void> prepare() {
        std::error_code ec;
        std::filesystem::create_directories(workDir_, ec);
        if (ec)
            return fail(kStorage, kindLabel(config_) + ": cannot create work directory " +
                                      workDir_.string() + ": " + ec.message());
        env_.clear();
        env_["RCLONE_CONFIG"] = "/dev/null"; // no config file: the remote is all in env
        env_["RCLONE_CACHE_DIR"] = (workDir_ / "rclone-cache").string();
        // What a network client may need from our environment; AWS_* stays out on purpose
        // (AWS_CA_BUNDLE makes rclone 1.60 fail, and AWS credentials are not this target's).
        for (const char* name : {"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
                                 "https_proxy", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "TZ"})
            if (const char* v = std::getenv(name))
                env_[name] = v;
        const std::string pre = std::string("RCLONE_CONFIG_") + kRemote + "_";
        env_[pre + "TYPE"] = config_.kind;
        if (config_.kind == "s3") {
            const auto endpoint = setting(config_, "endpoint");
            const auto provider = setting(config_, "provider");
            const auto region = setting(config_, "region");
            env_[pre + "PROVIDER"] = provider.empty() ? "Other" : provider;
            env_[pre + "ACCESS_KEY_ID"] = setting(config_, "accessKeyId");
            env_[pre + "SECRET_ACCESS_KEY"] = setting(config_, "secretAccessKey");
            env_[pre + "REGION"] = region.empty() ? "us-east-1" : region;
            env_[pre + "ENV_AUTH"] = "false";
            if (!endpoint.empty()) {
                env_[pre + "ENDPOINT"] = endpoint;
                env_[pre + "FORCE_PATH_STYLE"] = "true";
            }
        }
        // Never create a bucket: a missing bucket is the operator's typo, and credentials
        // scoped to one bucket may not list or create buckets at all.
        if (config_.kind == "s3" || config_.kind == "gcs")
            env_[pre + "NO_CHECK_BUCKET"] = "true";
        static const std::set<std::string> mapped = {
            "bucket", "prefix", "region", "endpoint", "accessKeyId", "secretAccessKey", "provider"};
        for (const auto& [k, v] : config_.settings) {
            if (mapped.count(k) && (config_.kind == "s3" || k == "bucket" || k == "prefix"))
                continue;
            std::string value = v;
            if (isObscuredOption(config_.kind, k) && !v.empty()) {
                auto obscured = obscure(v);
                if (!obscured)
                    return unexpected(obscured.error());
                value = *obscured;
                secrets_.push_back(value);
            }
            env_[pre + sy::toUpper(k)] = value;
        }
        return {};
    }

    Result<StoredObject> upload(const std::filesystem::path& file,
                                const std::string& key) override {
        if (auto r = checkKey(key); !r)
            return unexpected(r.error());
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        if (ec)
            return fail(kStorage, kindLabel(config_) + ": cannot read " + file.string() + ": " +
                                      ec.message());
        // A stalled transfer is cut by rclone's --timeout; this only bounds a slow one
        // (allowing 256 KiB/s).
        const auto timeout =
            std::chrono::seconds(300 + static_cast<std::int64_t>(size / (256 * 1024)));
        // --no-check-dest: always upload (replace), and no HEAD first, whose bodiless 403 would
        // hide the reason ("InvalidAccessKeyId") that the PUT reports.
        auto r = rclone({"copyto", "--no-check-dest", file.string(), remotePath(key)}, timeout);
        if (!r)
            return unexpected(failure(r.error(), "upload of " + key));
        return stat(key);
    }

    Result<StoredObject> stat(const std::string& key) override {
        if (auto r = checkKey(key); !r)
            return unexpected(r.error());
        auto r = rclone({"lsjson", "--hash", "--stat", remotePath(key)}, kMetaTimeout);
        if (!r)
            return unexpected(failure(r.error(), "stat of " + key));
        auto j = model::parseJsonOrNull(*r);
        if (!j.is_object())
            return fail(kStorage,
                        kindLabel(config_) + ": rclone gave an unreadable stat of " + key);
        // A missing object "stats" as a directory (object stores have no real directories).
        if (j.value("IsDir", false))
            return fail(kNotFound, kindLabel(config_) + ": no object " + sy::quoted(key));
        return toObject(j, key);
    }

    Result<std::vector<StoredObject>> list(const std::string& prefix) override {
        std::string dir;
        if (const auto slash = prefix.rfind('/'); slash != std::string::npos) {
            dir = prefix.substr(0, slash);
            if (!validRelativePath(dir, false))
                return fail(kInvalid,
                            kindLabel(config_) + ": invalid prefix " + sy::quoted(prefix));
        }
        // Room for a few hundred thousand objects (about 250 bytes of JSON each).
        auto r = rclone({"lsjson", "--hash", "--recursive", "--files-only", remotePath(dir)},
                        kListTimeout, std::size_t{256} << 20);
        if (!r)
            return unexpected(failure(r.error(), "listing of " + (prefix.empty() ? "/" : prefix)));
        auto j = model::parseJsonOrNull(*r);
        if (!j.is_array())
            return fail(kStorage, kindLabel(config_) + ": rclone listed something unreadable");
        std::vector<StoredObject> out;
        for (const auto& e : j) {
            if (!e.is_object() || e.value("IsDir", false))
                continue;
            const auto rel = e.value("Path", std::string());
            auto key = dir.empty() ? rel : dir + "/" + rel;
            if (rel.empty() || !key.starts_with(prefix))
                continue;
            bool own = false;
            for (auto seg : sy::split(key, '/'))
                own = own || seg.starts_with(kOwnPrefix);
            if (!own)
                out.push_back(toObject(e, key));
        }
        std::sort(out.begin(), out.end(), [](const StoredObject& a, const StoredObject& b) {
            return a.modifiedMs != b.modifiedMs ? a.modifiedMs < b.modifiedMs : a.key < b.key;
        });
        return out;
    }

    Result<void> remove(const std::string& key) override {
        if (auto r = checkKey(key); !r)
            return r;
        auto r = rclone({"deletefile", remotePath(key)}, kMetaTimeout);
        if (!r) {
            if (r.error().message.find("doesn't exist") != std::string::npos)
                return fail(kNotFound, kindLabel(config_) + ": no object " + sy::quoted(key));
            return unexpected(failure(r.error(), "delete of " + key));
        }
        return {};
    }

    Result<std::string> playbackUrl(const std::string& key,
                                    std::chrono::seconds validFor) override {
        if (auto r = checkKey(key); !r)
            return unexpected(r.error());
        const auto seconds = std::max<std::int64_t>(validFor.count(), 1);
        auto r = rclone({"link", "--expire", std::to_string(seconds) + "s", remotePath(key)},
                        kMetaTimeout);
        if (!r)
            return unexpected(failure(r.error(), "link to " + key));
        const auto url = std::string(sy::trim(*r));
        if (url.find("://") == std::string::npos)
            return fail(kStorage, kindLabel(config_) + ": rclone gave no URL for " + key);
        return url;
    }

    Result<void> test() override {
        const auto key = std::string(kOwnPrefix) + "probe-" + randomHex(8);
        const std::string content = "switchyard storage probe " + randomHex(16) + "\n";
        std::error_code ec;
        std::filesystem::create_directories(workDir_, ec);
        const auto local = workDir_ / key;
        {
            const int fd = ::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            const bool ok = fd >= 0 && writeAll(fd, content.data(), content.size());
            if (fd >= 0)
                ::close(fd);
            if (!ok) {
                ::unlink(local.c_str());
                return fail(kStorage,
                            kindLabel(config_) + ": test failed: cannot write " + local.string());
            }
        }
        auto wrote =
            rclone({"copyto", "--no-check-dest", local.string(), remotePath(key)}, kMetaTimeout);
        ::unlink(local.c_str());
        if (!wrote)
            return unexpected(failure(wrote.error(), "test failed at write"));
        auto back = rclone({"cat", remotePath(key)}, kMetaTimeout);
        auto removed = rclone({"deletefile", remotePath(key)}, kMetaTimeout);
        if (!back)
            return unexpected(failure(back.error(), "test failed at read"));
        if (*back != content)
            return fail(kStorage, kindLabel(config_) +
                                      ": test failed at read: the probe object read back differs");
        if (!removed)
            return unexpected(failure(removed.error(), "test failed at delete"));
        return {};
    }

private:
    static constexpr std::chrono::milliseconds kMetaTimeout{60000};
    static constexpr std::chrono::milliseconds kListTimeout{300000};

    std::string remotePath(const std::string& key) const {
        std::string p = base_;
        if (!key.empty())
            p += (p.empty() ? "" : "/") + key;
        return std::string(kRemote) + ":" + p;
    }

    Result<void> checkKey(const std::string& key) const {
        if (!validRelativePath(key, false))
            return fail(kInvalid, kindLabel(config_) + ": invalid object key " + sy::quoted(key));
        return {};
    }

    StoredObject toObject(const nlohmann::json& e, const std::string& key) const {
        StoredObject o;
        o.key = key;
        o.size = e.value("Size", std::int64_t{0});
        o.modifiedMs = parseRfc3339Ms(e.value("ModTime", std::string()));
        if (auto h = e.find("Hashes"); h != e.end() && h->is_object())
            o.md5 = sy::toLower(h->value("md5", std::string()));
        return o;
    }

    std::string scrub(std::string s) const {
        for (const auto& secret : secrets_) {
            for (auto pos = s.find(secret); pos != std::string::npos;
                 pos = s.find(secret, pos + kMask.size()))
                s.replace(pos, secret.size(), kMask);
        }
        return s;
    }

    // rclone's stderr as one message: the line that says why, without timestamps, log levels,
    // the "Attempt 1/1 failed" wrappers or AWS request ids.
    static std::string reasonFrom(const std::string& err) {
        std::vector<std::string> lines;
        std::string cause;
        for (auto raw : sy::split(err, '\n')) {
            std::string_view line = raw;
            if (line.empty() || line.front() == '\t' || line.front() == ' ')
                continue;
            // "2026/11/24 04:09:02 " timestamps.
            if (line.size() > 20 && line[4] == '/' && line[7] == '/' && line[13] == ':' &&
                line[19] == ' ')
                line.remove_prefix(20);
            line = sy::trim(line);
            if (line.starts_with("caused by:")) {
                const auto dial = line.find("dial tcp");
                cause = std::string(
                    sy::trim(dial == std::string_view::npos ? line.substr(10) : line.substr(dial)));
                continue;
            }
            bool stripped = true;
            while (stripped) {
                stripped = false;
                for (std::string_view level : {"ERROR : ", "NOTICE: ", "INFO  : ", "CRITICAL: "})
                    if (line.starts_with(level)) {
                        line.remove_prefix(level.size());
                        stripped = true;
                    }
                for (std::string_view wrapper : {"Failed to ", "Attempt ", "error in ListJSON: "}) {
                    if (!line.starts_with(wrapper))
                        continue;
                    if (wrapper == "error in ListJSON: ") {
                        line.remove_prefix(wrapper.size());
                        stripped = true;
                        continue;
                    }
                    // "Failed to copyto: X", "Attempt 1/1 failed with 1 errors and: X".
                    const auto colon = line.find(": ");
                    if (colon != std::string_view::npos) {
                        line.remove_prefix(colon + 2);
                        stripped = true;
                    }
                }
                // "out.mp4: Failed to copy: X"
                if (const auto f = line.find(": Failed to "); f != std::string_view::npos) {
                    const auto colon = line.find(": ", f + 12);
                    if (colon != std::string_view::npos) {
                        line.remove_prefix(colon + 2);
                        stripped = true;
                    }
                }
            }
            if (!line.empty() && line != "RequestError: send request failed")
                lines.emplace_back(line);
            else if (!line.empty())
                lines.emplace_back("send request failed");
        }
        std::string reason = lines.empty() ? std::string() : lines.back();
        if (!cause.empty())
            reason =
                (reason.empty() || reason == "send request failed") ? cause : reason + ": " + cause;
        return reason;
    }

    static const char* classify(const std::string& reason) {
        for (const char* s : {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                              "Forbidden", "status code: 403", "AuthenticationFailed",
                              "unable to authenticate", "invalid_grant"})
            if (reason.find(s) != std::string::npos)
                return kAuthFailed;
        for (const char* s : {"NoSuchBucket", "directory not found", "ContainerNotFound"})
            if (reason.find(s) != std::string::npos)
                return kNoBucket;
        for (const char* s : {"connection refused", "no such host", "i/o timeout", "dial tcp",
                              "context deadline exceeded", "network is unreachable",
                              "TLS handshake", "connection reset"})
            if (reason.find(s) != std::string::npos)
                return kUnreachable;
        return kStorage;
    }

    Error failure(const Error& e, const std::string& doing) const {
        return Error{e.code, scrub(kindLabel(config_) + ": " + doing + ": " + e.message)};
    }

    // Runs rclone; the error's code says what kind of failure it was and its message carries
    // rclone's reason (secrets scrubbed); the caller prefixes what it was doing.
    Result<std::string> rclone(std::vector<std::string> args, std::chrono::milliseconds timeout,
                               std::size_t maxOutput = std::size_t{4} << 20) {
        ProcessOptions o;
        o.argv = {"rclone", "--contimeout",        "5s", "--timeout",           "30s", "--retries",
                  "1",      "--low-level-retries", "2",  "--ask-password=false"};
        o.argv.insert(o.argv.end(), args.begin(), args.end());
        o.env = env_;
        o.workDir = workDir_;
        auto r = ChildProcess::run(o, timeout, maxOutput);
        if (!r) {
            if (r.error().code == "not_installed")
                return fail("not_installed", "rclone is not installed (Debian: apt-get install "
                                             "rclone); it is needed for " +
                                                 config_.kind + " targets");
            return unexpected(r.error());
        }
        if (!r->exit.success()) {
            auto reason = scrub(reasonFrom(r->err));
            if (reason.empty())
                reason = "rclone " + r->exit.describe();
            return fail(classify(reason), reason);
        }
        return std::move(r->out);
    }

    // `rclone obscure -` reads the value from stdin: a secret never goes on a command line.
    Result<std::string> obscure(const std::string& value) {
        const auto tmp = workDir_ / (std::string(kOwnPrefix) + "obscure-" + randomHex(8));
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        const bool ok = fd >= 0 && writeAll(fd, value.data(), value.size());
        if (fd >= 0)
            ::close(fd);
        if (!ok) {
            ::unlink(tmp.c_str());
            return fail(kStorage, kindLabel(config_) + ": cannot write in " + workDir_.string());
        }
        ProcessOptions o;
        o.argv = {"rclone", "obscure", "-"};
        o.env = {{"RCLONE_CONFIG", "/dev/null"}};
        o.stdinFile = tmp.string();
        auto r = ChildProcess::run(o, kMetaTimeout);
        ::unlink(tmp.c_str());
        if (!r)
            return unexpected(r.error());
        if (!r->exit.success())
            return fail(kStorage, kindLabel(config_) + ": rclone obscure failed");
        return std::string(sy::trim(r->out));
    }

    std::filesystem::path workDir_;
    std::string base_; // "bucket/prefix"
    std::map<std::string, std::string> env_;
    std::vector<std::string> secrets_;
};

} // namespace

bool isSecretSetting(const std::string& kind, const std::string& setting) {
    if (kind == "folder")
        return false;
    if (kind == "s3")
        return setting == "secretAccessKey" || setting == "accessKeyId" ||
               setting == "session_token" || setting == "sse_customer_key" ||
               setting == "sse_kms_key_id";
    // rclone option names of other backends that grant access.
    const std::string s = sy::toLower(setting);
    for (const char* exact :
         {"key", "pass", "password", "key_pem", "sas_url", "client_secret", "token",
          "service_account_credentials", "key_file_pass", "connection_string", "account_key",
          "secret_access_key", "access_key_id"})
        if (s == exact)
            return true;
    return s.find("secret") != std::string::npos || s.find("password") != std::string::npos;
}

nlohmann::json encodeStorageTarget(const StorageTargetConfig& c, bool maskSecrets) {
    nlohmann::json settings = nlohmann::json::object();
    for (const auto& [k, v] : c.settings)
        settings[k] =
            maskSecrets && !v.empty() && isSecretSetting(c.kind, k) ? std::string(kMask) : v;
    nlohmann::json retention = nlohmann::json::object();
    if (c.retention.maxAgeDays)
        retention["maxAgeDays"] = *c.retention.maxAgeDays;
    if (c.retention.maxCount)
        retention["maxCount"] = *c.retention.maxCount;
    return nlohmann::json{{"name", c.name},
                          {"kind", c.kind},
                          {"settings", settings},
                          {"retention", retention},
                          {"recordNodeGroups", c.recordNodeGroups}};
}

Result<StorageTargetConfig> decodeStorageTarget(const nlohmann::json& j) {
    if (!j.is_object())
        return fail(kInvalid, "a storage target must be a JSON object");
    StorageTargetConfig c;
    std::vector<std::string> p;
    static const std::set<std::string> fields = {"name", "kind", "settings", "retention",
                                                 "recordNodeGroups"};
    for (const auto& [k, v] : j.items())
        if (!fields.count(k))
            p.push_back(k + ": unknown field");
    if (auto it = j.find("name"); it == j.end())
        p.push_back("name: required");
    else if (!it->is_string())
        p.push_back("name: must be a string");
    else
        c.name = it->get<std::string>();
    if (auto it = j.find("kind"); it == j.end())
        p.push_back("kind: required");
    else if (!it->is_string())
        p.push_back("kind: must be a string");
    else
        c.kind = it->get<std::string>();
    if (auto it = j.find("settings"); it != j.end() && !it->is_null()) {
        if (!it->is_object()) {
            p.push_back("settings: must be an object");
        } else {
            for (const auto& [k, v] : it->items()) {
                if (v.is_string())
                    c.settings[k] = v.get<std::string>();
                else if (v.is_boolean())
                    c.settings[k] = v.get<bool>() ? "true" : "false";
                else if (v.is_number_integer())
                    c.settings[k] = std::to_string(v.get<std::int64_t>());
                else if (!v.is_null())
                    p.push_back("settings." + k + ": must be a string");
            }
        }
    }
    if (auto it = j.find("retention"); it != j.end() && !it->is_null()) {
        if (!it->is_object()) {
            p.push_back("retention: must be an object");
        } else {
            for (const auto& [k, v] : it->items()) {
                std::optional<std::int64_t>* slot = k == "maxAgeDays" ? &c.retention.maxAgeDays
                                                    : k == "maxCount" ? &c.retention.maxCount
                                                                      : nullptr;
                if (!slot)
                    p.push_back("retention." + k + ": unknown field");
                else if (v.is_number_integer())
                    *slot = v.get<std::int64_t>();
                else if (!v.is_null())
                    p.push_back("retention." + k + ": must be an integer");
            }
        }
    }
    if (auto it = j.find("recordNodeGroups"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) {
            p.push_back("recordNodeGroups: must be an array of node group names");
        } else {
            for (std::size_t i = 0; i < it->size(); ++i) {
                if ((*it)[i].is_string())
                    c.recordNodeGroups.push_back((*it)[i].get<std::string>());
                else
                    p.push_back("recordNodeGroups[" + std::to_string(i) + "]: must be a string");
            }
        }
    }
    if (p.empty())
        p = problemsOf(c);
    if (!p.empty())
        return fail(kInvalid, joinProblems(p));
    return c;
}

std::optional<std::string> validateStorageTarget(const StorageTargetConfig& c) {
    const auto p = problemsOf(c);
    if (p.empty())
        return std::nullopt;
    return joinProblems(p);
}

Result<std::unique_ptr<StorageTarget>> makeStorageTarget(const StorageTargetConfig& config,
                                                         const std::filesystem::path& workDir) {
    if (auto problem = validateStorageTarget(config))
        return fail(kInvalid, "storage target \"" + config.name + "\": " + *problem);
    if (config.kind == "folder")
        return std::unique_ptr<StorageTarget>(new FolderTarget(config));
    auto target = std::make_unique<RcloneTarget>(config, workDir);
    if (auto r = target->prepare(); !r)
        return unexpected(r.error());
    return std::unique_ptr<StorageTarget>(std::move(target));
}

bool sameContent(const StoredObject& stored, std::int64_t localSize, const std::string& localMd5) {
    if (stored.size != localSize)
        return false;
    if (stored.md5.empty())
        return true;
    return !localMd5.empty() && sy::toLower(stored.md5) == sy::toLower(localMd5);
}

std::string fileMd5(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) == 1;
    std::array<char, 1 << 16> buf{};
    while (ok) {
        const auto n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            ok = false;
        if (n <= 0)
            break;
        ok = EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(n)) == 1;
    }
    ::close(fd);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
        return {};
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(digits[digest[i] >> 4]);
        out.push_back(digits[digest[i] & 0xF]);
    }
    return out;
}

std::vector<std::string> retentionVictims(const RetentionPolicy& policy,
                                          const std::vector<StoredObject>& objects,
                                          std::int64_t nowMs) {
    std::set<std::string> victims;
    if (policy.maxAgeDays) {
        const std::int64_t cutoff = nowMs - *policy.maxAgeDays * 86400000LL;
        for (const auto& o : objects)
            if (o.modifiedMs < cutoff)
                victims.insert(o.key);
    }
    if (policy.maxCount) {
        // Per stream: objects grouped by their directory ("live/cam1/").
        std::map<std::string, std::vector<const StoredObject*>> byPrefix;
        for (const auto& o : objects) {
            const auto slash = o.key.rfind('/');
            byPrefix[slash == std::string::npos ? std::string() : o.key.substr(0, slash)].push_back(
                &o);
        }
        for (auto& [prefix, group] : byPrefix) {
            std::sort(group.begin(), group.end(), [](const StoredObject* a, const StoredObject* b) {
                return a->modifiedMs != b->modifiedMs ? a->modifiedMs > b->modifiedMs
                                                      : a->key > b->key;
            });
            for (std::size_t i = static_cast<std::size_t>(*policy.maxCount); i < group.size(); ++i)
                victims.insert(group[i]->key);
        }
    }
    // Oldest first, as the objects came: deleting in that order keeps the newest longest.
    std::vector<const StoredObject*> ordered;
    for (const auto& o : objects)
        if (victims.count(o.key))
            ordered.push_back(&o);
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [](const StoredObject* a, const StoredObject* b) { return a->modifiedMs < b->modifiedMs; });
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto* o : ordered)
        if (seen.insert(o->key).second)
            out.push_back(o->key);
    return out;
}

} // namespace sy::media
