// RFC 5646 language tags, checked against the ABNF of section 2.1 plus the
// "valid tag" rules of 2.2.9 that need no registry: no repeated variant and
// no repeated extension singleton. Subtags are not looked up in the IANA
// registry, so "qq-ZZ" passes; the conformance suite only asks for syntax.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "lrs/xapi/validate.h"

namespace lrs::xapi {
namespace {

bool AllOf(std::string_view s, int (*pred)(int)) {
  return std::all_of(s.begin(), s.end(),
                     [pred](char c) { return pred(static_cast<unsigned char>(c)); });
}
bool Alpha(std::string_view s, size_t lo, size_t hi) {
  return s.size() >= lo && s.size() <= hi && AllOf(s, isalpha);
}
bool Digits(std::string_view s, size_t n) { return s.size() == n && AllOf(s, isdigit); }
bool Alnum(std::string_view s, size_t lo, size_t hi) {
  return s.size() >= lo && s.size() <= hi && AllOf(s, isalnum);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Tags RFC 5646 keeps for compatibility although they do not fit the grammar
// (or fit it only by accident); matched case-insensitively.
constexpr std::array<std::string_view, 26> kGrandfathered = {
    "en-gb-oed", "i-ami",     "i-bnn",     "i-default",  "i-enochian",  "i-hak",  "i-klingon",
    "i-lux",     "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",       "i-tay",  "i-tsu",
    "sgn-be-fr", "sgn-be-nl", "sgn-ch-de", "art-lojban", "cel-gaulish", "no-bok", "no-nyn",
    "zh-guoyu",  "zh-hakka",  "zh-min",    "zh-min-nan", "zh-xiang"};

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dash = s.find('-', start);
    parts.push_back(s.substr(start, dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  return parts;
}

// privateuse = "x" 1*("-" (1*8alphanum)), starting at parts[i].
bool PrivateUse(const std::vector<std::string_view>& parts, size_t i) {
  if (i + 1 >= parts.size()) return false;
  for (size_t j = i + 1; j < parts.size(); ++j) {
    if (!Alnum(parts[j], 1, 8)) return false;
  }
  return true;
}

bool IsVariant(std::string_view p) {
  return Alnum(p, 5, 8) ||
         (p.size() == 4 && std::isdigit(static_cast<unsigned char>(p[0])) && Alnum(p, 4, 4));
}

// After language, script and region: *("-" variant) *("-" extension)
// ["-" privateuse].
bool Tail(const std::vector<std::string_view>& parts, size_t i) {
  std::vector<std::string> variants;
  for (; i < parts.size() && IsVariant(parts[i]); ++i) {
    std::string v = Lower(parts[i]);
    if (std::find(variants.begin(), variants.end(), v) != variants.end()) return false;
    variants.push_back(std::move(v));
  }
  std::string singletons;
  while (i < parts.size()) {
    std::string_view p = parts[i];
    if (p.size() != 1 || !std::isalnum(static_cast<unsigned char>(p[0]))) return false;
    char s = static_cast<char>(std::tolower(static_cast<unsigned char>(p[0])));
    if (s == 'x') return PrivateUse(parts, i);
    if (singletons.find(s) != std::string::npos) return false;
    singletons += s;
    size_t j = i + 1;
    while (j < parts.size() && Alnum(parts[j], 2, 8)) ++j;
    if (j == i + 1) return false;  // a singleton needs at least one subtag
    i = j;
  }
  return true;
}

bool LangTag(const std::vector<std::string_view>& parts) {
  size_t i = 0;
  std::string_view lang = parts[i++];
  if (Alpha(lang, 2, 3)) {
    // extlang = 3ALPHA *2("-" 3ALPHA)
    for (int n = 0; n < 3 && i < parts.size() && Alpha(parts[i], 3, 3); ++n) ++i;
  } else if (!Alpha(lang, 4, 8)) {
    return false;
  }
  if (i < parts.size() && Alpha(parts[i], 4, 4)) ++i;                           // script
  if (i < parts.size() && (Alpha(parts[i], 2, 2) || Digits(parts[i], 3))) ++i;  // region
  return Tail(parts, i);
}

}  // namespace

bool IsLanguageTag(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  std::string lower = Lower(s);
  for (std::string_view g : kGrandfathered) {
    if (lower == g) return true;
  }
  std::vector<std::string_view> parts = Split(s);
  for (std::string_view p : parts) {
    if (p.empty()) return false;
  }
  if (Lower(parts[0]) == "x") return PrivateUse(parts, 0);
  return LangTag(parts);
}

}  // namespace lrs::xapi
