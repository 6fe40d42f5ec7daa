#include "base/clock.h"

#include <fmt/format.h>

#include <algorithm>
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

namespace {

// "2024-05-01T12:00:00", the part every accepted form starts with, as seconds since the epoch; false
// when `text` does not start with it or a value is out of range.
bool ParseDateTime(std::string_view text, std::time_t& seconds) {
  // Digits only (from_chars would take a sign).
  auto number = [&](size_t pos, size_t len, int& out) {
    if (pos + len > text.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || !number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day) ||
      !number(11, 2, hour) || !number(14, 2, minute) || !number(17, 2, second)) {
    return false;
  }
  // Times before 1970 are not supported (FormatIsoUtc); a day must exist in its month.
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  seconds = timegm(&tm);
  return true;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<TimePoint> ParseIsoUtc(std::string_view text) {
  std::time_t seconds;
  // Exactly what FormatIsoUtc writes: 3 fractional digits or none, and Z.
  bool ok = ParseDateTime(text, seconds) &&
            ((text.size() == 20 && text[19] == 'Z') ||
             (text.size() == 24 && text[19] == '.' && AllDigits(text.substr(20, 3)) && text[23] == 'Z'));
  if (!ok) {
    return Error::InvalidArgument(
        fmt::format("expected an ISO 8601 UTC time like 2024-05-01T12:00:00Z, got `{}`", text));
  }
  int millis = text.size() == 24 ? std::stoi(std::string(text.substr(20, 3))) : 0;
  return TimePoint(std::chrono::seconds(seconds)) + std::chrono::milliseconds(millis);
}

Result<TimePoint> ParseRfc3339(std::string_view text) {
  auto fail = [&] {
    return Error::InvalidArgument(fmt::format(
        "expected an ISO 8601 time like 2024-05-01T12:00:00Z (an offset such as +02:00 is converted to UTC), "
        "got `{}`",
        text));
  };
  std::time_t seconds;
  if (!ParseDateTime(text, seconds)) return fail();
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    size_t digits = 0;
    while (pos + 1 + digits < text.size() && text[pos + 1 + digits] >= '0' && text[pos + 1 + digits] <= '9') ++digits;
    if (digits == 0 || digits > 9) return fail();
    // Microseconds: the first six digits, padded.
    for (size_t i = 0; i < 6; ++i) micros = micros * 10 + (i < digits ? text[pos + 1 + i] - '0' : 0);
    pos += 1 + digits;
  }
  std::string_view zone = text.substr(std::min(pos, text.size()));
  int64_t offset_seconds = 0;
  if (zone == "Z" || zone == "z") {
    offset_seconds = 0;
  } else if ((zone.size() == 6 && zone[3] == ':') || zone.size() == 5) {
    // +HH:MM or +HHMM
    std::string_view hh = zone.substr(1, 2), mm = zone.substr(zone.size() - 2);
    if ((zone[0] != '+' && zone[0] != '-') || !AllDigits(hh) || !AllDigits(mm)) return fail();
    int h = (hh[0] - '0') * 10 + (hh[1] - '0'), m = (mm[0] - '0') * 10 + (mm[1] - '0');
    if (h > 23 || m > 59) return fail();
    offset_seconds = (zone[0] == '+' ? 1 : -1) * (h * 3600 + m * 60);
  } else {
    return fail();
  }
  // Local time minus its offset is UTC.
  return TimePoint(std::chrono::seconds(seconds - offset_seconds)) + std::chrono::microseconds(micros);
}

}  // namespace starling
