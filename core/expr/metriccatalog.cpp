#include "core/expr/metriccatalog.h"

#include <algorithm>
#include <array>

namespace sy::expr {

namespace {

// Reference §3.3, in its order. cpu.usage is reported by packagers only but is valid anywhere.
constexpr std::array kStandardNames = {
    std::string_view{"cpu.processors"}, std::string_view{"cpu.system.load"},
    std::string_view{"cpu.process.load"}, std::string_view{"cpu.process.time"},
    std::string_view{"cpu.loadavg.1min"}, std::string_view{"cpu.loadavg.5min"},
    std::string_view{"cpu.loadavg.15min"}, std::string_view{"cpu.usage"},
    std::string_view{"memory.vm.free"}, std::string_view{"memory.vm.max"},
    std::string_view{"memory.vm.total"}, std::string_view{"memory.system.committedvirtual"},
    std::string_view{"memory.system.freephysical"}, std::string_view{"memory.system.totalphysical"},
    std::string_view{"disk.freeswap"}, std::string_view{"disk.totalswap"},
    std::string_view{"disk.maxfiledescriptorcount"},
    std::string_view{"disk.openfiledescriptorcount"}, std::string_view{"connections.publisher"},
    std::string_view{"connections.subscriber"}, std::string_view{"connections.client"},
    std::string_view{"connections.lastpubsubms"}, std::string_view{"connections.lastidlems"},
    std::string_view{"connections.clusterchildren"}, std::string_view{"network.iftopduration"},
    std::string_view{"network.ingress"}, std::string_view{"network.egress"},
    std::string_view{"network.peakratereceived"}, std::string_view{"network.peakratesent"},
    std::string_view{"network.cumulativereceived"}, std::string_view{"network.cumulativesent"},
    // Switchyard additions, reported by Switchyard's own node agent (not by Red5 nodes):
    std::string_view{"connections.restreamer"}, // restreamer sessions, as restreamerCount
    std::string_view{"stream.count"},           // live streams on the node
    std::string_view{"memory.process.rss"},     // resident set of the media server, kB
    std::string_view{"transcoder.renditions"},  // renditions a transcoder node encodes
};

// Plain Levenshtein distance; names are short and the catalog small, so O(n*m) is fine.
std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::vector<std::string> standardNameList() {
    return {kStandardNames.begin(), kStandardNames.end()};
}

} // namespace

MetricCatalog::MetricCatalog(std::vector<std::string> names) {
    names_.reserve(names.size());
    for (auto& name : names) {
        if (slots_.contains(name))
            continue;
        slots_.emplace(name, names_.size());
        names_.push_back(std::move(name));
    }
}

const MetricCatalog& MetricCatalog::standard() {
    static const MetricCatalog catalog(standardNameList());
    return catalog;
}

std::span<const std::string_view> MetricCatalog::standardNames() {
    return kStandardNames;
}

MetricCatalog MetricCatalog::withExtras(std::span<const std::string> extra) {
    auto names = standardNameList();
    names.insert(names.end(), extra.begin(), extra.end());
    return MetricCatalog(std::move(names));
}

std::optional<std::size_t> MetricCatalog::slotOf(std::string_view name) const {
    const auto it = slots_.find(name);
    if (it == slots_.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> MetricCatalog::suggest(std::string_view misspelt) const {
    // A third of the length, at least 1 and at most 3 edits: catches dropped or swapped letters
    // without proposing an unrelated name for a short word.
    const std::size_t budget = std::clamp<std::size_t>(misspelt.size() / 3, 1, 3);
    std::optional<std::string> best;
    std::size_t bestDistance = budget + 1;
    for (const auto& name : names_) {
        const std::size_t d = editDistance(misspelt, name);
        if (d < bestDistance) {
            bestDistance = d;
            best = name;
        }
    }
    return best;
}

} // namespace sy::expr
