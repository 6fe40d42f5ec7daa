// RateLimiter: fixed-window request counters per key, for API-key limits and sign-in throttling.
//
// Each key (an API key id, an email, an IP address: the caller chooses, and may prefix, "ip:...")
// gets `limit` units per window. Its window starts with its first Take and lasts `window`; the next
// Take after that starts a new one (like GitHub's API). Time comes from the injected Clock, in
// whole seconds.
//
// Typical uses:
// - API keys: `auto d = limiter.Take(key_id);`, then
//   `RateLimiter::AddHeaders(d, response.headers);`, and when `!d.allowed` answer 429
//   `rate_limited` (the headers then include `Retry-After`).
// - Sign-in: one limiter per dimension (email, IP). Before checking the password, answer 429 when
//   `Peek(email)` or `Peek(ip)` refuses; count each failure with `Take`; `Reset(email)` after a
//   success. Peek-then-Take lets parallel attempts through before the first failure is counted; to
//   count exactly, Take before checking the password and Reset(email) on success instead.
//
// Memory is bounded. A key whose window has ended is forgotten (lazily, by later Takes), and at
// most `max_keys` keys are tracked (about 150 bytes each plus the key text). When a new key arrives
// at the cap, the key whose window started longest ago is forgotten to make room; a forgotten key
// starts over with a full budget. So an attacker cycling through many keys can cut other keys'
// windows short, but cannot grow memory. Keys are spread over `shards` shards (16 by default), each
// with its own mutex and its share of `max_keys`: the cap and the eviction order apply per shard.
// Keys are hashed with std::hash (unseeded): crafted colliding keys slow down one shard, to at
// worst a scan of its share.
//
// Thread-safe: every method may be called from any thread; keys of different shards do not contend.
// No Beast or Asio here: this depends only on base/.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace starling::http {

// The answer of Take or Peek, with what the X-RateLimit-* and Retry-After headers carry.
struct RateLimitDecision {
  bool allowed = true;
  uint32_t limit = 0;      // units per window (X-RateLimit-Limit)
  uint32_t remaining = 0;  // left in the current window after this decision (X-RateLimit-Remaining)
  int64_t reset_unix_seconds = 0;   // when the current window ends (X-RateLimit-Reset)
  int64_t retry_after_seconds = 0;  // 0 when allowed; otherwise >= 1, until the reset (Retry-After)
};

class RateLimiter final {
 public:
  struct Options {
    uint32_t limit = 0;              // units per window, >= 1
    std::chrono::seconds window{0};  // 1 second … 366 days
    size_t max_keys = 100000;        // keys tracked at most, >= 1
    // Independently locked parts, 1 to 1024; min(shards, max_keys) are used. More: less contention.
    size_t shards = 16;
  };

  // Says what is wrong with `options` ("rate limit window must be at least 1 second, got 0s");
  // check configuration with it before constructing.
  static Status Validate(const Options& options);

  // `options` must pass Validate (CHECK). `clock` must outlive the limiter.
  RateLimiter(Options options, const Clock& clock);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Counts `cost` units against `key` if they fit in what is left of its window, and says whether
  // they did. A refused Take counts nothing (so a costly request does not use up the budget of
  // cheaper ones); a cost above `limit` is always refused. Starts a new window when the key has
  // none.
  RateLimitDecision Take(std::string_view key, uint32_t cost = 1);

  // What a Take of one unit would decide now, without counting anything or starting a window.
  RateLimitDecision Peek(std::string_view key) const;

  // Forgets `key`: its next Take starts a new window with the full budget.
  void Reset(std::string_view key);

  // Keys tracked now, including ended windows not yet forgotten. For tests and metrics.
  size_t size() const;
  const Options& options() const { return options_; }

  // Appends X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset, and Retry-After when
  // `decision` refused, to `headers` (e.g. Response::headers).
  static void AddHeaders(const RateLimitDecision& decision,
                         std::vector<std::pair<std::string, std::string>>& headers);

 private:
  struct Window {
    std::string key;
    int64_t start = 0;  // Unix seconds
    uint32_t used = 0;
  };
  struct alignas(64) Shard {  // own cache line: shards are locked by different threads
    mutable std::mutex mutex;
    std::list<Window> windows;  // by window start, oldest first
    // Views into the keys of `windows`, whose nodes never move.
    std::unordered_map<std::string_view, std::list<Window>::iterator> index;
    size_t capacity = 0;
  };

  int64_t NowSeconds() const;
  size_t ShardIndex(std::string_view key) const;
  bool IsCurrent(const Window& window, int64_t now) const;
  void EvictEnded(Shard& shard, int64_t now);
  RateLimitDecision Decide(const Window* window, int64_t now, uint32_t cost) const;

  const Options options_;
  const Clock& clock_;
  std::vector<Shard> shards_;
};

}  // namespace starling::http
