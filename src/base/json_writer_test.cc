#include "base/json_writer.h"

#include <gtest/gtest.h>

#include "base/json.h"

namespace starling {
namespace {

TEST(JsonWriterTest, WritesNestedStructuresWithCommas) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a");
  w.Integer(1);
  w.Key("list");
  w.BeginArray();
  w.String("x");
  w.Number(2.5);
  w.Number(3);
  w.Bool(true);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Key("raw");
  w.Raw(R"({"k":[1]})");
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"list":["x",2.5,3,true,null,{}],"raw":{"k":[1]}})");
  EXPECT_TRUE(ParseJson(w.str()));
}

TEST(JsonWriterTest, EscapesStrings) {
  JsonWriter w;
  w.String("quote\" back\\ nl\n ctl\x01 é");
  EXPECT_EQ(w.str(), "\"quote\\\" back\\\\ nl\\n ctl\\u0001 é\"");
  auto parsed = ParseJson(w.str());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->as_string(), "quote\" back\\ nl\n ctl\x01 é");
}

}  // namespace
}  // namespace starling
