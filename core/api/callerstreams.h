#pragma once
// The open event streams (SSE) of API callers, by user and token: a user holds at most a few at
// once, and revoking a user's credentials (deleted, password or role changed) or one API key
// closes the streams opened with them, which a token check at connect time alone would leave
// running for hours.

#include "core/api/http.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sy::api {

class CallerStreams : public std::enable_shared_from_this<CallerStreams> {
public:
    // One stream's place. Releasing it (destroying the last copy) frees it for the user.
    class Slot {
    public:
        ~Slot();
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        // The stream the slot stands for; closed at once when revoked already.
        void attach(const std::shared_ptr<ResponseStream>& stream);

    private:
        friend class CallerStreams;
        Slot(std::weak_ptr<CallerStreams> owner, std::uint64_t id)
            : owner_(std::move(owner))
            , id_(id) {}
        std::weak_ptr<CallerStreams> owner_;
        std::uint64_t id_;
    };

    // A slot for one more stream of `user` opened with the token `tokenId` (its jti), or null
    // when the user already holds `limit`.
    std::shared_ptr<Slot> reserve(const std::string& user, const std::string& tokenId,
                                  std::size_t limit);

    // Closes every stream of the user / opened with the token, and those attached later to a
    // slot reserved before.
    void closeUser(const std::string& user);
    void closeToken(const std::string& tokenId);

    std::size_t count(const std::string& user) const;

private:
    struct Entry {
        std::string user;
        std::string tokenId;
        std::weak_ptr<ResponseStream> stream;
        bool revoked = false;
    };
    template <class Pred>
    void closeWhere(Pred pred);
    void attach(std::uint64_t id, const std::shared_ptr<ResponseStream>& stream);
    void release(std::uint64_t id);

    mutable std::mutex mutex_;
    std::uint64_t next_ = 1;
    std::map<std::uint64_t, Entry> entries_;
};

} // namespace sy::api
