#include "db/group_commit.h"

#include <fmt/format.h>

#include <cmath>
#include <exception>
#include <utility>
#include <vector>

#include "base/check.h"
#include "base/logging.h"

namespace starling::db {
namespace {

// Savepoint name used for every item; items run one after another, so one name suffices.
constexpr std::string_view kSavepoint = "SAVEPOINT starling_item";
constexpr std::string_view kRelease = "RELEASE starling_item";
constexpr std::string_view kRollbackTo = "ROLLBACK TO starling_item";

std::vector<double> BatchBuckets() {
  return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
}

// Arrivals older than this barely count in the rate estimate: short enough that a lone item after an
// idle spell is seen as alone, long enough to hold a few hundred items under load.
constexpr double kRateHorizonSeconds = 0.010;

// The committer thread's id, so Submit can refuse to deadlock on itself.
thread_local const GroupCommitter* current_committer = nullptr;

Status RunItem(const WorkItem& work, Connection& conn) {
  // Work items are expected to return errors, not throw; a throw is still contained to its item so
  // that its neighbours commit.
  try {
    return work(conn);
  } catch (const std::exception& e) {
    return Error::Internal(fmt::format("a database work item threw: {}", e.what()));
  } catch (...) {
    return Error::Internal("a database work item threw a non-standard exception");
  }
}

}  // namespace

GroupCommitter::GroupCommitter(Database& db, GroupCommitOptions options)
    : db_(db), options_(options) {
  CHECK(options_.max_batch_items >= 1);
  CHECK(options_.clock != nullptr);
  if (options_.metrics != nullptr) {
    commit_seconds_ = &options_.metrics->GetHistogram(
        "starling_db_commit_seconds", "Time of one group COMMIT (the durable write), in seconds");
    commits_total_ = &options_.metrics->GetCounter("starling_db_commits_total",
                                                   "Group-commit transactions committed");
    batch_items_ = &options_.metrics->GetHistogram(
        "starling_db_batch_items", "Work items per committed group-commit transaction", {},
        BatchBuckets());
    windowed_total_ = &options_.metrics->GetCounter(
        "starling_db_commit_window_waits_total",
        "Group-commit batches that waited in the commit window for more work items");
  }
  rate_updated_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] {
    NameThisThread("db-commit");
    Run();
  });
}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::SubmitAsync(WorkItem work, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(work), std::move(done), std::chrono::steady_clock::now()});
      ++arrivals_;
      if (queue_.size() >= wake_at_) work_ready_.notify_one();
      return;
    }
  }
  done(Error::Unavailable("the database writer is shutting down; the write was not applied"));
}

Status GroupCommitter::Submit(WorkItem work) {
  CHECK(current_committer != this)
      << "GroupCommitter::Submit called from its own committer thread (a work item or completion): "
         "use SubmitAsync";
  struct Waiter {
    std::mutex mutex;
    std::condition_variable cv;
    bool finished = false;
    Status status;
  } waiter;
  SubmitAsync(std::move(work), [&waiter](Status status) {
    std::lock_guard lock(waiter.mutex);
    waiter.status = std::move(status);
    waiter.finished = true;
    // Under the lock: `waiter` dies as soon as the waiting thread sees `finished`.
    waiter.cv.notify_one();
  });
  std::unique_lock lock(waiter.mutex);
  waiter.cv.wait(lock, [&waiter] { return waiter.finished; });
  return std::move(waiter.status);
}

void GroupCommitter::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  if (thread_.joinable()) {
    CHECK(thread_.get_id() != std::this_thread::get_id())
        << "GroupCommitter::Stop called from its own committer thread";
    thread_.join();
  }
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

