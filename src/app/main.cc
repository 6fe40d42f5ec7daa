// The `starling` binary: subcommands over the same configuration.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <string>

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
  return 0;
}
