// The encodings, timestamp parsing and statement helpers declared in
// lrs_process.h (the process and HTTP parts live in lrs_process.cpp).
#include <cctype>
#include <cstdio>
#include <ctime>
#include <random>

#include "lrs/base/encoding.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {

namespace json = boost::json;

// ---------------------------------------------------------------------------
// Encodings. Written here rather than taken from lrs/base so that a bug in the
// server's own helpers cannot cancel out in the tests.

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string BasicAuth(const std::string& key, const std::string& secret) {
  return "Basic " + Base64(key + ":" + secret);
}

std::string PercentEncode(std::string_view text) { return lrs::PercentEncode(text); }

std::string NewUuid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ull) | 0x4000ull;        // version 4
  lo = (lo & ~(3ull << 62)) | (2ull << 62);  // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", unsigned(hi >> 32),
                unsigned((hi >> 16) & 0xFFFF), unsigned(hi & 0xFFFF), unsigned(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

std::optional<int64_t> ParseIsoMicros(std::string_view text) {
  std::string s(text);
  int year, month, day, hour, minute, second, used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &used) != 6 ||
      used != 19) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100000;
    ++pos;
    size_t start = pos;
    for (; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos) {
      micros += (s[pos] - '0') * scale;
      scale /= 10;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh = std::atoi(s.substr(pos + 1, 2).c_str()), om = std::atoi(s.substr(pos + 4, 2).c_str());
    offset_seconds = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_seconds;
  return seconds * 1000000 + micros;
}

// ---------------------------------------------------------------------------
// Statement helpers

json::object Agent(const std::string& email, const std::string& name) {
  json::object a{{"objectType", "Agent"}, {"mbox", "mailto:" + email}};
  if (!name.empty()) a["name"] = name;
  return a;
}

json::object Statement(const std::string& email, const std::string& verb,
                       const std::string& activity) {
  return json::object{
      {"actor", Agent(email)},
      {"verb", json::object{{"id", verb}, {"display", json::object{{"en-US", "did"}}}}},
      {"object", json::object{{"objectType", "Activity"}, {"id", activity}}}};
}

std::vector<json::object> QueryAll(const LrsProcess& lrs, const std::string& target,
                                   const std::string& version, int max_pages) {
  std::vector<json::object> out;
  std::string next = target;
  for (int page = 0; page < max_pages && !next.empty(); ++page) {
    HttpResponse r = lrs.Get(next, version);
    if (r.status != 200) {
      ADD_FAILURE() << "GET " << next << "\n" << r;
      return out;
    }
    json::value v = r.Json();
    if (!v.is_object()) return out;
    for (const auto& s : v.at("statements").as_array()) out.push_back(s.as_object());
    next = std::string(v.at("more").as_string());
  }
  if (!next.empty()) ADD_FAILURE() << "more than " << max_pages << " pages for " << target;
  return out;
}

std::string PostStatement(const LrsProcess& lrs, const json::object& statement,
                          const std::string& version) {
  HttpResponse r = lrs.PostJson("/xapi/statements", json::serialize(statement), version);
  if (r.status != 200) {
    ADD_FAILURE() << "POST " << json::serialize(statement) << "\n" << r;
    return "";
  }
  json::value ids = r.Json();
  if (!ids.is_array() || ids.as_array().size() != 1 || !ids.as_array()[0].is_string()) {
    ADD_FAILURE() << "POST of one statement should answer [id]\n" << r;
    return "";
  }
  return std::string(ids.as_array()[0].as_string());
}

json::object GetStatement(const LrsProcess& lrs, const std::string& id,
                          const std::string& version) {
  HttpResponse r = lrs.Get("/xapi/statements?statementId=" + id, version);
  if (r.status != 200) {
    ADD_FAILURE() << "GET statementId=" << id << "\n" << r;
    return {};
  }
  json::value v = r.Json();
  if (!v.is_object()) return {};
  return v.as_object();
}

std::vector<std::string> IdsOf(const json::value& result) {
  std::vector<std::string> ids;
  if (!result.is_object()) return ids;
  for (const auto& s : result.at("statements").as_array()) {
    ids.emplace_back(s.at("id").as_string());
  }
  return ids;
}

}  // namespace lrs_it
