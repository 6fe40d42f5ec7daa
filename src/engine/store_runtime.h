// StoreRuntime: one store's hot state and the rules that change it. Internal to the engine: used only by
// the worker thread the store is pinned to (no locks), see engine.h.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/container/string.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include "base/check.h"
#include "base/clock.h"
#include "base/result.h"
#include "db/database.h"
#include "engine/cart.h"
#include "engine/engine.h"
#include "engine/identity.h"
#include "tracking/model.h"

namespace starling::engine {

// The statements one batch writes, in order, in one transaction item.
struct WritePlan {
  struct Op {
    std::string_view sql;  // a static string
    std::vector<db::Value> params;
  };
  std::vector<Op> ops;
  // Adds one statement; each argument becomes one parameter, moved in (no copy of the texts).
  template <typename... Args>
  void Add(std::string_view sql, Args&&... args) {
    Op& op = ops.emplace_back();
    op.sql = sql;
    op.params.reserve(sizeof...(Args));
    (op.params.emplace_back(std::forward<Args>(args)), ...);
  }
  Status Run(db::Connection& conn) const;
};

// What applying one TrackBatch produced, reported after the commit.
struct AppliedBatch {
  TrackOutcome outcome;
  LiveEntry live;
  std::vector<std::pair<std::string, int64_t>> typed_ids;  // (event type, event id) stored
};

class StoreRuntime final : public ContactIndex {
 public:
  // `next_event_id` is the engine's counter of event ids (unique across stores); it must outlive the
  // runtime.
  StoreRuntime(int64_t store_id, const Clock& clock, std::atomic<int64_t>& next_event_id)
      : store_id_(store_id), clock_(clock), next_event_id_(next_event_id) {}

  // The timers a store has pending in the database, as far as they can be known without loading it.
  struct PendingTimers {
    int64_t oldest_active_cart_us = INT64_MAX;  // the last change of its oldest active cart (CartTimerDue)
    int64_t first_due_us = INT64_MAX;           // its first timer row
  };
  // Every store's pending timers: one grouped query per table, nothing loaded.
  static Result<std::unordered_map<int64_t, PendingTimers>> FindPendingTimers(db::Connection& conn);
  // When the abandonment timer of a cart last changed at `updated_at_us` is due.
  static int64_t CartTimerDue(int64_t updated_at_us, const RuntimeSettings& settings) {
    return updated_at_us + settings.cart_abandonment_minutes * 60 * 1'000'000;
  }

  // Loads the store's state from the database (replacing anything in memory).
  Status Load(db::Connection& conn, const RuntimeSettings& settings);
  // New settings; a changed abandonment delay reschedules the active carts' timers.
  void set_settings(const RuntimeSettings& settings);

  // Applies one batch to memory and appends its writes to `plan`.
  AppliedBatch Apply(const tracking::TrackBatch& batch, WritePlan& plan);
  // What firing timers stored: the (type, id) of its events, and one live entry per contact concerned.
  struct FiredTimers {
    std::vector<std::pair<std::string, int64_t>> typed_ids;
    std::vector<LiveEntry> live;  // source "timer"
  };
  // Fires the timers due at `now_us`; their writes go to `plan`.
  FiredTimers FireDueTimers(int64_t now_us, WritePlan& plan);
  // The earliest timer due time, or INT64_MAX.
  int64_t NextTimerDue() const { return timers_.empty() ? INT64_MAX : timers_.begin()->first; }

  // ContactIndex.
  std::optional<int64_t> FindByEmail(const std::string& email) const override;
  std::optional<int64_t> FindByTracker(const std::string& tracker_id) const override;
  std::optional<int64_t> FindByPushEndpoint(const std::string& endpoint) const override;
  std::string EmailOf(int64_t contact_id) const override;
  std::optional<int64_t> FindByExternalId(const std::string& external_id) const override;
  std::string ExternalIdOf(int64_t contact_id) const override;

  // The engine's bookkeeping for this store.
  bool loaded = false;
  // Changed under the store's lock, except the decrement by a commit's completion (which takes no lock).
  std::atomic<int> commits_in_flight{0};
  bool needs_reload = false;
  bool needs_settings = false;
  // Batches are applied in memory ahead of their commits (up to EngineOptions::max_commits_in_flight).
  // When one fails, every later batch of the same epoch must fail too (memory had moved on from a state
  // the database never reached): the work items check `failed_epoch` when they run, in commit order, and
  // the runtime reloads (a new epoch) once the failed epoch has no commit left in flight.
  struct CommitControl {
    std::atomic<int64_t> failed_epoch{-1};
  };
  std::shared_ptr<CommitControl> control = std::make_shared<CommitControl>();
  int64_t epoch = 0;

