#include "engine/store_runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "base/crypto.h"
#include "base/json.h"
#include "base/json_writer.h"
#include "base/text.h"

namespace starling::engine {
namespace {

// Statements (static: WritePlan keeps views).
constexpr std::string_view kInsertContact =
    "INSERT INTO contacts (store_id, id, email, fields, created_at, updated_at) VALUES (?, ?, ?, '{}', ?, ?)";
constexpr std::string_view kSetEmail = "UPDATE contacts SET email = ?, updated_at = ? WHERE store_id = ? AND id = ?";
constexpr std::string_view kSetFields =
    "UPDATE contacts SET fields = ?, external_id = ?, updated_at = ? WHERE store_id = ? AND id = ?";
constexpr std::string_view kBindTracker =
    "INSERT INTO contact_trackers (store_id, tracker_id, contact_id, created_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (store_id, tracker_id) DO UPDATE SET contact_id = excluded.contact_id";
constexpr std::string_view kInsertEvent =
    "INSERT INTO events (store_id, id, contact_id, type, occurred_at, data, prev_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
// A merge: the events of both chains (the heads, first two parameters) become one chain, in id order, owned
// by the contact of the last two. Only the target's events newer than the merged contact's oldest are
// walked (and the first older one, to link to): a long-known customer's whole history is not.
constexpr std::string_view kRelinkEvents =
    "WITH RECURSIVE "
    "a(id, prev) AS (SELECT id, prev_id FROM events WHERE id = ? "
    "UNION ALL SELECT e.id, e.prev_id FROM events e JOIN a ON e.id = a.prev), "
    "b(id, prev) AS (SELECT id, prev_id FROM events WHERE id = ? "
    "UNION ALL SELECT e.id, e.prev_id FROM events e JOIN b ON e.id = b.prev WHERE b.id > (SELECT MIN(id) FROM a)), "
    "linked(id, prev) AS (SELECT id, LAG(id, 1, 0) OVER (ORDER BY id) FROM (SELECT id FROM a UNION ALL SELECT id FROM b)) "
    "UPDATE events SET contact_id = ?, prev_id = linked.prev FROM linked "
    "WHERE events.id = linked.id AND events.id >= (SELECT MIN(id) FROM a) "
    "AND (events.prev_id != linked.prev OR events.contact_id != ?)";
constexpr std::string_view kWriteHead =
    "UPDATE contacts SET last_event_id = ?, event_count = ? WHERE store_id = ? AND id = ?";
constexpr std::string_view kWriteTypeHead =
    "INSERT INTO store_event_types (store_id, type, last_event_id) VALUES (?, ?, ?) "
    "ON CONFLICT (store_id, type) DO UPDATE SET last_event_id = MAX(last_event_id, excluded.last_event_id)";
constexpr std::string_view kWriteMark =
    "INSERT INTO engine_marks (store_id, heads_through) VALUES (?, ?) "
    "ON CONFLICT (store_id) DO UPDATE SET heads_through = excluded.heads_through";
constexpr std::string_view kMoveTrackers =
    "UPDATE contact_trackers SET contact_id = ? WHERE store_id = ? AND contact_id = ?";
constexpr std::string_view kUpsertPushSubscription =
    "INSERT INTO push_subscriptions (store_id, endpoint, contact_id, p256dh, auth, created_at, last_seen_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_id, endpoint) DO UPDATE SET contact_id = excluded.contact_id, "
    "p256dh = excluded.p256dh, auth = excluded.auth, last_seen_at = excluded.last_seen_at";
constexpr std::string_view kMovePushSubscriptions =
    "UPDATE push_subscriptions SET contact_id = ? WHERE store_id = ? AND contact_id = ?";
constexpr std::string_view kMovePurchases = "UPDATE purchases SET contact_id = ? WHERE store_id = ? AND contact_id = ?";
constexpr std::string_view kMarkMerged =
    "UPDATE contacts SET merged_into = ?, updated_at = ? WHERE store_id = ? AND id = ?";
constexpr std::string_view kDeleteCart = "DELETE FROM carts WHERE store_id = ? AND contact_id = ?";
constexpr std::string_view kUpsertCart =
    "INSERT INTO carts (store_id, contact_id, cart_id, state, total_quantity, total_price, items, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_id, contact_id) DO UPDATE SET cart_id = excluded.cart_id, "
    "state = excluded.state, total_quantity = excluded.total_quantity, total_price = excluded.total_price, "
    "items = excluded.items, updated_at = excluded.updated_at";
constexpr std::string_view kDeleteTimer = "DELETE FROM timers WHERE store_id = ? AND id = ?";
// A product as sent is often partial (a cart line: id, name, url, price): its fields replace the stored
// ones and the others are kept (RFC 7396 merge of the data; a product sent without url keeps the stored
// one), so that an add-to-cart does not wipe the description, categories or image of a product visit.
constexpr std::string_view kUpsertProduct =
    "INSERT INTO products (store_id, product_id, name, url, unit_price, data, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (store_id, product_id) DO UPDATE SET name = excluded.name, "
    "url = CASE WHEN excluded.url = '' THEN products.url ELSE excluded.url END, "
    "unit_price = excluded.unit_price, data = json_patch(products.data, excluded.data), "
    "updated_at = excluded.updated_at";
constexpr std::string_view kInsertPurchase =
    "INSERT INTO purchases (store_id, purchase_id, contact_id, total_price, total_quantity, payment_method, source, "
    "items, purchased_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr std::string_view kInsertMessageId =
    "INSERT INTO segment_messages (store_id, seen_at, id_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
constexpr std::string_view kPruneMessageIds = "DELETE FROM segment_messages WHERE store_id = ? AND seen_at < ?";

constexpr std::string_view kCartTimer = "cart-abandonment";
// A push subscription sent again is written again (last_seen_at) at most this often.
constexpr int64_t kPushSeenEveryUs = int64_t{24} * 3600 * 1'000'000;

uint64_t Fingerprint(std::string_view text) { return std::hash<std::string_view>{}(text); }

uint64_t PushKeysFingerprint(std::string_view p256dh, std::string_view auth) {
  return Fingerprint(p256dh) * 31 + Fingerprint(auth);
}

std::string ItemsJson(const std::vector<CartItem>& items) {
  JsonWriter w;
  w.BeginArray();
  for (const CartItem& item : items) {
    w.BeginObject();
    w.Key("product");
    w.Raw(item.product_json);
    w.Key("quantity");
    w.Number(item.quantity);
    w.Key("price");
    w.Number(item.price);
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

std::vector<CartItem> ItemsFromJson(std::string_view text) {
  std::vector<CartItem> items;
  auto parsed = ParseJson(text);
  if (!parsed || !parsed->is_array()) return items;
  for (const json::value& v : parsed->as_array()) {
    if (!v.is_object()) continue;
    const json::object& o = v.as_object();
    CartItem item;
    if (auto it = o.find("product"); it != o.end() && it->value().is_object()) {
      item.product_json = ToJson(it->value());
      const json::object& p = it->value().as_object();
      if (auto id = p.find("productId"); id != p.end() && id->value().is_string()) {
        item.product_id = std::string(id->value().as_string());
      }
    }
    if (auto q = o.find("quantity"); q != o.end() && q->value().is_number()) item.quantity = q->value().to_number<double>();
    if (auto pr = o.find("price"); pr != o.end() && pr->value().is_number()) item.price = pr->value().to_number<double>();
    if (!item.product_id.empty()) items.push_back(std::move(item));
  }
  return items;
}

std::string FieldsJson(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    JsonWriter::AppendQuoted(out, fields[i].first);
    out += ':';
    out += fields[i].second;
  }
  out += '}';
  return out;
}

// The external id in an `_external_id` field's JSON text; empty unless it is a non-empty string.
std::string ExternalIdFromField(std::string_view value_json) {
  auto parsed = ParseJson(value_json);
  if (!parsed || !parsed->is_string()) return {};
  return std::string(parsed->as_string());
}

void Totals(const std::vector<CartItem>& items, double& quantity, double& price) {
  quantity = 0;
  price = 0;
  for (const CartItem& item : items) {
    quantity += item.quantity;
    price += item.quantity * item.price;
  }
}

}  // namespace

Status WritePlan::Run(db::Connection& conn) const {
  for (const Op& op : ops) STARLING_TRY(conn.Execute(op.sql, op.params));
  return Ok();
}

int64_t StoreRuntime::NowUs() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
}

std::string StoreRuntime::NewTrackerId() const { return crypto::RandomToken(22); }

// ---- Loading ------------------------------------------------------------------------------------------

Result<std::unordered_map<int64_t, StoreRuntime::PendingTimers>> StoreRuntime::FindPendingTimers(
    db::Connection& conn) {
  std::unordered_map<int64_t, PendingTimers> pending;
  // Cart timers are the active carts (Load schedules them from there); the timers table holds the others.
  STARLING_TRY(conn.QueryEach("SELECT store_id, MIN(updated_at) FROM carts WHERE state = 'active' GROUP BY store_id",
                              {}, [&](const db::Row& row) -> Status {
                                pending[row.GetInt64(0)].oldest_active_cart_us = row.GetInt64(1);
                                return Ok();
                              }));
  STARLING_TRY(conn.QueryEach("SELECT store_id, MIN(due_at) FROM timers WHERE kind != ? GROUP BY store_id",
                              {std::string(kCartTimer)}, [&](const db::Row& row) -> Status {
                                pending[row.GetInt64(0)].first_due_us = row.GetInt64(1);
                                return Ok();
                              }));
  return pending;
}

Status StoreRuntime::Load(db::Connection& conn, const RuntimeSettings& settings) {
  settings_ = settings;
  contacts_.clear();
  by_email_.clear();
  by_tracker_.clear();
  by_external_id_.clear();
  trackers_of_.clear();
  by_push_.clear();
  push_endpoints_of_.clear();
  carts_.clear();
  timers_.clear();
  cart_timer_.clear();
  product_fingerprints_.clear();
  purchase_ids_.clear();
  message_ids_.clear();
  message_id_order_.clear();
  unflushed_.clear();
  type_heads_.clear();
  STARLING_TRY(conn.QueryEach("SELECT id, email, fields, merged_into, last_event_id, event_count FROM contacts WHERE store_id = ?",
                              {store_id_},
                              [&](const db::Row& row) -> Status {
                                Contact c;
                                int64_t id = row.GetInt64(0);
                                if (auto email = row.GetOptionalText(1)) c.email = *email;
                                c.merged_into = row.GetOptionalInt64(3).value_or(0);
                                c.last_event_id = row.GetInt64(4);
                                c.event_count = row.GetInt64(5);
                                if (auto fields = ParseJson(row.GetText(2)); fields && fields->is_object()) {
                                  for (const auto& [k, v] : fields->as_object()) {
                                    c.fields.emplace_back(std::string(k), ToJson(v));
                                  }
                                  std::sort(c.fields.begin(), c.fields.end());
                                }
                                if (!c.email.empty() && c.merged_into == 0) {
                                  by_email_.insert_or_assign(IndexKey(c.email), id);
                                }
                                // A merged contact's external id leads to the contact it was merged
                                // into (FindByExternalId), as it did before the restart; a live
                                // contact holding the same id is preferred.
                                for (const auto& [name, value] : c.fields) {
                                  if (name != tracking::kExternalIdField) continue;
                                  std::string ext = ExternalIdFromField(value);
                                  if (ext.empty()) continue;
                                  if (c.merged_into == 0) {
                                    by_external_id_.insert_or_assign(IndexKey(ext), id);
                                  } else {
                                    by_external_id_.try_emplace(IndexKey(ext), id);
                                  }
                                }
                                contacts_.emplace(id, std::move(c));
                                next_contact_id_ = std::max(next_contact_id_, id + 1);
                                return Ok();
                              }));
  STARLING_TRY(conn.QueryEach("SELECT tracker_id, contact_id FROM contact_trackers WHERE store_id = ?", {store_id_},
                              [&](const db::Row& row) -> Status {
                                by_tracker_.insert_or_assign(IndexKey(row.GetText(0)), row.GetInt64(1));
                                trackers_of_[row.GetInt64(1)].push_back(row.GetText(0));
                                return Ok();
                              }));
  STARLING_TRY(conn.QueryEach(
      "SELECT endpoint, contact_id, p256dh, auth, last_seen_at FROM push_subscriptions WHERE store_id = ?", {store_id_},
      [&](const db::Row& row) -> Status {
        std::string endpoint = row.GetText(0);
        int64_t contact_id = row.GetInt64(1);
        push_endpoints_of_[contact_id].push_back(endpoint);
        PushState state{contact_id, PushKeysFingerprint(row.GetText(2), row.GetText(3)), row.GetInt64(4)};
        by_push_.insert_or_assign(std::move(endpoint), state);
        return Ok();
      }));
  STARLING_TRY(conn.QueryEach(
      "SELECT contact_id, cart_id, state, items, updated_at, total_quantity, total_price FROM carts WHERE store_id = ?",
      {store_id_}, [&](const db::Row& row) -> Status {
        CartState cart;
        cart.cart_id = row.GetText(1);
        cart.state = row.GetText(2);
        cart.items = ItemsFromJson(row.GetText(3));
        cart.updated_at_us = row.GetInt64(4);
        cart.total_quantity = row.GetDouble(5);
        cart.total_price = row.GetDouble(6);
        carts_.emplace(row.GetInt64(0), std::move(cart));
        return Ok();
      }));
  STARLING_TRY(conn.QueryEach("SELECT id, kind, contact_id, due_at FROM timers WHERE store_id = ?", {store_id_},
                              [&](const db::Row& row) -> Status {
                                Timer t{row.GetInt64(0), row.GetText(1), row.GetInt64(2)};
                                next_timer_id_ = std::max(next_timer_id_, row.GetInt64(0) + 1);
                                if (t.kind == kCartTimer) return Ok();  // from the carts, below
                                timers_.emplace(row.GetInt64(3), std::move(t));
                                return Ok();
                              }));
  for (const auto& [contact_id, cart] : carts_) {
    if (cart.state == "active") ScheduleCartTimer(contact_id, cart.updated_at_us);
  }
  STARLING_TRY(conn.QueryEach("SELECT product_id, data FROM products WHERE store_id = ?", {store_id_},
                              [&](const db::Row& row) -> Status {
                                product_fingerprints_[row.GetText(0)] = Fingerprint(row.GetText(1));
                                return Ok();
                              }));
  STARLING_TRY(conn.QueryEach("SELECT purchase_id FROM purchases WHERE store_id = ?", {store_id_},
                              [&](const db::Row& row) -> Status {
                                purchase_ids_.insert(row.GetText(0));
                                return Ok();
                              }));
  int64_t now_us = NowUs();
  // The newest kDedupeCapacity of the window, newest first (a busy store keeps more rows than that).
  STARLING_TRY(conn.QueryEach("SELECT seen_at, id_hash FROM segment_messages WHERE store_id = ? AND seen_at >= ? "
                              "ORDER BY seen_at DESC LIMIT ?",
                              {store_id_, now_us - kDedupeWindowUs, static_cast<int64_t>(kDedupeCapacity)},
                              [&](const db::Row& row) -> Status {
                                auto hash = static_cast<uint64_t>(row.GetInt64(1));
                                // A hash stored twice in the window: the newer (read first) counts.
                                message_ids_.try_emplace(hash, row.GetInt64(0));
                                message_id_order_.emplace_front(row.GetInt64(0), hash);
                                return Ok();
                              }));
  STARLING_ASSIGN_OR_RETURN(auto oldest, conn.QueryOne("SELECT MIN(seen_at) FROM segment_messages WHERE store_id = ?", {store_id_}));
  oldest_message_row_us_ = oldest ? oldest->GetOptionalInt64(0).value_or(INT64_MAX) : INT64_MAX;
  // Heads: the rows count every event up to the store's mark; the events after it are counted here
  // (each one newer than its contact's stored head), and written back by the next flushes.
  STARLING_ASSIGN_OR_RETURN(auto mark, conn.QueryOne("SELECT heads_through FROM engine_marks WHERE store_id = ?", {store_id_}));
  stored_mark_ = mark ? mark->GetInt64(0) : -1;
  int64_t heads_through = std::max<int64_t>(stored_mark_, 0);
  STARLING_TRY(conn.QueryEach("SELECT type, last_event_id FROM store_event_types WHERE store_id = ?", {store_id_},
                              [&](const db::Row& row) -> Status {
                                type_heads_[row.GetText(0)].last_event_id = row.GetInt64(1);
                                return Ok();
                              }));
  STARLING_TRY(conn.QueryEach("SELECT id, contact_id, type FROM events WHERE id > ? AND store_id = ? ORDER BY id",
                              {heads_through, store_id_}, [&](const db::Row& row) -> Status {
                                int64_t id = row.GetInt64(0);
                                TypeHead& type = type_heads_[row.GetText(2)];
                                if (id > type.last_event_id) type = {id, true};
                                int64_t contact_id = row.GetInt64(1);
                                Contact* c = contacts_.Find(contact_id);
                                if (c == nullptr || id <= c->last_event_id) return Ok();
                                c->last_event_id = id;
                                ++c->event_count;
                                if (c->first_unflushed_id == 0) {
                                  c->first_unflushed_id = id;
                                  unflushed_.push_back({contact_id, id});
                                }
                                return Ok();
                              }));
  last_applied_event_id_ = next_event_id_.load() - 1;
  loaded = true;
  needs_reload = false;
  ++epoch;
  return Ok();
}

// ---- Contact index ------------------------------------------------------------------------------------

std::optional<int64_t> StoreRuntime::FindByEmail(const std::string& email) const {
  auto it = by_email_.find(email);
  if (it == by_email_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> StoreRuntime::FindByTracker(const std::string& tracker_id) const {
  // A merge rebinds the merged contact's trackers (in memory and in contact_trackers), so a tracker
  // always names a live contact.
  auto it = by_tracker_.find(tracker_id);
  if (it == by_tracker_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> StoreRuntime::FindByPushEndpoint(const std::string& endpoint) const {
  // Like trackers, a merge moves the merged contact's subscriptions: an endpoint names a live contact.
  auto it = by_push_.find(endpoint);
  if (it == by_push_.end()) return std::nullopt;
  return it->second.contact_id;
}

std::string StoreRuntime::EmailOf(int64_t contact_id) const {
  const Contact* c = contacts_.Find(contact_id);
  return c == nullptr ? std::string() : c->email;
}

std::optional<int64_t> StoreRuntime::FindByExternalId(const std::string& external_id) const {
  auto it = by_external_id_.find(external_id);
  if (it == by_external_id_.end()) return std::nullopt;
  int64_t id = it->second;
  // Merges absorb anonymous contacts into identified ones, which are never merged themselves: one
  // step. (Bounded anyway.)
  for (int step = 0; step < 8; ++step) {
    const Contact* c = contacts_.Find(id);
    if (c == nullptr) return std::nullopt;
    if (c->merged_into == 0) return id;
    id = c->merged_into;
  }
  return std::nullopt;
}

std::string StoreRuntime::ExternalIdOf(int64_t contact_id) const {
  const Contact* c = contacts_.Find(contact_id);
  if (c == nullptr) return {};
  for (const auto& [name, value] : c->fields) {
    if (name == tracking::kExternalIdField) return ExternalIdFromField(value);
  }
  return {};
}

void StoreRuntime::IndexExternalId(int64_t contact_id, const std::string& old_value, const std::string& new_value) {
  if (std::string old_id = ExternalIdFromField(old_value); !old_id.empty()) {
    auto it = by_external_id_.find(old_id);
    if (it != by_external_id_.end() && it->second == contact_id) by_external_id_.erase(it);
  }
  if (std::string new_id = ExternalIdFromField(new_value); !new_id.empty()) {
    by_external_id_.insert_or_assign(IndexKey(new_id), contact_id);
  }
}

// ---- Writes -------------------------------------------------------------------------------------------

int64_t StoreRuntime::AddEvent(int64_t contact_id, std::string_view type, int64_t at_us, std::string data_json,
                               WritePlan& plan, AppliedBatch& applied) {
  int64_t id = next_event_id_.fetch_add(1, std::memory_order_relaxed);
  last_applied_event_id_ = id;
  Contact& c = contacts_[contact_id];
  plan.Add(kInsertEvent, store_id_, id, contact_id, type, at_us, std::move(data_json), c.last_event_id);
  c.last_event_id = id;
  ++c.event_count;
  if (c.first_unflushed_id == 0) {
    c.first_unflushed_id = id;
    c.unflushed_since = std::chrono::steady_clock::now();
    unflushed_.push_back({contact_id, id});
  }
  if (auto t = type_heads_.find(type); t != type_heads_.end()) {
    t->second = {id, true};
  } else {
    type_heads_.emplace(std::string(type), TypeHead{id, true});
  }
  applied.typed_ids.emplace_back(std::string(type), id);
  applied.live.event_types.emplace_back(type);
  ++applied.outcome.events_stored;
  return id;
}

void StoreRuntime::CreateContact(int64_t id, const std::string& email, int64_t now_us, WritePlan& plan) {
  Contact c;
  c.email = email;
  contacts_.emplace(id, std::move(c));
  if (!email.empty()) by_email_.insert_or_assign(IndexKey(email), id);
  plan.Add(kInsertContact, store_id_, id, email.empty() ? db::Value() : db::Value(email), now_us, now_us);
}

void StoreRuntime::BindTracker(const std::string& tracker_id, int64_t contact_id, int64_t now_us, WritePlan& plan) {
  auto it = by_tracker_.find(tracker_id);
  if (it != by_tracker_.end()) {
    if (it->second == contact_id) return;
    auto& old_list = trackers_of_[it->second];
    old_list.erase(std::remove(old_list.begin(), old_list.end(), tracker_id), old_list.end());
  }
  by_tracker_.insert_or_assign(IndexKey(tracker_id), contact_id);
  trackers_of_[contact_id].push_back(tracker_id);
  plan.Add(kBindTracker, store_id_, tracker_id, contact_id, now_us);
}

// The browser of `contact_id` sent its push subscription: a new endpoint is stored (push-subscribed); one
// another contact had moves to this one (the browser is this contact's now: a tracker or an email decided
// over the endpoint); changed keys are written; and last_seen_at moves on at most once a day (the script
// may send the subscription with every page).
void StoreRuntime::SavePushSubscription(int64_t contact_id, const tracking::PushSubscription& subscription,
                                        int64_t now_us, WritePlan& plan, AppliedBatch& applied) {
  uint64_t keys = PushKeysFingerprint(subscription.p256dh, subscription.auth);
  auto it = by_push_.find(subscription.endpoint);
  bool first_seen = it == by_push_.end();
  if (first_seen) {
    it = by_push_.emplace(subscription.endpoint, PushState{contact_id, keys, now_us}).first;
    push_endpoints_of_[contact_id].push_back(subscription.endpoint);
  } else {
    PushState& state = it->second;
    bool moved = state.contact_id != contact_id;
    if (!moved && state.keys_fingerprint == keys && now_us - state.last_seen_us < kPushSeenEveryUs) return;
    if (moved) {
      auto& old_list = push_endpoints_of_[state.contact_id];
      old_list.erase(std::remove(old_list.begin(), old_list.end(), subscription.endpoint), old_list.end());
      push_endpoints_of_[contact_id].push_back(subscription.endpoint);
    }
    state = {contact_id, keys, now_us};
  }
  plan.Add(kUpsertPushSubscription, store_id_, subscription.endpoint, contact_id, subscription.p256dh,
           subscription.auth, now_us, now_us);
  if (!first_seen) return;
  JsonWriter w;
  w.BeginObject();
  w.Key("service");
  w.String(UrlAuthority(subscription.endpoint));  // which push service, not the (secret) endpoint
  w.EndObject();
  AddEvent(contact_id, "push-subscribed", now_us, w.Take(), plan, applied);
}

void StoreRuntime::WriteFields(int64_t contact_id, int64_t now_us, WritePlan& plan) {
  std::string external_id = ExternalIdOf(contact_id);
  plan.Add(kSetFields, FieldsJson(contacts_[contact_id].fields),
           external_id.empty() ? db::Value(nullptr) : db::Value(std::move(external_id)), now_us, store_id_, contact_id);
}

void StoreRuntime::Merge(int64_t target, int64_t source, int64_t now_us, WritePlan& plan) {
  Contact& from = contacts_[source];
  Contact& to = contacts_[target];
  // Fields the identified contact lacks come from the anonymous one.
  bool fields_changed = false;
  for (const auto& [name, value] : from.fields) {
    auto it = std::lower_bound(to.fields.begin(), to.fields.end(), name,
                               [](const auto& pair, const std::string& key) { return pair.first < key; });
    if (it == to.fields.end() || it->first != name) {
      to.fields.insert(it, {name, value});
      fields_changed = true;
    }
  }
  from.merged_into = target;
  for (const std::string& tracker : trackers_of_[source]) {
    by_tracker_.insert_or_assign(IndexKey(tracker), target);
    trackers_of_[target].push_back(tracker);
  }
  trackers_of_.erase(source);
  if (auto pushes = push_endpoints_of_.find(source); pushes != push_endpoints_of_.end()) {
    std::vector<std::string> endpoints = std::move(pushes->second);
    push_endpoints_of_.erase(pushes);
    std::vector<std::string>& into = push_endpoints_of_[target];
    for (std::string& endpoint : endpoints) {
      by_push_[endpoint].contact_id = target;
      into.push_back(std::move(endpoint));
    }
    plan.Add(kMovePushSubscriptions, target, store_id_, source);
  }
  // One chain for both, and both rows written now (the stored heads stay exact for each contact).
  // (Nothing to relink when the merged contact has no event: the walk would cover the target's whole
  // history for nothing.)
  if (from.last_event_id != 0) plan.Add(kRelinkEvents, from.last_event_id, to.last_event_id, target, target);
  to.last_event_id = std::max(to.last_event_id, from.last_event_id);
  to.event_count += from.event_count;
  from.last_event_id = 0;
  from.event_count = 0;
  WriteHead(source, from, plan);
  WriteHead(target, to, plan);
  plan.Add(kMoveTrackers, target, store_id_, source);
  plan.Add(kMovePurchases, target, store_id_, source);
  plan.Add(kMarkMerged, target, now_us, store_id_, source);
  if (fields_changed) WriteFields(target, now_us, plan);
  // The anonymous visitor's cart becomes the contact's when it is more alive than the contact's own
  // (active, then abandoned, then closed or none; the contact's wins a tie). An abandoned one is kept
  // too: the shop sends it again after the login, and that must not add its lines a second time.
  auto from_cart = carts_.find(source);
  if (from_cart != carts_.end()) {
    auto to_cart = carts_.find(target);
    auto alive = [](const CartState* cart) {
      return cart == nullptr ? 0 : cart->state == "active" ? 3 : cart->state == "abandoned" ? 2 : 1;
    };
    bool take = alive(&from_cart->second) > alive(to_cart == carts_.end() ? nullptr : &to_cart->second);
    CancelCartTimer(source);
    if (take) {
      carts_[target] = from_cart->second;
      SaveCart(target, carts_[target], plan);
      if (from_cart->second.state == "active") ScheduleCartTimer(target, from_cart->second.updated_at_us);
    }
    carts_.erase(source);
    plan.Add(kDeleteCart, store_id_, source);
  }
}

void StoreRuntime::SaveCart(int64_t contact_id, const CartState& cart, WritePlan& plan) {
  plan.Add(kUpsertCart, store_id_, contact_id, cart.cart_id, cart.state, cart.total_quantity, cart.total_price,
                         ItemsJson(cart.items), cart.updated_at_us);
}

// A cart's abandonment timer is not a row of its own: the cart row (state `active`, updated_at) is its
// durable record, and Load schedules it again from there. One write less per cart change.
void StoreRuntime::ScheduleCartTimer(int64_t contact_id, int64_t from_us) {
  CancelCartTimer(contact_id);
  int64_t due = CartTimerDue(from_us, settings_);
  int64_t id = next_timer_id_++;
  timers_.emplace(due, Timer{id, std::string(kCartTimer), contact_id});
  cart_timer_[contact_id] = {due, id};
}

void StoreRuntime::set_settings(const RuntimeSettings& settings) {
  bool delay_changed = settings.cart_abandonment_minutes != settings_.cart_abandonment_minutes;
  settings_ = settings;
  if (!delay_changed) return;
  for (const auto& [contact_id, cart] : carts_) {
    if (cart.state == "active") ScheduleCartTimer(contact_id, cart.updated_at_us);
  }
}

void StoreRuntime::CancelCartTimer(int64_t contact_id) {
  auto it = cart_timer_.find(contact_id);
  if (it == cart_timer_.end()) return;
  auto [due, id] = it->second;
  auto range = timers_.equal_range(due);
  for (auto t = range.first; t != range.second; ++t) {
    if (t->second.id == id) {
      timers_.erase(t);
      break;
    }
  }
  cart_timer_.erase(it);
}

void StoreRuntime::CartChanged(int64_t contact_id, const std::vector<CartChange>& changes, const std::string& cart_id,
                               int64_t now_us, WritePlan& plan, AppliedBatch& applied) {
  for (const CartChange& change : changes) {
    JsonWriter w;
    w.BeginObject();
    w.Key("cartId");
    w.String(cart_id);
    w.Key("product");
    w.Raw(change.item.product_json);
    w.Key("quantity");
    w.Number(change.quantity);
    w.Key("price");
    w.Number(change.item.price);
    w.EndObject();
    AddEvent(contact_id, change.added ? "cart-product-added" : "cart-product-removed", now_us, w.Take(), plan, applied);
  }
}

void StoreRuntime::UpsertProduct(const tracking::Product& product, int64_t now_us, WritePlan& plan) {
  if (!product.update_catalog) return;
  // The fingerprint is that of the last product sent (or of the stored record, after a load): sending
  // it again changes nothing (the merge is idempotent), anything else is written.
  uint64_t fingerprint = Fingerprint(product.json);
  auto [it, inserted] = product_fingerprints_.try_emplace(product.id, fingerprint);
  if (!inserted && it->second == fingerprint) return;
  it->second = fingerprint;
  plan.Add(kUpsertProduct, store_id_, product.id, product.name, product.url, product.unit_price, product.json, now_us);
}

ContactHead StoreRuntime::Head(int64_t contact_id) const {
  const Contact* c = contacts_.Find(contact_id);
  if (c == nullptr) return {};
  return {c->last_event_id, c->event_count};
}

void StoreRuntime::WriteHead(int64_t contact_id, Contact& c, WritePlan& plan) {
  plan.Add(kWriteHead, c.last_event_id, c.event_count, store_id_, contact_id);
  c.first_unflushed_id = 0;
}

uint64_t StoreRuntime::MessageIdHash(std::string_view id) {
  // Stable across versions and machines (the hashes are stored): SHA-256's first 8 bytes; never 0 (no id).
  uint64_t hash = std::stoull(crypto::Sha256Hex(id).substr(0, 16), nullptr, 16);
  return hash == 0 ? 1 : hash;
}

void StoreRuntime::ExpireMessageIds(int64_t now_us) {
  while (!message_id_order_.empty() && (message_id_order_.front().first < now_us - kDedupeWindowUs ||
                                        message_id_order_.size() > kDedupeCapacity)) {
    auto [seen_at, hash] = message_id_order_.front();
    message_id_order_.pop_front();
    // Unless it was stored again since (after it expired).
    if (auto it = message_ids_.find(hash); it != message_ids_.end() && it->second == seen_at) message_ids_.erase(it);
  }
}

bool StoreRuntime::PruneMessageIds(int64_t now_us, WritePlan& plan) {
  constexpr int64_t kEveryUs = int64_t{60} * 1'000'000;
  int64_t cutoff = now_us - kDedupeWindowUs;
  if (now_us - message_ids_pruned_us_ < kEveryUs || oldest_message_row_us_ >= cutoff) return false;
  message_ids_pruned_us_ = now_us;
  ExpireMessageIds(now_us);
  plan.Add(kPruneMessageIds, store_id_, cutoff);
  // The rows left are the remembered ones, and those forgotten beyond the capacity, which are older:
  // the prune that the oldest remembered one triggers deletes them too.
  oldest_message_row_us_ = message_id_order_.empty() ? INT64_MAX : message_id_order_.front().first;
  return true;
}

bool StoreRuntime::FlushHeads(size_t sweep, size_t max_writes, std::chrono::steady_clock::time_point older_than,
                              WritePlan& plan) {
  // The mark is also moved on when the store is idle and other stores have added many events since:
  // loading replays from the mark, past the other stores' events too.
  const int64_t everything_before = next_event_id_.load() - 1;
  bool types_behind = false;
  for (const auto& [type, head] : type_heads_) types_behind = types_behind || head.unflushed;
  if (unflushed_.empty() && !types_behind && stored_mark_ >= 0 && everything_before - stored_mark_ < 1'000'000) {
    return false;
  }
  // Sweep the next `sweep` contact ids (at least a hundredth of the contacts): neighbouring ids share
  // pages of the contacts table, so a sweep writes few pages however many of its contacts changed
  // (the oldest-first order used before put each head on a page of its own).
  size_t written = 0;
  const int64_t width = static_cast<int64_t>(std::min<size_t>(
      std::max<size_t>(sweep, contacts_.size() / 100), static_cast<size_t>(next_contact_id_)));
  for (int64_t n = 0; n < width && written < max_writes; ++n) {
    if (sweep_cursor_ >= next_contact_id_ || sweep_cursor_ < 1) sweep_cursor_ = 1;
    int64_t id = sweep_cursor_++;
    Contact* c = contacts_.Find(id);
    if (c == nullptr || c->first_unflushed_id == 0) continue;
    // Loaded with events to replay: `unflushed_since` is the epoch, always old enough.
    if (c->unflushed_since >= older_than) continue;
    WriteHead(id, *c, plan);
    ++written;
  }
  for (auto& [type, head] : type_heads_) {
    if (!head.unflushed) continue;
    plan.Add(kWriteTypeHead, store_id_, type, head.last_event_id);
    head.unflushed = false;
  }
  // Every event before the oldest unwritten one is counted in the rows now.
  while (!unflushed_.empty()) {
    const Unflushed& entry = unflushed_.front();
    const Contact* c = contacts_.Find(entry.contact_id);
    if (c != nullptr && c->first_unflushed_id == entry.first_event_id) break;
    unflushed_.pop_front();
  }
  // Under the store's lock, every later event of this store gets an id above `everything_before`.
  int64_t through = unflushed_.empty() ? everything_before : unflushed_.front().first_event_id - 1;
  if (written == 0 && !types_behind && through == stored_mark_) return false;
  plan.Add(kWriteMark, store_id_, through);
  stored_mark_ = through;
  return true;
}

// ---- Apply ----------------------------------------------------------------------------------------------

const std::string& StoreRuntime::IdentityEmail(const tracking::TrackBatch& batch) const {
  if (!batch.keys.email.empty()) return batch.keys.email;
  // A newsletter sign-up identifies a visitor the page did not: an unknown tracker or an anonymous
  // contact's. A signed-in customer's tracker stays theirs (they subscribed another email: Subscriber).
  for (const tracking::Event& event : batch.events) {
    if (event.subscriber_email.empty()) continue;
    // The browser's contact, as ResolveIdentity finds it: its tracker's, else its push endpoint's.
    std::optional<int64_t> by_browser;
    if (!batch.keys.tracker_id.empty()) by_browser = FindByTracker(batch.keys.tracker_id);
    if (!by_browser && batch.push_subscription) by_browser = FindByPushEndpoint(batch.push_subscription->endpoint);
    if (!by_browser || EmailOf(*by_browser).empty()) return event.subscriber_email;
    break;
  }
  return batch.keys.email;
}

int64_t StoreRuntime::Subscriber(const std::string& email, int64_t contact_id, bool create, int64_t now_us,
                                 WritePlan& plan, AppliedBatch& applied) {
  if (EmailOf(contact_id) == email) return contact_id;
  if (std::optional<int64_t> found = FindByEmail(email)) return *found;
  if (!create) return 0;
  int64_t id = next_contact_id_++;
  CreateContact(id, email, now_us, plan);
  JsonWriter w;
  w.BeginObject();
  w.Key("email");
  w.String(email);
  w.EndObject();
  AddEvent(id, "entity-created", now_us, w.Take(), plan, applied);
  return id;
}

bool StoreRuntime::SetField(Contact& c, const std::string& name, const std::string& value) {
  auto it = std::lower_bound(c.fields.begin(), c.fields.end(), name,
                             [](const auto& pair, const std::string& key) { return pair.first < key; });
  if (it != c.fields.end() && it->first == name) {
    if (it->second == value) return false;
    it->second = value;
  } else {
    c.fields.insert(it, {name, value});
  }
  return true;
}

AppliedBatch StoreRuntime::Apply(const tracking::TrackBatch& batch, WritePlan& plan) {
  AppliedBatch applied;
  applied.live.source = batch.source;
  applied.live.ip = batch.ip;
  applied.live.errors = batch.errors;
  int64_t now_us = NowUs();
  applied.live.at_us = now_us;
  size_t plan_start = plan.ops.size();

  // 0. A message stored before (the sender retried it) is answered as stored, and not stored again.
  uint64_t message_hash = 0;
  if (!batch.dedupe_key.empty()) {
    message_hash = MessageIdHash(batch.dedupe_key);
    ExpireMessageIds(now_us);
    if (auto seen = message_ids_.find(message_hash); seen != message_ids_.end()) {
      applied.live.status =
          fmt::format("duplicate: messageId `{}` was already stored; this retry is not stored again", batch.dedupe_key);
      return applied;
    }
  }

  // 1. Who is it?
  int64_t contact_id = 0;
  std::string tracker_id;
  if (batch.keys.contact_id > 0) {
    const Contact* named = contacts_.Find(batch.keys.contact_id);
    if (named == nullptr) {
      applied.outcome.status = Error{ErrorCode::kNotFound,
                                     fmt::format("contact {} does not exist in this store", batch.keys.contact_id),
                                     "contactId"};
      applied.live.status = applied.outcome.status.error().message;
      return applied;
    }
    contact_id = named->merged_into != 0 ? named->merged_into : batch.keys.contact_id;
  } else {
    const std::string& email = IdentityEmail(batch);
    IdentityDecision d =
        ResolveIdentity(*this, batch.keys.tracker_id, email, batch.keys.external_id,
                        // Only the script's requests keep a tracker made up for them (below).
                        [this, &batch] { return batch.keeps_tracker ? NewTrackerId() : std::string(); },
                        batch.push_subscription ? batch.push_subscription->endpoint : std::string());
    using Kind = IdentityDecision::Kind;
    bool creates = d.kind == Kind::kNewAnonymous || d.kind == Kind::kNewIdentified;
    if (creates && !batch.create_contact) {
      bool by_email = !email.empty();
      applied.outcome.status =
          Error{ErrorCode::kNotFound,
                fmt::format("no contact has the {} `{}` in this store (contact_missing): create it first, or pass "
                            "createContact=true",
                            by_email ? "email" : "tracker id", by_email ? email : batch.keys.tracker_id),
                by_email ? "email" : "trackerId"};
      applied.live.status = applied.outcome.status.error().message;
      return applied;
    }
    tracker_id = d.tracker_id;
    switch (d.kind) {
      case Kind::kExisting:
        contact_id = d.contact_id;
        break;
      case Kind::kNewAnonymous:
      case Kind::kNewIdentified: {
        contact_id = next_contact_id_++;
        std::string created_email = d.kind == Kind::kNewIdentified ? email : "";
        CreateContact(contact_id, created_email, now_us, plan);
        JsonWriter w;
        w.BeginObject();
        if (!created_email.empty()) {
          w.Key("email");
          w.String(created_email);
        } else if (!batch.keys.external_id.empty() && !FindByExternalId(batch.keys.external_id)) {
          // Created for the shop's own id of the customer, which it receives below (step 2).
          w.Key("externalId");
          w.String(batch.keys.external_id);
        }
        w.EndObject();
        AddEvent(contact_id, "entity-created", now_us, w.Take(), plan, applied);
        break;
      }
      case Kind::kIdentify: {
        contact_id = d.contact_id;
        contacts_[contact_id].email = email;
        by_email_.insert_or_assign(IndexKey(email), contact_id);
        plan.Add(kSetEmail, email, now_us, store_id_, contact_id);
        JsonWriter w;
        w.BeginObject();
        w.Key("email");
        w.String(email);
        w.EndObject();
        AddEvent(contact_id, "entity-identified", now_us, w.Take(), plan, applied);
        break;
      }
      case Kind::kMerge: {
        contact_id = d.contact_id;
        Merge(contact_id, d.merged_contact_id, now_us, plan);
        JsonWriter w;
        w.BeginObject();
        w.Key("mergedContactId");
        w.Integer(d.merged_contact_id);
        w.EndObject();
        AddEvent(contact_id, "entity-merged", now_us, w.Take(), plan, applied);
        break;
      }
    }
    if (d.bind_tracker && (batch.keeps_tracker || !batch.keys.tracker_id.empty())) {
      BindTracker(d.tracker_id, contact_id, now_us, plan);
    } else if (batch.keys.tracker_id.empty()) {
      tracker_id.clear();  // none made up: answer with one the contact has, if any
    }
  }
  if (tracker_id.empty()) {
    auto list = trackers_of_.find(contact_id);
    if (list != trackers_of_.end() && !list->second.empty()) tracker_id = list->second.back();
  }
  applied.outcome.contact_id = contact_id;
  applied.outcome.tracker_id = tracker_id;
  applied.live.contact_id = contact_id;
  if (batch.push_subscription) SavePushSubscription(contact_id, *batch.push_subscription, now_us, plan, applied);

  // 2. Profile fields, and the external id when it leads nowhere yet and this contact has none: a
  // claimed id never moves, and a contact's id is never replaced. (The Segment API takes the public
  // tracking token: a call must not take another user's id for its own contact, which would send that
  // user's server-side events, and the emails they trigger, to it.)
  std::string external_value;
  if (!batch.keys.external_id.empty() && !FindByExternalId(batch.keys.external_id) && ExternalIdOf(contact_id).empty()) {
    JsonWriter::AppendQuoted(external_value, batch.keys.external_id);
  }
  if (!batch.fields.empty() || !external_value.empty()) {
    Contact& c = contacts_[contact_id];
    bool changed = false;
    auto set_field = [&](const std::string& name, const std::string& value) {
      if (name == tracking::kExternalIdField) {
        // Even unchanged: the external id may have moved to another contact since, and comes back here.
        auto it = std::lower_bound(c.fields.begin(), c.fields.end(), name,
                                   [](const auto& pair, const std::string& key) { return pair.first < key; });
        IndexExternalId(contact_id, it != c.fields.end() && it->first == name ? it->second : "", value);
      }
      changed = SetField(c, name, value) || changed;
    };
    for (const auto& [name, value] : batch.fields) set_field(name, value);
    if (!external_value.empty()) set_field(std::string(tracking::kExternalIdField), external_value);
    if (changed) WriteFields(contact_id, now_us, plan);
  }

  // 3. Events, in the order sent.
  size_t sent_stored = 0;  // of the events the caller sent (derived ones not counted)
  size_t sent_refused = batch.events_refused;  // and of those, the ones refused (by the parser, or here)
  for (const tracking::Event& event : batch.events) {
    int64_t at = event.occurred_at_us > 0 ? event.occurred_at_us : now_us;
    if (event.purchase) {
      const tracking::Purchase& p = *event.purchase;
      if (!purchase_ids_.insert(p.purchase_id).second) {
        tracking::EventError duplicate{-1, "purchase.purchaseId",
                                       fmt::format("purchase `{}` was already recorded: not stored again", p.purchase_id)};
        applied.live.errors.push_back(duplicate);
        applied.outcome.errors.push_back(std::move(duplicate));
        ++sent_refused;
        continue;
      }
      std::vector<CartItem> items;
      for (const tracking::CartLine& line : p.lines) {
        items.push_back({line.product.id, line.quantity, line.price, line.product.json});
      }
      plan.Add(kInsertPurchase, store_id_, p.purchase_id, contact_id, p.total_price, p.total_quantity,
                                 p.payment_method, p.source, ItemsJson(items), at);
    }
    for (const tracking::Product& product : event.products) UpsertProduct(product, now_us, plan);
    if (!event.subscriber_email.empty()) {
      int64_t subscriber = Subscriber(event.subscriber_email, contact_id, batch.create_contact, now_us, plan, applied);
      if (subscriber == 0) {
        applied.live.errors.push_back(
            {-1, "email",
             fmt::format("newsletter-subscribe: no contact has the email `{}` in this store: not stored "
                         "(create the contact first, or pass createContact=true)",
                         event.subscriber_email)});
        ++sent_refused;
        continue;
      }
      if (SetField(contacts_[subscriber], "_newsletter_subscription_status", "\"subscribed\"")) {
        WriteFields(subscriber, now_us, plan);
      }
      AddEvent(subscriber, event.type, at, event.data_json, plan, applied);
      ++sent_stored;
      continue;
    }
    AddEvent(contact_id, event.type, at, event.data_json, plan, applied);
    ++sent_stored;
    if (event.purchase) {
      // A purchase closes the contact's cart, an abandoned one too (recovered: emptied next, its lines
      // are not removals).
      auto cart = carts_.find(contact_id);
      if (cart != carts_.end() && (cart->second.state == "active" || cart->second.state == "abandoned")) {
        cart->second.state = "purchased";
        cart->second.updated_at_us = now_us;
        CancelCartTimer(contact_id);
        SaveCart(contact_id, cart->second, plan);
      }
    }
  }

  // 4. The cart: the full cart sent, or line changes.
  if (batch.cart || !batch.cart_changes.empty()) {
    CartState& cart = carts_[contact_id];
    // An abandoned cart is still the shop's cart: sent again, its lines are not added again (that
    // would fire add-to-cart triggers once per line); only what changed is an event, and a change makes
    // it active again (with a new abandonment timer). Sent unchanged, it stays abandoned.
    // A new cart id after an abandoned cart is a new cart: all its lines are added.
    bool same_abandoned = cart.state == "abandoned" &&
                          (!batch.cart || batch.cart->cart_id.empty() || batch.cart->cart_id == cart.cart_id);
    std::vector<CartItem> before = cart.state == "active" || same_abandoned ? cart.items : std::vector<CartItem>{};
    std::vector<CartItem> after;
    std::string cart_id = cart.cart_id;
    if (batch.cart) {
      cart_id = batch.cart->cart_id;
      for (const tracking::CartLine& line : batch.cart->lines) {
        after.push_back({line.product.id, line.quantity, line.price, line.product.json});
        UpsertProduct(line.product, now_us, plan);
      }
    } else {
      after = before;
    }
    for (const tracking::CartLineChange& change : batch.cart_changes) {
      if (!change.cart_id.empty()) cart_id = change.cart_id;
      ApplyCartChange(after, {change.line.product.id, change.line.quantity, change.line.price, change.line.product.json},
                      change.added);
      UpsertProduct(change.line.product, now_us, plan);
    }
    if (cart_id.empty()) cart_id = fmt::format("contact-{}", contact_id);
    std::vector<CartChange> changes = DiffCarts(before, after);
    if (!changes.empty() || cart.cart_id != cart_id) {
      CartChanged(contact_id, changes, cart_id, now_us, plan, applied);
      cart.cart_id = cart_id;
      cart.items = std::move(after);
      Totals(cart.items, cart.total_quantity, cart.total_price);
      if (batch.cart && batch.cart->total_price > 0) cart.total_price = batch.cart->total_price;
      cart.updated_at_us = now_us;
      cart.state = cart.items.empty() ? "empty" : "active";
      SaveCart(contact_id, cart, plan);
      if (cart.state == "active") {
        ScheduleCartTimer(contact_id, now_us);
      } else {
        CancelCartTimer(contact_id);
      }
    }
  }
  (void)plan_start;
  // A request whose every event was refused, with nothing else in it, is shown as not stored (a contact
  // it named for the first time may still have been created).
  bool nothing_else = !batch.cart && batch.cart_changes.empty() && batch.fields.empty() && !batch.push_subscription;
  // Named as the request left it (identified by it, or merged into a known customer).
  if (const Contact* c = contacts_.Find(contact_id)) {
    applied.live.contact_email = c->email;
    if (c->email.empty()) applied.live.contact_external_id = ExternalIdOf(contact_id);
  }
  if (message_hash != 0) {
    // Remembered in the same commit as what the message stored: a retry after a crash is known too.
    message_ids_.insert_or_assign(message_hash, now_us);
    message_id_order_.emplace_back(now_us, message_hash);
    plan.Add(kInsertMessageId, store_id_, now_us, static_cast<int64_t>(message_hash));
    oldest_message_row_us_ = std::min(oldest_message_row_us_, now_us);
  }
  applied.live.status = sent_stored == 0 && sent_refused > 0 && nothing_else
                            ? "not stored: every event had an error"
                            : "stored";
  return applied;
}

StoreRuntime::FiredTimers StoreRuntime::FireDueTimers(int64_t now_us, WritePlan& plan) {
  AppliedBatch applied;
  FiredTimers fired;
  while (!timers_.empty() && timers_.begin()->first <= now_us) {
    auto node = timers_.extract(timers_.begin());
    const Timer& timer = node.mapped();
    if (timer.kind != kCartTimer) {
      plan.Add(kDeleteTimer, store_id_, timer.id);
      continue;
    }
    auto owner = cart_timer_.find(timer.contact_id);
    if (owner != cart_timer_.end() && owner->second.second == timer.id) cart_timer_.erase(owner);
    auto cart = carts_.find(timer.contact_id);
    if (cart == carts_.end() || cart->second.state != "active") continue;
    CartState& c = cart->second;
    JsonWriter w;
    w.BeginObject();
    w.Key("cartId");
    w.String(c.cart_id);
    w.Key("totalQuantity");
    w.Number(c.total_quantity);
    w.Key("totalPrice");
    w.Number(c.total_price);
    w.Key("products");
    w.Raw(ItemsJson(c.items));
    w.Key("lastActivityAt");
    w.String(FormatIsoUtc(TimePoint(std::chrono::microseconds(c.updated_at_us))));
    w.EndObject();
    AddEvent(timer.contact_id, "cart-abandoned", now_us, w.Take(), plan, applied);
    c.state = "abandoned";
    SaveCart(timer.contact_id, c, plan);
    // The live view says whose cart it was.
    LiveEntry& entry = fired.live.emplace_back();
    entry.at_us = now_us;
    entry.source = "timer";
    entry.status = "stored";
    entry.contact_id = timer.contact_id;
    if (const Contact* who = contacts_.Find(timer.contact_id)) {
      entry.contact_email = who->email;
      if (who->email.empty()) entry.contact_external_id = ExternalIdOf(timer.contact_id);
    }
    entry.event_types.emplace_back("cart-abandoned");
  }
  fired.typed_ids = std::move(applied.typed_ids);
  return fired;
}

}  // namespace starling::engine
