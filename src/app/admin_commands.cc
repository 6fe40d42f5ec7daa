#include "app/admin_commands.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "accounts/accounts.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/logging.h"
#include "db/migrations.h"
#include "db/open.h"

namespace starling::app {
namespace {

int Fail(const Error& error) {
  std::fprintf(stderr, "starling: %s\n", error.message.c_str());
  return 1;
}

int Print(const json::object& object) {
  std::printf("%s\n", ToJson(object).c_str());
  return 0;
}

// Opens the database and runs `body` with an Accounts over it.
template <typename Body>
int WithAccounts(const ServerConfig& config, Body&& body) {
  // Commands print JSON on stdout; keep the log quiet unless asked.
  (void)ConfigureLogging(config.log_level == "info" ? "warn" : config.log_level);
  if (Status s = crypto::InitCrypto(); !s) return Fail(s.error());
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  auto database = db::OpenDatabase(config.db_url, db::DatabaseOptions{});
  if (!database) return Fail(database.error());
  if (auto migrated = db::Migrate(**database); !migrated) return Fail(migrated.error());
  accounts::Accounts accounts(**database, SystemClock::Instance(), {.public_url = PublicUrl(config)});
  return body(accounts);
}

}  // namespace

std::string ReadPasswordFromStdin() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int UserCreateCommand(const ServerConfig& config, const std::string& email, const std::string& name,
                      const std::string& password) {
  return WithAccounts(config, [&](accounts::Accounts& accounts) {
    auto user = accounts.CreateUser(email, password, name, accounts::Actor::Cli());
    if (!user) return Fail(user.error());
    return Print(json::object{{"id", user->id}, {"email", user->email}, {"name", user->name}});
  });
}

int UserResetLinkCommand(const ServerConfig& config, const std::string& email) {
  return WithAccounts(config, [&](accounts::Accounts& accounts) {
    auto link = accounts.CreatePasswordResetLink(email);
    if (!link) return Fail(link.error());
    if (!*link) return Fail(Error::NotFound(fmt::format("no user has the email `{}`", email)));
    return Print(json::object{{"email", email},
                              {"url", **link},
                              {"expires_in_minutes", accounts.options().password_reset_lifetime.count() / 60}});
  });
}

int OrgCreateCommand(const ServerConfig& config, const std::string& name, const std::string& owner_email) {
  return WithAccounts(config, [&](accounts::Accounts& accounts) {
    auto owner = accounts.FindUserByEmail(owner_email);
    if (!owner) return Fail(owner.error());
    if (!*owner) {
      return Fail(Error::NotFound(fmt::format(
          "no user has the email `{}`: create it first with `starling user create --email {} --password-stdin`",
          owner_email, owner_email)));
    }
    auto org = accounts.CreateOrganization(name, (*owner)->id, accounts::Actor::Cli());
    if (!org) return Fail(org.error());
    return Print(json::object{{"id", org->id}, {"name", org->name}, {"owner", (*owner)->email}});
  });
}

int StoreCreateCommand(const ServerConfig& config, int64_t organization_id, const std::string& name,
                       const std::string& url) {
  return WithAccounts(config, [&](accounts::Accounts& accounts) {
    accounts::StorePatch fields;
    fields.name = name;
    fields.site_url = url;
    auto store = accounts.CreateStore(organization_id, fields, 0, accounts::Actor::Cli());
    if (!store) return Fail(store.error());
    return Print(json::object{{"id", store->id},
                              {"organization_id", store->organization_id},
                              {"name", store->name},
                              {"site_url", store->site_url},
                              {"tracking_token", store->tracking_token}});
  });
}

int ApiKeyCreateCommand(const ServerConfig& config, int64_t store_id, const std::string& name,
                        const std::string& scopes_text) {
  std::vector<std::string> items;
  for (size_t start = 0; start <= scopes_text.size();) {
    size_t comma = scopes_text.find(',', start);
    if (comma == std::string::npos) comma = scopes_text.size();
    std::string item = scopes_text.substr(start, comma - start);
    if (!item.empty()) items.push_back(item);
    start = comma + 1;
  }
  auto scopes = accounts::ScopeSet::Parse(items, "--scopes");
  if (!scopes) return Fail(scopes.error());
  return WithAccounts(config, [&](accounts::Accounts& accounts) {
    auto created = accounts.CreateApiKey(store_id, name, *scopes, accounts::Actor::Cli());
    if (!created) return Fail(created.error());
    json::array names;
    for (const std::string& s : created->key.scopes.Names()) names.emplace_back(s);
    return Print(json::object{{"key_id", created->key.id},
                              {"secret", created->secret},
                              {"scopes", std::move(names)},
                              {"store_id", store_id},
                              {"authorization", fmt::format("apiKey {}:{}", created->key.id, created->secret)}});
  });
}

}  // namespace starling::app
