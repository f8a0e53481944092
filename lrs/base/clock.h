// Time for xAPI: parsing and formatting of ISO 8601 / RFC 3339 timestamps, and
// the wall clock in microseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lrs {

// Microseconds since 1970-01-01T00:00:00Z.
using Micros = int64_t;

Micros NowMicros();

// How strictly to read a timestamp.
enum class TimestampSyntax {
  kIso8601,  // xAPI 1.0.3: ISO 8601 date-time; offset optional but -00:00 rejected
  kRfc3339,  // xAPI 2.0.0: RFC 3339 date-time, offset required
};

// Parses a timestamp to UTC microseconds (sub-microsecond digits truncated).
// Returns nullopt when the text is not a valid timestamp under `syntax`.
std::optional<Micros> ParseTimestamp(std::string_view text, TimestampSyntax syntax);

// Formats as RFC 3339 UTC with millisecond precision: 2024-01-02T03:04:05.678Z.
std::string FormatTimestampMillis(Micros t);

}  // namespace lrs
