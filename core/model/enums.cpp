#include "core/model/enums.h"

#include <array>
#include <string>

namespace sy::model {

namespace {

constexpr std::array<std::string_view, 7> kCapabilities = {
    "PUBLISH", "SUBSCRIBE", "TRANSCODE", "MIX", "XILINX", "ZIXI", "VIDEO_PACKAGER"};
constexpr std::array<std::string_view, 3> kCardinalities = {"GLOBAL", "SUBGROUP", "AUTOGROUP"};
constexpr std::array<std::string_view, 2> kLifecycles = {"AUTO", "MANUAL"};
constexpr std::array<std::string_view, 10> kStates = {
    "REQUESTED",  "CREATING",    "CREATED",     "STARTED",
    "INSERVICE",  "SOFT_SUNSET", "HARD_SUNSET", "DESTRUCTION_REQUESTED",
    "DESTROYING", "FAULT"};
constexpr std::array<std::string_view, 14> kPlatforms = {
    "AWS", "AZURE",   "DO",     "DOCKER",  "GCP",    "KUBERNETES", "LINODE",
    "OCI", "VSPHERE", "HYPERV", "LIBVIRT", "STATIC", "LOCAL",      "SIMULATED"};

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == s)
            return static_cast<E>(i);
    return std::nullopt;
}

} // namespace

std::string_view toString(Capability c) {
    return kCapabilities.at(static_cast<std::size_t>(c));
}
std::string_view toString(ParentCardinality c) {
    return kCardinalities.at(static_cast<std::size_t>(c));
}
std::string_view toString(Lifecycle l) {
    return kLifecycles.at(static_cast<std::size_t>(l));
}
std::string_view toString(NodeState s) {
    return kStates.at(static_cast<std::size_t>(s));
}

std::optional<Capability> capabilityFromString(std::string_view s) {
    return lookup<Capability>(kCapabilities, s);
}
std::optional<ParentCardinality> parentCardinalityFromString(std::string_view s) {
    return lookup<ParentCardinality>(kCardinalities, s);
}
std::optional<Lifecycle> lifecycleFromString(std::string_view s) {
    return lookup<Lifecycle>(kLifecycles, s);
}
std::optional<NodeState> nodeStateFromString(std::string_view s) {
    return lookup<NodeState>(kStates, s);
}

std::span<const std::string_view> capabilityNames() {
    return kCapabilities;
}
std::span<const std::string_view> nodeStateNames() {
    return kStates;
}
std::span<const std::string_view> cloudPlatformNames() {
    return kPlatforms;
}

bool isKnownCloudPlatform(std::string_view s) {
    return lookup<int>(kPlatforms, s).has_value();
}

std::string joinNames(std::span<const std::string_view> names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            out += (i + 1 == names.size()) ? " or " : ", ";
        out += names[i];
    }
    return out;
}

} // namespace sy::model
