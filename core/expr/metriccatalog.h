#pragma once
// The metric names an expression may use, each mapped to a dense slot index. Expressions are
// validated against a catalog when parsed, so a typo is an error at configuration time rather than
// a metric that silently reads as zero; evaluation then indexes a node's metrics by slot.

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sy::expr {

class MetricCatalog {
public:
    // Slots follow the order of `names`; a repeated name keeps its first slot.
    explicit MetricCatalog(std::vector<std::string> names);

    // The reference §3.3 names plus a few Switchyard additions, shared and immutable.
    static const MetricCatalog& standard();
    static std::span<const std::string_view> standardNames();
    // The standard names first (so their slots match standard()), then `extra`: for metrics a
    // cluster reports beyond the documented set (the set grows; e.g. network.ingressN windows).
    static MetricCatalog withExtras(std::span<const std::string> extra);

    std::optional<std::size_t> slotOf(std::string_view name) const;
    bool contains(std::string_view name) const { return slotOf(name).has_value(); }
    const std::string& nameOf(std::size_t slot) const { return names_.at(slot); }
    std::size_t size() const { return names_.size(); }
    const std::vector<std::string>& names() const { return names_; }

    // The known name closest to a misspelt one, for "did you mean" hints; nullopt when nothing is
    // close enough to be a plausible typo.
    std::optional<std::string> suggest(std::string_view misspelt) const;

private:
    std::vector<std::string> names_;
    std::map<std::string, std::size_t, std::less<>> slots_;
};

} // namespace sy::expr
