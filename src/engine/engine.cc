#include "engine/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <unordered_set>

#include "base/check.h"
#include "base/logging.h"
#include "engine/store_runtime.h"

namespace starling::engine {
namespace {

// How often workers look at their stores when nothing wakes them (timers, heads to write).
constexpr auto kWorkerTick = std::chrono::milliseconds(100);
// Contact heads wait this long before being written (a contact's events in the meantime share the
// write); each tick sweeps this many contact ids per store (more with over 100,000 contacts: a
// hundredth of them), writing at most kHeadsFlushWrites heads, so that no commit carries a long item
// (measured: writing 5,000 heads at a time put 50 ms into the p99 latency of ingestion; 200 at a
// time, nothing visible). Under sustained load the stored heads lag further behind, and a restart
// replays more events.
constexpr auto kHeadsFlushDelay = std::chrono::seconds(5);
constexpr size_t kHeadsFlushBatch = 1000;
constexpr size_t kHeadsFlushWrites = 200;
// A store with pending timers that could not be loaded when they were due is tried again this much later,
// then twice as late after each failure, up to kDormantRetryMax (each failure is logged by Prepare).
constexpr std::chrono::microseconds kDormantRetry = std::chrono::minutes(1);
constexpr std::chrono::microseconds kDormantRetryMax = std::chrono::hours(1);
// Dormant stores a worker loads per round: after a long stop many are due at once, and the worker's
// loaded stores (their waiting batches, timers and heads) get a turn between them.
constexpr size_t kDormantLoadsPerRound = 8;

}  // namespace

// Everything a submitted batch owes its callers, kept until its commit is over.
struct Engine::PendingCommit {
  int64_t through = 0;  // the store's last applied event id when submitted
  std::vector<std::pair<AppliedBatch, TrackCallback>> results;
  std::vector<std::pair<std::string, int64_t>> timer_ids;
  std::vector<LiveEntry> timer_entries;  // one per contact whose timers fired
};

// One store: its runtime and the batches waiting for it, under one lock (the store's single writer).
struct Engine::Store {
  Store(int64_t id, const Clock& clock, std::atomic<int64_t>& next_event_id) : runtime(id, clock, next_event_id) {}
  std::mutex mutex;
  StoreRuntime runtime;
  std::deque<std::pair<tracking::TrackBatch, TrackCallback>> waiting;
  // waiting.size(), for completions, which read it without the lock.
  std::atomic<size_t> waiting_count{0};
  // Every event of the store up to this id is committed (Heads waits on it). Written by completions
  // (on the committer thread, one at a time) and by Prepare under the lock.
  std::atomic<int64_t> committed_through{0};
  // Threads waiting on `committed` (completions notify only when there is one).
  std::atomic<int> commit_waiters{0};
  std::condition_variable committed;
  std::chrono::steady_clock::time_point last_flush;
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

struct Engine::Worker {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<int64_t> jobs;                   // stores to look at
  std::unordered_set<int64_t> queued;         // stores in `jobs`
  std::unordered_set<int64_t> stores;         // every store of this worker (for timers)
  // Stores not loaded since start whose timers pending in the database are due then (µs, Clock): the
  // worker loads each when its time comes (FindDormantTimers).
  std::multimap<int64_t, int64_t> dormant;
  std::unordered_map<int64_t, int> dormant_failures;  // failed loads in a row, for the retry delay
  bool stop = false;
  bool poked = false;
  std::thread thread;
};

Engine::Engine(db::Database& db, db::GroupCommitter& committer, const Clock& clock, StoreSettingsSource settings,
               EngineOptions options)
    : db_(db), committer_(committer), clock_(clock), settings_(std::move(settings)), options_(options) {
  CHECK(options_.workers >= 1);
  CHECK(options_.max_commits_in_flight >= 1);
  if (options_.metrics) {
    events_stored_ = &options_.metrics->GetCounter("starling_events_stored_total",
                                                   "Events committed by the store runtimes (derived ones included)");
    batches_failed_ = &options_.metrics->GetCounter("starling_engine_failed_commits_total",
                                                    "Runtime batches whose commit failed (callers got an error)");
  }
  // Migrations ran just before: a database that cannot answer this is not one to serve from.
  auto max_event = db::Read(db_, [](db::Connection& conn) { return conn.QueryOne("SELECT COALESCE(MAX(id), 0) FROM events"); });
  CHECK(max_event.has_value() && max_event->has_value()) << "engine: cannot read the last event id";
  next_event_id_ = (**max_event).GetInt64(0) + 1;
  for (int i = 0; i < options_.workers; ++i) workers_.push_back(std::make_unique<Worker>());
  for (size_t i = 0; i < workers_.size(); ++i) {
    Worker* w = workers_[i].get();
    w->thread = std::thread([this, w, i] {
      NameThisThread(fmt::format("engine-{}", i));
      RunWorker(*w, i);
    });
  }
  // Off the start-up path: serving begins while the stores with pending timers are looked up.
  timer_scan_ = std::thread([this] {
    NameThisThread("engine-timers");
    FindDormantTimers();
  });
}

Engine::~Engine() { Stop(); }

Engine::Worker& Engine::WorkerFor(int64_t store_id) {
  return *workers_[static_cast<size_t>(store_id) % workers_.size()];
}

Engine::Store& Engine::GetStore(int64_t store_id) {
  std::lock_guard lock(stores_mutex_);
  auto& slot = stores_[store_id];
  if (!slot) {
    slot = std::make_unique<Store>(store_id, clock_, next_event_id_);
    Worker& w = WorkerFor(store_id);
    std::lock_guard worker_lock(w.mutex);
    w.stores.insert(store_id);
  }
  return *slot;
}

void Engine::Schedule(int64_t store_id) {
  Worker& w = WorkerFor(store_id);
  std::lock_guard lock(w.mutex);
  if (w.queued.insert(store_id).second) {
    w.jobs.push_back(store_id);
    w.cv.notify_one();
  }
}

void Engine::Track(int64_t store_id, tracking::TrackBatch batch, TrackCallback done) {
  if (stopping_.load()) {
    TrackOutcome refused;
    refused.status = Error::Unavailable("the server is shutting down: the events were not stored; retry later");
    done(std::move(refused));
    return;
  }
  Store& store = GetStore(store_id);
  std::unique_lock lock(store.mutex);
  StoreRuntime& r = store.runtime;
  bool ready = r.loaded && !r.needs_reload && !r.needs_settings && store.waiting.empty() &&
               r.commits_in_flight < options_.max_commits_in_flight;
  if (ready) {
    std::vector<std::pair<tracking::TrackBatch, TrackCallback>> batches;
    batches.emplace_back(std::move(batch), std::move(done));
    ApplyAndSubmit(store, store_id, batches, /*fire_timers=*/false);
    return;
  }
  store.waiting.emplace_back(std::move(batch), std::move(done));
  store.waiting_count.store(store.waiting.size());
  lock.unlock();
  Schedule(store_id);
}

void Engine::RecordDropped(int64_t store_id, const std::string& source, const std::string& ip, bool bot) {
  {
    std::lock_guard lock(activity_mutex_);
    StoreActivity& a = activity_[store_id];
    ++(bot ? a.dropped_bot : a.dropped_excluded_ip);
  }
  RecordRefused(store_id, source, ip, bot ? "dropped: known bot" : "dropped: excluded IP");
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
  Store& store = GetStore(store_id);
  {
    std::lock_guard lock(store.mutex);
    store.runtime.needs_settings = true;
  }
  Schedule(store_id);
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
  if (timer_scan_.joinable()) timer_scan_.join();
  for (auto& worker : workers_) {
    std::lock_guard lock(worker->mutex);
    worker->stop = true;
    worker->cv.notify_one();
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

bool Engine::Prepare(Store& store, int64_t store_id) {
  StoreRuntime& r = store.runtime;
  if (r.loaded && !r.needs_reload && !r.needs_settings) return true;
  // After a failure, wait for the failed epoch's commits to drain before reloading.
  if (r.needs_reload && r.commits_in_flight > 0) return false;
  auto settings = settings_(store_id);
  Status ready = settings ? Ok() : Status(settings.error());
  if (ready && (!r.loaded || r.needs_reload)) {
    ready = db::Read(db_, [&](db::Connection& conn) { return r.Load(conn, *settings); });
    // Nothing of the store is in flight while it loads.
    if (ready) store.committed_through = r.last_applied_event_id();
  } else if (ready) {
    r.set_settings(*settings);
  }
  if (!ready) {
    spdlog::error("engine: store {} cannot be loaded: {}", store_id, ready.error().message);
    for (auto& [batch, done] : store.waiting) {
      TrackOutcome out;
      out.status = Error::Unavailable(fmt::format("the store's data cannot be loaded: {}", ready.error().message));
      done(std::move(out));
    }
    store.waiting.clear();
    store.waiting_count.store(0);
    return false;
  }
  r.needs_settings = false;
  return true;
}

void Engine::ApplyAndSubmit(Store& store, int64_t store_id,
                            std::vector<std::pair<tracking::TrackBatch, TrackCallback>>& batches, bool fire_timers,
                            size_t flush_heads) {
  StoreRuntime& runtime = store.runtime;
  auto plan = std::make_shared<WritePlan>();
  auto pending = std::make_shared<PendingCommit>();
  pending->results.reserve(batches.size());
  for (auto& [batch, done] : batches) {
    AppliedBatch applied = runtime.Apply(batch, *plan);
    pending->results.emplace_back(std::move(applied), std::move(done));
  }
  if (fire_timers) {
    int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
    StoreRuntime::FiredTimers fired = runtime.FireDueTimers(now, *plan);
    pending->timer_ids = std::move(fired.typed_ids);
    pending->timer_entries = std::move(fired.live);
  }
  if (flush_heads > 0) {
    auto now = std::chrono::steady_clock::now();
    // Stopping: everything; otherwise contacts unwritten for a while (their later events share the write).
    auto older_than = stopping_.load() ? std::chrono::steady_clock::time_point::max() : now - kHeadsFlushDelay;
    size_t max_writes = stopping_.load() ? SIZE_MAX : kHeadsFlushWrites;
    if (runtime.FlushHeads(flush_heads, max_writes, older_than, *plan)) store.last_flush = now;
    runtime.PruneMessageIds(
        std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count(), *plan);
  }
  pending->through = runtime.last_applied_event_id();
  if (plan->ops.empty() && pending->results.empty() && pending->timer_ids.empty()) return;
  if (plan->ops.empty() && runtime.commits_in_flight == 0 && runtime.control->failed_epoch.load() < runtime.epoch) {
    // Nothing to write (every batch was refused, or was a message already stored) and nothing of the
    // store in flight: answer at once. With commits in flight, the empty item goes through the
    // committer behind them: a retry of a message still being committed (a Segment messageId, a
    // purchase id) must not be answered as stored before the first copy is, nor if its commit fails.
    FinishCommit(store_id, Ok(), *pending);
    return;
  }
  ++runtime.commits_in_flight;
  bool nothing_written = plan->ops.empty();  // an item only waiting for the store's earlier commits
  auto control = runtime.control;
  int64_t epoch = runtime.epoch;
  Store* slot = &store;
  // Submitted under the store's lock: the store's items reach the committer in the order applied.
  committer_.SubmitAsync(
      [plan, control, epoch](db::Connection& conn) -> Status {
        if (control->failed_epoch.load() >= epoch) {
          return Error::Unavailable("an earlier batch of this store could not be stored");
        }
        Status ran = plan->Run(conn);
        if (!ran) control->failed_epoch.store(epoch);
        return ran;
      },
      [this, slot, store_id, pending, control, epoch, nothing_written](Status status) {
        if (!status) {
          // Covers a failed COMMIT too: later items of this epoch, in later transactions, fail.
          control->failed_epoch.store(std::max(control->failed_epoch.load(), epoch));
          if (!nothing_written) {
            spdlog::error("engine: a batch of store {} was not stored: {}", store_id, status.error().message);
            if (batches_failed_) batches_failed_->Inc();
          }
        }
        FinishCommit(store_id, status, *pending);
        // No lock on the way of a successful commit (the I/O threads applying the next batches hold it
        // often): the counters are atomic, and the lock is taken only to flag a failure or wake a waiter.
        if (status && pending->through > slot->committed_through.load()) slot->committed_through.store(pending->through);
        --slot->runtime.commits_in_flight;
        if (!status || slot->commit_waiters.load() > 0) {
          std::lock_guard lock(slot->mutex);
          // A failed commit leaves memory ahead of the database: reload before the next batch.
          if (!status) slot->runtime.needs_reload = true;
          slot->committed.notify_all();
        }
        // A batch that found the store at its limit of commits in flight waits for this one.
        if (!status || slot->waiting_count.load() > 0) Schedule(store_id);
      });
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
      typed_ids.insert(typed_ids.end(), std::make_move_iterator(applied.typed_ids.begin()),
                       std::make_move_iterator(applied.typed_ids.end()));
    }
    entries.push_back(std::move(applied.live));
  }
  if (status && !pending.timer_ids.empty()) {
    for (LiveEntry& entry : pending.timer_entries) entries.push_back(std::move(entry));
    typed_ids.insert(typed_ids.end(), pending.timer_ids.begin(), pending.timer_ids.end());
    stored += pending.timer_ids.size();
  }
  // Published before the callers hear back: whoever got an answer finds the request in the live view
  // and the checklist.
  Publish(store_id, std::move(entries), typed_ids);
  if (status && events_stored_) events_stored_->Inc(static_cast<double>(stored));
  for (auto& [applied, done] : pending.results) {
    if (done) done(std::move(applied.outcome));
  }
}

Result<std::vector<ContactHead>> Engine::Heads(int64_t store_id, const std::vector<int64_t>& contact_ids) {
  Store& store = GetStore(store_id);
  std::unique_lock lock(store.mutex);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Counted as a waiter before looking (completions decrement without the lock, then notify waiters).
  ++store.commit_waiters;
  while (!Prepare(store, store_id)) {
    if (store.committed.wait_until(lock, deadline) == std::cv_status::timeout) {
      --store.commit_waiters;
      return Error::Unavailable("the store's data is being reloaded: retry in a moment");
    }
  }
  --store.commit_waiters;
  std::vector<ContactHead> heads;
  heads.reserve(contact_ids.size());
  int64_t newest = 0;
  for (int64_t id : contact_ids) {
    heads.push_back(store.runtime.Head(id));
    newest = std::max(newest, heads.back().last_event_id);
  }
  ++store.commit_waiters;
  bool committed = store.committed.wait_until(lock, deadline, [&] {
    return store.committed_through.load() >= newest || store.runtime.needs_reload;
  });
  --store.commit_waiters;
  if (!committed || store.committed_through < newest) {
    return Error::Unavailable("the store's latest events could not be committed: retry in a moment");
  }
  return heads;
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
      // The stored newest of each type, and the events after the store's mark (not counted there yet).
      STARLING_TRY(conn.QueryEach("SELECT type, last_event_id FROM store_event_types WHERE store_id = ?", {store_id},
                                  [&](const db::Row& row) -> Status {
                                    last[row.GetText(0)] = row.GetInt64(1);
                                    return Ok();
                                  }));
      return conn.QueryEach(
          "SELECT type, MAX(id) FROM events WHERE id > COALESCE((SELECT heads_through FROM engine_marks WHERE store_id = ?), 0) "
          "AND store_id = ? GROUP BY type",
          {store_id, store_id}, [&](const db::Row& row) -> Status {
            int64_t& id = last[row.GetText(0)];
            id = std::max(id, row.GetInt64(1));
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
  copy.dropped_excluded_ip = a.dropped_excluded_ip;
  copy.dropped_bot = a.dropped_bot;
  copy.next_seq = a.next_seq;
  for (const LiveEntry& e : a.recent) {
    if (e.seq > after_seq) copy.recent.push_back(e);
  }
  return copy;
}

void Engine::FindDormantTimers() {
  auto pending = db::Read(db_, [](db::Connection& conn) { return StoreRuntime::FindPendingTimers(conn); });
  if (!pending) {
    spdlog::error("engine: cannot read which stores have pending timers ({}); their timers fire when they next "
                  "receive a request",
                  pending.error().message);
    return;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
  for (const auto& [store_id, timers] : *pending) {
    if (stopping_.load()) return;
    int64_t due = timers.first_due_us;
    if (timers.oldest_active_cart_us != INT64_MAX) {
      // A store whose settings cannot be read is loaded now: loading reports why.
      auto settings = settings_(store_id);
      due = std::min(due, settings ? StoreRuntime::CartTimerDue(timers.oldest_active_cart_us, *settings) : now);
    }
    Worker& w = WorkerFor(store_id);
    std::lock_guard lock(w.mutex);
    w.dormant.emplace(due, store_id);
  }
  spdlog::info("engine: {} stores have timers pending", pending->size());
}

void Engine::RunWorker(Worker& w, size_t index) {
  (void)index;
  auto now_us = [this] {
    return std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
  };
  for (;;) {
    std::vector<int64_t> jobs;
    std::vector<int64_t> stores;
    std::vector<int64_t> woken;  // dormant stores whose first timer is due
    bool stop;
    int64_t now;
    {
      std::unique_lock lock(w.mutex);
      // Timers and heads are looked at every tick (and timers at once after a Poke): the clock may jump.
      w.cv.wait_for(lock, kWorkerTick, [&] { return !w.jobs.empty() || w.stop || w.poked; });
      jobs.assign(w.jobs.begin(), w.jobs.end());
      w.jobs.clear();
      w.queued.clear();
      stores.assign(w.stores.begin(), w.stores.end());
      w.poked = false;
      stop = w.stop;
      now = now_us();
      while (!stop && !w.dormant.empty() && w.dormant.begin()->first <= now && woken.size() < kDormantLoadsPerRound) {
        woken.push_back(w.dormant.begin()->second);
        w.dormant.erase(w.dormant.begin());
      }
    }
    std::unordered_set<int64_t> look(jobs.begin(), jobs.end());
    for (int64_t store_id : woken) {
      GetStore(store_id);  // one of this worker's stores from now on (loaded below)
      look.insert(store_id);
      if (std::find(stores.begin(), stores.end(), store_id) == stores.end()) stores.push_back(store_id);
    }
    std::vector<int64_t> retry;  // woken stores that could not be loaded
    bool busy = false;
    for (int64_t store_id : stores) {
      Store& store = GetStore(store_id);
      std::lock_guard lock(store.mutex);
      StoreRuntime& r = store.runtime;
      bool due = r.loaded && r.NextTimerDue() <= now;
      // Heads are written in the background, a bounded number at a time (all of them when stopping).
      bool flush = r.loaded && !r.needs_reload && r.commits_in_flight < options_.max_commits_in_flight &&
                   (stop || std::chrono::steady_clock::now() - store.last_flush >= kWorkerTick);
      if (look.count(store_id) || due || (stop && !store.waiting.empty()) || flush) {
        if (r.commits_in_flight < options_.max_commits_in_flight && Prepare(store, store_id)) {
          due = r.NextTimerDue() <= now;  // a store loaded just now has its timers now
          std::vector<std::pair<tracking::TrackBatch, TrackCallback>> batches;
          size_t n = std::min(store.waiting.size(), options_.max_batch_commands);
          for (size_t i = 0; i < n; ++i) {
            batches.push_back(std::move(store.waiting.front()));
            store.waiting.pop_front();
          }
          store.waiting_count.store(store.waiting.size());
          size_t flush_heads = stop ? SIZE_MAX : flush ? kHeadsFlushBatch : 0;
          if (!batches.empty() || due || flush_heads > 0) {
            ApplyAndSubmit(store, store_id, batches, /*fire_timers=*/true, flush_heads);
          }
        }
      }
      if (!r.loaded && std::find(woken.begin(), woken.end(), store_id) != woken.end()) retry.push_back(store_id);
      busy = busy || r.commits_in_flight > 0 || !store.waiting.empty() || (stop && r.loaded && !r.needs_reload && r.unflushed_heads() > 0);
    }
    if (!woken.empty()) {
      std::lock_guard lock(w.mutex);
      for (int64_t store_id : woken) {
        if (std::find(retry.begin(), retry.end(), store_id) == retry.end()) w.dormant_failures.erase(store_id);
      }
      // Nothing else would load them before their next request (Prepare logged why).
      for (int64_t store_id : retry) {
        int failures = ++w.dormant_failures[store_id];
        auto delay = std::min(kDormantRetry * (int64_t{1} << std::min(failures - 1, 10)), kDormantRetryMax);
        w.dormant.emplace(now + delay.count(), store_id);
      }
      // More may be due: the next round at once.
      if (woken.size() == kDormantLoadsPerRound) w.poked = true;
    }
    if (stop && !busy) return;
    if (stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace starling::engine
