// Engine::Subscribe: the live entries of a store pushed to subscribers, each once and in order, with the
// kept ones first. Entries are published with RecordRefused, which needs no store in the database.
// Timers pending in the database fire after a restart without a request to their store.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "db/migrations.h"
#include "db/test_util.h"

namespace starling::engine {
namespace {

// The engine needs the schema (it reads the last event id at start).
std::unique_ptr<db::Database> Migrated(std::unique_ptr<db::Database> database) {
  auto migrated = db::Migrate(*database);
  EXPECT_TRUE(migrated) << (migrated ? "" : migrated.error().message);
  return database;
}

class EngineLiveTest : public ::testing::Test {
 protected:
  EngineLiveTest()
      : database_(Migrated(db::testing::OpenTestDatabase(dir_))),
        committer_(*database_, {}),
        engine_(*database_, committer_, clock_,
                [](int64_t) -> Result<RuntimeSettings> { return RuntimeSettings{}; }, {.workers = 1}) {}
  ~EngineLiveTest() override {
    engine_.Stop();
    committer_.Stop();
  }

  void Refuse(int64_t store_id, const std::string& why) { engine_.RecordRefused(store_id, "script", "203.0.113.7", why); }

  db::testing::TempDir dir_;
  std::unique_ptr<db::Database> database_;
  FakeClock clock_{TimePoint(std::chrono::seconds(1'790'000'000))};
  db::GroupCommitter committer_;
  Engine engine_;
};

// What one subscriber received, safe to read from the test thread.
class Received {
 public:
  LiveCallback Callback() {
    return [this](const std::vector<LiveEntry>& entries) {
      std::lock_guard lock(mutex_);
      ++calls_;
      for (const LiveEntry& e : entries) {
        seqs_.push_back(e.seq);
        statuses_.push_back(e.status);
      }
    };
  }
  std::vector<uint64_t> seqs() {
    std::lock_guard lock(mutex_);
    return seqs_;
  }
  std::vector<std::string> statuses() {
    std::lock_guard lock(mutex_);
    return statuses_;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::vector<uint64_t> seqs_;
  std::vector<std::string> statuses_;
  int calls_ = 0;
};

TEST_F(EngineLiveTest, KeptEntriesComeFirstThenEachNewOneOnce) {
  Refuse(1, "one");
  Refuse(1, "two");
  Refuse(1, "three");
  Refuse(2, "another store");
  Received received;
  LiveSubscription subscription = engine_.Subscribe(1, /*after_seq=*/1, received.Callback());
  // The kept entries were delivered before Subscribe returned, on this thread, in one call.
  EXPECT_EQ(received.seqs(), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(received.calls(), 1);
  Refuse(1, "four");
  Refuse(2, "not for us");
  EXPECT_EQ(received.seqs(), (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(received.statuses(), (std::vector<std::string>{"two", "three", "four"}));

  engine_.Unsubscribe(subscription);
  Refuse(1, "five");
  EXPECT_EQ(received.seqs().size(), 3u);
  engine_.Unsubscribe(subscription);  // again: ignored
}

TEST_F(EngineLiveTest, ASeqTheStoreNeverGaveOutMeansTheServerRestarted) {
  Refuse(1, "one");
  Refuse(1, "two");
  Received up_to_date, from_before_restart, nothing_kept;
  engine_.Subscribe(1, 2, up_to_date.Callback());
  engine_.Subscribe(1, 40, from_before_restart.Callback());
  engine_.Subscribe(7, 0, nothing_kept.Callback());
  EXPECT_EQ(up_to_date.calls(), 0);
  EXPECT_EQ(from_before_restart.seqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(nothing_kept.calls(), 0);
}

TEST_F(EngineLiveTest, ConcurrentPublishersAreDeliveredInOrderWithoutGapsOrRepeats) {
  Received early;
  engine_.Subscribe(1, 0, early.Callback());
  Received late;
  std::vector<std::thread> publishers;
  for (int t = 0; t < 4; ++t) {
    publishers.emplace_back([this, t] {
      for (int i = 0; i < 500; ++i) Refuse(1, std::to_string(t));
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  engine_.Subscribe(1, 0, late.Callback());  // while they publish
  for (auto& p : publishers) p.join();

  std::vector<uint64_t> seqs = early.seqs();
  ASSERT_EQ(seqs.size(), 2000u);
  for (size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], i + 1);
  // The late subscriber: the kept ones (at most 200) and then everything, contiguous.
  std::vector<uint64_t> from_late = late.seqs();
  ASSERT_FALSE(from_late.empty());
  EXPECT_EQ(from_late.back(), 2000u);
  for (size_t i = 1; i < from_late.size(); ++i) ASSERT_EQ(from_late[i], from_late[i - 1] + 1) << i;
}

TEST_F(EngineLiveTest, ACallbackMayPublishSubscribeAndUnsubscribe) {
  Received inner;
  LiveSubscription self{};
  int calls = 0;
  std::vector<uint64_t> seen;
  self = engine_.Subscribe(1, 0, [&](const std::vector<LiveEntry>& entries) {
    ++calls;
    for (const LiveEntry& e : entries) seen.push_back(e.seq);
    if (calls == 1) {
      Refuse(1, "from inside");  // delivered after this call returns, not inside it
      EXPECT_EQ(seen.size(), 1u);
      engine_.Subscribe(1, 0, inner.Callback());
    } else {
      engine_.Unsubscribe(self);
    }
  });
  Refuse(1, "outside");
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2}));
  Refuse(1, "after unsubscribing");
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(inner.seqs(), (std::vector<uint64_t>{1, 2, 3}));
}

// Cart-abandoned events stored so far.
int64_t AbandonedCarts(db::Database& database) {
  auto count = db::Read(database, [&](db::Connection& conn) {
    return conn.QueryOne("SELECT COUNT(*) FROM events WHERE type = 'cart-abandoned'");
  });
  EXPECT_TRUE(count && *count);
  return count && *count ? (**count).GetInt64(0) : -1;
}

// A sender's retry of a message (TrackBatch::dedupe_key, a Segment messageId) is answered only once the
// first copy is stored: while the first copy's commit waits for the database and then fails, the retry
// fails with it (its sender retries again, and that copy is stored), instead of being answered as stored
// while nothing was.
TEST(EngineDedupeTest, ARetryIsAnsweredOnlyAfterTheFirstCopyIsStored) {
  db::testing::TempDir dir;
  db::DatabaseOptions options;
  options.busy_timeout = std::chrono::milliseconds(300);
  auto database = Migrated(db::testing::OpenTestDatabase(dir, "test.db", options));
  FakeClock clock{TimePoint(std::chrono::seconds(1'790'000'000))};
  db::GroupCommitter committer(*database, {});
  Engine engine(*database, committer, clock, [](int64_t) -> Result<RuntimeSettings> { return RuntimeSettings{}; },
                {.workers = 1});
  auto message = [] {
    tracking::TrackBatch batch;
    batch.source = "segment";
    batch.keys.email = "retry@shop.example";
    batch.dedupe_key = "m-1";
    batch.events.push_back({.type = "custom", .data_json = R"({"eventId":"Quote Requested"})"});
    return batch;
  };
  auto track = [&engine](tracking::TrackBatch batch) {
    auto done = std::make_shared<std::promise<TrackOutcome>>();
    auto answer = done->get_future();
    engine.Track(1, std::move(batch), [done](TrackOutcome o) { done->set_value(std::move(o)); });
    return answer;
  };
  ASSERT_TRUE(track(tracking::TrackBatch{.keys = {.email = "someone@shop.example"}, .source = "segment"}).get().status);

  // Another connection holds the database's write lock for longer than the busy timeout.
  auto other = db::testing::OpenTestDatabase(dir, "test.db", options);
  std::promise<void> locked, release;
  std::thread holder([&] {
    Status held = db::WriteTransaction(*other, [&](db::Connection& conn) -> Status {
      STARLING_TRY(conn.Execute("INSERT INTO kv_meta (key, value) VALUES ('lock', 'held')"));
      locked.set_value();
      release.get_future().wait();
      return Error::Unavailable("rolled back on purpose");
    });
    (void)held;
  });
  locked.get_future().wait();
  auto first = track(message());
  auto retry = track(message());
  EXPECT_EQ(retry.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout)
      << "the retry was answered while the first copy was still waiting for the database";
  TrackOutcome first_outcome = first.get();
  TrackOutcome retry_outcome = retry.get();
  release.set_value();
  holder.join();
  EXPECT_FALSE(first_outcome.status);
  EXPECT_FALSE(retry_outcome.status) << "a retry answered as stored, though the first copy was not";

  // Sent again once the database is free: stored, once.
  TrackOutcome again;
  for (int i = 0; i < 50; ++i) {  // the runtime reloads after the failure
    again = track(message()).get();
    if (again.status) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(again.status) << again.status.error().message;
  EXPECT_EQ(again.events_stored, 2);  // entity-created, custom
  TrackOutcome duplicate = track(message()).get();
  ASSERT_TRUE(duplicate.status);
  EXPECT_EQ(duplicate.events_stored, 0);
  engine.Stop();
  committer.Stop();
}

// Sends a script request with a one-line cart to `store` and waits for its outcome.
TrackOutcome TrackCart(Engine& engine, int64_t store) {
  tracking::TrackBatch batch;
  batch.source = "script";
  tracking::CartLine line;
  line.product = {"p", "P", "https://shop.example/p", 3,
                  R"({"productId":"p","name":"P","url":"https://shop.example/p","unitPrice":3})"};
  line.price = 3;
  batch.cart = tracking::Cart{"c1", 1, 3, {line}};
  std::promise<TrackOutcome> done;
  engine.Track(store, std::move(batch), [&done](TrackOutcome o) { done.set_value(std::move(o)); });
  return done.get_future().get();
}

// After a restart, stores with an active cart abandon it when the delay is over although they receive
// no request (they used to wait for their next request), and not before. More stores than a worker
// loads in one round.
TEST(EngineTimersTest, PendingCartTimersFireAfterARestartWithoutARequest) {
  db::testing::TempDir dir;
  auto database = Migrated(db::testing::OpenTestDatabase(dir));
  FakeClock clock{TimePoint(std::chrono::seconds(1'790'000'000))};
  auto settings = [](int64_t) -> Result<RuntimeSettings> { return RuntimeSettings{.cart_abandonment_minutes = 30}; };
  constexpr int64_t kFirstStore = 7, kStores = 20;
  {
    db::GroupCommitter committer(*database, {});
    Engine engine(*database, committer, clock, settings, {.workers = 2});
    for (int64_t store = kFirstStore; store < kFirstStore + kStores; ++store) {
      ASSERT_TRUE(TrackCart(engine, store).status);
    }
    engine.Stop();
    committer.Stop();
  }
  clock.Advance(std::chrono::minutes(10));
  db::GroupCommitter committer(*database, {});
  Engine engine(*database, committer, clock, settings, {.workers = 2});
  // Not due yet: a few worker ticks go by and nothing fires.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(AbandonedCarts(*database), 0);
  clock.Advance(std::chrono::minutes(21));
  engine.Poke();
  int64_t abandoned = 0;
  for (int i = 0; i < 500 && abandoned < kStores; ++i) {
    abandoned = AbandonedCarts(*database);
    if (abandoned < kStores) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(abandoned, kStores);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(AbandonedCarts(*database), kStores);  // once each
  engine.Stop();
  committer.Stop();
}

// A store with a due timer that cannot be loaded after a restart (here its settings cannot be read) is
// tried again 1, 2, 4… minutes later — not at every worker tick, and not never — and its timer fires
// once it loads.
TEST(EngineTimersTest, ADormantStoreThatCannotBeLoadedIsRetriedWithBackoff) {
  db::testing::TempDir dir;
  auto database = Migrated(db::testing::OpenTestDatabase(dir));
  FakeClock clock{TimePoint(std::chrono::seconds(1'790'000'000))};
  constexpr int64_t kStore = 7;
  {
    auto settings = [](int64_t) -> Result<RuntimeSettings> { return RuntimeSettings{.cart_abandonment_minutes = 30}; };
    db::GroupCommitter committer(*database, {});
    Engine engine(*database, committer, clock, settings, {.workers = 2});
    ASSERT_TRUE(TrackCart(engine, kStore).status);
    engine.Stop();
    committer.Stop();
  }
  clock.Advance(std::chrono::minutes(31));  // the cart is due at once after the restart

  std::atomic<bool> broken{true};
  std::atomic<int> attempts{0};  // reads of the settings while broken: one per load attempt
  auto settings = [&](int64_t) -> Result<RuntimeSettings> {
    if (broken.load()) {
      attempts.fetch_add(1);
      return Error::Unavailable("settings unreadable (test)");
    }
    return RuntimeSettings{.cart_abandonment_minutes = 30};
  };
  auto wait_for_attempts = [&](int n) {
    for (int i = 0; i < 300 && attempts.load() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return attempts.load();
  };
  db::GroupCommitter committer(*database, {});
  Engine engine(*database, committer, clock, settings, {.workers = 2});
  // The start-up scan reads the settings once (to know when the cart is due), then the first load fails.
  EXPECT_EQ(wait_for_attempts(2), 2);
  // Not retried at every tick.
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(attempts.load(), 2);
  // Retried after one minute, not before; then after two more minutes, not before.
  int expected = 2;
  for (auto delay : {std::chrono::minutes(1), std::chrono::minutes(2)}) {
    clock.Advance(delay - std::chrono::seconds(5));
    engine.Poke();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    EXPECT_EQ(attempts.load(), expected) << "retried before " << delay.count() << " min";
    clock.Advance(std::chrono::seconds(6));
    engine.Poke();
    EXPECT_EQ(wait_for_attempts(expected + 1), expected + 1) << "not retried after " << delay.count() << " min";
    ++expected;
  }
  EXPECT_EQ(AbandonedCarts(*database), 0);
  // Readable again: the next retry (four minutes later) loads the store and its timer fires.
  broken.store(false);
  clock.Advance(std::chrono::minutes(4) + std::chrono::seconds(1));
  engine.Poke();
  int64_t abandoned = 0;
  for (int i = 0; i < 300 && abandoned < 1; ++i) {
    abandoned = AbandonedCarts(*database);
    if (abandoned < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(abandoned, 1);
  EXPECT_EQ(attempts.load(), expected);
  engine.Stop();
  committer.Stop();
}

}  // namespace
}  // namespace starling::engine
