#include "lrs/xapi/agent.h"

#include <algorithm>
#include <cctype>

namespace lrs::xapi {

namespace {
const boost::json::string* StringField(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return nullptr;
  return &it->value().get_string();
}
}  // namespace

std::optional<std::string> IfiKey(const boost::json::value& actor) {
  if (!actor.is_object()) return std::nullopt;
  const auto& o = actor.get_object();
  if (auto* s = StringField(o, "mbox")) return "mbox:" + std::string(*s);
  if (auto* s = StringField(o, "mbox_sha1sum")) {
    std::string hex(*s);
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return "mbox_sha1sum:" + hex;
  }
  if (auto* s = StringField(o, "openid")) return "openid:" + std::string(*s);
  auto it = o.find("account");
  if (it != o.end() && it->value().is_object()) {
    const auto& acc = it->value().get_object();
    auto* home = StringField(acc, "homePage");
    auto* name = StringField(acc, "name");
    if (home && name) return "account:" + std::string(*home) + "|" + std::string(*name);
  }
  return std::nullopt;
}

}  // namespace lrs::xapi
