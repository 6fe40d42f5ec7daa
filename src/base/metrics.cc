#include "base/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include "base/check.h"

namespace starling {
namespace {

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="x",b="y"} or empty.
std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first;
    out += "=\"";
    out += EscapeLabelValue(labels[i].second);
    out += '"';
  }
  out += '}';
  return out;
}

// Adds one more label to an already-rendered label set.
std::string WithLabel(const std::string& rendered, const std::string& name, const std::string& value) {
  std::string extra = fmt::format("{}=\"{}\"", name, value);
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

std::string FormatDouble(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[upper_bounds_.size()]) {
  CHECK(std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()));
  for (size_t i = 0; i < upper_bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  if (it != upper_bounds_.end()) {
    buckets_[it - upper_bounds_.begin()].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<uint64_t>(std::max(0.0, value) * 1e6), std::memory_order_relaxed);
}

double Histogram::Sum() const { return static_cast<double>(sum_micro_.load()) / 1e6; }

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> out(upper_bounds_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> LatencyBuckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
          0.025,   0.05,   0.1,     0.25,   0.5,   1,      2.5,    10};
}

MetricsRegistry::Family& MetricsRegistry::FamilyLocked(const std::string& name,
                                                       const std::string& help, Kind kind) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.kind = kind;
    it->second.help = help;
  }
  CHECK(it->second.kind == kind) << "metric " << name << " registered with two kinds";
  return it->second;
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  std::string rendered = RenderLabels(labels);
  std::string key = name + '\0' + rendered;
  {
    std::shared_lock lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) return *static_cast<Counter*>(it->second);
  }
  std::unique_lock lock(mutex_);
  Family& family = FamilyLocked(name, help, Kind::kCounter);
  auto& slot = family.counters[rendered];
  if (!slot) slot = std::make_unique<Counter>();
  index_[key] = slot.get();
  return *slot;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const Labels& labels,
                                         const std::vector<double>& upper_bounds) {
  std::string rendered = RenderLabels(labels);
  std::string key = name + '\0' + rendered;
  {
    std::shared_lock lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) return *static_cast<Histogram*>(it->second);
  }
  std::unique_lock lock(mutex_);
  Family& family = FamilyLocked(name, help, Kind::kHistogram);
  auto& slot = family.histograms[rendered];
  if (!slot) slot = std::make_unique<Histogram>(upper_bounds);
  index_[key] = slot.get();
  return *slot;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += fmt::format("# HELP {} {}\n", name, family.help);
    if (family.kind == Kind::kCounter) {
      out += fmt::format("# TYPE {} counter\n", name);
      for (const auto& [labels, counter] : family.counters) {
        out += fmt::format("{}{} {}\n", name, labels, counter->Value());
      }
    } else {
      out += fmt::format("# TYPE {} histogram\n", name);
      for (const auto& [labels, h] : family.histograms) {
        auto cumulative = h->CumulativeCounts();
        for (size_t i = 0; i < cumulative.size(); ++i) {
          out += fmt::format("{}_bucket{} {}\n", name,
                             WithLabel(labels, "le", FormatDouble(h->upper_bounds()[i])),
                             cumulative[i]);
        }
        out += fmt::format("{}_bucket{} {}\n", name, WithLabel(labels, "le", "+Inf"), h->Count());
        out += fmt::format("{}_sum{} {}\n", name, labels, FormatDouble(h->Sum()));
        out += fmt::format("{}_count{} {}\n", name, labels, h->Count());
      }
    }
  }
  return out;
}

}  // namespace starling
