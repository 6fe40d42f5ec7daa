// The demo set-up of `make run`: on a database without users, an administrator, an organization and a
// store to try Starling with.
#pragma once

#include <string>

#include "accounts/accounts.h"

namespace starling::app {

struct DemoCredentials {
  std::string email;
  std::string password;
  int64_t store_id = 0;
  std::string tracking_token;
};

// Creates the demo data when the database has no user yet; nullopt when it already had users (nothing
// is changed then). `public_url` becomes the store's site and authorized domain (the demo shop is
// served by Starling itself).
Result<std::optional<DemoCredentials>> BootstrapDemo(accounts::Accounts& accounts, const std::string& public_url);

}  // namespace starling::app
