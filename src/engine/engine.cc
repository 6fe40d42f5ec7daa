#include "engine/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <unordered_set>

#include "base/check.h"
#include "base/logging.h"
#include "engine/store_runtime.h"

namespace starling::engine {

// Everything a submitted batch owes its callers, kept until its commit is over.
struct Engine::PendingCommit {
  std::vector<std::pair<AppliedBatch, TrackCallback>> results;
  std::vector<std::pair<std::string, int64_t>> timer_ids;
  int64_t timers_fired_at_us = 0;  // when `timer_ids` fired
};

// The subscribers of one store and the entries still to be handed to them.
struct Engine::LiveSubscribers {
  struct Subscriber {
    uint64_t from_seq = 0;  // the store's next seq when it subscribed: earlier batches are in its kept entries
    // shared_ptr: a deliverer calls it after unlocking, while Unsubscribe may drop it.
    std::shared_ptr<const LiveCallback> callback;
  };
  struct Delivery {
    std::vector<LiveEntry> entries;
    uint64_t only = 0;  // a new subscriber's kept entries: for it alone
  };
  std::map<uint64_t, Subscriber> by_id;
  std::deque<Delivery> pending;
  bool delivering = false;  // a thread is handing `pending` over; others only queue
};

struct Engine::Command {
  enum class Kind { kTrack, kCommitDone, kRefresh };
  Kind kind = Kind::kTrack;
  int64_t store_id = 0;
  tracking::TrackBatch batch;
  TrackCallback done;
  bool commit_failed = false;  // kCommitDone
  Status commit_status;        // kCommitDone
  std::shared_ptr<PendingCommit> pending;  // kCommitDone
};

struct Engine::Worker {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Command> queue;
  bool stop = false;
  bool poked = false;
  // Something in `queue` the worker can act on now. A batch for a store whose commits are all in
  // flight (`blocked`) waits for the commit-done message instead of waking the worker: each wake is
  // a context switch, and under load most requests would otherwise cause one.
  bool actionable = false;
  std::unordered_set<int64_t> blocked;  // guarded by mutex, kept by the worker
  // Touched only by the worker's thread.
  std::unordered_map<int64_t, std::unique_ptr<StoreRuntime>> runtimes;
  std::unordered_map<int64_t, std::deque<Command>> waiting;  // commands held while a commit is in flight
  std::thread thread;
};

Engine::Engine(db::Database& db, db::GroupCommitter& committer, const Clock& clock, StoreSettingsSource settings,
               EngineOptions options)
    : db_(db), committer_(committer), clock_(clock), settings_(std::move(settings)), options_(options) {
  CHECK(options_.workers >= 1);
  if (options_.metrics) {
    events_stored_ = &options_.metrics->GetCounter("starling_events_stored_total",
                                                   "Events committed by the store runtimes (derived ones included)");
    batches_failed_ = &options_.metrics->GetCounter("starling_engine_failed_commits_total",
                                                    "Runtime batches whose commit failed (callers got an error)");
  }
  for (int i = 0; i < options_.workers; ++i) workers_.push_back(std::make_unique<Worker>());
  for (size_t i = 0; i < workers_.size(); ++i) {
    Worker* w = workers_[i].get();
    w->thread = std::thread([this, w, i] {
      NameThisThread(fmt::format("engine-{}", i));
      RunWorker(*w);
    });
  }
}

Engine::~Engine() { Stop(); }

Engine::Worker& Engine::WorkerFor(int64_t store_id) {
  return *workers_[static_cast<size_t>(store_id) % workers_.size()];
}

void Engine::Track(int64_t store_id, tracking::TrackBatch batch, TrackCallback done) {
  Worker& w = WorkerFor(store_id);
  {
    std::lock_guard lock(w.mutex);
    if (!w.stop) {
      Command c;
      c.kind = Command::Kind::kTrack;
      c.store_id = store_id;
      c.batch = std::move(batch);
      c.done = std::move(done);
      w.queue.push_back(std::move(c));
      if (!w.blocked.count(store_id) && !w.actionable) {
        w.actionable = true;
        w.cv.notify_one();
      }
      return;
    }
  }
  TrackOutcome refused;
  refused.status = Error::Unavailable("the server is shutting down: the events were not stored; retry later");
  done(std::move(refused));
}

void Engine::RecordRefused(int64_t store_id, const std::string& source, const std::string& ip, const std::string& why,
                           std::vector<tracking::EventError> errors) {
  LiveEntry entry;
  entry.at_us = std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
  entry.source = source;
  entry.ip = ip;
  entry.status = why;
  entry.errors = std::move(errors);
  std::vector<LiveEntry> entries;
  entries.push_back(std::move(entry));
  Publish(store_id, std::move(entries), {});
}

void Engine::RefreshStore(int64_t store_id) {
  Worker& w = WorkerFor(store_id);
  std::lock_guard lock(w.mutex);
  Command c;
  c.kind = Command::Kind::kRefresh;
  c.store_id = store_id;
  w.queue.push_back(std::move(c));
  w.actionable = true;
  w.cv.notify_one();
}

void Engine::Poke() {
  for (auto& worker : workers_) {
    std::lock_guard lock(worker->mutex);
    worker->poked = true;
    worker->cv.notify_one();
  }
}

void Engine::Stop() {
  if (stopping_.exchange(true)) return;
  for (auto& worker : workers_) {
    std::lock_guard lock(worker->mutex);
    worker->stop = true;
    worker->cv.notify_one();
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void Engine::Publish(int64_t store_id, std::vector<LiveEntry> entries,
                     const std::vector<std::pair<std::string, int64_t>>& typed_ids) {
  std::unique_lock lock(activity_mutex_);
  StoreActivity& a = activity_[store_id];
  for (const auto& [type, id] : typed_ids) {
    int64_t& last = a.last_event_id_by_type[type];
    last = std::max(last, id);
  }
  for (LiveEntry& entry : entries) entry.seq = a.next_seq++;
  auto live = live_.find(store_id);
  bool deliver = !entries.empty() && live != live_.end() && !live->second.by_id.empty();
  if (deliver) live->second.pending.push_back({entries, 0});
  for (LiveEntry& entry : entries) a.recent.push_back(std::move(entry));
  while (a.recent.size() > 200) a.recent.pop_front();
  if (deliver) Deliver(store_id, lock);
}

void Engine::Deliver(int64_t store_id, std::unique_lock<std::mutex>& lock) {
  auto found = live_.find(store_id);
  if (found == live_.end() || found->second.delivering) return;
  LiveSubscribers& live = found->second;
  live.delivering = true;
  std::vector<std::shared_ptr<const LiveCallback>> targets;
  while (!live.pending.empty()) {
    LiveSubscribers::Delivery delivery = std::move(live.pending.front());
    live.pending.pop_front();
    targets.clear();
    for (const auto& [id, subscriber] : live.by_id) {
      bool wanted = delivery.only != 0 ? id == delivery.only : delivery.entries.front().seq >= subscriber.from_seq;
      if (wanted) targets.push_back(subscriber.callback);
    }
    lock.unlock();
    for (const auto& callback : targets) {
      try {
        (*callback)(delivery.entries);
      } catch (const std::exception& e) {
        spdlog::error("engine: a live subscriber of store {} threw: {}", store_id, e.what());
      }
    }
    targets.clear();  // the last reference to an unsubscribed callback goes outside the lock
    lock.lock();
  }
  live.delivering = false;
  if (live.by_id.empty()) live_.erase(store_id);
}

LiveSubscription Engine::Subscribe(int64_t store_id, uint64_t after_seq, LiveCallback callback) {
  std::unique_lock lock(activity_mutex_);
  const StoreActivity& a = activity_[store_id];
  // A seq this store never gave out: the client saw the numbering of an earlier run.
  if (after_seq >= a.next_seq) after_seq = 0;
  uint64_t id = next_subscription_++;
  LiveSubscribers& live = live_[store_id];
  live.by_id[id] = {a.next_seq, std::make_shared<const LiveCallback>(std::move(callback))};
  std::vector<LiveEntry> kept;
  for (const LiveEntry& e : a.recent) {
    if (e.seq > after_seq) kept.push_back(e);
  }
  if (!kept.empty()) {
    live.pending.push_back({std::move(kept), id});
    Deliver(store_id, lock);
  }
  return {store_id, id};
}

void Engine::Unsubscribe(LiveSubscription subscription) {
  std::shared_ptr<const LiveCallback> dropped;  // released after the lock
  std::lock_guard lock(activity_mutex_);
  auto found = live_.find(subscription.store_id);
  if (found == live_.end()) return;
  LiveSubscribers& live = found->second;
  if (auto it = live.by_id.find(subscription.id); it != live.by_id.end()) {
    dropped = std::move(it->second.callback);
    live.by_id.erase(it);
  }
  if (live.by_id.empty() && !live.delivering) live_.erase(found);
}

void Engine::FinishCommit(int64_t store_id, const Status& status, PendingCommit& pending) {
  uint64_t stored = 0;
  std::vector<LiveEntry> entries;
  std::vector<std::pair<std::string, int64_t>> typed_ids;
  entries.reserve(pending.results.size() + 1);
  for (auto& [applied, done] : pending.results) {
    if (!status) {
      applied.outcome.status = Error::Unavailable(
          fmt::format("the events could not be stored ({}); nothing was kept: retry", status.error().message));
      applied.live.status = applied.outcome.status.error().message;
      applied.live.event_types.clear();
    } else if (applied.outcome.status) {
      stored += static_cast<uint64_t>(applied.outcome.events_stored);
      typed_ids.insert(typed_ids.end(), applied.typed_ids.begin(), applied.typed_ids.end());
    }
    entries.push_back(std::move(applied.live));
    if (done) done(std::move(applied.outcome));
  }
  if (status && !pending.timer_ids.empty()) {
    LiveEntry timers;
    timers.at_us = pending.timers_fired_at_us;
    timers.source = "timer";
    timers.status = "stored";
    for (const auto& [type, id] : pending.timer_ids) timers.event_types.push_back(type);
    entries.push_back(std::move(timers));
    typed_ids.insert(typed_ids.end(), pending.timer_ids.begin(), pending.timer_ids.end());
    stored += pending.timer_ids.size();
  }
  Publish(store_id, std::move(entries), typed_ids);
  if (status && events_stored_) events_stored_->Inc(static_cast<double>(stored));
}

StoreActivity Engine::Activity(int64_t store_id, uint64_t after_seq) {
  bool known;
  {
    std::lock_guard lock(activity_mutex_);
    // Not `activity_`: a request published since start creates the store's entry before anyone looked.
    known = checklist_loaded_.count(store_id) > 0;
  }
  if (!known) {
    // First look since start: the checklist comes from what is stored.
    std::map<std::string, int64_t> last;
    auto loaded = db::Read(db_, [&](db::Connection& conn) -> Status {
      return conn.QueryEach("SELECT type, MAX(id) FROM events WHERE store_id = ? GROUP BY type", {store_id},
                            [&](const db::Row& row) -> Status {
                              last[row.GetText(0)] = row.GetInt64(1);
                              return Ok();
                            });
    });
    if (!loaded) spdlog::warn("engine: cannot read the event types of store {}: {}", store_id, loaded.error().message);
    std::lock_guard lock(activity_mutex_);
    StoreActivity& a = activity_[store_id];
    for (const auto& [type, id] : last) a.last_event_id_by_type[type] = std::max(a.last_event_id_by_type[type], id);
    if (loaded) checklist_loaded_.insert(store_id);
  }
  std::lock_guard lock(activity_mutex_);
  StoreActivity copy;
  const StoreActivity& a = activity_[store_id];
  copy.last_event_id_by_type = a.last_event_id_by_type;
  copy.next_seq = a.next_seq;
  for (const LiveEntry& e : a.recent) {
    if (e.seq > after_seq) copy.recent.push_back(e);
  }
  return copy;
}

void Engine::RunWorker(Worker& w) {
  auto now_us = [this] {
    return std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
  };
  for (;;) {
    std::deque<Command> commands;
    bool stop;
    {
      std::unique_lock lock(w.mutex);
      int64_t next_due = INT64_MAX;
      for (auto& [id, runtime] : w.runtimes) {
        if (runtime->commits_in_flight < options_.max_commits_in_flight && !runtime->needs_reload) {
          next_due = std::min(next_due, runtime->NextTimerDue());
        }
      }
      auto until_due = std::chrono::microseconds(next_due == INT64_MAX ? 1'000'000 : std::max<int64_t>(0, next_due - now_us()));
      // Wake at least once a second: the clock may be moved by hand (tests) without a Poke.
      until_due = std::min(until_due, std::chrono::microseconds(1'000'000));
      w.cv.wait_for(lock, until_due, [&] { return w.actionable || w.stop || w.poked; });
      commands.swap(w.queue);
      w.poked = false;
      w.actionable = false;
      stop = w.stop;
    }

    // Sort the commands into the stores' waiting lists; note finished commits.
    for (Command& c : commands) {
      auto& runtime = w.runtimes[c.store_id];
      if (!runtime) runtime = std::make_unique<StoreRuntime>(c.store_id, clock_);
      switch (c.kind) {
        case Command::Kind::kCommitDone:
          FinishCommit(c.store_id, c.commit_status, *c.pending);
          --runtime->commits_in_flight;
          // A failed commit leaves memory ahead of the database: reload before the next batch.
          if (c.commit_failed) runtime->needs_reload = true;
          break;
        case Command::Kind::kRefresh:
          runtime->needs_settings = true;
          break;
        case Command::Kind::kTrack:
          w.waiting[c.store_id].push_back(std::move(c));
          break;
      }
    }

    int64_t now = now_us();
    for (auto& [store_id, runtime_ptr] : w.runtimes) {
      StoreRuntime& runtime = *runtime_ptr;
      if (runtime.commits_in_flight >= options_.max_commits_in_flight) continue;
      // After a failure, wait for the failed epoch's commits to drain before reloading.
      if (runtime.needs_reload && runtime.commits_in_flight > 0) continue;
      auto& waiting = w.waiting[store_id];
      bool due = runtime.loaded && runtime.NextTimerDue() <= now;
      if (waiting.empty() && !due) continue;

      if (!runtime.loaded || runtime.needs_reload || runtime.needs_settings) {
        auto settings = settings_(store_id);
        Status ready = settings ? Ok() : Status(settings.error());
        if (ready && (!runtime.loaded || runtime.needs_reload)) {
          ready = db::Read(db_, [&](db::Connection& conn) { return runtime.Load(conn, *settings); });
        } else if (ready) {
          runtime.set_settings(*settings);
        }
        if (!ready) {
          spdlog::error("engine: store {} cannot be loaded: {}", store_id, ready.error().message);
          for (Command& c : waiting) {
            TrackOutcome out;
            out.status = Error::Unavailable(fmt::format("the store's data cannot be loaded: {}", ready.error().message));
            c.done(std::move(out));
          }
          waiting.clear();
          continue;
        }
        runtime.needs_settings = false;
      }

      // Apply everything waiting (up to the batch limit) and the due timers, as one transaction item.
      auto plan = std::make_shared<WritePlan>();
      auto pending = std::make_shared<PendingCommit>();
      size_t n = std::min(waiting.size(), options_.max_batch_commands);
      pending->results.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        Command& c = waiting[i];
        AppliedBatch applied = runtime.Apply(c.batch, *plan);
        pending->results.emplace_back(std::move(applied), std::move(c.done));
      }
      waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(n));
      pending->timer_ids = runtime.FireDueTimers(now, *plan);
      pending->timers_fired_at_us = now;
      if (plan->ops.empty()) {
        // Nothing to write (e.g. every batch was refused): answer at once.
        FinishCommit(store_id, Ok(), *pending);
        continue;
      }
      ++runtime.commits_in_flight;
      int64_t sid = store_id;
      Worker* worker = &w;
      auto control = runtime.control;
      int64_t epoch = runtime.epoch;
      committer_.SubmitAsync(
          [plan, control, epoch](db::Connection& conn) -> Status {
            if (control->failed_epoch.load() >= epoch) {
              return Error::Unavailable("an earlier batch of this store could not be stored");
            }
            Status ran = plan->Run(conn);
            if (!ran) control->failed_epoch.store(epoch);
            return ran;
          },
          [sid, worker, pending, control, epoch, this](Status status) {
            // On the committer's thread: only hand the outcome to the store's worker, which answers
            // the callers (the committer's next transaction should not wait for that).
            if (!status) {
              // Covers a failed COMMIT too: later items of this epoch, in later transactions, fail.
              control->failed_epoch.store(std::max(control->failed_epoch.load(), epoch));
              spdlog::error("engine: a batch of store {} was not stored: {}", sid, status.error().message);
              if (batches_failed_) batches_failed_->Inc();
            }
            std::lock_guard lock(worker->mutex);
            Command c;
            c.kind = Command::Kind::kCommitDone;
            c.store_id = sid;
            c.commit_failed = !status;
            c.commit_status = std::move(status);
            c.pending = pending;
            worker->queue.push_back(std::move(c));
            worker->actionable = true;
            worker->cv.notify_one();
          });
    }

    {
      // Which stores cannot take a new batch until a commit is done (see Worker::blocked).
      std::lock_guard lock(w.mutex);
      w.blocked.clear();
      for (auto& [store_id, runtime] : w.runtimes) {
        if (runtime->commits_in_flight >= options_.max_commits_in_flight ||
            (runtime->needs_reload && runtime->commits_in_flight > 0)) {
          w.blocked.insert(store_id);
        }
      }
      // Commands that arrived for a store that is no longer blocked must not wait for the next wake.
      for (const Command& c : w.queue) {
        if (c.kind != Command::Kind::kTrack || !w.blocked.count(c.store_id)) w.actionable = true;
      }
    }

    if (stop) {
      bool busy = false;
      for (auto& [store_id, runtime] : w.runtimes) {
        busy = busy || runtime->commits_in_flight > 0 || !w.waiting[store_id].empty();
      }
      std::lock_guard lock(w.mutex);
      if (!busy && w.queue.empty()) return;
    }
  }
}

}  // namespace starling::engine
