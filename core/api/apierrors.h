#pragma once
// The one place where the core's typed errors become HTTP statuses (reference §1), and the
// request-reading helpers every controller shares: typed query parameters and JSON bodies, each
// failing with a 400 whose message names the parameter or the position in the body.

#include "core/api/http.h"
#include "core/model/problem.h"
#include "core/util/result.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sy::api {

// "invalid" → 400, "not_found" → 404, "exists"/"conflict" → 409, "unprocessable" → 422,
// "storage"/"busy"/"stopped" → 503, anything else → 500 (with a generic message).
int statusForCode(std::string_view code);
HttpResponse errorResponse(const Error& error);
// 400 (or `status`) with every problem and its JSON path, one per line.
HttpResponse problemsResponse(std::string_view what, const model::Problems& problems,
                              int status = 400);

// Typed query parameters. Each getter records a problem instead of failing, so one 400 lists
// every bad parameter. Unknown parameters are ignored (SM 2.0 clients send extras).
class QueryReader {
public:
    explicit QueryReader(const HttpRequest& request);

    bool flag(const std::string& name, bool fallback);
    long long integer(const std::string& name, long long fallback, long long min, long long max);
    std::optional<std::string> text(const std::string& name) const;
    // The first of `names` that is present ("subgroup", "subGroup"...), split on commas.
    std::vector<std::string> list(std::initializer_list<const char*> names) const;
    bool has(const std::string& name) const { return values_.contains(name); }

    // A 400 naming every bad parameter, if any.
    std::optional<HttpResponse> error() const;

private:
    std::map<std::string, std::string> values_;
    std::vector<std::string> problems_;
};

// The request body as JSON, or a 400 that says why ("request body is not valid JSON: line 1...").
Result<nlohmann::json, HttpResponse> jsonBody(const HttpRequest& request);

} // namespace sy::api
