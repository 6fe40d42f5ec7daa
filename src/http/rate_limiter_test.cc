#include "http/rate_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace starling::http {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr int64_t kT0 = 1'700'000'000;  // FakeClock's default start, Unix seconds

RateLimiter::Options Opts(uint32_t limit, seconds window, size_t max_keys = 100000,
                          size_t shards = 16) {
  return RateLimiter::Options{
      .limit = limit, .window = window, .max_keys = max_keys, .shards = shards};
}

TEST(RateLimiterTest, ValidateSaysWhatIsWrong) {
  EXPECT_TRUE(RateLimiter::Validate(Opts(1, seconds(1))));
  EXPECT_TRUE(RateLimiter::Validate(Opts(5000, hours(24 * 366), 1, 1)));

  Status no_limit = RateLimiter::Validate(Opts(0, seconds(60)));
  ASSERT_FALSE(no_limit);
  EXPECT_EQ(no_limit.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(no_limit.error().message, HasSubstr("at least 1 request per window"));
  EXPECT_THAT(RateLimiter::Validate(Opts(10, seconds(0))).error().message,
              HasSubstr("window must be at least 1 second, got 0s"));
  EXPECT_THAT(RateLimiter::Validate(Opts(10, seconds(-5))).error().message, HasSubstr("got -5s"));
  EXPECT_THAT(RateLimiter::Validate(Opts(10, hours(24 * 367))).error().message,
              HasSubstr("at most 366 days"));
  EXPECT_THAT(RateLimiter::Validate(Opts(10, seconds(60), 0)).error().message,
              HasSubstr("max_keys must be at least 1"));
  EXPECT_THAT(RateLimiter::Validate(Opts(10, seconds(60), 100, 0)).error().message,
              HasSubstr("shards must be between 1 and 1024, got 0"));
}

TEST(RateLimiterTest, AllowsUpToTheLimitThenRefuses) {
  FakeClock clock;
  RateLimiter limiter(Opts(3, seconds(60)), clock);
  for (uint32_t expected_remaining : {2u, 1u, 0u}) {
    RateLimitDecision d = limiter.Take("key");
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.limit, 3u);
    EXPECT_EQ(d.remaining, expected_remaining);
    EXPECT_EQ(d.reset_unix_seconds, kT0 + 60);
    EXPECT_EQ(d.retry_after_seconds, 0);
  }
  RateLimitDecision refused = limiter.Take("key");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 3u);
  EXPECT_EQ(refused.remaining, 0u);
  EXPECT_EQ(refused.reset_unix_seconds, kT0 + 60);
  EXPECT_EQ(refused.retry_after_seconds, 60);

  clock.Advance(seconds(10));
  refused = limiter.Take("key");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reset_unix_seconds, kT0 + 60);
  EXPECT_EQ(refused.retry_after_seconds, 50);
}

TEST(RateLimiterTest, NewWindowAllowsAgainExactlyAtTheReset) {
  FakeClock clock;
  RateLimiter limiter(Opts(2, seconds(60)), clock);
  ASSERT_TRUE(limiter.Take("key").allowed);
  ASSERT_TRUE(limiter.Take("key").allowed);

  clock.Advance(seconds(60) - microseconds(1));  // still inside the window
  RateLimitDecision last_moment = limiter.Take("key");
  EXPECT_FALSE(last_moment.allowed);
  EXPECT_EQ(last_moment.retry_after_seconds, 1);  // never 0 when refused

  clock.Advance(microseconds(1));  // kT0 + 60: the reset
  RateLimitDecision fresh = limiter.Take("key");
  EXPECT_TRUE(fresh.allowed);
  EXPECT_EQ(fresh.remaining, 1u);
  EXPECT_EQ(fresh.reset_unix_seconds, kT0 + 120);
}