size_t GroupCommitter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void GroupCommitter::Run() {
  current_committer = this;
  std::deque<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything handed in has been acknowledged
      WaitForCompany(lock);
      if (queue_.size() <= options_.max_batch_items) {
        batch.swap(queue_);
      } else {
        for (size_t i = 0; i < options_.max_batch_items; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

void GroupCommitter::WaitForCompany(std::unique_lock<std::mutex>& lock) {
  using std::chrono::steady_clock;
  const steady_clock::time_point now = steady_clock::now();
  // The rate, decayed since its last update, plus what arrived meanwhile (counted as arriving now).
  const double elapsed = std::chrono::duration<double>(now - rate_updated_).count();
  rate_ = rate_ * std::exp(-elapsed / kRateHorizonSeconds) + static_cast<double>(arrivals_) / kRateHorizonSeconds;
  arrivals_ = 0;
  rate_updated_ = now;
  if (options_.commit_window.count() <= 0 || stopping_) return;
  // The estimate says nothing beyond its horizon: a lone item after an idle spell counts as one item
  // per horizon, which spread over a longer window would promise company that is not coming.
  const double window =
      std::min(std::chrono::duration<double>(options_.commit_window).count(), kRateHorizonSeconds);
  const double expected = std::min(rate_ * window, static_cast<double>(options_.max_batch_items));
  if (expected < 2 || static_cast<double>(queue_.size()) >= expected) return;
  const steady_clock::time_point deadline = queue_.front().queued_at + options_.commit_window;
  if (deadline <= now) return;  // the oldest item has waited long enough (behind the last commit)
  const auto wanted = static_cast<size_t>(expected);
  wake_at_ = wanted;
  work_ready_.wait_until(lock, deadline, [&] { return stopping_ || queue_.size() >= wanted; });
  wake_at_ = 1;
  ++stats_.windowed_batches;
  if (windowed_total_ != nullptr) windowed_total_->Inc();
}

void GroupCommitter::RunBatch(std::deque<Pending>& batch) {
  std::vector<Status> outcomes(batch.size());
  uint64_t failed_items = 0;
  bool committed = false;

  // Every item of the batch is told `error`; the items that had failed on their own keep their
  // error.
  auto fail_batch = [&](const Error& error) {
    for (auto& outcome : outcomes) {
      if (outcome) outcome = error;
    }
  };

  // Committed (or failed as a whole) by the fast path.
  bool fast_done = false;
  auto writer = db_.Writer();
  if (writer && batch.size() > 1) {
    // Fast path: every item straight into one transaction. Savepoints cost two statements per item,
    // and items almost never fail; when one does, the transaction is rolled back and the batch runs
    // again below, each item in its own savepoint, so that only the failing item is lost.
    Connection& conn = **writer;
    auto txn = Transaction::Begin(conn);
    if (txn) {
      bool all_ok = true;
      for (size_t i = 0; i < batch.size() && all_ok; ++i) all_ok = static_cast<bool>(RunItem(batch[i].work, conn));
      if (all_ok) {
        const auto start = options_.clock->Monotonic();
        Status commit = txn->Commit();
        const double seconds = std::chrono::duration<double>(options_.clock->Monotonic() - start).count();
        if (commit) {
          committed = true;
          if (commit_seconds_ != nullptr) {
            commit_seconds_->Observe(seconds);
            commits_total_->Inc();
            batch_items_->Observe(static_cast<double>(batch.size()));
          }
        } else {
          fail_batch(commit.error());
        }
        fast_done = true;
      } else {
        (void)txn->Rollback();
      }
    }
  }
  if (fast_done) {
    // Done above.
  } else if (!writer) {
    fail_batch(writer.error());
  } else {
    Connection& conn = **writer;
    auto txn = Transaction::Begin(conn);
    if (!txn) {
      fail_batch(txn.error());
    } else {
      bool broken = false;  // the transaction can no longer be trusted: abandon the batch
      Error broken_error;
      for (size_t i = 0; i < batch.size() && !broken; ++i) {
        if (auto s = conn.Execute(kSavepoint); !s) {
          broken = true;
          broken_error = s.error();
          break;
        }
        Status item = RunItem(batch[i].work, conn);
        if (item && !conn.Execute(kRelease)) {
          item = Error::Internal("could not release the savepoint of a database work item");
        }
        if (!item) {
          ++failed_items;
          outcomes[i] = std::move(item);
          // Undo this item alone, then drop its savepoint. If that fails the batch cannot go on.
          if (!conn.Execute(kRollbackTo) || !conn.Execute(kRelease) || !conn.InTransaction()) {
            broken = true;
            broken_error = Error::Internal(
                "a database work item failed and its savepoint could not be rolled back; the whole "
                "batch was rolled back");
          }
        }
      }
      if (broken) {
        (void)txn->Rollback();
        fail_batch(broken_error);
      } else {
        const auto start = options_.clock->Monotonic();
        Status commit = txn->Commit();
        const double seconds =
            std::chrono::duration<double>(options_.clock->Monotonic() - start).count();
        if (commit) {
          committed = true;
          if (commit_seconds_ != nullptr) {
            commit_seconds_->Observe(seconds);
            commits_total_->Inc();
            batch_items_->Observe(static_cast<double>(batch.size()));
          }
        } else {
          fail_batch(commit.error());
        }
      }
    }
  }
  // Release the writer before telling anyone, so a completion that starts another writer task can
  // get it.
  if (writer) writer->Release();

  {
    std::lock_guard lock(mutex_);
    ++stats_.batches;
    if (committed) ++stats_.commits;
    stats_.items += batch.size();
    stats_.failed_items += failed_items;
    stats_.largest_batch = std::max(stats_.largest_batch, batch.size());
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(std::move(outcomes[i]));
  }
}

}  // namespace starling::db
