#include "core/nodes/resourcelocator.h"

#include "core/util/strings.h"

#include <cstdlib>
#include <system_error>

#ifndef SWITCHYARD_SOURCE_RESOURCES_DIR
#define SWITCHYARD_SOURCE_RESOURCES_DIR ""
#endif

namespace sy::nodes {

std::vector<std::filesystem::path> ResourceLocator::searchDirs() {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("SWITCHYARD_RESOURCES_DIR"); env && *env)
        dirs.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec)
        dirs.push_back(exe.parent_path() / ".." / "share" / "switchyard");
    if (std::string_view source = SWITCHYARD_SOURCE_RESOURCES_DIR; !source.empty())
        dirs.emplace_back(source);
    return dirs;
}

Result<std::filesystem::path> ResourceLocator::find(std::string_view relative) {
    std::string tried;
    for (const auto& dir : searchDirs()) {
        const auto candidate = dir / relative;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec))
            return candidate.lexically_normal();
        tried += (tried.empty() ? "" : ", ") + sy::quoted(candidate.string());
    }
    return fail("resource_missing", "resource " + sy::quoted(relative) + " not found (tried " +
                                        tried + "; set SWITCHYARD_RESOURCES_DIR)");
}

} // namespace sy::nodes
