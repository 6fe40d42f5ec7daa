// Engine: the per-store runtimes, one writer per store (ARCHITECTURE.md "The engine").
//
// Each store has a StoreRuntime holding its hot state in memory (contact index by email, tracker and
// push endpoint, profiles, carts, catalog fingerprints, timers). Changes to a store are applied one at a time under
// the store's lock — its single writer — so the runtime itself needs no locks. A batch is applied in
// memory by the thread that brings it (an HTTP I/O thread: no hand-off to another thread on the hot
// path), its writes are handed to the group committer (db/group_commit.h), and only after the COMMIT
// is the caller told the outcome: an acknowledged event is never lost. The group committer merges the
// writes of many requests, of any stores, into one transaction.
//
// A store has at most `max_commits_in_flight` batches applied but not yet committed; beyond that, and
// while a runtime loads, batches wait and a worker thread applies them together when it can. If a
// commit fails, its callers and those of every later batch of the store get an error, and the runtime
// is reloaded from the database before it applies anything else.
//
// Timers are kept in memory per runtime and fired by the worker threads; a cart's abandonment timer is
// not a row of its own (the active cart row is its durable record). Time comes from the injected Clock;
// after moving a fake clock, call Poke(). Stores load on first use, so at start a background thread
// reads, with one grouped query per table, which stores have timers pending in the database and when
// the first is due (a cart's: its last change plus the store's abandonment delay); a worker loads such
// a store when that time comes, and fires its timers without waiting for the store's next request.
// Stores without pending timers are not read at all.
//
// Timelines: a contact's events form a chain (events.prev_id), so storing an event writes no index. The
// runtime knows each contact's newest event and count; readers ask Heads(). The workers write the heads
// to the contacts rows in the background, a few at a time, with the mark (engine_marks) below which
// the rows are exact; loading a store replays the events after its mark.
//
// Live view: every request a store receives (stored or refused) becomes a numbered LiveEntry; the last
// 200 per store are kept in memory, and Subscribe() pushes new ones to subscribers as they are published.
//
// Threading: every public method is thread-safe. Callbacks run on the group committer's thread or on the
// calling thread (an immediate refusal): keep them short, hand off to an I/O thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/result.h"
#include "db/database.h"
#include "db/group_commit.h"
#include "tracking/model.h"

namespace starling::engine {

struct EngineOptions {
  // Threads that load runtimes, apply batches that had to wait, and fire timers.
  int workers = 2;
  // Most waiting batches of one store applied together (one transaction item).
  size_t max_batch_commands = 1000;
  // Batches of one store applied in memory and waiting for their commits at once; beyond this, new
  // batches wait and are applied together when a commit is done.
  int max_commits_in_flight = 64;
  MetricsRegistry* metrics = nullptr;  // optional; must outlive the engine
};

// Where a contact's timeline starts: its newest event (each event links to the contact's previous one,
// events.prev_id) and how many events it has.
struct ContactHead {
  int64_t last_event_id = 0;
  int64_t event_count = 0;
};

// What happened to one TrackBatch, told after its commit.
struct TrackOutcome {
  Status status;  // not ok: nothing of the batch was stored
  int64_t contact_id = 0;
  std::string tracker_id;
  int events_stored = 0;  // including derived events
  // Events the runtime refused while applying the batch (a purchase id already recorded); the batch's
  // other events were stored.
  std::vector<tracking::EventError> errors;
};
using TrackCallback = std::function<void(TrackOutcome)>;

// Store settings the runtime works with; read through `StoreSettingsSource` when a runtime loads and
// after RefreshStore().
struct RuntimeSettings {
  int64_t cart_abandonment_minutes = 30;
};
using StoreSettingsSource = std::function<Result<RuntimeSettings>(int64_t store_id)>;

// One incoming request as the integration check shows it.
struct LiveEntry {
  uint64_t seq = 0;
  int64_t at_us = 0;
  std::string source;  // script | api | segment
  std::string ip;
  int64_t contact_id = 0;
  std::string contact_email;  // the contact's email once the request was applied; empty: anonymous (or none)
  std::string contact_external_id;  // without an email: its external id (a Segment userId), if any
  std::vector<std::string> event_types;  // stored events, derived ones included
  std::vector<tracking::EventError> errors;
  std::string status;  // "stored", or the error
};

// Per-store counters and the last event id of each type, for the integration checklist.
struct StoreActivity {
  std::map<std::string, int64_t> last_event_id_by_type;
  // Requests (or Segment calls) answered but not stored since the server started (Engine::RecordDropped).
  int64_t dropped_excluded_ip = 0;
  int64_t dropped_bot = 0;
  std::deque<LiveEntry> recent;  // newest last, at most 200
  uint64_t next_seq = 1;
};

// Receives a store's live entries, oldest first (see Engine::Subscribe).
using LiveCallback = std::function<void(const std::vector<LiveEntry>& entries)>;

// A subscription's handle, for Unsubscribe.
struct LiveSubscription {
  int64_t store_id = 0;
  uint64_t id = 0;
};

class StoreRuntime;

class Engine final {
 public:
  // `db`, `committer`, `clock` and `settings` must outlive the engine.
  Engine(db::Database& db, db::GroupCommitter& committer, const Clock& clock, StoreSettingsSource settings,
         EngineOptions options);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();  // Stop()

