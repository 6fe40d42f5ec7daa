// API keys, excluded IPs and the audit log of a store.
#include <fmt/format.h>

#include "accounts/accounts.h"
#include "accounts/internal.h"
#include "accounts/validation.h"

namespace starling::accounts {

using internal::AuditRecord;
using internal::NextId;
using internal::WriteAudit;

namespace {

Result<int64_t> StoreOrganization(db::Connection& conn, int64_t store_id) {
  STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT organization_id FROM stores WHERE id = ?", {store_id}));
  if (!row) return internal::NotFound("store", std::to_string(store_id));
  return row->GetInt64(0);
}

Error BadKey() {
  return Error{ErrorCode::kUnauthenticated,
               "invalid API key: use the header `Authorization: apiKey {keyId}:{keySecret}` with a key that "
               "has not been revoked",
               {}};
}

constexpr size_t kKeyIdLength = 16;
constexpr size_t kSecretLength = 40;

}  // namespace

// ---- API keys -----------------------------------------------------------------------------------------

Result<NewApiKey> Accounts::CreateApiKey(int64_t store_id, std::string_view name_text, const ScopeSet& scopes,
                                         const Actor& actor) {
  STARLING_ASSIGN_OR_RETURN(std::string name, ValidateName(name_text, "name", 100));
  if (scopes.empty()) {
    return Error::InvalidArgument("field `scopes`: choose at least one scope or `all`", "scopes");
  }
  NewApiKey created;
  created.secret = crypto::RandomToken(kSecretLength);
  ApiKey& key = created.key;
  key.id = crypto::RandomToken(kKeyIdLength);
  key.store_id = store_id;
  key.name = name;
  key.scopes = scopes;
  key.created_by = UserRef{actor.user_id, actor.type == "user" ? actor.label : ""};
  key.created_at = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(int64_t organization_id, StoreOrganization(conn, store_id));
    STARLING_TRY(conn.Execute(
        "INSERT INTO api_keys (id, store_id, name, secret_hash, scopes, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {key.id, store_id, name, crypto::Sha256Hex(created.secret), scopes.ToStorage(), internal::CreatedBy(actor),
         key.created_at}));
    json::array scope_names;
    for (const std::string& s : scopes.Names()) scope_names.emplace_back(s);
    return WriteAudit(conn, actor,
                      AuditRecord{organization_id, store_id, "api_key.created", key.id,
                                  json::object{{"name", name}, {"scopes", std::move(scope_names)}}},
                      key.created_at);
  }));
  return created;
}

Result<std::vector<ApiKey>> Accounts::ListApiKeys(int64_t store_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::vector<ApiKey>> {
    STARLING_TRY(StoreOrganization(conn, store_id));
    std::vector<ApiKey> keys;
    STARLING_TRY(conn.QueryEach(
        "SELECT k.id, k.name, k.scopes, COALESCE(k.created_by, 0), COALESCE(u.email, ''), k.created_at, "
        "k.last_used_at, k.revoked_at FROM api_keys k LEFT JOIN users u ON u.id = k.created_by "
        "WHERE k.store_id = ? ORDER BY k.created_at DESC, k.id",
        {store_id}, [&](const db::Row& row) -> Status {
          ApiKey key;
          key.id = row.GetText(0);
          key.store_id = store_id;
          key.name = row.GetText(1);
          key.scopes = ScopeSet::FromStorage(row.GetText(2));
          key.created_by = UserRef{row.GetInt64(3), row.GetText(4)};
          key.created_at = row.GetText(5);
          key.last_used_at = row.GetOptionalText(6);
          key.revoked_at = row.GetOptionalText(7);
          keys.push_back(std::move(key));
          return Ok();
        }));
    return keys;
  });
}

