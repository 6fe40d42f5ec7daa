#include "engine/engine.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/check.h"
#include "engine/store_runtime.h"

namespace starling::engine {

struct Engine::Command {
  enum class Kind { kTrack, kCommitDone, kRefresh };
  Kind kind = Kind::kTrack;
  int64_t store_id = 0;
  tracking::TrackBatch batch;
  TrackCallback done;
  bool commit_failed = false;  // kCommitDone
};

struct Engine::Worker {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<Command> queue;
  bool stop = false;
  bool poked = false;
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
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { RunWorker(*w); });
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
      w.cv.notify_one();
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
  Publish(store_id, std::move(entry), {});
}

void Engine::RefreshStore(int64_t store_id) {
  Worker& w = WorkerFor(store_id);
  std::lock_guard lock(w.mutex);
  Command c;
  c.kind = Command::Kind::kRefresh;
  c.store_id = store_id;
  w.queue.push_back(std::move(c));
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

void Engine::Publish(int64_t store_id, LiveEntry entry, const std::vector<std::pair<std::string, int64_t>>& typed_ids) {
  std::lock_guard lock(activity_mutex_);
  StoreActivity& a = activity_[store_id];
  for (const auto& [type, id] : typed_ids) {
    int64_t& last = a.last_event_id_by_type[type];
    last = std::max(last, id);
  }
  entry.seq = a.next_seq++;
  a.recent.push_back(std::move(entry));
  if (a.recent.size() > 200) a.recent.erase(a.recent.begin(), a.recent.begin() + (a.recent.size() - 200));
  activity_cv_.notify_all();
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

StoreActivity Engine::WaitForActivity(int64_t store_id, uint64_t after_seq, std::chrono::milliseconds timeout) {
  StoreActivity now = Activity(store_id, after_seq);
  if (!now.recent.empty()) return now;
  std::unique_lock lock(activity_mutex_);
  activity_cv_.wait_for(lock, timeout, [&] {
    auto it = activity_.find(store_id);
    return stopping_.load() || (it != activity_.end() && it->second.next_seq > after_seq + 1);
  });
  lock.unlock();
  return Activity(store_id, after_seq);
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
        if (!runtime->commit_in_flight) next_due = std::min(next_due, runtime->NextTimerDue());
      }
      auto until_due = std::chrono::microseconds(next_due == INT64_MAX ? 1'000'000 : std::max<int64_t>(0, next_due - now_us()));
      // Wake at least once a second: the clock may be moved by hand (tests) without a Poke.
      until_due = std::min(until_due, std::chrono::microseconds(1'000'000));
      w.cv.wait_for(lock, until_due, [&] { return !w.queue.empty() || w.stop || w.poked; });
      commands.swap(w.queue);
      w.poked = false;
      stop = w.stop;
    }

    // Sort the commands into the stores' waiting lists; note finished commits.
    for (Command& c : commands) {
      auto& runtime = w.runtimes[c.store_id];
      if (!runtime) runtime = std::make_unique<StoreRuntime>(c.store_id, clock_);
      switch (c.kind) {
        case Command::Kind::kCommitDone:
          runtime->commit_in_flight = false;
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
      if (runtime.commit_in_flight) continue;
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
      auto results = std::make_shared<std::vector<std::pair<AppliedBatch, TrackCallback>>>();
      size_t n = std::min(waiting.size(), options_.max_batch_commands);
      for (size_t i = 0; i < n; ++i) {
        Command& c = waiting[i];
        AppliedBatch applied = runtime.Apply(c.batch, *plan);
        results->emplace_back(std::move(applied), std::move(c.done));
      }
      waiting.erase(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(n));
      auto timer_ids = std::make_shared<std::vector<std::pair<std::string, int64_t>>>(runtime.FireDueTimers(now, *plan));
      if (plan->ops.empty()) {
        // Nothing to write (e.g. every batch was refused): answer at once.
        for (auto& [applied, done] : *results) {
          Publish(store_id, applied.live, applied.typed_ids);
          if (done) done(std::move(applied.outcome));
        }
        continue;
      }
      runtime.commit_in_flight = true;
      int64_t sid = store_id;
      Worker* worker = &w;
      committer_.SubmitAsync(
          [plan](db::Connection& conn) { return plan->Run(conn); },
          [this, sid, worker, results, timer_ids, now](Status status) {
            if (!status) {
              spdlog::error("engine: a batch of store {} was not stored: {}", sid, status.error().message);
              if (batches_failed_) batches_failed_->Inc();
            }
            uint64_t stored = 0;
            for (auto& [applied, done] : *results) {
              if (!status) {
                applied.outcome.status = Error::Unavailable(
                    fmt::format("the events could not be stored ({}); nothing was kept: retry", status.error().message));
                applied.live.status = applied.outcome.status.error().message;
                applied.live.event_types.clear();
                applied.typed_ids.clear();
              } else if (applied.outcome.status) {
                stored += static_cast<uint64_t>(applied.outcome.events_stored);
              }
              Publish(sid, applied.live, applied.typed_ids);
              if (done) done(std::move(applied.outcome));
            }
            if (status) {
              if (!timer_ids->empty()) {
                LiveEntry timers;
                timers.at_us = now;  // when the timers fired
                timers.source = "timer";
                timers.status = "stored";
                for (const auto& [type, id] : *timer_ids) timers.event_types.push_back(type);
                Publish(sid, std::move(timers), *timer_ids);
                stored += timer_ids->size();
              }
              if (events_stored_) events_stored_->Inc(static_cast<double>(stored));
            }
            std::lock_guard lock(worker->mutex);
            Command c;
            c.kind = Command::Kind::kCommitDone;
            c.store_id = sid;
            c.commit_failed = !status;
            worker->queue.push_back(std::move(c));
            worker->cv.notify_one();
          });
    }
    if (stop) {
      bool busy = false;
      for (auto& [store_id, runtime] : w.runtimes) {
        busy = busy || runtime->commit_in_flight || !w.waiting[store_id].empty();
      }
      std::lock_guard lock(w.mutex);
      if (!busy && w.queue.empty()) return;
    }
  }
}

}  // namespace starling::engine
