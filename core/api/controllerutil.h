#pragma once
// Small helpers shared by the controllers (internal to core/api).

#include "core/api/http.h"
#include "core/engine/clustersnapshot.h"
#include "core/engine/controlcore.h"
#include "core/util/strings.h"

#include <string>

namespace sy::api {

// `default` names the only node group when exactly one exists (reference §1 rule 9).
inline const engine::NodeGroupView* findGroup(const engine::ClusterSnapshot& snap,
                                              const std::string& name) {
    if (name == "default" && snap.groups.size() == 1)
        return &snap.groups.begin()->second;
    return snap.group(name);
}

inline std::string groupName(const engine::NodeGroupView& g) {
    return g.config.name.value_or("");
}

inline HttpResponse noGroup(const std::string& name) {
    return HttpResponse::error(404, "no node group " + sy::quoted(name));
}

// Waits for a core command. Commands complete on the core's strand within one hop; the wait is on
// an API thread, never on the core's.
inline Result<void> await(engine::CommandResult command) {
    return command.get();
}

} // namespace sy::api
