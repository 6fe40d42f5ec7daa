// Reading contacts and their activity timeline from the database (the store runtime writes them; see
// engine/). Reads see committed data only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "db/database.h"

namespace starling::contacts {

// A web push subscription of one of the contact's browsers, as the contact sheet shows it: which push
// service, not the endpoint or keys (capability secrets, for the web-push channel only).
struct PushSubscriptionView {
  std::string service;  // the push service's host: "fcm.googleapis.com" (Chrome), "updates.push.services.mozilla.com"…
  int64_t created_at_us = 0, last_seen_at_us = 0;
};

struct ContactView {
  int64_t id = 0;
  std::string email;             // empty: anonymous
  std::string external_id;       // the `_external_id` field (the shop's own id of the customer); empty: none
  std::string fields_json;       // {"_name":"Ana",…}
  std::optional<int64_t> merged_into;
  std::vector<std::string> tracker_ids;
  std::vector<PushSubscriptionView> push_subscriptions;  // oldest first
  int64_t created_at_us = 0, updated_at_us = 0;
  int64_t event_count = 0;       // not read here: the engine knows it (Engine::Heads)
  std::optional<std::string> cart_json;  // the current cart, when there is one: {"cartId","state",…}
};

struct Activity {
  int64_t id = 0;
  std::string type;
  int64_t occurred_at_us = 0;
  std::string data_json;
  int64_t contact_id = 0;  // 0: none
};

struct ActivityPage {
  std::vector<Activity> activities;     // newest first
  std::optional<int64_t> next_cursor;   // pass as `before_id` for the next page
};

struct ContactListPage {
  std::vector<ContactView> contacts;    // newest first, complete (trackers, activity count, cart)
  std::optional<int64_t> next_cursor;
};

Result<std::optional<ContactView>> GetContact(db::Database& db, int64_t store_id, int64_t contact_id);
Result<std::optional<ContactView>> FindContactByEmail(db::Database& db, int64_t store_id, const std::string& email);
Result<std::optional<ContactView>> FindContactByTracker(db::Database& db, int64_t store_id, const std::string& tracker);
// `query`: a fragment of the email or of the external id (case-insensitive), or "#12" for the contact with
// that id; empty lists every contact. Merged contacts are left out.
Result<ContactListPage> ListContacts(db::Database& db, int64_t store_id, const std::string& query,
                                     std::optional<int64_t> before_id, int limit);
// Most events looked at for one page of a timeline filtered by type: a page may then hold fewer than
// `limit` activities (even none) and still have a next_cursor.
constexpr int64_t kMaxTimelineScan = 10000;
// The contact's events, newest first, walking its chain from `head_event_id` (Engine::Heads: the head
// must be committed). `type`: only events of that type (empty: all). `before_id`: a next_cursor.
Result<ActivityPage> ListActivities(db::Database& db, int64_t store_id, int64_t contact_id, int64_t head_event_id,
                                    const std::string& type, std::optional<int64_t> before_id, int limit);
// One stored event, by id.
Result<std::optional<Activity>> GetEvent(db::Database& db, int64_t store_id, int64_t event_id);

}  // namespace starling::contacts
