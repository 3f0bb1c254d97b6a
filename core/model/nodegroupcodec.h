#pragma once
// JSON codec of NodeGroupConfig with the Stream Manager 2.0 field names.

#include "core/model/nodegroup.h"
#include "core/model/problem.h"
#include "core/util/result.h"

#include <string_view>

namespace sy::model {

// Decodes what it can and records every type problem with its path. Accepts `subGroups` for
// `groups`, integers as strings, and rulesByRole as a map or an array.
NodeGroupConfig decodeNodeGroup(const Json& j, Problems& problems);
Json encodeNodeGroup(const NodeGroupConfig& ng);

ScaleRule decodeScaleRule(const Json& j, const std::string& path, Problems& problems);
Json encodeScaleRule(const ScaleRule& rule);

// Text → decoded and validated config, or every problem found (syntax, types, semantics).
Result<NodeGroupConfig, Problems> parseNodeGroup(std::string_view text);
// Same for an already parsed document.
Result<NodeGroupConfig, Problems> parseNodeGroup(const Json& j);

} // namespace sy::model
