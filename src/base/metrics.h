// Metrics: counters and histograms, rendered in the Prometheus text exposition format.
//
// Thread-safe. Looking up a series takes a shared lock and a hash lookup; callers on a hot path keep the
// returned reference (series are never removed, so references stay valid for the registry's lifetime).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace starling {

// Label pairs in a fixed order, e.g. {{"route", "/healthz"}, {"status", "200"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter final {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Cumulative histogram with fixed upper bounds (in the metric's unit, seconds for latencies).
class Histogram final {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Observations <= upper_bounds()[i] (cumulative), for i in [0, bounds); the +Inf bucket is Count().
  std::vector<uint64_t> CumulativeCounts() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative, one per bound
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // sum in millionths of the unit, to stay lock-free
};

// Default latency buckets, in seconds: 50 µs .. 10 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry final {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the series, creating it (and its family, with `help`) on first use.
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help, const Labels& labels = {},
                          const std::vector<double>& upper_bounds = LatencyBuckets());

  // The whole registry in Prometheus text format (version 0.0.4), families sorted by name.
  std::string RenderPrometheus() const;

 private:
  enum class Kind { kCounter, kHistogram };
  struct Family {
    Kind kind;
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // key: rendered labels
    std::map<std::string, std::unique_ptr<Histogram>> histograms;  // key: rendered labels
  };
  Family& FamilyLocked(const std::string& name, const std::string& help, Kind kind);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family> families_;
  // name + '\0' + rendered labels -> series, for the lock-shared fast path.
  std::unordered_map<std::string, void*> index_;
};

}  // namespace starling
