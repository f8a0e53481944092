#include "lrs/xapi/version.h"

namespace lrs::xapi {

namespace {
// "MAJOR.0" or "MAJOR.0.PATCH" with a decimal PATCH (Communication 3.3: an LRS
// MUST accept any version header starting with "1.0.").
bool IsVersionOf(std::string_view h, std::string_view major_minor) {
  if (!h.starts_with(major_minor)) return false;
  h.remove_prefix(major_minor.size());
  if (h.empty()) return true;
  if (h.front() != '.' || h.size() == 1 || h.size() > 6) return false;
  for (char c : h.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}
}  // namespace

std::optional<Version> ParseVersionHeader(std::string_view h) {
  if (IsVersionOf(h, "1.0")) return Version::k103;
  if (IsVersionOf(h, "2.0")) return Version::k200;
  return std::nullopt;
}

std::string_view VersionString(Version v) { return v == Version::k103 ? "1.0.3" : "2.0.0"; }

}  // namespace lrs::xapi
