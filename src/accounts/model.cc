#include "accounts/model.h"

#include <fmt/format.h>

#include "base/check.h"

namespace starling::accounts {

std::string_view RoleName(StoreRole role) {
  return role == StoreRole::kAdministrator ? "administrator" : "marketer";
}

std::string_view RoleName(OrgRole role) {
  switch (role) {
    case OrgRole::kOwner: return "owner";
    case OrgRole::kAdministrator: return "administrator";
    case OrgRole::kMember: return "member";
  }
  return "member";
}

Result<StoreRole> ParseStoreRole(std::string_view text, std::string_view field) {
  if (text == "administrator") return StoreRole::kAdministrator;
  if (text == "marketer") return StoreRole::kMarketer;
  return Error::InvalidArgument(
      fmt::format("field `{}`: expected `administrator` or `marketer`, got `{}`", field, text),
      std::string(field));
}

Result<OrgRole> ParseOrgRole(std::string_view text, std::string_view field) {
  if (text == "owner") return OrgRole::kOwner;
  if (text == "administrator") return OrgRole::kAdministrator;
  if (text == "member") return OrgRole::kMember;
  return Error::InvalidArgument(
      fmt::format("field `{}`: expected `owner`, `administrator` or `member`, got `{}`", field, text),
      std::string(field));
}

size_t ScopeSet::Bit(std::string_view resource, Access access) {
  for (size_t i = 0; i < kScopeResources.size(); ++i) {
    if (kScopeResources[i] == resource) return i * 2 + (access == Access::kWrite ? 1 : 0);
  }
  CHECK(false) << "unknown API scope resource: " << resource;
  return 0;
}

ScopeSet ScopeSet::All() {
  ScopeSet set;
  for (std::string_view resource : kScopeResources) set.Grant(resource, Access::kWrite);
  return set;
}

void ScopeSet::Grant(std::string_view resource, Access access) {
  bits_ |= 1u << Bit(resource, Access::kRead);
  if (access == Access::kWrite) bits_ |= 1u << Bit(resource, Access::kWrite);
}

bool ScopeSet::Allows(std::string_view resource, Access access) const {
  return (bits_ & (1u << Bit(resource, access))) != 0;
}

bool ScopeSet::IsAll() const { return *this == All(); }

namespace {

// "contacts:write" → (resource, access); nullopt when not a known scope.
std::optional<std::pair<std::string_view, Access>> SplitScope(std::string_view item) {
  size_t colon = item.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view resource = item.substr(0, colon);
  std::string_view access = item.substr(colon + 1);
  bool known = false;
  for (std::string_view r : kScopeResources) known = known || r == resource;
  if (!known) return std::nullopt;
  if (access == "read") return std::pair{resource, Access::kRead};
  if (access == "write") return std::pair{resource, Access::kWrite};
  return std::nullopt;
}

}  // namespace

Result<ScopeSet> ScopeSet::Parse(std::span<const std::string> items, std::string_view field) {
  ScopeSet set;
  if (items.empty()) {
    return Error::InvalidArgument(
        fmt::format("field `{}`: choose at least one scope (for example `contacts:read`) or `all`", field),
        std::string(field));
  }
  for (const std::string& item : items) {
    if (item == "all") {
      set = All();
      continue;
    }
    auto scope = SplitScope(item);
    if (!scope) {
      std::string known;
      for (std::string_view r : kScopeResources) known += fmt::format("{}{}", known.empty() ? "" : ", ", r);
      return Error::InvalidArgument(
          fmt::format("field `{}`: unknown scope `{}`; use `all` or `<resource>:read` / "
                      "`<resource>:write` with a resource among {}",
                      field, item, known),
          std::string(field));
    }
    set.Grant(scope->first, scope->second);
  }
  return set;
}

ScopeSet ScopeSet::FromStorage(std::string_view text) {
  ScopeSet set;
  size_t start = 0;
  while (start < text.size()) {
    size_t space = text.find(' ', start);
    if (space == std::string_view::npos) space = text.size();
    if (auto scope = SplitScope(text.substr(start, space - start))) set.Grant(scope->first, scope->second);
    start = space + 1;
  }
  return set;
}

std::vector<std::string> ScopeSet::Names() const {
  std::vector<std::string> names;
  for (std::string_view resource : kScopeResources) {
    if (Allows(resource, Access::kRead)) names.push_back(fmt::format("{}:read", resource));
    if (Allows(resource, Access::kWrite)) names.push_back(fmt::format("{}:write", resource));
  }
  return names;
}

std::string ScopeSet::ToStorage() const {
  std::string out;
  for (const std::string& name : Names()) {
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

json::object ScriptOptionsJson(const ScriptOptions& o) {
  json::array include, exclude;
  for (const std::string& u : o.include_urls) include.emplace_back(u);
  for (const std::string& u : o.exclude_urls) exclude.emplace_back(u);
  return json::object{{"include_urls", std::move(include)},
                      {"exclude_urls", std::move(exclude)},
                      {"sampling", NumberValue(o.sampling)}};
}

Actor Actor::ForUser(int64_t user_id, std::string email) {
  return {"user", std::to_string(user_id), std::move(email), user_id};
}

Actor Actor::ForApiKey(std::string key_id, std::string name) {
  return {"api_key", std::move(key_id), std::move(name), 0};
}

}  // namespace starling::accounts
