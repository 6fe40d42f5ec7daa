#include "db/group_commit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "base/metrics.h"
#include "db/test_util.h"

namespace starling::db {
namespace {

using ::testing::HasSubstr;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
    auto writer = db_->Writer();
    ASSERT_TRUE(writer);
    ASSERT_TRUE(
        (*writer)->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL)"));
  }

  int64_t CountRows() {
    auto reader = db_->Reader();
    EXPECT_TRUE(reader);
    return (*(*reader)->QueryOne("SELECT count(*) FROM t"))->GetInt64(0);
  }

  bool HasRow(int64_t id) {
    auto reader = db_->Reader();
    EXPECT_TRUE(reader);
    auto row = (*reader)->QueryOne("SELECT 1 FROM t WHERE id = ?", {id});
    EXPECT_TRUE(row);
    return row && row->has_value();
  }

  static WorkItem Insert(int64_t id, int64_t writer = 0) {
    return [id, writer](Connection& conn) -> Status {
      STARLING_TRY(conn.Execute("INSERT INTO t (id, writer) VALUES (?, ?)", {id, writer}));
      return Ok();
    };
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

// Blocks the committer thread inside a work item until Release(), so the items submitted meanwhile
// form the next batch together.
class Gate final {
 public:
  WorkItem Item() {
    return [this](Connection&) -> Status {
      std::unique_lock lock(mutex_);
      entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
      return Ok();
    };
  }
  void WaitEntered() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return entered_; });
  }
  void Release() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool entered_ = false;
  bool open_ = false;
};

