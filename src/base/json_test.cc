#include "base/json.h"

#include <gtest/gtest.h>

namespace starling {
namespace {

TEST(JsonTest, ErrorShape) {
  EXPECT_EQ(ToJson(ErrorToJson(Error::InvalidArgument("bad", "name"))),
            R"({"error":{"code":"invalid_argument","message":"bad","field":"name"}})");
  EXPECT_EQ(ToJson(ErrorToJson(Error::NotFound("no route"))),
            R"({"error":{"code":"not_found","message":"no route"}})");
}

TEST(JsonTest, ParseErrorsAreValues) {
  EXPECT_FALSE(ParseJson("{\"a\":"));
  EXPECT_FALSE(ParseJson(std::string(100, '[') + std::string(100, ']')));  // too deep
  auto not_object = ParseJsonObject("[1]");
  ASSERT_FALSE(not_object);
  EXPECT_NE(not_object.error().message.find("got array"), std::string::npos);
}

TEST(JsonTest, TypedFieldsNameTheField) {
  auto obj = ParseJsonObject(R"({"name":"x","n":3,"b":true,"s":5})");
  ASSERT_TRUE(obj);
  EXPECT_EQ(*GetString(*obj, "name"), "x");
  EXPECT_EQ(*GetInt(*obj, "n"), 3);
  EXPECT_TRUE(*GetBool(*obj, "b"));
  auto wrong = GetString(*obj, "s");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "s");
  EXPECT_EQ(wrong.error().message, "field `s`: expected string, got number");
  EXPECT_EQ(GetInt(*obj, "missing").error().message, "field `missing` is required");
}

}  // namespace
}  // namespace starling
