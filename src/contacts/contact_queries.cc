#include "contacts/contact_queries.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "base/json_writer.h"
#include "base/text.h"

namespace starling::contacts {
namespace {

std::string ToQuoted(std::string_view text) {
  std::string out;
  JsonWriter::AppendQuoted(out, text);
  return out;
}

constexpr std::string_view kColumns =
    "id, COALESCE(email, ''), fields, merged_into, created_at, updated_at, COALESCE(external_id, '')";

ContactView FromRow(const db::Row& row) {
  ContactView c;
  c.id = row.GetInt64(0);
  c.email = row.GetText(1);
  c.fields_json = row.GetText(2);
  c.merged_into = row.GetOptionalInt64(3);
  c.created_at_us = row.GetInt64(4);
  c.updated_at_us = row.GetInt64(5);
  c.external_id = row.GetText(6);
  return c;
}

Status Complete(db::Connection& conn, int64_t store_id, ContactView& c) {
  STARLING_TRY(conn.QueryEach("SELECT tracker_id FROM contact_trackers WHERE store_id = ? AND contact_id = ? ORDER BY created_at",
                              {store_id, c.id}, [&](const db::Row& row) -> Status {
                                c.tracker_ids.push_back(row.GetText(0));
                                return Ok();
                              }));
  STARLING_TRY(conn.QueryEach(
      "SELECT endpoint, created_at, last_seen_at FROM push_subscriptions WHERE store_id = ? AND contact_id = ? "
      "ORDER BY created_at",
      {store_id, c.id}, [&](const db::Row& row) -> Status {
        c.push_subscriptions.push_back({std::string(UrlAuthority(row.GetText(0))), row.GetInt64(1), row.GetInt64(2)});
        return Ok();
      }));
  STARLING_ASSIGN_OR_RETURN(
      auto cart, conn.QueryOne("SELECT cart_id, state, total_quantity, total_price, items, updated_at FROM carts "
                               "WHERE store_id = ? AND contact_id = ?",
                               {store_id, c.id}));
  if (cart) {
    c.cart_json = fmt::format(R"({{"cartId":{},"state":"{}","totalQuantity":{},"totalPrice":{},"products":{},"updatedAtUs":{}}})",
                              ToQuoted(cart->GetText(0)), cart->GetText(1), cart->GetDouble(2), cart->GetDouble(3),
                              cart->GetText(4), cart->GetInt64(5));
  }
  return Ok();
}

Result<std::optional<ContactView>> FindOne(db::Database& db, int64_t store_id, std::string_view where, db::Value key) {
  return db::Read(db, [&](db::Connection& conn) -> Result<std::optional<ContactView>> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne(fmt::format("SELECT {} FROM contacts WHERE store_id = ? AND {}", kColumns, where),
                                {store_id, key}));
    if (!row) return std::optional<ContactView>();
    ContactView c = FromRow(*row);
    STARLING_TRY(Complete(conn, store_id, c));
    return std::optional<ContactView>(std::move(c));
  });
}

}  // namespace

Result<std::optional<ContactView>> GetContact(db::Database& db, int64_t store_id, int64_t contact_id) {
  return FindOne(db, store_id, "id = ?", contact_id);
}

Result<std::optional<ContactView>> FindContactByEmail(db::Database& db, int64_t store_id, const std::string& email) {
  return FindOne(db, store_id, "email = ?", email);
}

Result<std::optional<ContactView>> FindContactByTracker(db::Database& db, int64_t store_id, const std::string& tracker) {
  return FindOne(db, store_id, "id = (SELECT contact_id FROM contact_trackers WHERE store_id = contacts.store_id AND tracker_id = ?)",
                 tracker);
}

