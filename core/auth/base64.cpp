#include "core/auth/base64.h"

#include <array>
#include <cstdint>

namespace sy::auth {

namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16 |
                                static_cast<std::uint8_t>(bytes[i + 1]) << 8 |
                                static_cast<std::uint8_t>(bytes[i + 2]);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 0)
        return out;
    std::uint32_t n = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (rest == 2)
        n |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    if (rest == 2)
        out += alphabet[n >> 6 & 63];
    if (pad)
        out.append(3 - rest, '=');
    return out;
}

// Decodes unpadded text; nullopt on a character outside the alphabet, an impossible length or
// non-zero bits in the last character's unused low bits.
std::optional<std::string> decodeUnpadded(std::string_view text, std::string_view alphabet) {
    std::array<std::int8_t, 256> value{};
    value.fill(-1);
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        value[static_cast<std::uint8_t>(alphabet[i])] = static_cast<std::int8_t>(i);

    if (text.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = value[static_cast<std::uint8_t>(c)];
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6 | static_cast<std::uint32_t>(v)) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(acc >> bits & 0xff);
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

} // namespace

std::string base64UrlEncode(std::string_view bytes) {
    return encode(bytes, kUrl, false);
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
    return decodeUnpadded(text, kUrl);
}

std::string base64Encode(std::string_view bytes) {
    return encode(bytes, kStandard, true);
}

std::optional<std::string> base64Decode(std::string_view text) {
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=')
        ++padding;
    return decodeUnpadded(text.substr(0, text.size() - padding), kStandard);
}

} // namespace sy::auth