TEST(RateLimiterTest, WindowStartsAtTheKeysFirstTake) {
  FakeClock clock;
  RateLimiter limiter(Opts(5, seconds(60)), clock);
  limiter.Take("early");
  clock.Advance(milliseconds(17'400));  // whole seconds count: the window starts at kT0 + 17
  RateLimitDecision late = limiter.Take("late");
  EXPECT_EQ(late.reset_unix_seconds, kT0 + 17 + 60);
  EXPECT_EQ(limiter.Take("early").reset_unix_seconds, kT0 + 60);

  // After a window ends, the next one starts at that next Take, not at the old reset.
  clock.Advance(seconds(100));
  EXPECT_EQ(limiter.Take("early").reset_unix_seconds, kT0 + 117 + 60);
}

TEST(RateLimiterTest, KeysAreCountedSeparately) {
  FakeClock clock;
  RateLimiter limiter(Opts(1, seconds(60)), clock);
  EXPECT_TRUE(limiter.Take("email:ana@shop.example").allowed);
  EXPECT_FALSE(limiter.Take("email:ana@shop.example").allowed);
  EXPECT_TRUE(limiter.Take("email:bo@shop.example").allowed);
  EXPECT_TRUE(limiter.Take("ip:203.0.113.7").allowed);
  EXPECT_TRUE(limiter.Take("").allowed);
  EXPECT_FALSE(limiter.Take("").allowed);
  EXPECT_EQ(limiter.size(), 4u);
}

TEST(RateLimiterTest, PeekDoesNotCount) {
  FakeClock clock;
  RateLimiter limiter(Opts(3, seconds(60)), clock);
  RateLimitDecision unknown = limiter.Peek("key");
  EXPECT_TRUE(unknown.allowed);
  EXPECT_EQ(unknown.remaining, 3u);
  EXPECT_EQ(unknown.reset_unix_seconds, kT0 + 60);
  EXPECT_EQ(limiter.size(), 0u);  // no window started

  limiter.Take("key");
  limiter.Take("key");
  for (int i = 0; i < 5; ++i) {
    RateLimitDecision peek = limiter.Peek("key");
    EXPECT_TRUE(peek.allowed);
    EXPECT_EQ(peek.remaining, 1u);
    EXPECT_EQ(peek.retry_after_seconds, 0);
  }
  EXPECT_TRUE(limiter.Take("key").allowed);

  clock.Advance(seconds(20));
  RateLimitDecision exhausted = limiter.Peek("key");
  EXPECT_FALSE(exhausted.allowed);
  EXPECT_EQ(exhausted.remaining, 0u);
  EXPECT_EQ(exhausted.reset_unix_seconds, kT0 + 60);
  EXPECT_EQ(exhausted.retry_after_seconds, 40);

  clock.Advance(seconds(40));
  RateLimitDecision after = limiter.Peek("key");
  EXPECT_TRUE(after.allowed);
  EXPECT_EQ(after.remaining, 3u);
  EXPECT_EQ(after.reset_unix_seconds, kT0 + 120);
}

TEST(RateLimiterTest, CostCountsSeveralUnitsAndARefusalCountsNothing) {
  FakeClock clock;
  RateLimiter limiter(Opts(10, seconds(60)), clock);
  RateLimitDecision first = limiter.Take("key", 5);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining, 5u);

  RateLimitDecision too_much = limiter.Take("key", 6);
  EXPECT_FALSE(too_much.allowed);
  EXPECT_EQ(too_much.remaining, 5u);
  EXPECT_EQ(too_much.retry_after_seconds, 60);

  RateLimitDecision exact = limiter.Take("key", 5);
  EXPECT_TRUE(exact.allowed);
  EXPECT_EQ(exact.remaining, 0u);

  // More than the whole limit never fits, even in a fresh window, and uses nothing up.
  RateLimitDecision huge = limiter.Take("other", 11);
  EXPECT_FALSE(huge.allowed);
  EXPECT_EQ(huge.remaining, 10u);
  EXPECT_TRUE(limiter.Take("other", 10).allowed);
  EXPECT_FALSE(limiter.Take("max", UINT32_MAX).allowed);  // no overflow
}

TEST(RateLimiterTest, ResetStartsTheKeyOver) {
  FakeClock clock;
  RateLimiter limiter(Opts(2, seconds(900)), clock);
  limiter.Take("email:ana@shop.example");
  limiter.Take("email:ana@shop.example");
  limiter.Take("email:bo@shop.example");
  ASSERT_FALSE(limiter.Peek("email:ana@shop.example").allowed);

  clock.Advance(seconds(30));
  limiter.Reset("email:ana@shop.example");
  EXPECT_EQ(limiter.size(), 1u);
  RateLimitDecision peek = limiter.Peek("email:ana@shop.example");
  EXPECT_TRUE(peek.allowed);
  EXPECT_EQ(peek.remaining, 2u);
  RateLimitDecision take = limiter.Take("email:ana@shop.example");
  EXPECT_TRUE(take.allowed);
  EXPECT_EQ(take.remaining, 1u);
  EXPECT_EQ(take.reset_unix_seconds, kT0 + 30 + 900);
  // Other keys keep their count; resetting an unknown key does nothing.
  EXPECT_EQ(limiter.Peek("email:bo@shop.example").remaining, 1u);
  limiter.Reset("nobody");
  EXPECT_EQ(limiter.size(), 2u);
}

// The sign-in flow of docs/api-accounts.md: 5 failures for one email within 15 minutes → 429.
TEST(RateLimiterTest, SignInThrottlingFlow) {
  FakeClock clock;
  RateLimiter per_email(Opts(5, seconds(15 * 60)), clock);
  for (int failure = 0; failure < 5; ++failure) {
    ASSERT_TRUE(per_email.Peek("ana@shop.example").allowed) << failure;
    per_email.Take("ana@shop.example");  // the password was wrong
    clock.Advance(seconds(10));
  }
  RateLimitDecision blocked = per_email.Peek("ana@shop.example");
  EXPECT_FALSE(blocked.allowed);
  EXPECT_EQ(blocked.retry_after_seconds, 15 * 60 - 50);

  clock.Advance(seconds(15 * 60 - 50));
  EXPECT_TRUE(per_email.Peek("ana@shop.example").allowed);
}

TEST(RateLimiterTest, ClockGoingBackStartsANewWindowInsteadOfStretchingTheOld) {
  FakeClock clock;
  RateLimiter limiter(Opts(1, seconds(60)), clock);
  ASSERT_TRUE(limiter.Take("key").allowed);
  ASSERT_FALSE(limiter.Take("key").allowed);
  clock.Set(TimePoint(seconds(kT0 - 3600)));
  EXPECT_TRUE(limiter.Peek("key").allowed);
  RateLimitDecision d = limiter.Take("key");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reset_unix_seconds, kT0 - 3600 + 60);
}

