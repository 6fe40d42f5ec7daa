#include "app/server_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include <unistd.h>

namespace starling::app {
namespace {

// A path under the test temp dir that no concurrent test run (another build tree on this machine)
// uses.
std::string UniqueTempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "-" + std::to_string(getpid());
}

TEST(ServerConfigTest, Defaults) {
  auto config = LoadServerConfig({});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->http.host, "127.0.0.1");
  EXPECT_EQ(config->http.port, 8080);
  EXPECT_EQ(config->data_dir, "./data");
  EXPECT_EQ(config->db_url, "sqlite:./data/starling.db");
  EXPECT_EQ(config->commit_window, std::chrono::microseconds(300));
}

TEST(ServerConfigTest, CommitWindow) {
  ConfigInputs inputs;
  inputs.flags = {{"commit_window", "1ms"}};
  auto config = LoadServerConfig(inputs);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->commit_window, std::chrono::microseconds(1000));
  inputs.flags = {{"commit_window", "0"}};
  EXPECT_EQ(LoadServerConfig(inputs)->commit_window, std::chrono::microseconds(0));
  inputs.flags = {{"commit_window", "300"}};
  auto bad = LoadServerConfig(inputs);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "commit_window");
  EXPECT_NE(bad.error().message.find("from 0 to 60s"), std::string::npos) << bad.error().message;
}

TEST(ServerConfigTest, TrustedProxies) {
  EXPECT_FALSE(LoadServerConfig({})->http.trusted_proxy);
  ConfigInputs inputs;
  inputs.flags = {{"trusted_proxies", "10.0.0.0/8, 192.168.1.5,2001:db8::/32"}};
  auto config = LoadServerConfig(inputs);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_TRUE(config->http.trusted_proxy);
  EXPECT_TRUE(config->http.trusted_proxy("10.1.2.3"));
  EXPECT_TRUE(config->http.trusted_proxy("192.168.1.5"));
  EXPECT_TRUE(config->http.trusted_proxy("2001:db8::7"));
  EXPECT_FALSE(config->http.trusted_proxy("192.168.1.6"));
  EXPECT_FALSE(config->http.trusted_proxy("not an address"));
  inputs.flags = {{"trusted_proxies", "10.0.0.1/8"}};
  auto bad = LoadServerConfig(inputs);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "trusted_proxies");
  EXPECT_NE(bad.error().message.find("did you mean `10.0.0.0/8`?"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("flag --trusted-proxies"), std::string::npos) << bad.error().message;
}

TEST(ServerConfigTest, FileThenEnvironmentThenFlags) {
  std::string path = UniqueTempPath("starling_cfg_test.conf");
  std::ofstream(path) << "listen = 0.0.0.0:9000\ndata_dir = /tmp/a\nthreads = 3\nmax_body_bytes = 2MiB\n";
  ConfigInputs inputs;
  inputs.config_file = path;
  inputs.environment = {{"STARLING_DATA_DIR", "/tmp/b"}, {"STARLING_THREADS", "5"}};
  inputs.flags = {{"threads", "7"}};
  auto config = LoadServerConfig(inputs);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->http.host, "0.0.0.0");
  EXPECT_EQ(config->http.port, 9000);
  EXPECT_EQ(config->data_dir, "/tmp/b");               // environment beats file
  EXPECT_EQ(config->http.threads, 7);                  // flag beats environment
  EXPECT_EQ(config->http.max_body_bytes, 2u << 20);    // file value kept
  EXPECT_EQ(config->db_url, "sqlite:/tmp/b/starling.db");  // derived from the final data_dir
}

TEST(ServerConfigTest, UnknownFileKeyIsAnErrorNamingIt) {
  std::string path = UniqueTempPath("starling_cfg_unknown.conf");
  std::ofstream(path) << "listen = 127.0.0.1:1\nlisten_adress = x\n";
  ConfigInputs inputs;
  inputs.config_file = path;
  auto config = LoadServerConfig(inputs);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().field, "listen_adress");
  EXPECT_NE(config.error().message.find("unknown setting `listen_adress`"), std::string::npos);
  EXPECT_NE(config.error().message.find(":2"), std::string::npos);  // the line
}

TEST(ServerConfigTest, BadValuesNameTheKeyAndOrigin) {
  ConfigInputs env_inputs;
  env_inputs.environment = {{"STARLING_LISTEN", "8080"}};
  auto from_env = LoadServerConfig(env_inputs);
  ASSERT_FALSE(from_env);
  EXPECT_EQ(from_env.error().field, "listen");
  EXPECT_NE(from_env.error().message.find("environment STARLING_LISTEN"), std::string::npos);

  ConfigInputs flag_inputs;
  flag_inputs.flags = {{"read_timeout", "soon"}};
  auto from_flag = LoadServerConfig(flag_inputs);
  ASSERT_FALSE(from_flag);
  EXPECT_EQ(from_flag.error().field, "read_timeout");
  // Named the way it is typed on the command line.
  EXPECT_NE(from_flag.error().message.find("(flag --read-timeout)"), std::string::npos)
      << from_flag.error().message;
  EXPECT_EQ(from_flag.error().message.find("--read_timeout"), std::string::npos);

  ConfigInputs bytes;
  bytes.flags = {{"max_body_bytes", "12"}};
  auto too_small = LoadServerConfig(bytes);
  ASSERT_FALSE(too_small);
  EXPECT_NE(too_small.error().message.find("(flag --max-body-bytes)"), std::string::npos)
      << too_small.error().message;

  ConfigInputs level;
  level.flags = {{"log_level", "loud"}};
  EXPECT_EQ(LoadServerConfig(level).error().field, "log_level");
}

TEST(ServerConfigTest, UnknownStarlingVariablesAreWarnings) {
  ConfigInputs inputs;
  inputs.environment = {{"STARLING_LISTN", "x"}, {"HOME", "/root"}};
  auto config = LoadServerConfig(inputs);
  ASSERT_TRUE(config);
  ASSERT_EQ(config->warnings.size(), 1u);
  EXPECT_NE(config->warnings[0].find("STARLING_LISTN"), std::string::npos);
}

TEST(ServerConfigTest, MissingConfigFileIsAnError) {
  ConfigInputs inputs;
  inputs.config_file = "/nonexistent/starling.conf";
  auto config = LoadServerConfig(inputs);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("/nonexistent/starling.conf"), std::string::npos);
}

}  // namespace
}  // namespace starling::app
