#include "core/model/jsontext.h"

#include "core/model/problem.h"

#include <vector>

namespace sy::model {

namespace {

using Json = nlohmann::json;

std::string lineColumn(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    return "line " + std::to_string(line) + ", column " + std::to_string(offset - lineStart + 1);
}

// Where the nesting first passes `maxDepth`: a scan that skips strings, run only once the parse
// has refused the text, so that the message can point at the bracket.
std::size_t tooDeepAt(std::string_view text, int maxDepth) {
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return text.size();
}

// Builds the DOM like nlohmann's own SAX DOM parser, but refuses to open a level past the limit
// (which stops the parse there) and remembers the path of the value being read, for messages.
class BoundedBuilder final : public nlohmann::json_sax<Json> {
public:
    BoundedBuilder(std::string_view text, int maxDepth)
        : maxDepth_(maxDepth)
        , text_(text) {}

    Json root;
    bool tooDeep = false;
    std::string error; // set by parse_error

    bool null() override { return put(nullptr); }
    bool boolean(bool v) override { return put(v); }
    bool number_integer(number_integer_t v) override { return put(v); }
    bool number_unsigned(number_unsigned_t v) override { return put(v); }
    bool number_float(number_float_t v, const string_t&) override { return put(v); }
    bool string(string_t& v) override { return put(std::move(v)); }
    bool binary(binary_t& v) override { return put(Json(std::move(v))); }

    bool start_object(std::size_t) override { return open(Json::object()); }
    bool start_array(std::size_t) override { return open(Json::array()); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override {
        frames_.back().key = k;
        frames_.back().slot = &(*frames_.back().value)[k];
        return true;
    }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        std::string what = ex.what();
        if (ex.id >= 100 && ex.id < 200) {
            // "[json.exception.parse_error.101] parse error at line 1, column 5: …": keep from
            // the line on, nlohmann already counted it.
            const auto at = what.find(" at line ");
            error = at == std::string::npos ? what : what.substr(at + 4);
        } else {
            // Number overflow (out_of_range.406) and the like carry no position of their own.
            const auto close = what.find("] ");
            error = lineColumn(text_, position) + ": " +
                    (close == std::string::npos ? what : what.substr(close + 2));
        }
        if (auto p = path(); !p.empty())
            error += " (at " + p + ")";
        return false;
    }

private:
    struct Frame {
        Json* value;
        std::string key;      // objects: the member being read
        Json* slot = nullptr; // objects: where that member's value goes
    };

    // Where the next value goes: the root, the end of the open array, or the slot of the key.
    Json* place(Json v) {
        if (frames_.empty()) {
            root = std::move(v);
            return &root;
        }
        Frame& top = frames_.back();
        if (top.value->is_array()) {
            top.value->push_back(std::move(v));
            return &top.value->back();
        }
        *top.slot = std::move(v);
        return top.slot;
    }
    bool put(Json v) {
        place(std::move(v));
        return true;
    }
    bool open(Json v) {
        if (static_cast<int>(frames_.size()) >= maxDepth_) {
            tooDeep = true;
            return false; // stops the parse: nothing deeper is read or built
        }
        frames_.push_back({place(std::move(v)), {}, nullptr});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return true;
    }

    std::string path() const {
        std::string out;
        for (std::size_t i = 0; i < frames_.size(); ++i) {
            const Frame& f = frames_[i];
            if (f.value->is_array()) {
                // An open child has been pushed already; a failing scalar has not.
                const std::size_t n = f.value->size();
                out = indexPath(out, i + 1 < frames_.size() && n > 0 ? n - 1 : n);
            } else if (f.slot) {
                out = joinPath(out, f.key);
            }
        }
        return out;
    }

    int maxDepth_;
    std::string_view text_;
    std::vector<Frame> frames_;
};

} // namespace

Result<Json, std::string> parseJsonText(std::string_view text, int maxDepth) {
    BoundedBuilder builder(text, maxDepth);
    bool ok = false;
    try {
        ok = Json::sax_parse(text.begin(), text.end(), &builder);
    } catch (const std::exception& e) {
        // The parser reports through parse_error; this is memory exhaustion or a library bug.
        return unexpected(std::string("could not be read as JSON: ") + e.what());
    }
    if (builder.tooDeep)
        return unexpected("nests deeper than " + std::to_string(maxDepth) + " levels (" +
                          lineColumn(text, tooDeepAt(text, maxDepth)) + ")");
    if (!ok)
        return unexpected("is not valid JSON: " +
                          (builder.error.empty() ? std::string("unreadable") : builder.error));
    return std::move(builder.root);
}

nlohmann::json parseJsonOrNull(std::string_view text, int maxDepth) {
    auto parsed = parseJsonText(text, maxDepth);
    return parsed ? std::move(parsed).value() : Json();
}

} // namespace sy::model
