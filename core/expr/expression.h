#pragma once
// Entry point of the expression engine: the three expression classes and a validator for callers
// that only need to know whether a text is acceptable (node group validation).

#include "core/expr/aggregateset.h"
#include "core/expr/capacityexpression.h"
#include "core/expr/language.h"
#include "core/expr/metriccatalog.h"
#include "core/expr/nodemetricstable.h"
#include "core/expr/parseerror.h"
#include "core/expr/scaleexpression.h"
#include "core/expr/shufflesizeexpression.h"

#include <optional>
#include <string_view>

namespace sy::expr {

// nullopt when `source` parses in `language` against `catalog`; otherwise the first error.
std::optional<ParseError> validate(Language language, std::string_view source,
                                   const MetricCatalog& catalog = MetricCatalog::standard());

} // namespace sy::expr
