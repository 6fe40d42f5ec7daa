#include "base/clock.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace starling {

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

std::string FormatIsoUtc(TimePoint t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

Result<TimePoint> ParseIsoUtc(std::string_view text) {
  auto fail = [&] {
    return Error::InvalidArgument(
        fmt::format("expected an ISO 8601 UTC time like 2024-05-01T12:00:00Z, got `{}`", text));
  };
  auto number = [&](size_t pos, size_t len, int& out) {
    if (pos + len > text.size()) return false;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return ec == std::errc() && end == text.data() + pos + len;
  };
  int year, month, day, hour, minute, second, millis = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || !number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) ||
      !number(11, 2, hour) || !number(14, 2, minute) || !number(17, 2, second)) {
    return fail();
  }
  size_t pos = 19;
  if (text[pos] == '.') {
    if (!number(pos + 1, 3, millis)) return fail();
    pos += 4;
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return fail();
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return fail();
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t seconds = timegm(&tm);
  return TimePoint(std::chrono::seconds(seconds)) + std::chrono::milliseconds(millis);
}

}  // namespace starling
