#include "core/store/statestore.h"

#include <chrono>

namespace sy::store {

Clock systemClock() {
    return [] {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    };
}

std::string_view toString(IntentState s) {
    switch (s) {
    case IntentState::Pending:
        return "pending";
    case IntentState::Done:
        return "done";
    case IntentState::Failed:
        return "failed";
    case IntentState::Abandoned:
        return "abandoned";
    }
    return "pending";
}

std::optional<IntentState> parseIntentState(std::string_view s) {
    for (auto state :
         {IntentState::Pending, IntentState::Done, IntentState::Failed, IntentState::Abandoned}) {
        if (toString(state) == s) {
            return state;
        }
    }
    return std::nullopt;
}

} // namespace sy::store
