#include "common/time.hpp"

#include <fmt/format.h>

namespace agenthost::detail {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::int64_t kSecondsPerDay = 86400;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool digits(std::string_view s, std::size_t &pos, std::size_t n, unsigned &out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t &pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// Fractional seconds: 1..9 digits, truncated to microseconds.
bool fraction(std::string_view s, std::size_t &pos, std::int64_t &micros) {
  micros = 0;
  std::size_t n = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (n < 6) micros = micros * 10 + (s[pos] - '0');
    ++n;
    ++pos;
  }
  if (n == 0 || n > 9) return false;
  for (std::size_t i = n; i < 6; ++i) micros *= 10;
  return true;
}

// Offset east of UTC in seconds: Z, ±HH:MM, ±HHMM or ±HH; none = UTC.
bool utc_offset(std::string_view s, std::size_t &pos, std::int64_t &seconds) {
  seconds = 0;
  if (pos == s.size()) return true;
  if (s[pos] == 'Z' || s[pos] == 'z') return ++pos == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  const int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  unsigned hh = 0, mm = 0;
  if (!digits(s, pos, 2, hh)) return false;
  if (pos < s.size()) {
    if (s[pos] == ':') ++pos;
    if (!digits(s, pos, 2, mm)) return false;
  }
  if (pos != s.size() || hh > 23 || mm > 59) return false;
  seconds = sign * static_cast<std::int64_t>(hh * 3600 + mm * 60);
  return true;
}

}  // namespace

namespace {

// Writes `value` as exactly `width` decimal digits ending just before `end`.
void put_digits(char *end, std::int64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

void append_iso8601_utc(std::string &out, MicrosSinceEpoch t) {
  std::int64_t secs = t / kMicrosPerSecond;
  std::int64_t micros = t % kMicrosPerSecond;
  if (micros < 0) {
    micros += kMicrosPerSecond;
    --secs;
  }
  std::int64_t days = secs / kSecondsPerDay;
  std::int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  const Civil c = civil_from_days(days);
  if (c.year < 0 || c.year > 9999) {
    // Outside what parse_iso8601 accepts: written as fmt writes it, never truncated.
    out += fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}+00:00", c.year, c.month,
                       c.day, sod / 3600, (sod / 60) % 60, sod % 60, micros);
    return;
  }
  // Every listed session writes two of these: digits by hand, no format string to parse.
  char text[] = "YYYY-MM-DDTHH:MM:SS.ffffff+00:00";
  put_digits(text + 4, c.year, 4);
  put_digits(text + 7, c.month, 2);
  put_digits(text + 10, c.day, 2);
  put_digits(text + 13, sod / 3600, 2);
  put_digits(text + 16, (sod / 60) % 60, 2);
  put_digits(text + 19, sod % 60, 2);
  put_digits(text + 26, micros, 6);
  out.append(text, sizeof text - 1);
}

std::string format_iso8601_utc(MicrosSinceEpoch t) {
  std::string out;
  append_iso8601_utc(out, t);
  return out;
}

std::optional<MicrosSinceEpoch> parse_iso8601(std::string_view s) {
  std::size_t pos = 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, pos, 4, y) || !expect(s, pos, '-') || !digits(s, pos, 2, mo) ||
      !expect(s, pos, '-') || !digits(s, pos, 2, d)) {
    return std::nullopt;
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!digits(s, pos, 2, h) || !expect(s, pos, ':') || !digits(s, pos, 2, mi) ||
      !expect(s, pos, ':') || !digits(s, pos, 2, se)) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    if (!fraction(s, pos, micros)) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (!utc_offset(s, pos, offset)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59) {
    return std::nullopt;
  }
  const std::int64_t secs = days_from_civil(y, mo, d) * kSecondsPerDay + std::int64_t{h} * 3600 +
                            std::int64_t{mi} * 60 + se;
  // Python's datetime range in UTC (years 1..9999): outside it format_iso8601_utc() would write a
  // year this parser rejects ("-001", "10000"), and a session would read back as corrupt.
  static const std::int64_t kFirstSecond = days_from_civil(1, 1, 1) * kSecondsPerDay;
  static const std::int64_t kEndSecond = days_from_civil(10000, 1, 1) * kSecondsPerDay;
  if (secs - offset < kFirstSecond || secs - offset >= kEndSecond) return std::nullopt;
  return (secs - offset) * kMicrosPerSecond + micros;
}

MicrosSinceEpoch now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace agenthost::detail
