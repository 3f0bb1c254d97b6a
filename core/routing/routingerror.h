#pragma once
// The one error of routing decisions: the HTTP status the API layer answers with (reference §1:
// 400 bad request, 404 no eligible server or unknown stream, 503 maxPublishers/maxSubscribers)
// and a message that names the cause, shown as is in `errorMessage`.

#include <string>

namespace sy::routing {

struct RoutingError {
    int status = 0;
    std::string message;

    bool operator==(const RoutingError&) const = default;
};

} // namespace sy::routing
