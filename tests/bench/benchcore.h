#pragma once
// What the API benchmarks share: a started control core over a SIMULATED provider in a fresh
// directory, as switchyard-server assembles one.

#include "core/engine/controlcore.h"
#include "core/providers/simulatedprovider.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace sy::bench {

struct SimulatedCore {
    std::shared_ptr<providers::SimulatedProvider> provider;
    std::unique_ptr<engine::ControlCore> core; // null when it could not open (the reason printed)
};

inline SimulatedCore openSimulatedCore(const std::filesystem::path& dataDir, const char* bench) {
    SimulatedCore out;
    out.provider = std::make_shared<providers::SimulatedProvider>();
    engine::CoreOptions o;
    o.dataDir = dataDir.string();
    o.providers["SIMULATED"] = out.provider;
    auto core = engine::ControlCore::open(std::move(o));
    if (!core) {
        std::printf("%s: %s\n", bench, core.error().message.c_str());
        return out;
    }
    out.core = std::move(core).value();
    out.core->start();
    return out;
}

} // namespace sy::bench
