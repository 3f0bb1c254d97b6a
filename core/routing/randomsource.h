#pragma once
// The random source of routing decisions, injected so that tests and replays are deterministic.
// splitmix64: tiny state, the same sequence on every platform (unlike std:: distributions), and
// cheap enough to keep one per API thread.

#include <cstdint>

namespace sy::routing {

class RandomSource {
public:
    explicit RandomSource(std::uint64_t seed)
        : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Uniform in [0, bound) for bound > 0: rejects the few values that would bias the modulo.
    std::uint64_t below(std::uint64_t bound) {
        const std::uint64_t threshold = (0 - bound) % bound; // 2^64 mod bound
        for (;;) {
            const std::uint64_t r = next();
            if (r >= threshold)
                return r % bound;
        }
    }

private:
    std::uint64_t state_;
};

} // namespace sy::routing
