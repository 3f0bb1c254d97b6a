#pragma once
// The media layer's views read back from the API's JSON (core/media/mediamanager.cpp toJson):
// what an attached console receives. Tolerant: a missing or mistyped field keeps its default,
// an unknown state or kind reads as WAIT / pull, so a newer server's additions do not break the
// page.

#include "core/media/mediamanager.h"
#include "core/store/mediastore.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace sy::ui {

std::optional<media::JobState> parseJobState(std::string_view s);
std::optional<media::JobKind> parseJobKind(std::string_view s);
media::JobView jobViewFromJson(const nlohmann::json& j);
store::RecordingRecord recordingFromJson(const nlohmann::json& j);

} // namespace sy::ui
