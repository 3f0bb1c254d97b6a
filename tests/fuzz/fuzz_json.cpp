// Differential fuzzing of the core's one JSON reader (core/model/jsontext.h) against nlohmann's
// own DOM parser: whatever the bytes, parseJsonText never throws or crashes; what it accepts,
// nlohmann accepts as the same value; what nlohmann accepts within the depth limit, it accepts
// too; and anything deeper is refused with the limit named.

#include "core/model/jsontext.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

using Json = nlohmann::json;

// Iterative: the point of the reader is that nothing recurses on the input's depth.
int depthOf(const Json& root) {
    int deepest = 0;
    std::vector<std::pair<const Json*, int>> todo{{&root, 1}};
    while (!todo.empty()) {
        const auto [j, d] = todo.back();
        todo.pop_back();
        if (!j->is_structured())
            continue;
        deepest = std::max(deepest, d);
        for (const auto& child : *j)
            todo.emplace_back(&child, d + 1);
    }
    return deepest;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // A small limit too, so that short inputs reach the refusal path.
    for (const int limit : {sy::model::kMaxJsonDepth, 4}) {
        const auto ours = sy::model::parseJsonText(text, limit);
        const Json theirs = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (ours) {
            if (theirs.is_discarded() || !(*ours == theirs) || depthOf(*ours) > limit)
                std::abort();
        } else if (!theirs.is_discarded() && depthOf(theirs) <= limit) {
            std::abort(); // refused a document nlohmann reads, within the limit
        } else if (!theirs.is_discarded() &&
                   ours.error().find("nests deeper than") == std::string::npos) {
            std::abort(); // too deep, but the message does not say so
        }
    }
    return 0;
}
