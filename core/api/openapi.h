#pragma once
// The OpenAPI 3.0 document of the routes (GET /as/v1/{admin,streams,auth}/v3/api-docs).

#include "core/api/apiservice.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace sy::api {

// Every route whose pattern starts with `prefix` ("" for all), with its parameters, the role it
// needs (security + x-switchyard-role) and its error responses.
nlohmann::json openApiDocument(const std::vector<RouteSpec>& routes, const std::string& version,
                               std::string_view prefix = {});

} // namespace sy::api
