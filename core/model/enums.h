#pragma once
// The enumerations of the Stream Manager 2.0 model, with their wire names.

#include <optional>
#include <span>
#include <string_view>

namespace sy::model {

enum class Capability { Publish, Subscribe, Transcode, Mix, Xilinx, Zixi, VideoPackager };
enum class ParentCardinality { Global, SubGroup, AutoGroup };
enum class Lifecycle { Auto, Manual };

// Node lifecycle of reference §4. FAULT can be entered from any state.
enum class NodeState {
    Requested,
    Creating,
    Created,
    Started,
    InService,
    SoftSunset,
    HardSunset,
    DestructionRequested,
    Destroying,
    Fault,
};

std::string_view toString(Capability c);
std::string_view toString(ParentCardinality c);
std::string_view toString(Lifecycle l);
std::string_view toString(NodeState s);

std::optional<Capability> capabilityFromString(std::string_view s);
std::optional<ParentCardinality> parentCardinalityFromString(std::string_view s);
std::optional<Lifecycle> lifecycleFromString(std::string_view s);
std::optional<NodeState> nodeStateFromString(std::string_view s);

// Wire names, in a stable order, for messages ("one of PUBLISH, SUBSCRIBE, …") and pickers.
std::span<const std::string_view> capabilityNames();
std::span<const std::string_view> nodeStateNames();

// The cloud platforms SM 2.0 knows, plus ours: LOCAL (nginx processes on loopback) and
// SIMULATED (virtual nodes with a synthetic load model).
std::span<const std::string_view> cloudPlatformNames();
bool isKnownCloudPlatform(std::string_view s);

// "A, B or C" for error messages.
std::string joinNames(std::span<const std::string_view> names);

} // namespace sy::model
