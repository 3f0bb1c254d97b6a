#pragma once
// A small pull reader for the XML that nginx-rtmp's /stat emits: elements, text, self-closing
// tags. It is tolerant (skips declarations, comments, DOCTYPE and attributes; decodes the five
// predefined entities and numeric ASCII references) and safe on garbage: no recursion, every index
// is checked, and a malformed document ends in Token::Error rather than undefined behaviour.
// Nesting is the caller's business (it keeps its own bounded stack).

#include <cstddef>
#include <string>
#include <string_view>

namespace sy::nodes {

class XmlReader {
public:
    enum class Token { StartElement, EndElement, Text, End, Error };

    explicit XmlReader(std::string_view document)
        : doc_(document) {}

    Token next();
    // The element name for StartElement / EndElement (a view into the document).
    std::string_view name() const { return name_; }
    // The decoded text for Text.
    const std::string& text() const { return text_; }
    // For Error: what went wrong and the byte offset.
    const std::string& error() const { return error_; }
    std::size_t offset() const { return pos_; }

private:
    Token readMarkup();
    Token readElementTag();
    Token readText();
    bool skipPast(std::string_view terminator);
    Token failAt(std::string message);

    std::string_view doc_;
    std::size_t pos_ = 0;
    std::string_view name_;
    std::string text_;
    std::string error_;
    bool pendingEnd_ = false; // after <a/>, the EndElement of a comes next
    bool failed_ = false;
};

// Decodes &lt; &gt; &amp; &quot; &apos; and &#N; / &#xN; below 128; anything else stays as is.
std::string decodeXmlEntities(std::string_view raw);

} // namespace sy::nodes
