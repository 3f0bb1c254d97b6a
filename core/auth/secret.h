#pragma once
// Where the JWT signing key comes from. An operator can pass one (environment or file, so that
// several servers share it); otherwise the server makes its own on first start and keeps it in
// its data directory, so that tokens survive restarts.

#include "core/util/result.h"

#include <filesystem>
#include <optional>
#include <string>

namespace sy::auth {

struct SecretSources {
    // The value of SWITCHYARD_JWT_SECRET; the caller reads the environment (keeps this testable).
    std::optional<std::string> fromEnvironment;
    std::optional<std::filesystem::path> file; // --jwt-secret-file
};

inline constexpr const char* kSecretFileName = "jwt.secret";

// Returns the key bytes, taken from the first source present: the environment, the file, then
// `dataDir/jwt.secret`. That last file is created when missing: 32 bytes from RAND_bytes written
// as 64 hex characters, mode 0600, fsync'd.
//
// Every source is used the same way: its text is the key, as bytes, with trailing line breaks of
// a file dropped. Hex text is not decoded, so the generated file can be copied verbatim into
// another server's SWITCHYARD_JWT_SECRET or --jwt-secret-file and yield the same key.
//
// Fails when a secret is shorter than 32 bytes ("weak_secret"), a file cannot be read
// ("secret_unreadable"), the data directory's file is accessible by group or others
// ("secret_permissions", the message says "chmod 600 <path>") or cannot be created
// ("secret_write"). Only the data directory's file is checked for its mode: a file passed
// explicitly is often a secret mounted read-only by an orchestrator (Docker uses 0444), whose
// access the operator controls.
Result<std::string> loadOrCreateSecret(const std::filesystem::path& dataDir,
                                       const SecretSources& sources);

} // namespace sy::auth