Status Accounts::RevokeApiKey(int64_t store_id, std::string_view key_id, const Actor& actor) {
  std::string now = Now();
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(int64_t organization_id, StoreOrganization(conn, store_id));
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT name, revoked_at FROM api_keys WHERE id = ? AND store_id = ?",
                                                      {key_id, store_id}));
    if (!row) return internal::NotFound("API key", key_id);
    if (!row->IsNull(1)) return Ok();
    STARLING_TRY(conn.Execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", {now, key_id}));
    return WriteAudit(conn, actor,
                      AuditRecord{organization_id, store_id, "api_key.revoked", std::string(key_id),
                                  json::object{{"name", row->GetText(0)}}},
                      now);
  });
}

Result<Principal> Accounts::AuthenticateApiKey(std::string_view key_id, std::string_view secret) {
  if (key_id.size() != kKeyIdLength || secret.empty() || secret.size() > 128) return BadKey();
  STARLING_ASSIGN_OR_RETURN(auto row, db::Read(db_, [&](db::Connection& conn) {
                              return conn.QueryOne(
                                  "SELECT store_id, name, secret_hash, scopes, revoked_at FROM api_keys WHERE id = ?",
                                  {key_id});
                            }));
  if (!row || !row->IsNull(4) || !crypto::ConstantTimeEquals(row->GetText(2), crypto::Sha256Hex(secret))) {
    return BadKey();
  }
  Principal p;
  p.kind = Principal::Kind::kApiKey;
  p.key_id = std::string(key_id);
  p.key_store_id = row->GetInt64(0);
  p.key_name = row->GetText(1);
  p.scopes = ScopeSet::FromStorage(row->GetText(3));
  // Record the use, at most once a minute per key: a write per API call would cost more than the call.
  auto now = clock_.Monotonic();
  bool write = false;
  {
    std::lock_guard lock(cache_mutex_);
    auto [it, inserted] = key_use_written_.try_emplace(p.key_id, now);
    if (inserted || now - it->second >= std::chrono::minutes(1)) {
      it->second = now;
      write = true;
    }
  }
  if (write) {
    std::string at = Now();
    (void)db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
      STARLING_TRY(conn.Execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", {at, p.key_id}));
      return Ok();
    });
  }
  return p;
}

// ---- Excluded IPs ---------------------------------------------------------------------------------

Result<std::vector<ExcludedIp>> Accounts::ListExcludedIps(int64_t store_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::vector<ExcludedIp>> {
    STARLING_TRY(StoreOrganization(conn, store_id));
    std::vector<ExcludedIp> ips;
    STARLING_TRY(conn.QueryEach(
        "SELECT e.id, e.ip, e.label, COALESCE(e.created_by, 0), COALESCE(u.email, ''), e.created_at "
        "FROM excluded_ips e LEFT JOIN users u ON u.id = e.created_by WHERE e.store_id = ? ORDER BY e.id",
        {store_id}, [&](const db::Row& row) -> Status {
          ips.push_back(ExcludedIp{row.GetInt64(0), row.GetText(1), row.GetText(2),
                                   UserRef{row.GetInt64(3), row.GetText(4)}, row.GetText(5)});
          return Ok();
        }));
    return ips;
  });
}

Result<ExcludedIp> Accounts::AddExcludedIp(int64_t store_id, std::string_view ip_text, std::string_view label_text,
                                           const Actor& actor) {
  auto block = ParseCidr(ip_text);
  if (!block) {
    return Error::InvalidArgument(fmt::format("field `ip`: {}", block.error().message), "ip");
  }
  STARLING_ASSIGN_OR_RETURN(std::string label, ValidateText(label_text, "label", 200));
  ExcludedIp added;
  added.ip = block->ToString();
  added.label = label;
  added.created_by = UserRef{actor.user_id, actor.type == "user" ? actor.label : ""};
  added.created_at = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(int64_t organization_id, StoreOrganization(conn, store_id));
    STARLING_ASSIGN_OR_RETURN(auto existing, conn.QueryOne("SELECT id FROM excluded_ips WHERE store_id = ? AND ip = ?",
                                                           {store_id, added.ip}));
    if (existing) {
      return Error{ErrorCode::kConflict, fmt::format("field `ip`: `{}` is already excluded", added.ip), "ip"};
    }
    STARLING_ASSIGN_OR_RETURN(added.id, NextId(conn, "excluded_ips"));
    STARLING_TRY(conn.Execute(
        "INSERT INTO excluded_ips (id, store_id, ip, label, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        {added.id, store_id, added.ip, label, internal::CreatedBy(actor), added.created_at}));
    return WriteAudit(conn, actor,
                      AuditRecord{organization_id, store_id, "excluded_ip.added", added.ip,
                                  json::object{{"label", label}}},
                      added.created_at);
  }));
  {
    std::lock_guard lock(cache_mutex_);
    ip_matchers_.erase(store_id);
  }
  NotifyStoreChanged(store_id);
  return added;
}

