#include "core/api/http.h"

#include <algorithm>
#include <cctype>

namespace sy::api {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) <
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view HttpRequest::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
    std::string_view t = target;
    const auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::string HttpRequest::header(std::string_view name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
}

HttpResponse HttpResponse::json(int status, const nlohmann::json& body) {
    HttpResponse r;
    r.status = status;
    // Replace invalid UTF-8 instead of throwing: a bad byte in a name must not take down a reply.
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

HttpResponse HttpResponse::error(int status, std::string message, nlohmann::json extra) {
    nlohmann::json body = {{"errorMessage", message}, {"error", std::move(message)}};
    if (extra.is_object())
        body.update(extra);
    return json(status, body);
}

std::string urlDecode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parseQueryPairs(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto part = query.substr(0, amp);
        if (!part.empty()) {
            const auto eq = part.find('=');
            out.emplace_back(urlDecode(part.substr(0, eq)), eq == std::string_view::npos
                                                                ? std::string{}
                                                                : urlDecode(part.substr(eq + 1)));
        }
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
    std::map<std::string, std::string> out;
    for (auto& [k, v] : parseQueryPairs(query))
        out[std::move(k)] = std::move(v);
    return out;
}

} // namespace sy::api
