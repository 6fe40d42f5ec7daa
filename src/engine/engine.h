// Engine: the per-store runtimes, one writer per store (ARCHITECTURE.md "The engine").
//
// Each store has a StoreRuntime holding its hot state in memory (contact index by email and tracker,
// profiles, carts, catalog fingerprints, timers). All changes to a store run on one worker thread, the
// one the store is pinned to, so a runtime needs no locks. A batch of commands is applied in memory,
// written in one group-committed transaction (db/group_commit.h), and only after the COMMIT are the
// callers told the outcome: an acknowledged event is never lost. A store has at most one commit in
// flight at a time up to `max_commits_in_flight`; commands arriving meanwhile form the next batch. If a
// commit fails, its callers and those of every later batch of the store get an error, and the runtime
// is reloaded from the database before it applies anything else.
//
// Timers (cart abandonment) are rows with a due time, kept in memory per runtime; a worker fires the due
// ones of its stores. Time comes from the injected Clock; after moving a fake clock, call Poke().
//
// Threading: Track/Poke/Stop/Stats are thread-safe. Callbacks run on the group committer's thread (keep
// them short: hand off to an I/O thread).
#pragma once

#include <atomic>
#include <condition_variable>
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
  int workers = 2;
  // Most commands of one store applied in one batch (one transaction item).
  size_t max_batch_commands = 1000;
  // Batches of one store applied in memory and waiting for their commits at once. 1 makes each batch
  // wait for the previous commit; more lets the runtime work while the disk does.
  int max_commits_in_flight = 4;
  MetricsRegistry* metrics = nullptr;  // optional; must outlive the engine
};

// What happened to one TrackBatch, told after its commit.
struct TrackOutcome {
  Status status;  // not ok: nothing of the batch was stored
  int64_t contact_id = 0;
  std::string tracker_id;
  int events_stored = 0;  // including derived events
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
  std::vector<std::string> event_types;  // stored events, derived ones included
  std::vector<tracking::EventError> errors;
  std::string status;  // "stored", or the error
};

// Per-store counters and the last event id of each type, for the integration checklist.
struct StoreActivity {
  std::map<std::string, int64_t> last_event_id_by_type;
  std::deque<LiveEntry> recent;  // newest last, at most 200
  uint64_t next_seq = 1;
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

  // Queues a batch for the store; `done` is called once it is committed (or failed).
  void Track(int64_t store_id, tracking::TrackBatch batch, TrackCallback done);
  // Records a request that was refused before reaching the runtime (for the live view).
  void RecordRefused(int64_t store_id, const std::string& source, const std::string& ip, const std::string& why,
                     std::vector<tracking::EventError> errors = {});
  // The store's settings changed: the runtime re-reads them before its next batch.
  void RefreshStore(int64_t store_id);
  // Wakes the workers to fire due timers (after moving a fake clock).
  void Poke();
  // Applies everything queued, waits for the commits, then stops the workers. Idempotent.
  void Stop();

  // A copy of the store's live entries newer than `after_seq` and its checklist.
  StoreActivity Activity(int64_t store_id, uint64_t after_seq);
  // Blocks until the store has live entries newer than `after_seq`, or `timeout` passes.
  StoreActivity WaitForActivity(int64_t store_id, uint64_t after_seq, std::chrono::milliseconds timeout);

 private:
  struct Command;
  struct Worker;
  friend class StoreRuntime;

  Worker& WorkerFor(int64_t store_id);
  void RunWorker(Worker& worker);
  struct PendingCommit;
  // Records what a batch did for the live view and the checklist, under one lock.
  void Publish(int64_t store_id, std::vector<LiveEntry> entries,
               const std::vector<std::pair<std::string, int64_t>>& typed_ids);
  // On the worker, once a commit is over: tells the callers and publishes.
  void FinishCommit(int64_t store_id, const Status& status, PendingCommit& pending);

  db::Database& db_;
  db::GroupCommitter& committer_;
  const Clock& clock_;
  StoreSettingsSource settings_;
  EngineOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> stopping_{false};

  std::mutex activity_mutex_;
  std::condition_variable activity_cv_;
  std::unordered_map<int64_t, StoreActivity> activity_;  // by store
  std::unordered_set<int64_t> checklist_loaded_;         // stores whose stored event types were read since start

  Counter* events_stored_ = nullptr;
  Counter* batches_failed_ = nullptr;
};

}  // namespace starling::engine
