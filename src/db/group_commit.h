// GroupCommitter: many writers, one transaction per batch, one durable COMMIT for all of them.
//
// Writers hand in work items; one committer thread takes everything queued (up to max_batch_items),
// runs them inside a single transaction on the writer connection, COMMITs, and only then tells each
// writer how its item ended. When an item fails, the transaction is rolled back and the batch runs
// again with each item in its own SAVEPOINT, so that only the failing item is lost: a work item may
// therefore run twice, and must act only through the connection it is given. Batches form naturally: while one
// COMMIT waits for the disk, the next batch queues up, so under load the cost of an fsync is shared
// by many writes.
//
// Under load, a batch may wait a little for more items (the commit window): each COMMIT has a fixed
// cost — an fsync, and the WAL pages that every item touches (the table's last page, its indexes) —
// that fewer, larger batches share. The committer estimates the rate at which items arrive; when it
// expects at least two items within `commit_window` and fewer are queued, it waits until that many are
// queued or until the oldest queued item has waited `commit_window`, whichever comes first. The
// estimate looks back 10 ms and is never stretched beyond that (a longer window expects no more than
// 10 ms of arrivals), so items that arrive alone (an idle server, a trickle) never wait, whatever the
// window. Measured (docs/performance.md, "Ingestion"):
// at 25,000 one-event requests/s, 3-4 items per commit without the window and about 9 with 300 µs,
// and the server's CPU per request about a tenth lower, for ~0.25 ms more median latency.
//
// Outcome of an item, as told to its writer:
//   - Ok: the item's changes are committed (durable: see db/sqlite/sqlite_database.h).
//   - the item's own error: the item returned an error (or threw); its savepoint was rolled back,
//     so none of its changes remain, while the other items of the batch commit normally.
//   - the batch's error: BEGIN or COMMIT failed (or the writer connection was unavailable); nothing
//     of the batch was committed and every item of the batch gets that error.
//
// Threading: Submit/SubmitAsync/Stop are thread-safe. Work items and completions run on the
// committer thread, one at a time, in submission order.
//   - A work item gets the writer Connection for the duration of the call only. It runs statements
//     and returns; it must not BEGIN/COMMIT/ROLLBACK, keep the connection, block on other work, or
//     call Submit.
//   - A completion is called after the COMMIT returned. Keep it short (hand the result to another
//     thread or strand; the next batch waits for it). It may call SubmitAsync, never the blocking
//     Submit (CHECK).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "db/database.h"

namespace starling::db {

// Runs statements on the batch's transaction. Returning an error rolls back this item alone.
using WorkItem = std::function<Status(Connection&)>;
// Told the item's outcome (see above), once, after the batch's COMMIT (or its failure).
using Completion = std::function<void(Status)>;

struct GroupCommitOptions {
  // Most items in one transaction. Bounds the latency one batch adds for the next and the work lost
  // on a failed COMMIT.
  size_t max_batch_items = 1000;
  // Optional (may be null; must outlive the committer). Series: starling_db_commit_seconds
  // (histogram, time of the COMMIT statement: the durable write), starling_db_commits_total
  // (counter), starling_db_batch_items (histogram, items per committed batch).
  MetricsRegistry* metrics = nullptr;
  // Measures commit latency (Monotonic()). Must outlive the committer.
  const Clock* clock = &SystemClock::Instance();
  // Longest extra wait of a queued item for others to share its commit, under load (see above).
  // Zero: every batch is committed as soon as the committer is free.
  std::chrono::microseconds commit_window{300};
};

class GroupCommitter final {
 public:
  struct Stats {
    uint64_t batches = 0;       // transactions attempted
    uint64_t commits = 0;       // transactions committed
    uint64_t items = 0;         // items run
    uint64_t failed_items = 0;  // items whose own work failed (rolled back alone)
    size_t largest_batch = 0;
    uint64_t windowed_batches = 0;  // batches that waited in the commit window for more items
  };

  // Starts the committer thread. `db` must outlive the committer. The writer connection is taken
  // for each batch and released between batches, so other writers (migrations, admin tools) can
  // interleave.
  GroupCommitter(Database& db, GroupCommitOptions options);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;
  // Stop().
  ~GroupCommitter();

  // Queues `work`; `done` is called on the committer thread once the outcome is durable. Never
  // blocks (the queue is unbounded: back-pressure belongs to the caller's queue). After Stop() has
  // begun, `done` is called at once, on the calling thread, with kUnavailable.
  void SubmitAsync(WorkItem work, Completion done);

  // Queues `work` and waits for its outcome. Must not be called from the committer thread (a work
  // item or a completion).
  Status Submit(WorkItem work);

  // Refuses new work, finishes and acknowledges everything already queued, then joins the thread.
  // Idempotent; thread-safe.
  void Stop();

  Stats stats() const;
  // Items queued and not yet taken by the committer.
  size_t queued() const;

 private:
  struct Pending {
    WorkItem work;
    Completion done;
    std::chrono::steady_clock::time_point queued_at;
  };

  void Run();
  // With mutex_ held and items queued: waits in the commit window if the arrival rate says it is worth
  // it (see above).
  void WaitForCompany(std::unique_lock<std::mutex>& lock);
  void RunBatch(std::deque<Pending>& batch);

  Database& db_;
  const GroupCommitOptions options_;
  Histogram* commit_seconds_ = nullptr;
  Counter* commits_total_ = nullptr;
  Histogram* batch_items_ = nullptr;

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  Stats stats_;                // guarded by mutex_
  // The arrival rate, items per second, decayed over kRateHorizon (guarded by mutex_): `arrivals_`
  // items queued since it was last updated, at `rate_updated_`.
  double rate_ = 0;
  uint64_t arrivals_ = 0;
  std::chrono::steady_clock::time_point rate_updated_;
  // A submitter wakes the committer when the queue reaches this size (1: at once; more while the
  // committer waits in the commit window). Guarded by mutex_.
  size_t wake_at_ = 1;
  Counter* windowed_total_ = nullptr;

  std::mutex stop_mutex_;  // serializes Stop() callers around the join
  std::thread thread_;     // last: started after every other member is ready
};

}  // namespace starling::db