  size_t contact_count() const { return contacts_.size(); }

  // A contact's newest event id and event count, as applied in memory (0/0: unknown contact, or merged
  // into another). Commits may still be in flight for the newest: see Engine::Heads.
  ContactHead Head(int64_t contact_id) const;
  // The highest event id this store has applied (every later event of the store has a higher id).
  int64_t last_applied_event_id() const { return last_applied_event_id_; }
  // Writes the stored heads (contacts.last_event_id/event_count, store_event_types, engine_marks) of the
  // contacts among the next `sweep` contact ids (round robin; at least a hundredth of the contacts)
  // whose head changed before `older_than` (steady clock; waiting lets several events of a contact share
  // one write), stopping after `max_writes` heads; false if nothing needed writing.
  bool FlushHeads(size_t sweep, size_t max_writes, std::chrono::steady_clock::time_point older_than, WritePlan& plan);
  // Contacts whose stored head is behind memory.
  size_t unflushed_heads() const { return unflushed_.size(); }
  // Deletes the stored message ids older than the dedupe window, at most once a minute; false if it
  // was not time yet.
  bool PruneMessageIds(int64_t now_us, WritePlan& plan);

  // How long, and how many, message ids (TrackBatch::dedupe_key) are remembered per store.
  static constexpr int64_t kDedupeWindowUs = int64_t{24} * 3600 * 1'000'000;
  static constexpr size_t kDedupeCapacity = 1'000'000;

 private:
  struct Contact {
    std::string email;
    std::vector<std::pair<std::string, std::string>> fields;  // name → JSON value text, sorted by name
    int64_t merged_into = 0;
    int64_t last_event_id = 0;  // the head of the contact's chain of events (events.prev_id)
    int64_t event_count = 0;
    int64_t first_unflushed_id = 0;  // the first event not yet counted in the contact's row (0: none)
    std::chrono::steady_clock::time_point unflushed_since;  // when that event was applied
  };
  // Contacts by id. The runtime numbers a store's contacts 1, 2, 3…, so a contact is found by indexing:
  // one cache miss, where a hash table took two or three (with 100,000 contacts, the top cost of applying
  // a one-event request). References stay valid as contacts are added (a deque).
  class ContactTable {
   public:
    Contact* Find(int64_t id) {
      return id >= 1 && static_cast<size_t>(id) <= slots_.size() && slots_[id - 1] ? &*slots_[id - 1] : nullptr;
    }
    const Contact* Find(int64_t id) const { return const_cast<ContactTable*>(this)->Find(id); }
    // The contact `id`, added empty if absent (as std::unordered_map's operator[]); `id` ≥ 1.
    Contact& operator[](int64_t id) {
      if (Contact* c = Find(id)) return *c;
      return Add(id, Contact{});
    }
    // Adds `c` as contact `id` (≥ 1) unless there is one.
    void emplace(int64_t id, Contact c) {
      if (Find(id) == nullptr) Add(id, std::move(c));
    }
    size_t size() const { return size_; }
    void clear() {
      slots_.clear();
      size_ = 0;
    }

   private:
    Contact& Add(int64_t id, Contact c) {
      CHECK(id >= 1) << "contact ids start at 1, got " << id;
      if (static_cast<size_t>(id) > slots_.size()) slots_.resize(static_cast<size_t>(id));
      ++size_;
      return slots_[id - 1].emplace(std::move(c));
    }
    std::deque<std::optional<Contact>> slots_;  // contact id - 1
    size_t size_ = 0;
  };
  struct CartState {
    std::string cart_id;
    std::string state = "empty";  // active | abandoned | purchased | empty
    std::vector<CartItem> items;
    double total_quantity = 0, total_price = 0;
    int64_t updated_at_us = 0;
  };
  struct Timer {
    int64_t id;
    std::string kind;
    int64_t contact_id;
  };

