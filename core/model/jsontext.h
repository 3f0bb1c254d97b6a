#pragma once
// The one way the core reads JSON text it did not write itself in this process: API bodies,
// tokens, stored documents, answers of validateUrl endpoints and of rclone.
//
// nlohmann's parser is iterative, but copying, comparing and dumping a value recurse once per
// level, so a body nested 200,000 arrays deep overflows the stack wherever it is next copied.
// This parse refuses anything nested deeper than kMaxJsonDepth before it is built, and returns
// every failure (syntax, a number that overflows a double, bad UTF-8) as an error that names
// where it is; it never throws.

#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sy::model {

// Real documents nest five or six levels (a node group's groups.eu.rulesByRole.edge.max).
inline constexpr int kMaxJsonDepth = 64;
// For documents built from accepted ones, which may wrap them a level or two deeper: stored rows,
// another server's answers. Still far from the depth that hurts; nothing accepted becomes
// unreadable.
inline constexpr int kMaxDerivedJsonDepth = kMaxJsonDepth + 16;

// The value, or why not, phrased to follow a noun ("request body " + error):
//   "is not valid JSON: line 1, column 5: syntax error while parsing value - …"
//   "is not valid JSON: line 1, column 16: number overflow parsing '-33E333' (at name)"
//   "nests deeper than 64 levels (line 1, column 65)"
Result<nlohmann::json, std::string> parseJsonText(std::string_view text,
                                                  int maxDepth = kMaxJsonDepth);
// The same for readers that only look at the value's type: null when it is not JSON (or too deep).
nlohmann::json parseJsonOrNull(std::string_view text, int maxDepth = kMaxJsonDepth);

} // namespace sy::model
