#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace starling {
namespace {

Result<int> Parse(const std::string& s) {
  if (s.empty()) return Error::InvalidArgument("empty input", "s");
  return std::stoi(s);
}

Result<int> Twice(const std::string& s) {
  STARLING_ASSIGN_OR_RETURN(int v, Parse(s));
  return v * 2;
}

Status Validate(const std::string& s) {
  STARLING_TRY(Parse(s));
  return Ok();
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> ok = Parse("21");
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 21);
  Result<int> bad = Parse("");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "s");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ResultTest, MacrosPropagate) {
  EXPECT_EQ(*Twice("4"), 8);
  EXPECT_EQ(Twice("").error().message, "empty input");
  EXPECT_TRUE(Validate("1"));
  EXPECT_FALSE(Validate(""));
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> bad = Error::Internal("boom");
  EXPECT_DEATH((void)bad.value(), "value\\(\\) of a failed Result: internal: boom");
}

}  // namespace
}  // namespace starling
