#include "core/api/router.h"

#include "core/util/strings.h"

namespace sy::api {

namespace {
std::vector<std::string_view> segmentsOf(std::string_view path) {
    std::vector<std::string_view> out;
    for (auto s : split(path, '/'))
        if (!s.empty())
            out.push_back(s);
    return out;
}
} // namespace

void Router::add(std::string method, std::string pattern, RouteHandler handler) {
    Route r{std::move(method), std::move(pattern), {}, std::move(handler)};
    for (auto s : segmentsOf(r.pattern))
        r.segments.emplace_back(s);
    routes_.push_back(std::move(r));
}

bool Router::matches(const Route& r, const std::vector<std::string_view>& parts,
                     PathParams& params) {
    params.clear();
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        const std::string& seg = r.segments[i];
        const bool param = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
        if (param && seg.ends_with("...}")) {
            if (i >= parts.size())
                return false;
            std::string rest;
            for (std::size_t k = i; k < parts.size(); ++k)
                rest += (k > i ? "/" : "") + urlDecode(parts[k]);
            params[seg.substr(1, seg.size() - 5)] = rest;
            return true;
        }
        if (i >= parts.size())
            return false;
        if (param)
            params[seg.substr(1, seg.size() - 2)] = urlDecode(parts[i]);
        else if (seg != parts[i])
            return false;
    }
    return parts.size() == r.segments.size();
}

namespace {
// How specific a segment is: a literal beats a {name}, which beats a final {name...}.
int rank(const std::string& seg) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}')
        return seg.ends_with("...}") ? 0 : 1;
    return 2;
}

// Of two patterns that both match a path, the one whose first differing segment is more specific:
// /streams/stream/healthz wins over /streams/stream/{ng} whatever the order they were added in.
bool moreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (const int ra = rank(a[i]), rb = rank(b[i]); ra != rb)
            return ra > rb;
    return false; // same shape: the first added wins
}
} // namespace

Router::Match Router::match(std::string_view method, std::string_view path) const {
    const auto parts = segmentsOf(path);
    Match m;
    const Route* best = nullptr;
    PathParams params;
    for (const auto& r : routes_)
        if (r.method == method && matches(r, parts, params) &&
            (!best || moreSpecific(r.segments, best->segments))) {
            best = &r;
            m.params = std::move(params);
        }
    if (!best)
        return {};
    m.handler = &best->handler;
    m.pattern = &best->pattern;
    return m;
}

HttpResponse Router::dispatch(const HttpRequest& req) const {
    const auto path = req.path();
    if (auto m = match(req.method, path); m.handler)
        return (*m.handler)(req, m.params);
    const auto parts = segmentsOf(path);
    std::string allow;
    PathParams ignored;
    for (const auto& r : routes_)
        if (matches(r, parts, ignored) && allow.find(r.method) == std::string::npos)
            allow += (allow.empty() ? "" : ", ") + r.method;
    if (!allow.empty()) {
        auto res = HttpResponse::error(405, "method " + req.method + " is not allowed on " +
                                                std::string(path) + "; use " + allow);
        res.headers.emplace_back("Allow", allow);
        return res;
    }
    return HttpResponse::error(404, "no route for " + req.method + " " + std::string(path));
}

} // namespace sy::api
