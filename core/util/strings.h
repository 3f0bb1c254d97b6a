#pragma once
// Small string helpers shared by codecs, validation and the CLI parsers.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sy {

std::string_view trim(std::string_view s);
std::vector<std::string_view> split(std::string_view s, char sep);

// Parses a whole string as an integer / a double; nullopt when anything is left over.
std::optional<long long> parseInt(std::string_view s);
std::optional<double> parseDouble(std::string_view s);

// Names that can reach a file path, a process argument or an nginx config (node group, sub-group,
// role, stream name, app) must match [A-Za-z0-9][A-Za-z0-9._-]* and not contain "..".
bool isSafeName(std::string_view s);

// ASCII lower case (HTTP tokens, query flags); other bytes unchanged.
std::string toLower(std::string_view s);
std::string toUpper(std::string_view s);

// Quotes a string for a message: 'abc', with control characters escaped.
std::string quoted(std::string_view s);

} // namespace sy
