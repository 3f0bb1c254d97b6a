#pragma once
// Finds Switchyard's data files (the nginx node template) in an installed tree, a build tree or
// an override. Lookup order, first existing file wins:
//   1. $SWITCHYARD_RESOURCES_DIR/RELATIVE      (operators and tests override)
//   2. EXE_DIR/../share/switchyard/RELATIVE    (installed: ${CMAKE_INSTALL_DATADIR}/switchyard)
//   3. SOURCE_TREE/resources/RELATIVE          (built and run from a checkout)

#include "core/util/result.h"

#include <filesystem>
#include <string_view>
#include <vector>

namespace sy::nodes {

class ResourceLocator {
public:
    // RELATIVE is like "nginx/node.conf.in"; the error lists every place that was tried.
    static Result<std::filesystem::path> find(std::string_view relative);
    // The directories of the lookup order, for messages and diagnostics.
    static std::vector<std::filesystem::path> searchDirs();
};

} // namespace sy::nodes
