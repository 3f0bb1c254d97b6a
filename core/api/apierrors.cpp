#include "core/api/apierrors.h"

#include "core/model/jsonfields.h"
#include "core/util/strings.h"

namespace sy::api {

int statusForCode(std::string_view code) {
    if (code == "invalid" || code == "invalid_argument" || code == "no_provider")
        return 400;
    if (code == "not_found")
        return 404;
    if (code == "exists" || code == "conflict")
        return 409;
    if (code == "unprocessable")
        return 422;
    if (code == "storage" || code == "busy" || code == "stopped")
        return 503;
    return 500;
}

HttpResponse errorResponse(const Error& error) {
    const int status = statusForCode(error.code);
    if (status == 500) // no internals in error bodies
        return HttpResponse::error(500, "internal error while handling the request");
    if (status == 503 && error.code != "stopped")
        return HttpResponse::error(503, "state storage unavailable: " + error.message);
    return HttpResponse::error(status, error.message);
}

HttpResponse problemsResponse(std::string_view what, const model::Problems& problems, int status) {
    std::string message(what);
    message += problems.size() == 1 ? " has 1 problem:\n"
                                    : " has " + std::to_string(problems.size()) + " problems:\n";
    message += model::describe(problems);
    // The problems as data too, for clients that show them next to form fields.
    auto list = nlohmann::json::array();
    for (const auto& p : problems)
        list.push_back({{"path", p.path}, {"message", p.message}});
    return HttpResponse::error(status, std::move(message), {{"problems", std::move(list)}});
}

QueryReader::QueryReader(const HttpRequest& request)
    : values_(parseQuery(request.query())) {}

bool QueryReader::flag(const std::string& name, bool fallback) {
    const auto it = values_.find(name);
    if (it == values_.end() || it->second.empty())
        return fallback;
    const std::string v = toLower(it->second);
    if (v == "true" || v == "1")
        return true;
    if (v == "false" || v == "0")
        return false;
    problems_.push_back("query parameter " + name + " must be true or false, got " +
                        sy::quoted(it->second));
    return fallback;
}

long long QueryReader::integer(const std::string& name, long long fallback, long long min,
                               long long max) {
    const auto it = values_.find(name);
    if (it == values_.end() || it->second.empty())
        return fallback;
    const auto v = parseInt(it->second);
    if (!v || *v < min || *v > max) {
        problems_.push_back("query parameter " + name + " must be an integer from " +
                            std::to_string(min) + " to " + std::to_string(max) + ", got " +
                            sy::quoted(it->second));
        return fallback;
    }
    return *v;
}

std::optional<std::string> QueryReader::text(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> QueryReader::list(std::initializer_list<const char*> names) const {
    std::vector<std::string> out;
    for (const char* n : names) {
        const auto it = values_.find(n);
        if (it == values_.end())
            continue;
        for (auto part : split(it->second, ','))
            if (auto t = trim(part); !t.empty())
                out.emplace_back(t);
        break;
    }
    return out;
}

std::optional<HttpResponse> QueryReader::error() const {
    if (problems_.empty())
        return std::nullopt;
    std::string message;
    for (const auto& p : problems_)
        message += (message.empty() ? "" : "; ") + p;
    return HttpResponse::error(400, std::move(message));
}

Result<nlohmann::json, HttpResponse> jsonBody(const HttpRequest& request) {
    if (trim(request.body).empty())
        return unexpected(HttpResponse::error(400, "request body is empty; expected JSON"));
    auto parsed = model::parseJsonText(request.body);
    if (!parsed)
        return unexpected(HttpResponse::error(400, "request body " + parsed.error()));
    return std::move(parsed).value();
}

} // namespace sy::api