// Counts completions and lets a test wait for a number of them.
class Acks final {
 public:
  Completion Expect(std::function<void(const Status&)> check) {
    return [this, check = std::move(check)](Status s) {
      check(s);
      std::lock_guard lock(mutex_);
      ++count_;
      cv_.notify_all();
    };
  }
  void WaitFor(int n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

TEST_F(GroupCommitTest, ConcurrentWritersAreAllAcknowledgedInFewerCommits) {
  MetricsRegistry metrics;
  GroupCommitter committer(*db_, {.max_batch_items = 1000, .metrics = &metrics});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 2000;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = committer.Submit(Insert(int64_t{w} * kPerThread + i, w));
        if (!s) {
          ++failures;
          ADD_FAILURE() << s.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CountRows(), kThreads * kPerThread);

  const GroupCommitter::Stats stats = committer.stats();
  EXPECT_EQ(stats.items, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(stats.failed_items, 0u);
  // Batching: writers shared commits (no timing assumption, only that it happened at all).
  EXPECT_LT(stats.commits, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_GT(stats.largest_batch, 1u);
  EXPECT_EQ(metrics.GetCounter("starling_db_commits_total", "").Value(), stats.commits);
  EXPECT_EQ(metrics.GetHistogram("starling_db_commit_seconds", "").Count(), stats.commits);
  EXPECT_EQ(metrics.GetHistogram("starling_db_batch_items", "").Count(), stats.commits);
  EXPECT_EQ(metrics.GetHistogram("starling_db_batch_items", "").Sum(),
            static_cast<double>(kThreads * kPerThread));
  EXPECT_THAT(metrics.RenderPrometheus(), HasSubstr("starling_db_commit_seconds_bucket"));
  RecordProperty("commits", static_cast<int>(stats.commits));
  std::printf("%d submissions in %llu commits (largest batch %zu)\n", kThreads * kPerThread,
              static_cast<unsigned long long>(stats.commits), stats.largest_batch);
}

TEST_F(GroupCommitTest, AsyncSubmissionsShareCommits) {
  GroupCommitter committer(*db_, {});
  constexpr int kItems = 5000;
  Acks acks;
  std::atomic<int> failures{0};
  for (int i = 0; i < kItems; ++i) {
    committer.SubmitAsync(Insert(i), acks.Expect([&](const Status& s) {
      if (!s) ++failures;
    }));
  }
  acks.WaitFor(kItems);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CountRows(), kItems);
  EXPECT_LT(committer.stats().commits, static_cast<uint64_t>(kItems));
}

TEST_F(GroupCommitTest, FailingItemDoesNotLoseItsNeighbours) {
  GroupCommitter committer(*db_, {});
  Gate gate;
  Acks acks;
  committer.SubmitAsync(gate.Item(), acks.Expect([](const Status& s) { EXPECT_TRUE(s); }));
  gate.WaitEntered();  // the committer is busy; what follows queues into one batch

  Status a, b, c, d;
  committer.SubmitAsync(Insert(1), acks.Expect([&](const Status& s) { a = s; }));
  // Writes a row, then fails: its row must disappear, the others stay.
  committer.SubmitAsync(
      [](Connection& conn) -> Status {
        STARLING_TRY(conn.Execute("INSERT INTO t (id, writer) VALUES (?, ?)", {2, 0}));
        return Error::InvalidArgument("field `email`: expected an address");
      },
      acks.Expect([&](const Status& s) { b = s; }));
  committer.SubmitAsync(Insert(1), acks.Expect([&](const Status& s) { c = s; }));  // duplicate key
  committer.SubmitAsync([](Connection&) -> Status { throw std::runtime_error("boom"); },
                        acks.Expect([&](const Status& s) { d = s; }));
  committer.SubmitAsync(Insert(3), acks.Expect([](const Status& s) { EXPECT_TRUE(s); }));
  gate.Release();
  acks.WaitFor(6);

  EXPECT_TRUE(a);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kConflict);
  ASSERT_FALSE(d);
  EXPECT_THAT(d.error().message, HasSubstr("boom"));
  EXPECT_TRUE(HasRow(1));
  EXPECT_FALSE(HasRow(2));
  EXPECT_TRUE(HasRow(3));
  EXPECT_EQ(CountRows(), 2);
  const auto stats = committer.stats();
  EXPECT_EQ(stats.commits, 2u);  // the gate's batch, then all five together
  EXPECT_EQ(stats.largest_batch, 5u);
  EXPECT_EQ(stats.failed_items, 3u);
}

TEST_F(GroupCommitTest, FailedCommitIsReportedToEveryItem) {
  {
    auto writer = db_->Writer();
    ASSERT_TRUE(writer);
    // A deferred foreign key is only checked at COMMIT: the way to make a COMMIT fail on demand.
    ASSERT_TRUE((*writer)->ExecuteScript(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
        "  REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);"));
  }
  GroupCommitter committer(*db_, {});
  Gate gate;
  Acks acks;
  committer.SubmitAsync(gate.Item(), acks.Expect([](const Status&) {}));
  gate.WaitEntered();
  std::vector<Status> outcomes(3);
  committer.SubmitAsync(Insert(1), acks.Expect([&](const Status& s) { outcomes[0] = s; }));
  committer.SubmitAsync(
      [](Connection& conn) -> Status {
        STARLING_TRY(conn.Execute("INSERT INTO child (id, parent_id) VALUES (1, 42)"));
        return Ok();
      },
      acks.Expect([&](const Status& s) { outcomes[1] = s; }));
  committer.SubmitAsync(Insert(2), acks.Expect([&](const Status& s) { outcomes[2] = s; }));
  gate.Release();
  acks.WaitFor(4);

  for (const Status& s : outcomes) {
    ASSERT_FALSE(s);
    EXPECT_THAT(s.error().message, HasSubstr("FOREIGN KEY constraint failed"));
  }
  EXPECT_EQ(CountRows(), 0);
  // The committer carries on with the next batch.
  EXPECT_TRUE(committer.Submit(Insert(5)));
  EXPECT_TRUE(HasRow(5));
}

TEST_F(GroupCommitTest, StopDrainsQueuedWorkThenRefusesNewWork) {
  auto committer = std::make_unique<GroupCommitter>(*db_, GroupCommitOptions{.max_batch_items = 7});
  Gate gate;
  Acks acks;
  std::atomic<int> ok{0};
  committer->SubmitAsync(gate.Item(), acks.Expect([](const Status&) {}));
  gate.WaitEntered();
  constexpr int kQueued = 100;
  for (int i = 0; i < kQueued; ++i) {
    committer->SubmitAsync(Insert(i), acks.Expect([&](const Status& s) {
      if (s) ++ok;
    }));
  }
  std::thread stopper([&] { committer->Stop(); });
  // Work handed in after Stop began is refused at once, on the submitting thread. Probes that get
  // in before Stop takes effect queue behind the gate (so nothing touches `probe` concurrently) and
  // are acknowledged by the drain.
  for (;;) {
    auto probe = std::make_shared<std::optional<Status>>();
    committer->SubmitAsync([](Connection&) { return Ok(); },
                           [probe](Status s) { *probe = std::move(s); });
    if (probe->has_value()) {
      ASSERT_FALSE(**probe);
      EXPECT_EQ((*probe)->error().code, ErrorCode::kUnavailable);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  gate.Release();
  stopper.join();
  EXPECT_EQ(ok.load(), kQueued);
  EXPECT_GE(acks.count(), kQueued + 1);
  EXPECT_GE(CountRows(), kQueued);
  EXPECT_GE(committer->stats().commits, static_cast<uint64_t>(kQueued / 7));
  committer.reset();  // destructor after Stop: no-op
}

// A trickle of items, each alone in its window, commits as it comes.
TEST_F(GroupCommitTest, CommitWindowLeavesLoneItemsAlone) {
  GroupCommitter committer(*db_, {.commit_window = std::chrono::milliseconds(1)});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(committer.Submit(Insert(i)));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(committer.stats().windowed_batches, 0u);
  EXPECT_EQ(committer.stats().commits, 5u);
}

// Items that arrive faster than the window: the committer waits for them and commits them together.
TEST_F(GroupCommitTest, CommitWindowGathersItemsThatArriveTogether) {
  constexpr int kItems = 60;
  auto run = [&](std::chrono::microseconds window, int first_id) {
    MetricsRegistry metrics;
    GroupCommitter committer(*db_, {.metrics = &metrics, .commit_window = window});
    Acks acks;
    for (int i = 0; i < kItems; ++i) {
      committer.SubmitAsync(Insert(first_id + i), acks.Expect([](const Status& s) { EXPECT_TRUE(s); }));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    acks.WaitFor(kItems);
    GroupCommitter::Stats stats = committer.stats();
    EXPECT_EQ(metrics.GetCounter("starling_db_commit_window_waits_total", "").Value(), stats.windowed_batches);
    return stats;
  };
  GroupCommitter::Stats without = run(std::chrono::microseconds(0), 0);
  GroupCommitter::Stats with = run(std::chrono::milliseconds(200), 1000);
  EXPECT_EQ(CountRows(), 2 * kItems);
  EXPECT_EQ(without.windowed_batches, 0u);
  EXPECT_GT(with.windowed_batches, 0u);
  // 60 items 2 ms apart: 500 items/s, so the committer expects 5 within the estimate's 10 ms horizon
  // and waits for them (about 12 commits); without the window, one commit per item or per few items
  // (however fast the disk).
  EXPECT_LE(with.commits, 20u);
  EXPECT_LT(with.commits, without.commits);
  std::printf("%d items 2 ms apart: %llu commits without the window, %llu with a 200 ms window\n", kItems,
              static_cast<unsigned long long>(without.commits), static_cast<unsigned long long>(with.commits));
}

// Stop commits what waits in the window at once instead of waiting it out.
TEST_F(GroupCommitTest, StopDoesNotWaitOutTheCommitWindow) {
  auto committer = std::make_unique<GroupCommitter>(*db_, GroupCommitOptions{.commit_window = std::chrono::seconds(60)});
  Acks acks;
  auto ok = [](const Status& s) { EXPECT_TRUE(s); };
  // Load first: 200 items queue behind a held one and are committed together. The rate they leave (200
  // items within the estimate's 10 ms horizon) makes the committer expect company for the next item, and
  // wait for it in the 60 s window.
  Gate gate;
  committer->SubmitAsync(gate.Item(), acks.Expect(ok));
  gate.WaitEntered();
  for (int i = 0; i < 200; ++i) committer->SubmitAsync(Insert(i), acks.Expect(ok));
  gate.Release();
  acks.WaitFor(201);
  committer->SubmitAsync(Insert(1000), acks.Expect(ok));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(committer->queued(), 1u);  // still waiting in the window
  const auto start = std::chrono::steady_clock::now();
  committer->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  acks.WaitFor(202);
  EXPECT_TRUE(HasRow(1000));
  EXPECT_GE(committer->stats().windowed_batches, 1u);
}

// However long the window, an item that arrives alone is committed at once: the arrival-rate estimate
// is not stretched past its horizon.
TEST_F(GroupCommitTest, ALongCommitWindowStillLeavesLoneItemsAlone) {
  GroupCommitter committer(*db_, {.commit_window = std::chrono::seconds(2)});
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(committer.Submit(Insert(i)));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "item " << i << " waited";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(committer.stats().windowed_batches, 0u);
}

TEST_F(GroupCommitTest, CompletionMaySubmitAsync) {
  GroupCommitter committer(*db_, {});
  Acks acks;
  committer.SubmitAsync(Insert(1), [&](Status s) {
    EXPECT_TRUE(s);
    committer.SubmitAsync(Insert(2), acks.Expect([](const Status& s2) { EXPECT_TRUE(s2); }));
  });
  acks.WaitFor(1);
  EXPECT_TRUE(HasRow(2));
}

}  // namespace
}  // namespace starling::db