Result<ContactListPage> ListContacts(db::Database& db, int64_t store_id, const std::string& query,
                                     std::optional<int64_t> before_id, int limit) {
  return db::Read(db, [&](db::Connection& conn) -> Result<ContactListPage> {
    ContactListPage page;
    // The filter: none; "#12", the contact with that id (as the UI names contacts without email); else a
    // fragment of the email or the external id, matched as typed (`%` and `_` are not wildcards).
    std::string filter = "1";
    std::vector<db::Value> params = {store_id, before_id.value_or(INT64_MAX)};
    if (query.size() > 1 && query.size() < 19 && query[0] == '#' &&
        std::all_of(query.begin() + 1, query.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      filter = "id = ?";
      params.emplace_back(std::stoll(query.substr(1)));
    } else if (!query.empty()) {
      std::string like = "%";
      for (char c : query) {
        if (c == '%' || c == '_' || c == '\\') like += '\\';
        like += c;
      }
      like += '%';
      filter = "(LOWER(COALESCE(email, '')) LIKE LOWER(?) ESCAPE '\\' OR LOWER(COALESCE(external_id, '')) LIKE LOWER(?) ESCAPE '\\')";
      params.emplace_back(like);
      params.emplace_back(std::move(like));
    }
    params.emplace_back(limit + 1);
    STARLING_TRY(conn.QueryEach(
        fmt::format("SELECT {} FROM contacts WHERE store_id = ? AND merged_into IS NULL AND id < ? AND {} "
                    "ORDER BY id DESC LIMIT ?",
                    kColumns, filter),
        params, [&](const db::Row& row) -> Status {
          page.contacts.push_back(FromRow(row));
          return Ok();
        }));
    if (page.contacts.size() > static_cast<size_t>(limit)) {
      page.contacts.pop_back();
      page.next_cursor = page.contacts.back().id;
    }
    // The list answers the same Contact as the single read (docs/api-contacts.md): trackers, count, cart.
    for (ContactView& c : page.contacts) STARLING_TRY(Complete(conn, store_id, c));
    return page;
  });
}

Result<ActivityPage> ListActivities(db::Database& db, int64_t store_id, int64_t contact_id, int64_t head_event_id,
                                    const std::string& type, std::optional<int64_t> before_id, int limit) {
  return db::Read(db, [&](db::Connection& conn) -> Result<ActivityPage> {
    ActivityPage page;
    int64_t next = head_event_id;
    if (before_id) {
      STARLING_ASSIGN_OR_RETURN(auto cursor, conn.QueryOne("SELECT prev_id FROM events WHERE id = ? AND store_id = ? AND contact_id = ?",
                                                           {*before_id, store_id, contact_id}));
      if (!cursor) {
        return Error::InvalidArgument(
            fmt::format("cursor `{}` is not an event of contact {}: pass the next_cursor of the previous page", *before_id,
                        contact_id),
            "cursor");
      }
      next = cursor->GetInt64(0);
    }
    // Walk the contact's chain of events, newest first (events.prev_id).
    int64_t visited = 0, scanned = 0;
    while (next > 0) {
      if (page.activities.size() == static_cast<size_t>(limit) || scanned == kMaxTimelineScan) {
        page.next_cursor = visited;
        break;
      }
      STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id, type, occurred_at, data, contact_id, prev_id FROM events WHERE id = ?",
                                                        {next}));
      // A merge since the head was read moved the chain to another contact: this one has no more.
      if (!row || row->GetInt64(4) != contact_id) break;
      ++scanned;
      visited = next;
      if (type.empty() || row->GetText(1) == type) {
        page.activities.push_back({row->GetInt64(0), row->GetText(1), row->GetInt64(2), row->GetText(3), contact_id});
      }
      next = row->GetInt64(5);
    }
    return page;
  });
}

Result<std::optional<Activity>> GetEvent(db::Database& db, int64_t store_id, int64_t event_id) {
  return db::Read(db, [&](db::Connection& conn) -> Result<std::optional<Activity>> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT id, type, occurred_at, data, contact_id FROM events WHERE store_id = ? AND id = ?",
                                {store_id, event_id}));
    if (!row) return std::optional<Activity>();
    return std::optional<Activity>(Activity{row->GetInt64(0), row->GetText(1), row->GetInt64(2), row->GetText(3),
                                            row->GetOptionalInt64(4).value_or(0)});
  });
}

}  // namespace starling::contacts
