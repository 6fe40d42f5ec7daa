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


// A refused body's error says where it stops being JSON, with what comes just before.
TEST(JsonSyntaxProblemTest, SaysWhereTheTextStopsBeingJson) {
  EXPECT_EQ(JsonSyntaxProblem(R"({"a": [1, 2]})"), "");
  EXPECT_EQ(JsonSyntaxProblem("  \n "), "the body is empty");
  std::string broken = JsonSyntaxProblem("{\n  \"a\": 1,\n  \"b\": nope\n}");
  EXPECT_NE(broken.find("at line 3, column"), std::string::npos) << broken;
  EXPECT_NE(broken.find("after `  \"b\": `"), std::string::npos) << broken;
  std::string extra = JsonSyntaxProblem(R"({"a":1}})");
  EXPECT_NE(extra.find("column 8"), std::string::npos) << extra;
  EXPECT_NE(extra.find("more text after the JSON value"), std::string::npos) << extra;
  std::string cut = JsonSyntaxProblem(R"({"events": [)");
  EXPECT_NE(cut.find("line 1"), std::string::npos) << cut;
  // The excerpt starts on a whole character, and columns count characters.
  std::string accents = JsonSyntaxProblem("{\"e\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"  x");
  EXPECT_NE(accents.find("column 23"), std::string::npos) << accents;  // 24 bytes back is mid-character
  size_t quote = accents.find('`');
  ASSERT_NE(quote, std::string::npos);
  EXPECT_NE(static_cast<unsigned char>(accents[quote + 1]) & 0xC0, 0x80) << accents;
  EXPECT_EQ(InvalidJsonMessage("request body is not valid JSON", "", "x"), "request body is not valid JSON: the body is empty");
  auto parsed = ParseJson(R"({"name": 'x'})");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("invalid JSON at line 1, column 10"), std::string::npos) << parsed.error().message;
}

}  // namespace
}  // namespace starling
