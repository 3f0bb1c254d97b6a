// /as/v1/admin/evaluate (reference §2.1): try a capacity or scale expression against posted
// metrics, or against a live node / SubGroup x Role. The console's wizard checks expressions
// as the operator types through these routes.

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/controllerutil.h"
#include "core/expr/trial.h"
#include "core/model/metrictree.h"

#include <cmath>
#include <limits>
#include <map>

namespace sy::api {

namespace {

using Json = nlohmann::json;

HttpResponse expressionError(const std::string& source, const expr::ParseError& e) {
    return HttpResponse::error(400, "expression " + sy::quoted(source) + ": " + e.message);
}

HttpResponse capacityResult(double v) {
    // Routing truncates the ranking to int32 (reference §5).
    const double clamped = std::clamp(std::trunc(v), double(std::numeric_limits<int>::min()),
                                      double(std::numeric_limits<int>::max()));
    return HttpResponse::json(
        200, {{"doubleResult", v}, {"integerResult", static_cast<std::int64_t>(clamped)}});
}

HttpResponse evaluateCapacity(const std::string& source, const model::FlatMetrics& metrics) {
    const auto v = expr::tryCapacity(source, metrics);
    return v ? capacityResult(*v) : expressionError(source, v.error());
}

HttpResponse evaluateScale(const std::string& source, const model::FlatAggregates& aggregates) {
    std::map<std::string, expr::Aggregate> set;
    for (const auto& [name, a] : aggregates)
        set.emplace(name, expr::Aggregate{a.sum, a.min, a.max, a.count});
    const auto v = expr::tryScale(source, set);
    return v ? HttpResponse::json(200, {{"result", *v}}) : expressionError(source, v.error());
}

struct PostedExpression {
    std::string expression;
    Json metrics;
};

Result<PostedExpression, HttpResponse> postedExpression(const HttpRequest& req) {
    auto body = jsonBody(req);
    if (!body)
        return unexpected(std::move(body).error());
    if (!body->is_object())
        return unexpected(HttpResponse::error(
            400, "request body must be an object {\"expression\", \"metrics\"}"));
    const auto e = body->find("expression");
    if (e == body->end() || !e->is_string())
        return unexpected(HttpResponse::error(400, "expression is required (a string)"));
    const auto m = body->find("metrics");
    return PostedExpression{e->get<std::string>(), m == body->end() ? Json() : *m};
}

HttpResponse capacityPosted(const ApiRequest& r) {
    auto posted = postedExpression(r.http);
    if (!posted)
        return posted.error();
    model::Problems problems;
    const auto tree = posted->metrics.is_null()
                          ? model::MetricTree{}
                          : model::decodeMetricTree(posted->metrics, "metrics", problems);
    if (!problems.empty())
        return problemsResponse("metrics", problems);
    return evaluateCapacity(posted->expression, model::flatten(tree));
}

HttpResponse scalePosted(const ApiRequest& r) {
    auto posted = postedExpression(r.http);
    if (!posted)
        return posted.error();
    model::Problems problems;
    const auto aggregates = posted->metrics.is_null()
                                ? model::FlatAggregates{}
                                : model::decodeAggregateTree(posted->metrics, "metrics", problems);
    if (!problems.empty())
        return problemsResponse("metrics", problems);
    return evaluateScale(posted->expression, aggregates);
}

std::optional<HttpResponse> rawExpression(const HttpRequest& req, std::string& out) {
    out = std::string(trim(req.body));
    if (out.empty())
        return HttpResponse::error(400, "request body must be the expression text");
    return std::nullopt;
}

HttpResponse capacityOnNode(ApiContext& ctx, const ApiRequest& r) {
    std::string source;
    if (auto bad = rawExpression(r.http, source))
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    for (const auto& n : g->nodes)
        if (n.nodeId == r.param("nodeId"))
            return evaluateCapacity(source, n.metrics);
    return HttpResponse::error(404, "no node " + sy::quoted(r.param("nodeId")) + " in " +
                                        sy::quoted(groupName(*g)));
}

HttpResponse scaleOnRole(ApiContext& ctx, const ApiRequest& r) {
    std::string source;
    if (auto bad = rawExpression(r.http, source))
        return *bad;
    const auto snap = ctx.core.snapshot();
    const auto* g = findGroup(*snap, r.param("ng"));
    if (!g)
        return noGroup(r.param("ng"));
    if (!g->config.roles || !g->config.roles->contains(r.param("role")))
        return HttpResponse::error(404, "no role " + sy::quoted(r.param("role")) + " in " +
                                            sy::quoted(groupName(*g)));
    // Aggregates over the reporting nodes of the SubGroup x Role, as the scale loop sees them.
    model::FlatAggregates aggregates;
    bool subGroupSeen = false;
    for (const auto& n : g->nodes) {
        if (n.subGroup != r.param("sg"))
            continue;
        subGroupSeen = true;
        if (n.role != r.param("role") || n.state != model::NodeState::InService)
            continue;
        for (const auto& [name, v] : n.metrics) {
            auto& a = aggregates[name];
            a.min = a.count == 0 ? v : std::min(a.min, v);
            a.max = a.count == 0 ? v : std::max(a.max, v);
            a.sum += v;
            a.count += 1;
        }
    }
    if (!subGroupSeen) {
        bool known = false; // leaves nested under geo-zones count too
        for (const auto& leaf : model::leafSubGroups(g->config))
            known = known || leaf.group->subGroupName.value_or("") == r.param("sg");
        if (!known)
            return HttpResponse::error(404, "no sub-group " + sy::quoted(r.param("sg")) + " in " +
                                                sy::quoted(groupName(*g)));
    }
    return evaluateScale(source, aggregates);
}

} // namespace

void addEvaluateRoutes(ApiContext& ctx, const RouteSink& add) {
    using auth::Role;
    const std::string base = "/as/v1/admin/evaluate";
    add({"POST",
         base + "/capacity",
         Role::Viewer,
         "admin",
         "Evaluate a capacity expression over posted metrics",
         {},
         "CapacityEvaluation",
         "CapacityResult",
         200,
         [](const ApiRequest& r) {
             return capacityPosted(r);
         }});
    add({"POST",
         base + "/capacity/{ng}/{nodeId}",
         Role::Viewer,
         "admin",
         "Evaluate a capacity expression (raw text body) on a live node",
         {},
         "Expression",
         "CapacityResult",
         200,
         [&ctx](const ApiRequest& r) {
             return capacityOnNode(ctx, r);
         }});
    add({"POST",
         base + "/scale",
         Role::Viewer,
         "admin",
         "Evaluate a scale expression over posted aggregates",
         {},
         "ScaleEvaluation",
         "ScaleResult",
         200,
         [](const ApiRequest& r) {
             return scalePosted(r);
         }});
    add({"POST",
         base + "/scale/{ng}/{sg}/{role}",
         Role::Viewer,
         "admin",
         "Evaluate a scale expression (raw text body) on a live SubGroup x Role",
         {},
         "Expression",
         "ScaleResult",
         200,
         [&ctx](const ApiRequest& r) {
             return scaleOnRole(ctx, r);
         }});
}

} // namespace sy::api
