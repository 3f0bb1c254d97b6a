#pragma once
// A small std::expected stand-in (C++20 has none): the core's one way to return
// "a value or a typed error" without throwing across its boundary.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace sy {

// The default error of the core: a stable machine-readable code and a message for humans that
// names the cause ("groups.eu.rulesByRole[1].max: must be >= min (2)").
struct Error {
    std::string code;
    std::string message;
};

template <class E>
struct Unexpected {
    E error;
};

template <class E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
    return {std::forward<E>(e)};
}

inline Unexpected<Error> fail(std::string code, std::string message) {
    return {Error{std::move(code), std::move(message)}};
}

template <class T, class E = Error>
class [[nodiscard]] Result {
public:
    Result(T value)
        : v_(std::in_place_index<0>, std::move(value)) {} // NOLINT implicit by design
    template <class G>
    Result(Unexpected<G> e)
        : v_(std::in_place_index<1>, std::move(e.error)) {} // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const& {
        assert(!ok());
        return std::get<1>(v_);
    }
    E&& error() && {
        assert(!ok());
        return std::get<1>(std::move(v_));
    }

private:
    std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    template <class G>
    Result(Unexpected<G> e)
        : err_(std::move(e.error))
        , failed_(true) {} // NOLINT

    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const E& error() const& {
        assert(failed_);
        return err_;
    }

private:
    E err_{};
    bool failed_ = false;
};

} // namespace sy
