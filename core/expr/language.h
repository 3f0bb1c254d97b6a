#pragma once
// The three expression languages of a node group (reference §5).

#include <string_view>

namespace sy::expr {

enum class Language {
    Capacity,    // per node, arithmetic over metrics: capacityRanking/LimitExpression
    Scale,       // per SubGroup x Role, boolean over aggregates: out/inExpression
    ShuffleSize, // per node group, arithmetic over nodeCount: shuffleSizeExpression
};

// "capacity", "scale", "shuffle size": used in messages ("... in a scale expression").
std::string_view languageName(Language language);

} // namespace sy::expr
