// The OpenAPI 3.0 document of the API, generated from the route table so that it cannot drift
// from what the server answers: every route, its parameters, the role it needs and its errors.

#include "core/api/openapi.h"

#include "core/util/strings.h"

namespace sy::api {

namespace {

using Json = nlohmann::json;

Json ref(const std::string& schema) {
    return {{"$ref", "#/components/schemas/" + schema}};
}

Json object(Json properties, std::vector<std::string> required = {}) {
    Json s = {{"type", "object"}, {"properties", std::move(properties)}};
    if (!required.empty())
        s["required"] = required;
    return s;
}

Json enumOf(std::vector<std::string> values) {
    return {{"type", "string"}, {"enum", std::move(values)}};
}

Json schemas() {
    const Json str = {{"type", "string"}};
    const Json integer = {{"type", "integer"}, {"format", "int64"}};
    const Json boolean = {{"type", "boolean"}};
    const Json anyObject = {{"type", "object"}, {"additionalProperties", true}};
    Json s;
    s["Error"] = object(
        {{"errorMessage", str},
         {"error", str}, // the same message: Red5's clients read one or the other
         {"problems", {{"type", "array"}, {"items", object({{"path", str}, {"message", str}})}}}},
        {"errorMessage", "error"});
    s["Token"] = object({{"token", str}, {"role", str}, {"expiresAt", integer}}, {"token"});
    s["Created"] = object({{"result", str}});
    s["NameList"] = {{"type", "array"}, {"items", str}};
    s["User"] = object({{"name", str}, {"role", str}});
    s["UserList"] = {{"type", "array"}, {"items", ref("User")}};
    s["UserRequest"] = object({{"password", str}, {"role", str}}, {"password", "role"});
    s["ScaleRule"] = object({{"min", integer},
                             {"max", integer},
                             {"increment", integer},
                             {"outExpression", str},
                             {"inExpression", str},
                             {"capacityRankingExpression", str},
                             {"capacityLimitExpression", str}});
    s["NodeRole"] = object({{"name", str},
                            {"capabilities", {{"type", "array"}, {"items", str}}},
                            {"parentRoleName", str},
                            {"parentCardinality", str},
                            {"lifecycle", str}});
    s["SubGroupConfig"] = object({{"subGroupName", str},
                                  {"cloudProperties", str},
                                  {"rulesByRole", anyObject},
                                  {"childGroups", {{"type", "array"}, {"items", anyObject}}}});
    s["NodeGroupConfig"] =
        object({{"name", str},
                {"description", str},
                {"cloudPlatform", str},
                {"isScalingPaused", boolean},
                {"shuffleSizeExpression", str},
                {"maxPublishers", integer},
                {"maxSubscribers", integer},
                {"roles", {{"type", "object"}, {"additionalProperties", ref("NodeRole")}}},
                {"groups", {{"type", "object"}, {"additionalProperties", ref("SubGroupConfig")}}},
                {"streamAccess", ref("StreamAccess")},
                {"hls", ref("HlsSettings")}},
               {"name", "cloudPlatform"});
    s["StreamAccess"] = object({{"publish", enumOf({"open", "token", "roundtrip"})},
                                {"play", enumOf({"open", "token", "roundtrip"})},
                                {"subscribeRole", enumOf({"public", "viewer"})},
                                {"oneTime", boolean},
                                {"tokenTtlSeconds", integer},
                                {"validateUrl", str}});
    s["HlsSettings"] =
        object({{"enabled", boolean}, {"fragmentSeconds", integer}, {"playlistSeconds", integer}});
    s["NodeStatusList"] = {
        {"type", "array"},
        {"items", object({{"nodeEvent", anyObject}, {"scalingEvent", anyObject}})}};
    s["Idle"] = object({{"lastPubSubMs", integer}, {"inServiceNodes", integer}});
    s["StreamLocation"] = object({{"streamGuid", str},
                                  {"serverAddress", str},
                                  {"nodeRole", str},
                                  {"subGroup", str},
                                  {"nodeState", str},
                                  {"subscribers", integer},
                                  {"durationMs", integer},
                                  {"state", str},
                                  {"urls", {{"type", "object"}, {"additionalProperties", str}}}},
                                 {"streamGuid", "serverAddress"});
    s["StreamLocationList"] = {{"type", "array"}, {"items", ref("StreamLocation")}};
    s["Provision"] = object({{"provisionGuid", str},
                             {"streams", {{"type", "array"}, {"items", anyObject}}},
                             {"capabilities", {{"type", "array"}, {"items", str}}}},
                            {"provisionGuid", "streams"});
    s["ProvisionList"] = {{"type", "array"}, {"items", ref("Provision")}};
    s["Expression"] = str;
    s["CapacityEvaluation"] =
        object({{"expression", str}, {"metrics", {{"type", "array"}}}}, {"expression"});
    s["ScaleEvaluation"] = object({{"expression", str}, {"metrics", anyObject}}, {"expression"});
    s["CapacityResult"] =
        object({{"doubleResult", {{"type", "number"}}}, {"integerResult", integer}});
    s["ScaleResult"] = object({{"result", boolean}});
    s["Inventory"] = anyObject;
    s["NodeEvents"] = anyObject;
    s["EventPage"] = object({{"events", {{"type", "array"}, {"items", anyObject}}},
                             {"lastEventId", str},
                             {"reset", boolean}});
    s["MediaJob"] = object({{"id", str},
                            {"nodeGroup", str},
                            {"provisionGuid", str},
                            {"streamGuid", str},
                            {"kind", str},
                            {"type", str},
                            {"state", str},
                            {"remote", str},
                            {"lastError", str},
                            {"nodeId", str},
                            {"bitrateKbps", {{"type", "number"}}},
                            {"uptimeMs", integer},
                            {"restarts", integer},
                            {"reconnects", integer}},
                           {"id", "state"});
    s["MediaJobList"] = {{"type", "array"}, {"items", ref("MediaJob")}};
    s["StorageTarget"] = object({{"name", str},
                                 {"kind", str},
                                 {"settings", {{"type", "object"}, {"additionalProperties", str}}},
                                 {"retention", anyObject},
                                 {"recordNodeGroups", {{"type", "array"}, {"items", str}}}},
                                {"kind"});
    s["StorageTargetList"] = {{"type", "array"}, {"items", ref("StorageTarget")}};
    s["Recording"] = object({{"id", integer},
                             {"nodeGroup", str},
                             {"streamGuid", str},
                             {"state", str},
                             {"target", str},
                             {"remoteKey", str},
                             {"sizeBytes", integer},
                             {"durationMs", integer},
                             {"playbackUrl", str},
                             {"error", str}},
                            {"id", "state"});
    s["RecordingList"] = {{"type", "array"}, {"items", ref("Recording")}};
    s["Health"] = object({{"status", str}});
    s["Caller"] = object({{"name", str}, {"role", str}});
    return s;
}

// "/a/{ng}/stream/{guid...}" → "/a/{ng}/stream/{guid}" and the parameter names.
std::string openApiPath(const std::string& pattern,
                        std::vector<std::pair<std::string, bool>>& params) {
    std::string out;
    std::size_t i = 0;
    while (i < pattern.size()) {
        const auto open = pattern.find('{', i);
        if (open == std::string::npos) {
            out += pattern.substr(i);
            break;
        }
        const auto close = pattern.find('}', open);
        out += pattern.substr(i, open - i);
        std::string name = pattern.substr(open + 1, close - open - 1);
        const bool rest = name.ends_with("...");
        if (rest)
            name.resize(name.size() - 3);
        params.emplace_back(name, rest);
        out += "{" + name + "}";
        i = close + 1;
    }
    return out;
}

Json errorResponses(const RouteSpec& r) {
    Json out;
    auto add = [&out](int status, const char* description) {
        out[std::to_string(status)] = {
            {"description", description},
            {"content", {{"application/json", {{"schema", ref("Error")}}}}}};
    };
    add(400, "bad request: the message names the parameter or field");
    if (r.role) {
        add(401, "missing, invalid or expired token");
        add(403, "the caller's role may not use this route");
    }
    if (r.pattern.find('{') != std::string::npos)
        add(404, "unknown node group, node, stream or provision");
    if (r.method == "POST" || r.method == "PUT")
        add(413, "request body too large");
    if (r.tag == "streams")
        add(503, "maxPublishers or maxSubscribers reached");
    if (r.pattern.ends_with("/login"))
        add(429, "too many failed logins (see Retry-After)");
    return out;
}

Json operation(const RouteSpec& r, const std::vector<std::pair<std::string, bool>>& pathParams) {
    Json op = {
        {"summary", r.summary}, {"tags", {r.tag}}, {"operationId", r.method + " " + r.pattern}};
    auto params = Json::array();
    for (const auto& [name, rest] : pathParams)
        params.push_back({{"name", name},
                          {"in", "path"},
                          {"required", true},
                          {"description", rest ? "the rest of the path; may contain '/'" : ""},
                          {"schema", {{"type", "string"}}}});
    for (const auto& q : r.query)
        params.push_back({{"name", q.name},
                          {"in", "query"},
                          {"required", false},
                          {"description", q.description},
                          {"schema", {{"type", q.type}}}});
    if (!params.empty())
        op["parameters"] = params;
    if (!r.requestBody.empty()) {
        const bool text = r.requestBody == "Expression";
        op["requestBody"] = {
            {"required", true},
            {"content",
             {{text ? "text/plain" : "application/json", {{"schema", ref(r.requestBody)}}}}}};
    }
    Json ok = {{"description", "success"}};
    if (!r.response.empty())
        ok["content"] = {{"application/json", {{"schema", ref(r.response)}}}};
    op["responses"] = errorResponses(r);
    op["responses"][std::to_string(r.successStatus)] = ok;
    if (r.role) {
        op["security"] = Json::array({{{"bearerAuth", Json::array()}}});
        op["x-switchyard-role"] = auth::toString(*r.role);
    } else {
        op["security"] = Json::array();
    }
    return op;
}

} // namespace

nlohmann::json openApiDocument(const std::vector<RouteSpec>& routes, const std::string& version,
                               std::string_view prefix) {
    Json doc = {
        {"openapi", "3.0.3"},
        {"info",
         {{"title", "Switchyard Stream Manager API"},
          {"version", version},
          {"description", "Compatible with Red5 Pro Stream Manager 2.0 under /as/v1, plus "
                          "Switchyard's additions (events, users, drain, metrics)."}}},
        {"servers", Json::array({{{"url", "/"}}})},
        {"components",
         {{"securitySchemes",
           {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}},
          {"schemas", schemas()}}},
        {"paths", Json::object()}};
    for (const auto& r : routes) {
        if (!r.pattern.starts_with(prefix))
            continue;
        std::vector<std::pair<std::string, bool>> params;
        const std::string path = openApiPath(r.pattern, params);
        doc["paths"][path][toLower(r.method)] = operation(r, params);
    }
    return doc;
}

} // namespace sy::api
