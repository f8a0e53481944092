// Timestamp parsing and formatting for xAPI. A small hand-written scanner
// rather than a regex or strptime: we need exact control over which ISO 8601
// forms pass (the conformance suite rejects the "unknown offset" forms -00,
// -0000 and -00:00) and locale-free, allocation-free behaviour.
#include "lrs/base/clock.h"

#include <chrono>
#include <cstdio>

namespace lrs {
namespace {

// A forward-only reader over the timestamp text.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads exactly `n` decimal digits.
  bool Digits(int n, int* out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = Peek();
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
      ++pos_;
    }
    *out = v;
    return true;
  }
  // Reads one or more digits of a fraction, keeping the first six as micros.
  bool Fraction(int* micros) {
    int v = 0, n = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (n < 6) v = v * 10 + (Peek() - '0');
      ++n;
      ++pos_;
    }
    if (n == 0) return false;
    for (int i = n; i < 6; ++i) v *= 10;
    *micros = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

struct Fields {
  int year = 0, month = 0, day = 0;
  int hour = 0, minute = 0, second = 0, micros = 0;
  int offset_minutes = 0;
};

// Parses "Z", "+hh:mm", and at ISO 8601 also "+hh" and "+hhmm". A negative
// zero offset means "local time unknown" (RFC 3339 4.3); xAPI needs a real
// instant, so it is refused.
bool ParseOffset(Scanner& sc, TimestampSyntax syntax, Fields* f) {
  const bool iso = syntax == TimestampSyntax::kIso8601;
  if (sc.AtEnd()) return iso;  // ISO 8601 local time: read as UTC
  // Lowercase z and t are RFC 3339's; 1.0.3 recommends RFC 3339, so both accept them.
  if (sc.Accept('Z') || sc.Accept('z')) return sc.AtEnd();
  int sign = 0;
  if (sc.Accept('+')) {
    sign = 1;
  } else if (sc.Accept('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hh = 0, mm = 0;
  if (!sc.Digits(2, &hh)) return false;
  if (sc.Accept(':')) {
    if (!sc.Digits(2, &mm)) return false;
  } else if (!iso) {
    return false;  // RFC 3339 offsets are always hh:mm
  } else if (!sc.AtEnd() && !sc.Digits(2, &mm)) {
    return false;  // ISO 8601 also has hh and hhmm
  }
  if (!sc.AtEnd() || hh > 23 || mm > 59) return false;
  if (sign < 0 && hh == 0 && mm == 0) return false;
  f->offset_minutes = sign * (hh * 60 + mm);
  return true;
}

// Time of day after the 'T': hh:mm[:ss[.frac]] (extended) or hhmm[ss[.frac]]
// (basic). RFC 3339 requires seconds and the extended form.
bool ParseTime(Scanner& sc, TimestampSyntax syntax, bool extended, Fields* f) {
  const bool iso = syntax == TimestampSyntax::kIso8601;
  if (!sc.Digits(2, &f->hour)) return false;
  if (extended && !sc.Accept(':')) return false;
  if (!sc.Digits(2, &f->minute)) return false;
  bool has_seconds = extended ? sc.Accept(':') : (sc.Peek() >= '0' && sc.Peek() <= '9');
  if (has_seconds) {
    if (!sc.Digits(2, &f->second)) return false;
    if (sc.Accept('.') || (iso && sc.Accept(','))) {
      if (!sc.Fraction(&f->micros)) return false;
    }
  } else if (!iso) {
    return false;
  }
  // ISO's 24:00 end-of-day form is refused; a leap second (60) is accepted
  // and lands on the next second, as the epoch count has no room for it.
  return f->hour <= 23 && f->minute <= 59 && f->second <= 60;
}

bool ParseFields(std::string_view text, TimestampSyntax syntax, Fields* f) {
  const bool iso = syntax == TimestampSyntax::kIso8601;
  Scanner sc(text);
  if (!sc.Digits(4, &f->year)) return false;
  const bool extended = sc.Accept('-');
  if (!extended && !iso) return false;
  if (!sc.Digits(2, &f->month)) return false;
  if (extended && !sc.Accept('-')) return false;
  if (!sc.Digits(2, &f->day)) return false;
  if (!sc.Accept('T') && !sc.Accept('t')) return false;
  if (!ParseTime(sc, syntax, extended, f)) return false;
  return ParseOffset(sc, syntax, f);
}

}  // namespace

Micros NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<Micros> ParseTimestamp(std::string_view text, TimestampSyntax syntax) {
  Fields f;
  if (!ParseFields(text, syntax, &f)) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{f.year}, month{static_cast<unsigned>(f.month)},
                     day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok()) return std::nullopt;
  const int64_t days = sys_days{ymd}.time_since_epoch().count();
  const int64_t seconds = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
                          static_cast<int64_t>(f.offset_minutes) * 60;
  return seconds * 1'000'000 + f.micros;
}

std::string FormatTimestampMillis(Micros t) {
  using namespace std::chrono;
  const sys_time<microseconds> tp{microseconds{t}};
  const auto day_start = floor<days>(tp);
  const year_month_day ymd{day_start};
  const hh_mm_ss<milliseconds> tod{floor<milliseconds>(tp - day_start)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return buf;
}

}  // namespace lrs
