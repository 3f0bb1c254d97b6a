// Feeds arbitrary bytes to the node-group parser (JSON text → decode → validate → encode).
// Whatever the input, it must return problems or a config, never crash, and a config it accepts
// must survive a round trip unchanged.

#include "core/model/nodegroupcodec.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = sy::model::parseNodeGroup(text);
    if (!parsed.ok())
        return 0;
    const auto encoded = sy::model::encodeNodeGroup(*parsed);
    auto again = sy::model::parseNodeGroup(encoded);
    if (!again.ok() || !(*again == *parsed))
        std::abort(); // an accepted config must round-trip
    return 0;
}
