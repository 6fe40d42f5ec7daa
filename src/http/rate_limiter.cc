#include "http/rate_limiter.h"

#include <algorithm>
#include <functional>
#include <iterator>

#include "base/check.h"

namespace starling::http {
namespace {

// Ended windows forgotten per Take at most, so one call never pays for a large batch that ended
// together; the rest go on later calls (or at the cap, oldest first, anyway).
constexpr int kMaxEvictionsPerTake = 16;
constexpr size_t kMaxShards = 1024;
constexpr std::chrono::seconds kMaxWindow = std::chrono::hours(24 * 366);

}  // namespace

Status RateLimiter::Validate(const Options& options) {
  if (options.limit < 1) {
    return Error::InvalidArgument("rate limit must allow at least 1 request per window, got 0");
  }
  if (options.window < std::chrono::seconds(1)) {
    return Error::InvalidArgument("rate limit window must be at least 1 second, got " +
                                  std::to_string(options.window.count()) + "s");
  }
  if (options.window > kMaxWindow) {
    return Error::InvalidArgument("rate limit window must be at most 366 days, got " +
                                  std::to_string(options.window.count()) + "s");
  }
  if (options.max_keys < 1) {
    return Error::InvalidArgument("rate limiter max_keys must be at least 1, got 0");
  }
  if (options.shards < 1 || options.shards > kMaxShards) {
    return Error::InvalidArgument("rate limiter shards must be between 1 and " +
                                  std::to_string(kMaxShards) + ", got " +
                                  std::to_string(options.shards));
  }
  return Ok();
}

RateLimiter::RateLimiter(Options options, const Clock& clock)
    : options_(options), clock_(clock), shards_(std::min(options.shards, options.max_keys)) {
  Status valid = Validate(options_);
  CHECK(valid) << valid.error().message;
  // Split max_keys exactly: the first `max_keys % n` shards take one more.
  const size_t n = shards_.size();
  for (size_t i = 0; i < n; ++i) {
    shards_[i].capacity = options_.max_keys / n + (i < options_.max_keys % n ? 1 : 0);
  }
}

int64_t RateLimiter::NowSeconds() const {
  return std::chrono::floor<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
}

size_t RateLimiter::ShardIndex(std::string_view key) const {
  return std::hash<std::string_view>{}(key) % shards_.size();
}

// A window is current from its start until start + window. A start in the future means the wall
// clock went back; that window is treated as ended rather than stretched by the jump.
bool RateLimiter::IsCurrent(const Window& window, int64_t now) const {
  return window.start <= now && now < window.start + options_.window.count();
}

void RateLimiter::EvictEnded(Shard& shard, int64_t now) {
  for (int i = 0; i < kMaxEvictionsPerTake && !shard.windows.empty(); ++i) {
    const Window& oldest = shard.windows.front();
    if (IsCurrent(oldest, now)) break;
    shard.index.erase(oldest.key);
    shard.windows.pop_front();
  }
}

RateLimitDecision RateLimiter::Decide(const Window* window, int64_t now, uint32_t cost) const {
  RateLimitDecision decision;
  decision.limit = options_.limit;
  const uint32_t used = window != nullptr ? window->used : 0;
  const int64_t start = window != nullptr ? window->start : now;
  decision.allowed = uint64_t{used} + cost <= options_.limit;
  decision.remaining = options_.limit - used;
  decision.reset_unix_seconds = start + options_.window.count();
  decision.retry_after_seconds = decision.allowed ? 0 : decision.reset_unix_seconds - now;
  return decision;
}

RateLimitDecision RateLimiter::Take(std::string_view key, uint32_t cost) {
  const int64_t now = NowSeconds();
  Shard& shard = shards_[ShardIndex(key)];
  std::lock_guard lock(shard.mutex);
  EvictEnded(shard, now);

  auto found = shard.index.find(key);
  std::list<Window>::iterator window;
  if (found == shard.index.end()) {
    if (shard.index.size() >= shard.capacity) {  // at the cap: forget the oldest window
      shard.index.erase(shard.windows.front().key);
      shard.windows.pop_front();
    }
    shard.windows.push_back(Window{std::string(key), now, 0});
    window = std::prev(shard.windows.end());
    shard.index.emplace(window->key, window);
  } else {
    window = found->second;
    if (!IsCurrent(*window, now)) {  // a new window: it moves to the young end
      window->start = now;
      window->used = 0;
      shard.windows.splice(shard.windows.end(), shard.windows, window);
    }
  }

  RateLimitDecision decision = Decide(&*window, now, cost);
  if (decision.allowed) {
    window->used += cost;
    decision.remaining -= cost;
  }
  return decision;
}

RateLimitDecision RateLimiter::Peek(std::string_view key) const {
  const int64_t now = NowSeconds();
  const Shard& shard = shards_[ShardIndex(key)];
  std::lock_guard lock(shard.mutex);
  auto found = shard.index.find(key);
  const Window* window = nullptr;
  if (found != shard.index.end() && IsCurrent(*found->second, now)) window = &*found->second;
  return Decide(window, now, 1);
}

void RateLimiter::Reset(std::string_view key) {
  Shard& shard = shards_[ShardIndex(key)];
  std::lock_guard lock(shard.mutex);
  auto found = shard.index.find(key);
  if (found == shard.index.end()) return;
  std::list<Window>::iterator window = found->second;
  shard.index.erase(found);
  shard.windows.erase(window);
}

size_t RateLimiter::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.index.size();
  }
  return total;
}

void RateLimiter::AddHeaders(const RateLimitDecision& decision,
                             std::vector<std::pair<std::string, std::string>>& headers) {
  headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
  headers.emplace_back("X-RateLimit-Remaining", std::to_string(decision.remaining));
  headers.emplace_back("X-RateLimit-Reset", std::to_string(decision.reset_unix_seconds));
  if (!decision.allowed) {
    headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
  }
}

}  // namespace starling::http
