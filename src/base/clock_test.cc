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

TEST(IsoUtcTest, ClientTimesTakeOffsetsAndFinerFractions) {
  TimePoint noon = TimePoint(std::chrono::seconds(1'714'564'800));  // 2024-05-01T12:00:00Z
  struct Case {
    std::string_view text;
    TimePoint want;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2024-05-01T12:00:00Z", noon},
           {"2024-05-01T12:00:00.123Z", noon + std::chrono::milliseconds(123)},
           {"2024-05-01T12:00:00.5Z", noon + std::chrono::milliseconds(500)},
           {"2024-05-01T12:00:00.123456789Z", noon + std::chrono::microseconds(123456)},
           {"2024-05-01T14:00:00+02:00", noon},
           {"2024-05-01T12:00:00+00:00", noon},
           {"2024-05-01T06:30:00.250-0530", noon + std::chrono::milliseconds(250)},
           {"2024-05-01T12:00:00z", noon},
           {"2024-02-29T00:00:00Z", TimePoint(std::chrono::seconds(1'709'164'800))}}) {
    auto parsed = ParseRfc3339(c.text);
    ASSERT_TRUE(parsed) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, c.want) << c.text;
  }
  for (std::string_view bad : {"2024-05-01T12:00:00", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+2:00",
                               "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00.1234567890Z", "2024-05-01 12:00:00Z",
                               "2024-05-01T12:00:00+02:00x", "2024-05-01T-1:00:00Z", "2024-02-30T12:00:00Z",
                               "2023-02-29T12:00:00Z", "1969-12-31T23:59:59.5Z", "2024-05-01T12:00:-1Z"}) {
    auto parsed = ParseRfc3339(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) {
      EXPECT_NE(parsed.error().message.find("+02:00"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace starling
