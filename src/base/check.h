// CHECK(cond) << "context": aborts with a message when an invariant is broken.
//
// Guards impossible states only; it must never fire on user or network input (those get an Error).
// Active in every build type.
#pragma once

#include <sstream>

namespace starling::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  ~CheckFailure();  // Prints the message and aborts.
  template <typename T>
  CheckFailure& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  std::ostringstream stream_;
};

// Lets `CHECK(x) << ...` be an expression of type void in both branches.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace starling::internal

#define CHECK(condition)                 \
  (__builtin_expect(!!(condition), 1))   \
      ? (void)0                          \
      : ::starling::internal::Voidify() & \
            ::starling::internal::CheckFailure(__FILE__, __LINE__, #condition)
