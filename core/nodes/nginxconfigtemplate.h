#pragma once
// The node config comes from a template file (resources/nginx/node.conf.in) so that operators can
// tune nginx without a rebuild; only validated values are substituted into it.

#include "core/nodes/nodespec.h"
#include "core/util/result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace sy::nodes {

class NginxConfigTemplate {
public:
    // The text must hold one application section between "#@BEGIN_APPLICATION@" and
    // "#@END_APPLICATION@" lines; it is repeated for each application of a spec.
    static Result<NginxConfigTemplate> fromText(std::string text);
    static Result<NginxConfigTemplate> load(const std::filesystem::path& file);
    // The template shipped with Switchyard, found through ResourceLocator.
    static Result<NginxConfigTemplate> loadDefault();

    // Validates the spec (and the module path) first; nothing unchecked reaches the text.
    Result<std::string> render(const NodeSpec& spec, const std::filesystem::path& rtmpModule) const;

private:
    NginxConfigTemplate() = default;
    std::string head_;
    std::string application_;
    std::string tail_;
};

// Creates PREFIX/{conf,logs,temp} and writes PREFIX/conf/FILE atomically (write + rename), so a
// running nginx never reads half a file. Validates the spec first: on error nothing is written.
Result<std::filesystem::path> writeNodeConfig(const NodeSpec& spec, std::string_view text,
                                              std::string_view fileName = "nginx.conf");

} // namespace sy::nodes
