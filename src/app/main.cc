// The `starling` binary: subcommands over the same configuration.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <string>

#include "app/admin_commands.h"
#include "app/serve.h"
#include "app/server_config.h"
#include "base/version.h"

extern char** environ;

namespace {

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace

int main(int argc, char** argv) {
  using starling::app::ConfigInputs;
  CLI::App cli{"Starling: marketing automation for online stores"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", std::string("starling ") + starling::kStarlingVersion);

  // Settings shared by every subcommand that touches the data.
  ConfigInputs inputs;
  std::string config_file;
  std::map<std::string, std::string> flag_values;
  auto add_settings = [&](CLI::App* cmd, bool server_flags) {
    cmd->add_option("--config", config_file, "settings file (key = value lines; see docs/configuration.md)");
    for (const auto& [key, help] : starling::app::ServerConfigKeys()) {
      bool data_key = key == "data_dir" || key == "db" || key == "log_level";
      if (!server_flags && !data_key) continue;
      std::string flag = starling::app::FlagName(key);
      cmd->add_option_function<std::string>(
          flag, [&flag_values, key = key](const std::string& v) { flag_values[key] = v; }, help);
    }
  };
  CLI::App* serve = cli.add_subcommand("serve", "run the server (HTTP, engine, schedulers)");
  add_settings(serve, true);
  CLI::App* migrate = cli.add_subcommand("migrate", "apply pending database migrations and exit");
  add_settings(migrate, false);

  // Administration commands (app/admin_commands.h): JSON on stdout.
  std::string email, name, owner, url, scopes;
  int64_t org_id = 0, store_id = 0;
  bool password_stdin = false;
  CLI::App* user = cli.add_subcommand("user", "manage users")->require_subcommand(1);
  CLI::App* user_create = user->add_subcommand("create", "create a user (password read from stdin)");
  add_settings(user_create, false);
  user_create->add_option("--email", email, "the user's email")->required();
  user_create->add_option("--name", name, "the user's name");
  user_create->add_flag("--password-stdin", password_stdin, "read the password from the first line of stdin")
      ->required();
  CLI::App* user_reset = user->add_subcommand("reset-link", "print a password-reset link for a user");
  add_settings(user_reset, false);
  user_reset->add_option("--email", email, "the user's email")->required();
  CLI::App* org = cli.add_subcommand("org", "manage organizations")->require_subcommand(1);
  CLI::App* org_create = org->add_subcommand("create", "create an organization");
  add_settings(org_create, false);
  org_create->add_option("--name", name, "the organization's name")->required();
  org_create->add_option("--owner", owner, "email of an existing user who becomes its owner")->required();
  CLI::App* store = cli.add_subcommand("store", "manage stores")->require_subcommand(1);
  CLI::App* store_create = store->add_subcommand("create", "create a store; prints its id and tracking token");
  add_settings(store_create, false);
  store_create->add_option("--org", org_id, "organization id")->required();
  store_create->add_option("--name", name, "the store's name")->required();
  store_create->add_option("--url", url, "the shop's URL, e.g. https://shop.example")->required();
  CLI::App* apikey = cli.add_subcommand("apikey", "manage API keys")->require_subcommand(1);
  CLI::App* apikey_create = apikey->add_subcommand("create", "create an API key; prints keyId and secret");
  add_settings(apikey_create, false);
  apikey_create->add_option("--store", store_id, "store id")->required();
  apikey_create->add_option("--name", name, "a name saying what the key is for")->required();
  apikey_create->add_option("--scopes", scopes, "`all` or a comma-separated list like contacts:read,events:write")
      ->required();

  cli.add_subcommand("version", "print the version")->callback([] {
    std::printf("starling %s\n", starling::kStarlingVersion);
  });

  CLI11_PARSE(cli, argc, argv);
  if (cli.got_subcommand("version")) return 0;

  if (!config_file.empty()) inputs.config_file = config_file;
  inputs.environment = Environment();
  inputs.flags = flag_values;
  inputs.executable = std::filesystem::weakly_canonical(std::filesystem::path("/proc/self/exe"));
  auto config = starling::app::LoadServerConfig(inputs);
  if (!config) {
    std::fprintf(stderr, "starling: %s\n", config.error().message.c_str());
    return 2;
  }
  if (cli.got_subcommand(serve)) return starling::app::Serve(*config);
  if (cli.got_subcommand(migrate)) return starling::app::MigrateCommand(*config);
  using namespace starling::app;
  if (user_create->parsed()) return UserCreateCommand(*config, email, name, ReadPasswordFromStdin());
  if (user_reset->parsed()) return UserResetLinkCommand(*config, email);
  if (org_create->parsed()) return OrgCreateCommand(*config, name, owner);
  if (store_create->parsed()) return StoreCreateCommand(*config, org_id, name, url);
  if (apikey_create->parsed()) return ApiKeyCreateCommand(*config, store_id, name, scopes);
  return 0;
}
