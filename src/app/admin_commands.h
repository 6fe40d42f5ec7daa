// Command-line administration, for automation and first set-up. Each command opens the database of the
// given configuration (applying pending migrations), does one thing, prints one JSON object on stdout
// and returns 0; on failure it prints `starling: <what to fix>` on stderr and returns 1.
//
//   starling user create --email E [--name N] --password-stdin   → {"id","email","name"}
//   starling user reset-link --email E                           → {"email","url","expires_in_minutes"}
//   starling org create --name N --owner E                       → {"id","name","owner"}
//   starling store create --org ID --name N --url URL            → {"id","organization_id","name","site_url","tracking_token"}
//   starling apikey create --store ID --name N --scopes all|contacts:write,…  → {"key_id","secret","scopes","store_id"}
#pragma once

#include <string>

#include "app/server_config.h"

namespace starling::app {

int UserCreateCommand(const ServerConfig& config, const std::string& email, const std::string& name,
                      const std::string& password);
int UserResetLinkCommand(const ServerConfig& config, const std::string& email);
int OrgCreateCommand(const ServerConfig& config, const std::string& name, const std::string& owner_email);
int StoreCreateCommand(const ServerConfig& config, int64_t organization_id, const std::string& name,
                       const std::string& url);
int ApiKeyCreateCommand(const ServerConfig& config, int64_t store_id, const std::string& name,
                        const std::string& scopes);

// Reads the password from standard input: the first line, without its line ending.
std::string ReadPasswordFromStdin();

}  // namespace starling::app
