#pragma once
// Trying an expression as an operator types it: parse it against the standard metric catalog
// plus whatever names the sample metrics carry, and evaluate it once on those metrics. The
// evaluate routes of the API and the console's node-group wizard (embedded) both answer with it.

#include "core/expr/aggregateset.h"
#include "core/expr/parseerror.h"
#include "core/util/result.h"

#include <map>
#include <string>

namespace sy::expr {

// Capacity (per node, numeric) on one node's flat metrics ("connections.subscriber" → 12).
Result<double, ParseError> tryCapacity(const std::string& source,
                                       const std::map<std::string, double>& metrics);

// Scale (aggregates, boolean) on aggregates by metric name.
Result<bool, ParseError> tryScale(const std::string& source,
                                  const std::map<std::string, Aggregate>& aggregates);

} // namespace sy::expr
