#pragma once
// Semantic validation of decoded models. Each function returns every problem at once, each with
// the JSON path of the offending value, so that an invalid config is refused whole.

#include "core/model/nodegroup.h"
#include "core/model/problem.h"

#include <string_view>

namespace sy::model {

Problems validateNodeGroup(const NodeGroupConfig& ng);

// Limits of reference §3, shared with the console's forms.
namespace limits {
inline constexpr std::size_t kNameMax = 16;
inline constexpr std::size_t kTextMax = 4096;
inline constexpr std::size_t kTagKeyMax = 64;
inline constexpr std::size_t kTagValueMax = 128;
inline constexpr std::size_t kMergedTagsMax = 10;
inline constexpr std::size_t kPasswordMax = 255;
inline constexpr std::int64_t kRuleCountMax = 1024;
inline constexpr std::int64_t kScheduleMinS = 60;
inline constexpr std::int64_t kScheduleMaxS = 31536000;
} // namespace limits

// A name that becomes part of a file path, a process argument or an nginx config: 1..max
// characters of [A-Za-z0-9._-], starting with a letter or digit, no "..". nullopt when valid,
// otherwise what is wrong.
std::optional<std::string> checkName(std::string_view name, std::size_t max = limits::kNameMax);

} // namespace sy::model
