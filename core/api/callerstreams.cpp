#include "core/api/callerstreams.h"

#include <vector>

namespace sy::api {

CallerStreams::Slot::~Slot() {
    if (auto owner = owner_.lock())
        owner->release(id_);
}

void CallerStreams::Slot::attach(const std::shared_ptr<ResponseStream>& stream) {
    if (auto owner = owner_.lock())
        owner->attach(id_, stream);
}

std::shared_ptr<CallerStreams::Slot>
CallerStreams::reserve(const std::string& user, const std::string& tokenId, std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::size_t held = 0;
    for (const auto& [id, e] : entries_)
        held += e.user == user;
    if (held >= limit)
        return nullptr;
    const std::uint64_t id = next_++;
    entries_.emplace(id, Entry{user, tokenId, {}, false});
    return std::shared_ptr<Slot>(new Slot(weak_from_this(), id));
}

void CallerStreams::attach(std::uint64_t id, const std::shared_ptr<ResponseStream>& stream) {
    bool revoked = true;
    {
        std::lock_guard lock(mutex_);
        if (auto it = entries_.find(id); it != entries_.end()) {
            it->second.stream = stream;
            revoked = it->second.revoked;
        }
    }
    if (revoked)
        stream->close();
}

void CallerStreams::release(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    entries_.erase(id);
}

template <class Pred>
void CallerStreams::closeWhere(Pred pred) {
    std::vector<std::shared_ptr<ResponseStream>> doomed;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, e] : entries_)
            if (pred(e)) {
                e.revoked = true;
                if (auto s = e.stream.lock())
                    doomed.push_back(std::move(s));
            }
    }
    // Outside the lock: close() may run the stream's onClose, which releases its slot. The SSE
    // comment tells a person reading the stream why; clients ignore comments.
    for (const auto& s : doomed) {
        s->write(": closed: the credentials of this stream were revoked\n\n");
        s->close();
    }
}

void CallerStreams::closeUser(const std::string& user) {
    closeWhere([&](const Entry& e) { return e.user == user; });
}

void CallerStreams::closeToken(const std::string& tokenId) {
    if (tokenId.empty())
        return;
    closeWhere([&](const Entry& e) { return e.tokenId == tokenId; });
}

std::size_t CallerStreams::count(const std::string& user) const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [id, e] : entries_)
        n += e.user == user;
    return n;
}

} // namespace sy::api
