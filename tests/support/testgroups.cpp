#include "tests/support/testgroups.h"

#include "core/engine/controlcore.h"
#include "core/model/nodegroupcodec.h"
#include "ui/backend/embeddedbackend.h"

#include <QtGlobal>

#include <nlohmann/json.hpp>

namespace sy::test {

model::NodeGroupConfig originEdgeGroup(const std::string& name, const OriginEdgeOptions& o) {
    using Json = nlohmann::json;
    const auto rule = [](long long min, long long max, const std::string& metric,
                         long long outAbove, long long limit) {
        return Json{{"min", min},
                    {"max", max},
                    {"increment", 1},
                    {"outExpression", "avg(" + metric + ") > " + std::to_string(outAbove)},
                    {"inExpression", "avg(" + metric + ") < 0"},
                    {"capacityRankingExpression", metric},
                    {"capacityLimitExpression", std::to_string(limit)}};
    };
    const Json j = {
        {"name", name},
        {"cloudPlatform", o.cloudPlatform},
        {"shuffleSizeExpression", "1"},
        {"roles",
         {{"origin", {{"name", "origin"}, {"capabilities", {"PUBLISH"}}}},
          {"edge",
           {{"name", "edge"},
            {"capabilities", {"SUBSCRIBE"}},
            {"parentRoleName", "origin"},
            {"parentCardinality", "GLOBAL"}}}}},
        {"groups",
         {{o.subGroup,
           {{"subGroupName", o.subGroup},
            {"rulesByRole",
             {{"origin", rule(1, 1, "connections.publisher", o.originOutAbove, o.originLimit)},
              {"edge", rule(o.edgeMin, o.edgeMax, "connections.subscriber", o.edgeOutAbove,
                            o.edgeLimit)}}}}}}}};
    auto parsed = model::parseNodeGroup(j);
    if (!parsed)
        qFatal("bad test node group: %s", model::describe(parsed.error()).c_str());
    return std::move(parsed).value();
}

std::unique_ptr<ui::EmbeddedBackend>
simulatedBackend(const QString& dataDir, std::shared_ptr<providers::SimulatedProvider> simulated,
                 const std::function<void(engine::CoreOptions&)>& adjust) {
    engine::CoreOptions o;
    o.dataDir = dataDir.toStdString();
    o.tick = std::chrono::milliseconds(20);
    o.pollInterval = std::chrono::milliseconds(10);
    o.providers["SIMULATED"] =
        simulated ? std::move(simulated) : std::make_shared<providers::SimulatedProvider>();
    if (adjust)
        adjust(o);
    auto core = engine::ControlCore::open(std::move(o));
    if (!core)
        qFatal("cannot open a core in %s: %s", qPrintable(dataDir), core.error().message.c_str());
    return std::make_unique<ui::EmbeddedBackend>(std::move(core).value(), dataDir, 20);
}

} // namespace sy::test
