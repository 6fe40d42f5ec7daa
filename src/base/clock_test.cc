#include "base/clock.h"

#include <gtest/gtest.h>

namespace starling {
namespace {

TEST(IsoUtcTest, FormatsAndParsesRoundTrip) {
  TimePoint t = TimePoint(std::chrono::seconds(1'714'564'800)) + std::chrono::milliseconds(123);
  EXPECT_EQ(FormatIsoUtc(t), "2024-05-01T12:00:00.123Z");
  auto parsed = ParseIsoUtc("2024-05-01T12:00:00.123Z");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, t);
  auto whole = ParseIsoUtc("2024-05-01T12:00:00Z");
  ASSERT_TRUE(whole);
  EXPECT_EQ(FormatIsoUtc(*whole), "2024-05-01T12:00:00.000Z");
}

TEST(IsoUtcTest, RefusesOtherShapes) {
  for (std::string_view bad : {"", "2024-05-01", "2024-05-01 12:00:00Z", "2024-13-01T12:00:00Z",
                               "2024-05-01T12:00:00+02:00", "2024-05-01T12:00:00.12Z", "x024-05-01T12:00:00Z"}) {
    auto parsed = ParseIsoUtc(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_NE(parsed.error().message.find("ISO 8601"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace starling
