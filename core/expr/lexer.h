#pragma once
// Internal: splits expression text into tokens for the parser. Shared by all three languages; the
// parser decides which tokens a language accepts, so that it can explain a misplaced one.

#include "core/expr/parseerror.h"
#include "core/util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sy::expr::detail {

enum class Tok : std::uint8_t {
    Number,
    Name, // a metric, function or `nodeCount`: dotted, later segments may start with a digit
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Greater,
    Less,
    Not,
    AndAnd,
    OrOr,
    // Not in any grammar; lexed so that the parser can say what to write instead.
    GreaterEqual,
    LessEqual,
    EqualEqual,
    NotEqual,
    Assign,
    End,
};

struct Token {
    Tok kind = Tok::End;
    std::size_t column = 0; // 1-based
    std::string_view text;
    double number = 0; // for Tok::Number
};

// Longer sources are rejected: node group fields are capped at 4096 characters anyway, and the cap
// bounds the parser's work on hostile input.
inline constexpr std::size_t kMaxSourceLength = 4096;

Result<std::vector<Token>, ParseError> tokenize(std::string_view source);

// How a token reads in a message: "')'", "'connections.subscriber'", "end of input".
std::string describe(const Token& token);

// Builds "column 12: expected ')' but found end of input"; `note` is appended after "; ".
ParseError makeError(std::size_t column, std::string expected, const std::string& found,
                     const std::string& note = {});
// An error without the "expected ... but found" part: "column 5: unknown metric 'x'".
ParseError errorAt(std::size_t column, std::string expected, std::string message);

} // namespace sy::expr::detail
