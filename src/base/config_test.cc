#include "base/config.h"

#include <gtest/gtest.h>

namespace starling {
namespace {

TEST(ConfigTextTest, ParsesKeysValuesCommentsAndQuotes) {
  auto entries = ParseConfigText(
      "# Starling\n\nlisten = 0.0.0.0:9000  # public\n data_dir=\"/var/lib/x # y\"\n", "s.conf");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].key, "listen");
  EXPECT_EQ((*entries)[0].value, "0.0.0.0:9000");
  EXPECT_EQ((*entries)[0].origin, "s.conf:3");
  EXPECT_EQ((*entries)[1].value, "/var/lib/x # y");
}

TEST(ConfigTextTest, CommentAfterAQuotedValue) {
  auto entries = ParseConfigText(
      "listen = \"127.0.0.1:8080\"  # comment\n"
      "web_dir = \"/opt/web #1\" # a comment with \"quotes\"\n"
      "data_dir=\"/a#b\"#tight\n"
      "db = \"\"\n",
      "s.conf");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].value, "127.0.0.1:8080");
  EXPECT_EQ((*entries)[1].value, "/opt/web #1");
  EXPECT_EQ((*entries)[2].value, "/a#b");
  EXPECT_EQ((*entries)[3].value, "");
}

TEST(ConfigTextTest, RejectsBrokenQuotesWithLineNumber) {
  auto unterminated = ParseConfigText("listen = a:1\nweb_dir = \"/opt/web # x\n", "s.conf");
  ASSERT_FALSE(unterminated);
  EXPECT_NE(unterminated.error().message.find("s.conf:2"), std::string::npos)
      << unterminated.error().message;
  EXPECT_EQ(unterminated.error().field, "web_dir");

  auto trailing = ParseConfigText("web_dir = \"/opt/web\" extra\n", "s.conf");
  ASSERT_FALSE(trailing);
  EXPECT_NE(trailing.error().message.find("s.conf:1"), std::string::npos);
}

TEST(ConfigTextTest, RejectsLinesWithoutEqualsWithLineNumber) {
  auto entries = ParseConfigText("listen = a:1\nbogus line\n", "s.conf");
  ASSERT_FALSE(entries);
  EXPECT_NE(entries.error().message.find("s.conf:2"), std::string::npos);
}

TEST(ConfigTextTest, RejectsBadKeyNames) {
  auto entries = ParseConfigText("Listen-Addr = 1\n", "s.conf");
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().field, "Listen-Addr");
}

TEST(ConfigValueTest, HostPort) {
  auto hp = ParseHostPort("127.0.0.1:8080", "listen");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 8080);
  auto v6 = ParseHostPort("[::1]:0", "listen");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  for (const char* bad : {"8080", "host:", ":80", "h:99999", "h:8o", "::1:80", "[::1]80"}) {
    auto r = ParseHostPort(bad, "listen");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "listen");
    EXPECT_NE(r.error().message.find("`listen`"), std::string::npos);
  }
}

TEST(ConfigValueTest, SizesDurationsIntegersBools) {
  EXPECT_EQ(*ParseByteSize("8192", "k"), 8192u);
  EXPECT_EQ(*ParseByteSize("64KiB", "k"), 65536u);
  EXPECT_EQ(*ParseByteSize("1MiB", "k"), 1048576u);
  EXPECT_FALSE(ParseByteSize("1 MiB", "k"));
  EXPECT_FALSE(ParseByteSize("lots", "k"));
  EXPECT_EQ(ParseDuration("500ms", "t")->count(), 500);
  EXPECT_EQ(ParseDuration("30s", "t")->count(), 30000);
  EXPECT_EQ(ParseDuration("2m", "t")->count(), 120000);
  EXPECT_FALSE(ParseDuration("30", "t"));
  EXPECT_EQ(ParseShortDuration("300us", "w")->count(), 300);
  EXPECT_EQ(ParseShortDuration("2ms", "w")->count(), 2000);
  EXPECT_EQ(ParseShortDuration("0", "w")->count(), 0);
  EXPECT_FALSE(ParseShortDuration("300", "w"));
  EXPECT_FALSE(ParseShortDuration("-1us", "w"));
  EXPECT_FALSE(ParseShortDuration("5m", "w"));
  EXPECT_EQ(ParseShortDuration("60s", "w")->count(), 60'000'000);
  EXPECT_FALSE(ParseShortDuration("60001ms", "w"));  // over 60 s, whatever the unit
  EXPECT_FALSE(ParseDuration("0", "t"));
  EXPECT_FALSE(ParseDuration("99999999999999h", "t"));  // would overflow
  EXPECT_EQ(*ParseInteger("4", "n", 1, 64), 4);
  EXPECT_FALSE(ParseInteger("0", "n", 1, 64));
  EXPECT_FALSE(ParseInteger("4x", "n", 1, 64));
  EXPECT_TRUE(*ParseBool("yes", "b"));
  EXPECT_FALSE(*ParseBool("false", "b"));
  EXPECT_FALSE(ParseBool("maybe", "b"));
}

}  // namespace
}  // namespace starling
