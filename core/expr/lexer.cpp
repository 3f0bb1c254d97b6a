#include "core/expr/lexer.h"

#include "core/util/strings.h"

#include <charconv>

namespace sy::expr::detail {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
bool isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isNameChar(char c) {
    return isNameStart(c) || isDigit(c);
}
bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

class Lexer {
public:
    explicit Lexer(std::string_view source)
        : src_(source) {}
    Result<std::vector<Token>, ParseError> run();

private:
    char peek(std::size_t ahead = 0) const {
        return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
    }
    std::string found(std::size_t at) const {
        return at < src_.size() ? quoted(src_.substr(at, 1)) : "end of input";
    }
    Token token(Tok kind, std::size_t length) {
        Token t{kind, pos_ + 1, src_.substr(pos_, length)};
        pos_ += length;
        return t;
    }
    Result<Token, ParseError> number();
    Result<Token, ParseError> name();
    Result<Token, ParseError> punctuation();

    std::string_view src_;
    std::size_t pos_ = 0;
};

Result<std::vector<Token>, ParseError> Lexer::run() {
    if (src_.size() > kMaxSourceLength)
        return unexpected(errorAt(kMaxSourceLength + 1, {},
                                  "expression is longer than " + std::to_string(kMaxSourceLength) +
                                      " characters"));
    std::vector<Token> tokens;
    for (;;) {
        while (isSpace(peek()))
            ++pos_;
        if (pos_ >= src_.size()) {
            tokens.push_back(Token{Tok::End, pos_ + 1, {}});
            return tokens;
        }
        const char c = peek();
        auto next = isDigit(c) ? number() : isNameStart(c) ? name() : punctuation();
        if (!next)
            return unexpected(std::move(next).error());
        tokens.push_back(*next);
    }
}

// NUMBER := digits ('.' digits)?  No sign, exponent or leading '.', as in Red5's examples.
Result<Token, ParseError> Lexer::number() {
    std::size_t n = 0;
    while (isDigit(peek(n)))
        ++n;
    if (peek(n) == '.') {
        if (!isDigit(peek(n + 1)))
            return unexpected(makeError(pos_ + n + 2, "a digit after '.'", found(pos_ + n + 1)));
        ++n;
        while (isDigit(peek(n)))
            ++n;
    }
    double value = 0;
    const char* first = src_.data() + pos_;
    const auto [ptr, ec] = std::from_chars(first, first + n, value, std::chars_format::fixed);
    if (ec != std::errc{} || ptr != first + n)
        return unexpected(errorAt(pos_ + 1, "a number",
                                  "number " + quoted(src_.substr(pos_, n)) + " is out of range"));
    Token t = token(Tok::Number, n);
    t.number = value;
    return t;
}

Result<Token, ParseError> Lexer::name() {
    std::size_t n = 0;
    while (isNameChar(peek(n)))
        ++n;
    while (peek(n) == '.') {
        if (!isNameChar(peek(n + 1)))
            return unexpected(
                makeError(pos_ + n + 2, "a name segment after '.'", found(pos_ + n + 1)));
        n += 1;
        while (isNameChar(peek(n)))
            ++n;
    }
    return token(Tok::Name, n);
}

Result<Token, ParseError> Lexer::punctuation() {
    const char c = peek();
    const char d = peek(1);
    switch (c) {
    case '(':
        return token(Tok::LParen, 1);
    case ')':
        return token(Tok::RParen, 1);
    case ',':
        return token(Tok::Comma, 1);
    case '+':
        return token(Tok::Plus, 1);
    case '-':
        return token(Tok::Minus, 1);
    case '*':
        return token(Tok::Star, 1);
    case '/':
        return token(Tok::Slash, 1);
    case '>':
        return d == '=' ? token(Tok::GreaterEqual, 2) : token(Tok::Greater, 1);
    case '<':
        return d == '=' ? token(Tok::LessEqual, 2) : token(Tok::Less, 1);
    case '!':
        return d == '=' ? token(Tok::NotEqual, 2) : token(Tok::Not, 1);
    case '=':
        return d == '=' ? token(Tok::EqualEqual, 2) : token(Tok::Assign, 1);
    case '&':
        if (d == '&')
            return token(Tok::AndAnd, 2);
        return unexpected(makeError(pos_ + 1, "'&&'", found(pos_)));
    case '|':
        if (d == '|')
            return token(Tok::OrOr, 2);
        return unexpected(makeError(pos_ + 1, "'||'", found(pos_)));
    case '.':
        return unexpected(makeError(pos_ + 1, "a number, a name or an operator", found(pos_),
                                    "numbers start with a digit, as in 0.5"));
    default:
        return unexpected(makeError(pos_ + 1, "a number, a name or an operator", found(pos_)));
    }
}

} // namespace

Result<std::vector<Token>, ParseError> tokenize(std::string_view source) {
    return Lexer(source).run();
}

std::string describe(const Token& token) {
    if (token.kind == Tok::End)
        return "end of input";
    return quoted(token.text);
}

ParseError makeError(std::size_t column, std::string expected, const std::string& found,
                     const std::string& note) {
    std::string message =
        "column " + std::to_string(column) + ": expected " + expected + " but found " + found;
    if (!note.empty())
        message += "; " + note;
    return ParseError{column, std::move(expected), std::move(message)};
}

ParseError errorAt(std::size_t column, std::string expected, std::string message) {
    return ParseError{column, std::move(expected),
                      "column " + std::to_string(column) + ": " + std::move(message)};
}

} // namespace sy::expr::detail
