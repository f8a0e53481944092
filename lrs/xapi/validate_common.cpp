// Data types shared by every part of a statement: paths and failures, the
// generic shape checks, IRIs, UUIDs, durations, timestamps, language maps and
// extensions.
#include <algorithm>
#include <string>

#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/xapi/validate.h"
#include "lrs/xapi/validate_internal.h"

namespace lrs::xapi {

namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Characters RFC 3987 never allows unescaped in an IRI. Non-ASCII bytes
// (UTF-8 ucschar / iprivate) pass, as IRIs are Unicode.
bool IsForbiddenIriChar(unsigned char c) {
  if (c <= 0x20 || c == 0x7f) return true;
  switch (c) {
    case '<':
    case '>':
    case '"':
    case '{':
    case '}':
    case '|':
    case '\\':
    case '^':
    case '`':
      return true;
    default:
      return false;
  }
}

// Reads "<digits>[.<digits>]<designator>" at `i`; returns false when absent.
// `fraction` reports whether a decimal part was used.
bool DurationElement(std::string_view s, size_t& i, char designator, bool* fraction) {
  size_t j = i;
  while (j < s.size() && IsDigit(s[j])) ++j;
  if (j == i) return false;
  *fraction = false;
  if (j < s.size() && (s[j] == '.' || s[j] == ',')) {
    size_t k = j + 1;
    while (k < s.size() && IsDigit(s[k])) ++k;
    if (k == j + 1) return false;
    *fraction = true;
    j = k;
  }
  if (j >= s.size() || s[j] != designator) return false;
  i = j + 1;
  return true;
}

// Reads the elements of one part of a duration (date part "YMD" or time part
// "HMS") in order; counts how many were present.
bool DurationPart(std::string_view s, size_t& i, std::string_view designators, int* count,
                  bool* fraction_seen) {
  for (char d : designators) {
    size_t save = i;
    bool fraction = false;
    if (!DurationElement(s, i, d, &fraction)) {
      i = save;
      continue;
    }
    // ISO 8601 allows a decimal fraction only on the lowest-order element.
    if (*fraction_seen) return false;
    *fraction_seen = fraction;
    ++*count;
  }
  return true;
}

}  // namespace

bool IsIri(std::string_view s) {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ":".
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(s[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  if (colon + 1 == s.size()) return false;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (IsForbiddenIriChar(c)) return false;
    if (c == '%' && (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2]))) return false;
  }
  return true;
}

bool IsIsoDuration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return false;
  size_t i = 1;
  bool fraction = false;
  // PnW stands alone: weeks do not combine with other elements.
  if (DurationElement(s, i, 'W', &fraction)) return i == s.size();
  i = 1;
  int count = 0;
  if (!DurationPart(s, i, "YMD", &count, &fraction)) return false;
  if (i < s.size()) {
    if (s[i] != 'T') return false;
    ++i;
    int time_count = 0;
    if (!DurationPart(s, i, "HMS", &time_count, &fraction)) return false;
    if (time_count == 0) return false;  // "P1DT" has a dangling T
    count += time_count;
  }
  return i == s.size() && count > 0;
}

namespace internal {

std::string Child(std::string_view path, std::string_view key) {
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string Index(std::string_view path, size_t i) {
  return std::string(path) + "[" + std::to_string(i) + "]";
}

Status Fail(std::string_view path, std::string_view what) {
  std::string msg(path);
  msg += ": ";
  msg += what;
  return Status::InvalidArgument(std::move(msg));
}

Status CheckKeys(const json::object& o, std::string_view path,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
      return Fail(Child(path, kv.key()), "is not an allowed property here");
    }
    if (kv.value().is_null()) return Fail(Child(path, kv.key()), "must not be null");
  }
  return Status::Ok();
}

Status Require(const json::object& o, std::string_view key, std::string_view path) {
  if (!o.contains(key)) return Fail(Child(path, key), "is required");
  return Status::Ok();
}

Status CheckObject(const json::value& v, std::string_view path) {
  return v.is_object() ? Status::Ok() : Fail(path, "must be an object");
}

Status CheckString(const json::value& v, std::string_view path) {
  return v.is_string() ? Status::Ok() : Fail(path, "must be a string");
}

Status CheckBool(const json::value& v, std::string_view path) {
  return v.is_bool() ? Status::Ok() : Fail(path, "must be a boolean");
}

Status CheckNumber(const json::value& v, std::string_view path) {
  return v.is_number() ? Status::Ok() : Fail(path, "must be a number");
}

Status CheckIri(const json::value& v, std::string_view path) {
  if (!v.is_string() || !IsIri(v.get_string())) return Fail(path, "must be an absolute IRI");
  return Status::Ok();
}

Status CheckUuid(const json::value& v, std::string_view path) {
  if (!v.is_string() || !ParseUuid(v.get_string())) return Fail(path, "must be a UUID");
  return Status::Ok();
}

Status CheckLanguageMap(const json::value& v, std::string_view path) {
  if (!v.is_object()) return Fail(path, "must be a language map (an object)");
  for (const auto& kv : v.get_object()) {
    if (!IsLanguageTag(kv.key())) {
      return Fail(Child(path, kv.key()), "is not an RFC 5646 language tag");
    }
    if (!kv.value().is_string()) return Fail(Child(path, kv.key()), "must be a string");
  }
  return Status::Ok();
}

Status CheckExtensions(const json::value& v, std::string_view path) {
  if (!v.is_object()) return Fail(path, "must be an object");
  for (const auto& kv : v.get_object()) {
    // The spec forbids rejecting a statement for its extension values.
    if (!IsIri(kv.key())) return Fail(Child(path, kv.key()), "extension key must be an IRI");
  }
  return Status::Ok();
}

Status CheckTimestamp(const json::value& v, std::string_view path, Version version) {
  if (!v.is_string()) return Fail(path, "must be a timestamp string");
  const auto syntax =
      version == Version::k103 ? TimestampSyntax::kIso8601 : TimestampSyntax::kRfc3339;
  if (!ParseTimestamp(v.get_string(), syntax)) {
    return Fail(path, version == Version::k103 ? "must be an ISO 8601 timestamp"
                                               : "must be an RFC 3339 timestamp");
  }
  return Status::Ok();
}

}  // namespace internal
}  // namespace lrs::xapi
