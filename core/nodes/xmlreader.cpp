#include "core/nodes/xmlreader.h"

#include <array>
#include <charconv>
#include <utility>

namespace sy::nodes {

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isNameChar(char c) {
    return !isSpace(c) && c != '/' && c != '>' && c != '<' && c != '=' && c != '"' && c != '\'';
}

// Returns the length of the entity at raw[0] ('&') and its decoded character, or 0.
std::size_t decodeOne(std::string_view raw, char& out) {
    static constexpr std::array<std::pair<std::string_view, char>, 5> named{
        {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}}};
    for (const auto& [entity, c] : named)
        if (raw.starts_with(entity)) {
            out = c;
            return entity.size();
        }
    if (!raw.starts_with("&#"))
        return 0;
    const auto semi = raw.find(';');
    if (semi == std::string_view::npos || semi > 12)
        return 0;
    const bool hex = raw.size() > 2 && (raw[2] == 'x' || raw[2] == 'X');
    const auto digits = raw.substr(hex ? 3 : 2, semi - (hex ? 3 : 2));
    unsigned value = 0;
    const auto [p, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
    if (digits.empty() || ec != std::errc{} || p != digits.data() + digits.size() || value == 0 ||
        value > 127)
        return 0;
    out = static_cast<char>(value);
    return semi + 1;
}

} // namespace

std::string decodeXmlEntities(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        char c = 0;
        const auto used = raw[i] == '&' ? decodeOne(raw.substr(i), c) : 0;
        if (used == 0) {
            out += raw[i++];
            continue;
        }
        out += c;
        i += used;
    }
    return out;
}

XmlReader::Token XmlReader::failAt(std::string message) {
    failed_ = true;
    error_ = std::move(message) + " at byte " + std::to_string(pos_);
    return Token::Error;
}

bool XmlReader::skipPast(std::string_view terminator) {
    const auto at = doc_.find(terminator, pos_);
    if (at == std::string_view::npos)
        return false;
    pos_ = at + terminator.size();
    return true;
}

XmlReader::Token XmlReader::next() {
    if (failed_)
        return Token::Error;
    if (pendingEnd_) {
        pendingEnd_ = false;
        return Token::EndElement;
    }
    for (;;) {
        if (pos_ >= doc_.size())
            return Token::End;
        if (doc_[pos_] != '<')
            return readText();
        const auto token = readMarkup();
        if (token != Token::End) // End here means "skipped markup, keep going"
            return token;
    }
}

XmlReader::Token XmlReader::readMarkup() {
    const auto rest = doc_.substr(pos_);
    if (rest.starts_with("<![CDATA[")) {
        const auto end = doc_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos)
            return failAt("unterminated CDATA");
        text_.assign(doc_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
        return Token::Text;
    }
    if (rest.starts_with("<!--"))
        return skipPast("-->") ? Token::End : failAt("unterminated comment");
    if (rest.starts_with("<?"))
        return skipPast("?>") ? Token::End : failAt("unterminated declaration");
    if (rest.starts_with("<!"))
        return skipPast(">") ? Token::End : failAt("unterminated declaration");
    return readElementTag();
}

XmlReader::Token XmlReader::readElementTag() {
    std::size_t i = pos_ + 1;
    const bool closing = i < doc_.size() && doc_[i] == '/';
    if (closing)
        ++i;
    const auto nameStart = i;
    while (i < doc_.size() && isNameChar(doc_[i]))
        ++i;
    if (i == nameStart)
        return failAt("element without a name");
    name_ = doc_.substr(nameStart, i - nameStart);
    // Skip attributes, honouring quotes so that a '>' inside a value does not end the tag.
    char quote = 0;
    for (; i < doc_.size(); ++i) {
        const char c = doc_[i];
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>' || c == '<') {
            break;
        }
    }
    if (i >= doc_.size() || doc_[i] != '>')
        return failAt("unterminated tag <" + std::string(name_.substr(0, 64)));
    const bool selfClosing = !closing && doc_[i - 1] == '/';
    pos_ = i + 1;
    if (closing)
        return Token::EndElement;
    pendingEnd_ = selfClosing;
    return Token::StartElement;
}

XmlReader::Token XmlReader::readText() {
    auto end = doc_.find('<', pos_);
    if (end == std::string_view::npos)
        end = doc_.size();
    text_ = decodeXmlEntities(doc_.substr(pos_, end - pos_));
    pos_ = end;
    return Token::Text;
}

} // namespace sy::nodes