TEST(RateLimiterTest, MemoryStaysWithinMaxKeys) {
  FakeClock clock;
  RateLimiter limiter(Opts(10, hours(1), 100), clock);
  for (int i = 0; i < 10'000; ++i) {
    limiter.Take("attacker-" + std::to_string(i));
    ASSERT_LE(limiter.size(), 100u);
  }
  EXPECT_EQ(limiter.size(), 100u);  // every shard is full
  // The newest key is tracked; the first ones were forgotten and start over.
  EXPECT_EQ(limiter.Peek("attacker-9999").remaining, 9u);
  int forgotten = 0;
  for (int i = 0; i < 100; ++i) {
    if (limiter.Peek("attacker-" + std::to_string(i)).remaining == 10u) ++forgotten;
  }
  EXPECT_EQ(forgotten, 100);
}

TEST(RateLimiterTest, AtTheCapTheOldestWindowIsForgotten) {
  FakeClock clock;
  RateLimiter limiter(Opts(10, seconds(100), /*max_keys=*/3, /*shards=*/1), clock);
  limiter.Take("a");
  clock.Advance(seconds(1));
  limiter.Take("b");
  clock.Advance(seconds(1));
  limiter.Take("c");
  clock.Advance(seconds(1));
  limiter.Take("a");  // same window: "a" stays the oldest
  limiter.Take("d");  // at the cap: "a" goes
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_EQ(limiter.Peek("a").remaining, 10u);
  EXPECT_EQ(limiter.Peek("b").remaining, 9u);
  EXPECT_EQ(limiter.Peek("c").remaining, 9u);
  EXPECT_EQ(limiter.Peek("d").remaining, 9u);

  // A key starting a new window becomes the youngest.
  clock.Advance(seconds(97));  // kT0 + 100: "b" (started kT0 + 1) is still current
  limiter.Take("b");
  clock.Advance(seconds(1));  // kT0 + 101: "b"'s first window has ended
  limiter.Take("b");          // restarts "b" at kT0 + 101
  EXPECT_EQ(limiter.Peek("b").remaining, 9u);
  limiter.Take("e");  // "c" (kT0 + 2) is the oldest now
  EXPECT_EQ(limiter.Peek("b").remaining, 9u);
  EXPECT_EQ(limiter.Peek("c").remaining, 10u);
  EXPECT_EQ(limiter.Peek("d").remaining, 9u);
  EXPECT_EQ(limiter.Peek("e").remaining, 9u);
}

