#pragma once
// Secrets at rest (stream keys, storage credentials): AES-256-GCM with a random 96-bit nonce per
// value and a 256-bit key kept in a file of its own (0600, created on first use) in the data
// directory. Sealed values are text, "sy1:" + base64url(nonce | ciphertext | tag), so they fit in
// JSON documents. A value that is not sealed passes through open() unchanged: documents written
// before sealing existed still read.

#include "core/util/result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace sy::media {

class SecretBox {
public:
    // Loads the key, or creates it (0600) when the file is missing. An existing file that is not
    // a key, or is readable by others, is an error naming the file.
    static Result<SecretBox> open(const std::filesystem::path& keyFile);

    std::string seal(std::string_view plain) const;
    // "corrupt" when a sealed value fails to authenticate (another key, or tampered).
    Result<std::string> open(std::string_view sealed) const;
    // The same as open(sealed), by a name that does not clash with the static open(keyFile):
    // open() called with a std::string or a literal is ambiguous between the two.
    Result<std::string> unseal(std::string_view sealed) const { return open(sealed); }
    static bool isSealed(std::string_view value);

private:
    explicit SecretBox(std::string key)
        : key_(std::move(key)) {}
    std::string key_; // 32 bytes
};

// For views and logs: keeps what identifies a URL and hides what grants access.
// "rtmp://live.example.com/app/abcd-1234" -> "rtmp://live.example.com/app/••••" (the last path
// segment of an RTMP destination is its stream key), "rtsp://user:pw@cam/x" ->
// "rtsp://user:••••@cam/x", and query values of passphrase/key/token/streamid/secret/password.
std::string maskUrl(std::string_view url, bool lastSegmentIsKey);

} // namespace sy::media
