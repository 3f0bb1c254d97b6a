#include "core/nodes/portallocator.h"

#include "core/nodes/nodespec.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace sy::nodes {

struct PortLease::State {
    std::mutex mutex;
    std::set<int> reserved;
    int next = 0; // round-robin cursor: a just-released port is the last to be reused
};

PortLease::PortLease(std::weak_ptr<State> state, std::vector<int> ports)
    : state_(std::move(state))
    , ports_(std::move(ports)) {}

PortLease::PortLease(PortLease&& other) noexcept
    : state_(std::move(other.state_))
    , ports_(std::exchange(other.ports_, {})) {}

PortLease& PortLease::operator=(PortLease&& other) noexcept {
    if (this != &other) {
        release();
        state_ = std::move(other.state_);
        ports_ = std::exchange(other.ports_, {});
    }
    return *this;
}

PortLease::~PortLease() {
    release();
}

void PortLease::release() {
    if (auto state = state_.lock()) {
        std::lock_guard lock(state->mutex);
        for (int p : ports_)
            state->reserved.erase(p);
    }
    state_.reset();
    ports_.clear();
}

PortAllocator::PortAllocator(PortRange range)
    : range_(range)
    , state_(std::make_shared<PortLease::State>()) {
    state_->next = range_.first;
}

bool PortAllocator::canBind(int port) {
    if (!isValidPort(port))
        return false;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

Result<PortLease> PortAllocator::lease(std::size_t count) {
    if (!isValidPort(range_.first) || !isValidPort(range_.last) || range_.first > range_.last)
        return fail("bad_port_range", "port range " + std::to_string(range_.first) + "-" +
                                          std::to_string(range_.last) + " is not valid");
    const int size = range_.last - range_.first + 1;
    std::lock_guard lock(state_->mutex);
    std::vector<int> picked;
    // One pass over the range at most, starting after the last port handed out.
    for (int step = 0; step < size && picked.size() < count; ++step) {
        const int port = range_.first + (state_->next - range_.first + step) % size;
        if (state_->reserved.contains(port) || !canBind(port))
            continue;
        picked.push_back(port);
    }
    if (picked.size() < count)
        return fail("no_free_port", "only " + std::to_string(picked.size()) + " of " +
                                        std::to_string(count) + " free ports in " +
                                        std::to_string(range_.first) + "-" +
                                        std::to_string(range_.last));
    state_->reserved.insert(picked.begin(), picked.end());
    state_->next = range_.first + (picked.back() - range_.first + 1) % size;
    return PortLease(state_, std::move(picked));
}

Result<PortLease> PortAllocator::adopt(const std::vector<int>& ports) {
    std::lock_guard lock(state_->mutex);
    for (int p : ports) {
        if (!isValidPort(p))
            return fail("bad_port", std::to_string(p) + " is not a TCP port");
        if (state_->reserved.contains(p))
            return fail("port_in_use", "port " + std::to_string(p) + " is already leased");
        if (std::count(ports.begin(), ports.end(), p) > 1)
            return fail("bad_port", "port " + std::to_string(p) + " is listed twice");
    }
    state_->reserved.insert(ports.begin(), ports.end());
    return PortLease(state_, ports);
}

bool PortAllocator::isReserved(int port) const {
    std::lock_guard lock(state_->mutex);
    return state_->reserved.contains(port);
}

std::size_t PortAllocator::reservedCount() const {
    std::lock_guard lock(state_->mutex);
    return state_->reserved.size();
}

} // namespace sy::nodes
