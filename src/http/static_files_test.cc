#include "http/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

namespace starling::http {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("starling_static_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "assets");
    Write("index.html", "<!doctype html><title>Starling</title>");
    Write("assets/index-abc123.js", "console.log(1)");
    Write("robots.txt", "User-agent: *");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& content) {
    std::ofstream(root_ / rel, std::ios::binary) << content;
  }
  static std::string HeaderOf(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCacheHeaders) {
  StaticFiles files(root_);
  auto index = files.Serve("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(*index, "Cache-Control"), "no-cache");
  auto js = files.Serve("/assets/index-abc123.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(HeaderOf(*js, "Cache-Control"), "public, max-age=31536000, immutable");
  auto txt = files.Serve("/robots.txt");
  ASSERT_TRUE(txt);
  EXPECT_EQ(txt->content_type, "text/plain; charset=utf-8");
}

TEST_F(StaticFilesTest, UiRoutesFallBackToIndexButMissingFilesDoNot) {
  StaticFiles files(root_);
  auto route = files.Serve("/contacts/42");
  ASSERT_TRUE(route);
  EXPECT_NE(route->body.find("<title>Starling</title>"), std::string::npos);
  EXPECT_FALSE(files.Serve("/assets/missing.js"));
  EXPECT_FALSE(files.Serve("/favicon.ico"));
}

TEST_F(StaticFilesTest, RefusesPathsOutsideTheRoot) {
  StaticFiles files(root_);
  EXPECT_FALSE(files.Serve("/../etc/passwd"));
  EXPECT_FALSE(files.Serve("/assets/..%2f..%2fetc"));
  EXPECT_FALSE(files.Serve("relative"));
}

TEST_F(StaticFilesTest, PicksUpANewBuild) {
  StaticFiles files(root_);
  EXPECT_EQ(files.Serve("/robots.txt")->body, "User-agent: *");
  Write("robots.txt", "User-agent: *\nDisallow: /");
  EXPECT_EQ(files.Serve("/robots.txt")->body, "User-agent: *\nDisallow: /");
}

}  // namespace
}  // namespace starling::http
