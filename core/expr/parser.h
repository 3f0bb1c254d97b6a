#pragma once
// Internal: one recursive-descent parser for the three grammars of reference §5, switched by
// language, so that they share tokens, error wording and the tree they build.

#include "core/expr/exprtree.h"
#include "core/expr/language.h"
#include "core/expr/metriccatalog.h"
#include "core/expr/parseerror.h"
#include "core/util/result.h"

#include <string_view>

namespace sy::expr::detail {

// Nesting (parentheses, calls, '!') deeper than this is rejected, which bounds the parser's
// recursion on hostile input; real expressions nest two or three levels.
inline constexpr int kMaxDepth = 64;

Result<ExprTree, ParseError> parse(Language language, std::string_view source,
                                   const MetricCatalog& catalog);

} // namespace sy::expr::detail
