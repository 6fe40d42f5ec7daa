// Result<T>: a value or an Error, for failures the caller is expected to handle.
//
// The same shape as tl::expected / std::expected (value(), error(), operator bool, operator*), written here
// because GCC 12 has no std::expected. (Bookworm's libexpected-dev has tl::expected; ours adds implicit
// construction from Error, which keeps `return Error::NotFound(…);` short.) Accessing the value of a
// failed Result (or the error of a successful one) is a bug and aborts via CHECK.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "base/check.h"
#include "base/error.h"

namespace starling {

// Wraps an Error so `return Unexpected(err);` converts into any Result<T>.
class Unexpected {
 public:
  explicit Unexpected(Error error) : error_(std::move(error)) {}
  Error& error() & { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result()
    requires std::is_default_constructible_v<T>
      : data_(std::in_place_index<0>) {}
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Result> &&
             !std::is_same_v<std::decay_t<U>, Unexpected> && !std::is_same_v<std::decay_t<U>, Error> &&
             !std::is_same_v<std::decay_t<U>, T>)
  Result(U&& value) : data_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  Result(Unexpected unexpected) : data_(std::in_place_index<1>, std::move(unexpected).error()) {}  // NOLINT
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    CHECK(has_value()) << "value() of a failed Result: " << std::get<1>(data_).ToString();
    return std::get<0>(data_);
  }
  const T& value() const& {
    CHECK(has_value()) << "value() of a failed Result: " << std::get<1>(data_).ToString();
    return std::get<0>(data_);
  }
  T&& value() && {
    CHECK(has_value()) << "value() of a failed Result: " << std::get<1>(data_).ToString();
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    CHECK(!has_value()) << "error() of a successful Result";
    return std::get<1>(data_);
  }
  Error&& error() && {
    CHECK(!has_value()) << "error() of a successful Result";
    return std::get<1>(std::move(data_));
  }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> data_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  Result() = default;
  Result(Unexpected unexpected) : error_(std::move(unexpected).error()), ok_(false) {}  // NOLINT
  Result(Error error) : error_(std::move(error)), ok_(false) {}                         // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const { CHECK(ok_) << "value() of a failed Result: " << error_.ToString(); }
  const Error& error() const& {
    CHECK(!ok_) << "error() of a successful Result";
    return error_;
  }
  Error&& error() && {
    CHECK(!ok_) << "error() of a successful Result";
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace starling

#define STARLING_CONCAT_INNER(a, b) a##b
#define STARLING_CONCAT(a, b) STARLING_CONCAT_INNER(a, b)

// Evaluates `expr` (a Result); on failure returns its error from the enclosing function. Each use gets
// its own variable name (__COUNTER__), so uses nested inside a lambda in `expr` do not shadow.
#define STARLING_TRY(expr) STARLING_TRY_IMPL(STARLING_CONCAT(starling_try_result_, __COUNTER__), expr)
#define STARLING_TRY_IMPL(tmp, expr)                                             \
  do {                                                                           \
    auto&& tmp = (expr);                                                         \
    if (!tmp) return ::starling::Unexpected(std::move(tmp).error());             \
  } while (0)

// STARLING_ASSIGN_OR_RETURN(auto x, Compute()); — binds the value or returns the error.
#define STARLING_ASSIGN_OR_RETURN(lhs, expr) \
  STARLING_ASSIGN_OR_RETURN_IMPL(STARLING_CONCAT(starling_result_, __COUNTER__), lhs, expr)
#define STARLING_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                            \
  auto tmp = (expr);                                                              \
  if (!tmp) return ::starling::Unexpected(std::move(tmp).error());                \
  lhs = std::move(tmp).value()
