#include "lrs/xapi/version.h"

namespace lrs::xapi {

std::optional<Version> ParseVersionHeader(std::string_view h) {
  if (h == "1.0" || h == "1.0.0" || h == "1.0.1" || h == "1.0.2" || h == "1.0.3") {
    return Version::k103;
  }
  if (h == "2.0" || h == "2.0.0") return Version::k200;
  return std::nullopt;
}

std::string_view VersionString(Version v) { return v == Version::k103 ? "1.0.3" : "2.0.0"; }

}  // namespace lrs::xapi
