#pragma once
// The one error type of the expression parsers: where, what was expected, and a sentence for
// humans that already carries both ("column 12: expected ')' but found end of input"), so that
// callers such as node group validation can show `message` as is.

#include <cstddef>
#include <string>

namespace sy::expr {

struct ParseError {
    std::size_t column = 0; // 1-based, counted in bytes of the source text
    std::string expected;   // what the grammar allowed there, e.g. "')'"; may be empty
    std::string message;    // "column 12: expected ')' but found end of input"

    bool operator==(const ParseError&) const = default;
};

} // namespace sy::expr