TEST(RateLimiterTest, EndedWindowsAreForgottenByLaterTakes) {
  FakeClock clock;
  RateLimiter limiter(Opts(10, seconds(10), 1000, 1), clock);
  for (int i = 0; i < 50; ++i) limiter.Take("k" + std::to_string(i));
  EXPECT_EQ(limiter.size(), 50u);
  clock.Advance(seconds(10));
  EXPECT_EQ(limiter.size(), 50u);  // nothing runs in the background

  // A bounded number of ended windows goes per call; "k49" itself starts a new window in place.
  RateLimitDecision restarted = limiter.Take("k49");
  EXPECT_TRUE(restarted.allowed);
  EXPECT_EQ(restarted.remaining, 9u);
  EXPECT_EQ(restarted.reset_unix_seconds, kT0 + 20);
  EXPECT_LT(limiter.size(), 50u);
  EXPECT_GT(limiter.size(), 1u);

  for (int i = 0; i < 10; ++i) limiter.Take("fresh");
  EXPECT_EQ(limiter.size(), 2u);  // "k49" and "fresh"
  EXPECT_EQ(limiter.Peek("k49").remaining, 9u);
}

TEST(RateLimiterTest, MaxKeysBelowTheShardCountStillHoldsThatManyKeys) {
  FakeClock clock;
  RateLimiter limiter(Opts(1, seconds(60), 2), clock);  // 2 shards of 1
  for (int i = 0; i < 100; ++i) limiter.Take("k" + std::to_string(i));
  EXPECT_LE(limiter.size(), 2u);
  EXPECT_GE(limiter.size(), 1u);
  EXPECT_FALSE(limiter.Take("k99").allowed);  // the newest key is always tracked
}

TEST(RateLimiterTest, ConcurrentTakesCountExactly) {
  FakeClock clock;
  RateLimiter limiter(Opts(1'000'000, seconds(60)), clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        if (limiter.Take("shared").allowed) ++allowed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 40'000);
  EXPECT_EQ(limiter.Peek("shared").remaining, 1'000'000u - 40'000u);
}

TEST(RateLimiterTest, ConcurrentTakesNeverExceedTheLimit) {
  FakeClock clock;
  RateLimiter limiter(Opts(1'000, seconds(60)), clock);
  RateLimiter capped(Opts(1'000, seconds(60), 64), clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10'000; ++i) {
        if (limiter.Take("shared").allowed) ++allowed;
        limiter.Peek("shared");
        // Other keys go through the other shards meanwhile, and churn through a capped limiter.
        std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        limiter.Take(key);
        capped.Take(key);
        if (i % 100 == 0) limiter.Reset(key);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1'000);
  EXPECT_EQ(limiter.size(), 1u + 4 * 10'000 - 4 * 100);
  EXPECT_EQ(capped.size(), 64u);
}

TEST(RateLimiterTest, AddHeadersWritesTheRateLimitHeaders) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  RateLimiter::AddHeaders(RateLimitDecision{.allowed = true,
                                            .limit = 5000,
                                            .remaining = 4999,
                                            .reset_unix_seconds = kT0 + 3600,
                                            .retry_after_seconds = 0},
                          headers);
  EXPECT_THAT(
      headers,
      ElementsAre(Pair("Content-Type", "application/json"), Pair("X-RateLimit-Limit", "5000"),
                  Pair("X-RateLimit-Remaining", "4999"), Pair("X-RateLimit-Reset", "1700003600")));

  headers.clear();
  FakeClock clock;
  RateLimiter limiter(Opts(1, seconds(60)), clock);
  limiter.Take("key");
  clock.Advance(seconds(18));
  RateLimiter::AddHeaders(limiter.Take("key"), headers);
  EXPECT_THAT(headers,
              ElementsAre(Pair("X-RateLimit-Limit", "1"), Pair("X-RateLimit-Remaining", "0"),
                          Pair("X-RateLimit-Reset", "1700000060"), Pair("Retry-After", "42")));
}

}  // namespace
}  // namespace starling::http
