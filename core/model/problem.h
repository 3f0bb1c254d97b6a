#pragma once
// A problem found while decoding or validating input: where (a JSON path such as
// "groups.eu.rulesByRole.edge.max") and what ("must be >= min (2)"). Decoders and validators
// collect every problem instead of stopping at the first, so an operator fixes a config in one go.

#include <string>
#include <string_view>
#include <vector>

namespace sy::model {

struct Problem {
    std::string path;
    std::string message;

    std::string toString() const { return path.empty() ? message : path + ": " + message; }
    bool operator==(const Problem&) const = default;
};

using Problems = std::vector<Problem>;

// "a.b" + "c" → "a.b.c"; keys that are not plain identifiers are bracketed: a["x y"].
std::string joinPath(std::string_view parent, std::string_view key);
// "a.b" + 3 → "a.b[3]"
std::string indexPath(std::string_view parent, std::size_t index);

// All problems, one per line, for logs and API error messages.
std::string describe(const Problems& problems);

} // namespace sy::model
