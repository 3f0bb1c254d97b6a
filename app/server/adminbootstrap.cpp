#include "app/server/adminbootstrap.h"

#include "core/auth/passwordhash.h"
#include "core/store/statestore.h"
#include "core/util/strings.h"

#include <openssl/rand.h>

#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace sy::server {

namespace {

Result<std::string> readPasswordFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("admin", "cannot read --admin-password-file " + sy::quoted(path));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back(); // `echo secret > file` leaves a newline that is not part of it
    return text;
}

std::string randomPassword() {
    static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    unsigned char bytes[20];
    RAND_bytes(bytes, sizeof bytes);
    std::string out;
    for (unsigned char b : bytes)
        out.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
    return out;
}

Result<void> writeSecretFile(const std::string& path, const std::string& text) {
    ::unlink(path.c_str());
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("admin", "cannot create " + sy::quoted(path));
    const std::string line = text + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    return ok ? Result<void>{} : fail("admin", "cannot write " + sy::quoted(path));
}

} // namespace

Result<std::string> bootstrapAdmin(store::StateStore& store, const std::string& dataDir,
                                   const AdminSources& sources) {
    std::optional<std::string> password = sources.password;
    std::string from = "SWITCHYARD_ADMIN_PASSWORD";
    if (!sources.passwordFile.empty()) {
        auto p = readPasswordFile(sources.passwordFile);
        if (!p)
            return unexpected(p.error());
        password = *p;
        from = sources.passwordFile;
    }
    if (password) {
        if (password->size() < 8)
            return fail("admin",
                        "the admin password from " + from + " is shorter than 8 characters");
        // Stored again only when it changed: every put revokes the user's tokens and API keys,
        // and a restart with the same password must not.
        auto stored = store.getUser(sources.user);
        if (stored && stored->role == "admin" &&
            auth::verifyPassword(*password, stored->passwordHash))
            return "admin user " + sy::quoted(sources.user) + " as in " + from;
        auto put = store.putUser(sources.user, auth::hashPassword(*password), "admin");
        if (!put)
            return fail("admin", "cannot store the admin user: " + put.error().message);
        return "admin user " + sy::quoted(sources.user) + " set from " + from;
    }
    auto users = store.listUsers();
    if (!users)
        return fail("admin", "cannot read users: " + users.error().message);
    if (!users->empty())
        return std::string("users: ") + std::to_string(users->size()) + " stored";
    const std::string generated = randomPassword();
    const std::string path = dataDir + "/initial-admin-password";
    if (auto w = writeSecretFile(path, generated); !w)
        return unexpected(w.error());
    auto put = store.putUser(sources.user, auth::hashPassword(generated), "admin");
    if (!put)
        return fail("admin", "cannot store the admin user: " + put.error().message);
    return "no admin password given: user " + sy::quoted(sources.user) +
           " created with the password in " + path;
}

} // namespace sy::server