Status Accounts::RemoveExcludedIp(int64_t store_id, int64_t id, const Actor& actor) {
  std::string now = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(int64_t organization_id, StoreOrganization(conn, store_id));
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT ip FROM excluded_ips WHERE id = ? AND store_id = ?",
                                                      {id, store_id}));
    if (!row) return internal::NotFound("excluded IP", std::to_string(id));
    STARLING_TRY(conn.Execute("DELETE FROM excluded_ips WHERE id = ?", {id}));
    return WriteAudit(conn, actor,
                      AuditRecord{organization_id, store_id, "excluded_ip.removed", row->GetText(0), json::object{}},
                      now);
  }));
  {
    std::lock_guard lock(cache_mutex_);
    ip_matchers_.erase(store_id);
  }
  NotifyStoreChanged(store_id);
  return Ok();
}

Result<std::shared_ptr<const IpMatcher>> Accounts::ExcludedIpMatcher(int64_t store_id) {
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = ip_matchers_.find(store_id); it != ip_matchers_.end()) return it->second;
  }
  STARLING_ASSIGN_OR_RETURN(std::vector<ExcludedIp> ips, ListExcludedIps(store_id));
  std::vector<CidrBlock> blocks;
  for (const ExcludedIp& ip : ips) {
    if (auto block = ParseCidr(ip.ip)) blocks.push_back(*block);
  }
  auto matcher = std::make_shared<const IpMatcher>(blocks);
  std::lock_guard lock(cache_mutex_);
  // A change that raced with this load erased the entry before we got here or will erase ours after:
  // either way the next call sees the change.
  ip_matchers_[store_id] = matcher;
  return matcher;
}

// ---- Audit log ----------------------------------------------------------------------------------------

namespace {

Result<AuditPage> ListAudit(db::Database& db, std::string_view column, int64_t id, std::optional<int64_t> before_id,
                            int limit) {
  if (limit < 1 || limit > 200) {
    return Error::InvalidArgument(fmt::format("field `limit`: expected 1 to 200, got {}", limit), "limit");
  }
  return db::Read(db, [&](db::Connection& conn) -> Result<AuditPage> {
    AuditPage page;
    std::string sql = fmt::format(
        "SELECT id, created_at, actor_type, actor_id, actor_label, action, target, details FROM audit_log "
        "WHERE {} = ? AND id < ? ORDER BY id DESC LIMIT ?",
        column);
    STARLING_TRY(conn.QueryEach(sql, {id, before_id.value_or(INT64_MAX), limit + 1}, [&](const db::Row& row) -> Status {
      page.entries.push_back(AuditEntry{row.GetInt64(0), row.GetText(1), row.GetText(2), row.GetText(3),
                                        row.GetText(4), row.GetText(5), row.GetText(6), row.GetText(7)});
      return Ok();
    }));
    if (page.entries.size() > static_cast<size_t>(limit)) {
      page.entries.pop_back();
      page.next_cursor = page.entries.back().id;
    }
    return page;
  });
}

}  // namespace

Result<AuditPage> Accounts::ListStoreAudit(int64_t store_id, std::optional<int64_t> before_id, int limit) {
  return ListAudit(db_, "store_id", store_id, before_id, limit);
}

Result<AuditPage> Accounts::ListOrganizationAudit(int64_t organization_id, std::optional<int64_t> before_id,
                                                  int limit) {
  return ListAudit(db_, "organization_id", organization_id, before_id, limit);
}

}  // namespace starling::accounts
