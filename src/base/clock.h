// Clock: the one source of time. Injected everywhere so tests can move time by hand.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace starling {

using TimePoint = std::chrono::system_clock::time_point;

// Thread-safe. `Now()` is wall time (UTC); `Monotonic()` only ever increases and measures durations.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
  // A process-wide instance; lives for the whole program.
  static SystemClock& Instance();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'700'000'000)))
      : now_us_(ToMicros(start)) {}
  TimePoint Now() const override { return TimePoint(std::chrono::microseconds(now_us_.load())); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(std::chrono::microseconds(now_us_.load()));
  }
  void Advance(std::chrono::microseconds by) { now_us_ += by.count(); }
  void Set(TimePoint t) { now_us_ = ToMicros(t); }

 private:
  static int64_t ToMicros(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> now_us_;
};

// The system clock moved forward by an offset that tests advance (the server's `test_clock` setting:
// end-to-end tests fast-forward past the cart-abandonment delay). Thread-safe.
class OffsetClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now() + std::chrono::microseconds(offset_us_.load()); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now() + std::chrono::microseconds(offset_us_.load());
  }
  void Advance(std::chrono::microseconds by) { offset_us_ += by.count(); }

 private:
  std::atomic<int64_t> offset_us_{0};
};

// "2024-05-01T12:00:00.123Z": ISO 8601 UTC with milliseconds, the text form of every stored timestamp
// (it sorts as text). Negative times (before 1970) are not supported.
std::string FormatIsoUtc(TimePoint t);
// Parses what FormatIsoUtc writes, also without milliseconds ("2024-05-01T12:00:00Z").
Result<TimePoint> ParseIsoUtc(std::string_view text);
// Parses a time as clients send it (RFC 3339): "2024-05-01T12:00:00Z" with 0 to 9 fractional digits and
// "Z" or an offset ("+02:00", "-0530"), converted to UTC; microseconds are kept, finer digits dropped.
Result<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace starling
