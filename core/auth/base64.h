#pragma once
// Strict base64 codecs for tokens and password hashes. Decoding refuses anything a canonical
// encoder would not produce (wrong padding, stray characters, non-zero unused bits), so that one
// byte string has exactly one accepted text form and a token cannot be re-spelled.

#include <optional>
#include <string>
#include <string_view>

namespace sy::auth {

// RFC 4648 §5 ("-_" alphabet) without padding, as JWS uses it.
std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

// RFC 4648 §4 ("+/" alphabet) with "=" padding.
std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

} // namespace sy::auth
