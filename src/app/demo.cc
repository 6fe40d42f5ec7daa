#include "app/demo.h"

#include <fmt/format.h>

#include "accounts/validation.h"
#include "base/crypto.h"

namespace starling::app {

Result<std::optional<DemoCredentials>> BootstrapDemo(accounts::Accounts& accounts, const std::string& public_url) {
  STARLING_ASSIGN_OR_RETURN(int64_t users, accounts.CountUsers());
  if (users > 0) return std::optional<DemoCredentials>();
  DemoCredentials demo;
  demo.email = "admin@demo.starling.local";
  demo.password = crypto::RandomToken(16);
  accounts::Actor actor = accounts::Actor::System();
  STARLING_ASSIGN_OR_RETURN(accounts::User admin, accounts.CreateUser(demo.email, demo.password, "Demo administrator", actor));
  STARLING_ASSIGN_OR_RETURN(accounts::Organization org,
                            accounts.CreateOrganization("Demo organization", admin.id, actor));
  accounts::StorePatch store;
  store.name = "Demo store";
  store.site_url = public_url + "/demo/";
  store.time_zone = "Europe/Madrid";
  store.currency = "EUR";
  std::vector<std::string> domains;
  if (auto domain = accounts::NormalizeDomain(public_url)) domains.push_back(*domain);
  if (public_url.find("127.0.0.1") != std::string::npos) {
    if (auto localhost = accounts::NormalizeDomain(fmt::format("localhost{}", public_url.substr(public_url.rfind(':'))))) {
      domains.push_back(*localhost);
    }
  }
  store.authorized_domains = domains;
  STARLING_ASSIGN_OR_RETURN(accounts::StoreSettings created, accounts.CreateStore(org.id, store, admin.id, actor));
  demo.store_id = created.id;
  demo.tracking_token = created.tracking_token;
  return std::optional<DemoCredentials>(std::move(demo));
}

}  // namespace starling::app
