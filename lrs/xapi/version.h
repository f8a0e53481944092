// The xAPI versions this store speaks. A request picks one with the
// X-Experience-API-Version header; validation and formats follow it.
#pragma once

#include <optional>
#include <string_view>

namespace lrs::xapi {

enum class Version { k103, k200 };

// Accepts "1.0" and "1.0.N" (served as 1.0.3), "2.0" and "2.0.N" (served as 2.0.0).
std::optional<Version> ParseVersionHeader(std::string_view header);
// "1.0.3" or "2.0.0": what the store echoes and writes into statement.version.
std::string_view VersionString(Version v);

}  // namespace lrs::xapi