  int64_t NowUs() const;
  int64_t AddEvent(int64_t contact_id, std::string_view type, int64_t at_us, std::string data_json, WritePlan& plan,
                   AppliedBatch& applied);
  void CreateContact(int64_t id, const std::string& email, int64_t now_us, WritePlan& plan);
  void BindTracker(const std::string& tracker_id, int64_t contact_id, int64_t now_us, WritePlan& plan);
  void Merge(int64_t target, int64_t source, int64_t now_us, WritePlan& plan);
  void SavePushSubscription(int64_t contact_id, const tracking::PushSubscription& subscription, int64_t now_us,
                            WritePlan& plan, AppliedBatch& applied);
  void WriteFields(int64_t contact_id, int64_t now_us, WritePlan& plan);
  // Points the external id index at `contact_id` for its `_external_id` field's new value (JSON text).
  void IndexExternalId(int64_t contact_id, const std::string& old_value, const std::string& new_value);
  void SaveCart(int64_t contact_id, const CartState& cart, WritePlan& plan);
  void ScheduleCartTimer(int64_t contact_id, int64_t from_us);
  void CancelCartTimer(int64_t contact_id);
  void CartChanged(int64_t contact_id, const std::vector<CartChange>& changes, const std::string& cart_id,
                   int64_t now_us, WritePlan& plan, AppliedBatch& applied);
  void UpsertProduct(const tracking::Product& product, int64_t now_us, WritePlan& plan);
  // The email that identifies the batch's contact: the page's, else a newsletter sign-up's when the
  // tracker is unknown or anonymous.
  const std::string& IdentityEmail(const tracking::TrackBatch& batch) const;
  // Who subscribed `email` in a request about `contact_id`: that contact when it has this email, else
  // the contact with the email, created (entity-created) when there is none and `create`; 0 otherwise.
  // The request's contact and its trackers are left as they are.
  int64_t Subscriber(const std::string& email, int64_t contact_id, bool create, int64_t now_us, WritePlan& plan,
                     AppliedBatch& applied);
  // Sets one profile field in memory; false if it already had that value.
  static bool SetField(Contact& c, const std::string& name, const std::string& value);
  void WriteHead(int64_t contact_id, Contact& c, WritePlan& plan);
  std::string NewTrackerId() const;

  const int64_t store_id_;
  const Clock& clock_;
  RuntimeSettings settings_;

  ContactTable contacts_;
  // Open-addressing maps for the large, hot indexes (one probe instead of a chain of nodes: these
  // lookups were the top user-space cost of ingestion with 100,000 contacts). Their keys are Boost
  // strings, which keep up to 23 characters in the table's slot (std::string: 15), so that finding a
  // tracker id (22 characters from the tracking script) reads no string elsewhere on the heap.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  using StringIndex = boost::unordered_flat_map<boost::container::string, int64_t, KeyHash, KeyEqual>;
  static boost::container::string IndexKey(std::string_view text) { return {text.data(), text.size()}; }
  StringIndex by_email_;
  StringIndex by_tracker_;
  // External id → the contact that last received it (a merged contact's entry is followed to the
  // contact it was merged into).
  StringIndex by_external_id_;
  std::unordered_map<int64_t, std::vector<std::string>> trackers_of_;
  // Push subscriptions by endpoint (an identity key, and what was stored of each), and each contact's
  // endpoints (for merges).
  struct PushState {
    int64_t contact_id = 0;
    uint64_t keys_fingerprint = 0;  // of p256dh and auth as stored
    int64_t last_seen_us = 0;       // push_subscriptions.last_seen_at as stored
  };
  boost::unordered_flat_map<std::string, PushState> by_push_;
  std::unordered_map<int64_t, std::vector<std::string>> push_endpoints_of_;
  std::unordered_map<int64_t, CartState> carts_;
  std::multimap<int64_t, Timer> timers_;                              // by due time
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> cart_timer_;  // contact → (due, timer id)
  boost::unordered_flat_map<std::string, uint64_t> product_fingerprints_;
  boost::unordered_flat_set<std::string> purchase_ids_;
  // Message ids stored in the last kDedupeWindowUs (at most kDedupeCapacity): hash → when stored, and
  // the same, oldest first, to forget them.
  boost::unordered_flat_map<uint64_t, int64_t> message_ids_;
  std::deque<std::pair<int64_t, uint64_t>> message_id_order_;
  int64_t message_ids_pruned_us_ = 0;  // when the stored ones were last pruned
  int64_t oldest_message_row_us_ = INT64_MAX;  // no stored row is older (INT64_MAX: none is stored)
  static uint64_t MessageIdHash(std::string_view id);
  // Forgets the message ids older than the window, and the oldest beyond the capacity.
  void ExpireMessageIds(int64_t now_us);
  std::atomic<int64_t>& next_event_id_;
  int64_t next_contact_id_ = 1, next_timer_id_ = 1;
  int64_t last_applied_event_id_ = 0;
  // Contacts with events not yet counted in their row, in the order of their first such event (an
  // entry whose contact was written since is skipped).
  struct Unflushed {
    int64_t contact_id;
    int64_t first_event_id;
  };
  std::deque<Unflushed> unflushed_;
  int64_t sweep_cursor_ = 1;  // the next contact id FlushHeads looks at
  struct TypeHead {
    int64_t last_event_id = 0;
    bool unflushed = false;  // newer than its store_event_types row
  };
  std::map<std::string, TypeHead, std::less<>> type_heads_;
  int64_t stored_mark_ = -1;  // engine_marks.heads_through as written (-1: no row)
};

}  // namespace starling::engine
