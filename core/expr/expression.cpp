#include "core/expr/expression.h"

#include "core/expr/parser.h"

namespace sy::expr {

std::string_view languageName(Language language) {
    switch (language) {
    case Language::Capacity:
        return "capacity";
    case Language::Scale:
        return "scale";
    case Language::ShuffleSize:
        return "shuffle size";
    }
    return "unknown";
}

std::optional<ParseError> validate(Language language, std::string_view source,
                                   const MetricCatalog& catalog) {
    auto tree = detail::parse(language, source, catalog);
    if (tree)
        return std::nullopt;
    return std::move(tree).error();
}

} // namespace sy::expr