  // Applies a batch to the store (now, on this thread, when its runtime is ready; otherwise soon, on a
  // worker); `done` is called once it is committed (or failed).
  void Track(int64_t store_id, tracking::TrackBatch batch, TrackCallback done);
  // Records a request answered but not stored because it came from an excluded IP of the store or a
  // known bot: counted for the store (StoreActivity) and shown in the live view.
  void RecordDropped(int64_t store_id, const std::string& source, const std::string& ip, bool bot);
  // Records a request that was refused before reaching the runtime (for the live view).
  void RecordRefused(int64_t store_id, const std::string& source, const std::string& ip, const std::string& why,
                     std::vector<tracking::EventError> errors = {});
  // The store's settings changed: the runtime re-reads them before its next batch.
  void RefreshStore(int64_t store_id);
  // Wakes the workers to fire due timers (after moving a fake clock).
  void Poke();
  // Applies everything queued, waits for the commits, then stops the workers. Idempotent.
  void Stop();

  // The heads of `contact_ids` (0/0 for a contact the store does not have, or one merged into another),
  // once every event they count is committed: waits for the store's commits in flight (loads the store
  // first if it is not loaded). For readers: call it outside any transaction, then read.
  Result<std::vector<ContactHead>> Heads(int64_t store_id, const std::vector<int64_t>& contact_ids);

  // A copy of the store's live entries newer than `after_seq` and its checklist. The first call for a
  // store reads the database (the event types stored before start).
  StoreActivity Activity(int64_t store_id, uint64_t after_seq);

  // Pushes the store's live entries to `callback`, each entry once and in order (by seq): first the
  // kept ones newer than `after_seq` (all of them when `after_seq` is not below the store's next seq:
  // the numbering began again with a restart), then each batch as it is published. Never reads the
  // database.
  //
  // The callback runs outside every engine lock, and never twice at once for one store: on the thread
  // that publishes (an engine worker after a commit, a caller of RecordRefused), on the caller of
  // Subscribe for the kept entries (before Subscribe returns), or on whichever of those threads is
  // delivering the store's entries at that moment. It holds up ingestion while it runs: it must be
  // quick and never block (queue the entries somewhere bounded and return). It may call Subscribe,
  // Unsubscribe and RecordRefused (those entries are delivered after it returns). An exception it
  // throws is logged and ignored.
  LiveSubscription Subscribe(int64_t store_id, uint64_t after_seq, LiveCallback callback);
  // Stops the callbacks of `subscription`. A call already under way on another thread may still run
  // (or start) while this returns: keep what the callback uses alive by shared ownership. Unknown or
  // repeated handles are ignored.
  void Unsubscribe(LiveSubscription subscription);

 private:
  struct Store;
  struct Worker;
  struct PendingCommit;
  friend class StoreRuntime;

  Store& GetStore(int64_t store_id);
  Worker& WorkerFor(int64_t store_id);
  // Asks the store's worker to look at it (load it, apply what waits, fire timers).
  void Schedule(int64_t store_id);
  void RunWorker(Worker& worker, size_t index);
  // On `timer_scan_`: hands each store with timers pending in the database to its worker, with the
  // time its first timer is due.
  void FindDormantTimers();
  // With the store's lock held: makes the runtime ready (load, reload, settings); false if it cannot
  // be now (the waiting batches are then refused or left for later).
  bool Prepare(Store& store, int64_t store_id);
  // With the store's lock held: applies `batches` (and the due timers when `fire_timers`) as one
  // transaction item and submits it.
  // `flush_heads`: also write up to that many contacts' heads (StoreRuntime::FlushHeads).
  void ApplyAndSubmit(Store& store, int64_t store_id,
                      std::vector<std::pair<tracking::TrackBatch, TrackCallback>>& batches, bool fire_timers,
                      size_t flush_heads = 0);
  // Records what a batch did for the live view and the checklist, under one lock, then delivers the
  // entries to the store's subscribers.
  void Publish(int64_t store_id, std::vector<LiveEntry> entries,
               const std::vector<std::pair<std::string, int64_t>>& typed_ids);
  struct LiveSubscribers;
  // With `lock` (on activity_mutex_) held: unless another thread already is, hands the store's pending
  // deliveries to its subscribers, unlocking around each callback, until none is left.
  void Deliver(int64_t store_id, std::unique_lock<std::mutex>& lock);
  // Once a commit is over: tells the callers and publishes.
  void FinishCommit(int64_t store_id, const Status& status, PendingCommit& pending);

  db::Database& db_;
  db::GroupCommitter& committer_;
  const Clock& clock_;
  StoreSettingsSource settings_;
  EngineOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::thread timer_scan_;  // FindDormantTimers, once at start
  std::atomic<bool> stopping_{false};
  std::mutex stores_mutex_;
  std::unordered_map<int64_t, std::unique_ptr<Store>> stores_;  // never erased: Store& stays valid
  // Event ids are unique across stores: the runtimes draw them from here (loaded at start).
  std::atomic<int64_t> next_event_id_{1};

  std::mutex activity_mutex_;
  std::unordered_map<int64_t, StoreActivity> activity_;  // by store
  std::unordered_set<int64_t> checklist_loaded_;         // stores whose stored event types were read since start
  // Stores with subscribers (or deliveries under way), under activity_mutex_. Elements are referred to
  // across unlocks while delivering: unordered_map keeps them in place when it rehashes.
  std::unordered_map<int64_t, LiveSubscribers> live_;
  uint64_t next_subscription_ = 1;

  Counter* events_stored_ = nullptr;
  Counter* batches_failed_ = nullptr;
};

}  // namespace starling::engine
