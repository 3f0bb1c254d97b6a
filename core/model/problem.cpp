#include "core/model/problem.h"

namespace sy::model {

namespace {
bool plainKey(std::string_view key) {
    if (key.empty())
        return false;
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}
} // namespace

std::string joinPath(std::string_view parent, std::string_view key) {
    std::string out(parent);
    if (plainKey(key)) {
        if (!out.empty())
            out += '.';
        out += key;
        return out;
    }
    out += "[\"";
    for (char c : key) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += "\"]";
    return out;
}

std::string indexPath(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::string describe(const Problems& problems) {
    std::string out;
    for (const auto& p : problems) {
        if (!out.empty())
            out += '\n';
        out += p.toString();
    }
    return out;
}

} // namespace sy::model
