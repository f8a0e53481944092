// Tests for lrs/xapi/agent.h: the IFI key of each kind of identifier, and no
// key for an anonymous Group or a non-object.
#include "lrs/xapi/agent.h"

#include <gtest/gtest.h>

namespace lrs::xapi {
namespace {

std::optional<std::string> KeyOf(std::string_view json_text) {
  return IfiKey(boost::json::parse(json_text));
}

TEST(AgentIfiKeyTest, Mbox) {
  EXPECT_EQ(KeyOf(R"({"objectType":"Agent","name":"Ada","mbox":"mailto:ada@example.org"})"),
            "mbox:mailto:ada@example.org");
}

TEST(AgentIfiKeyTest, MboxSha1sumIsLowercased) {
  // Hex digests are case-insensitive, so both spellings must index together.
  EXPECT_EQ(KeyOf(R"({"mbox_sha1sum":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"})"),
            "mbox_sha1sum:abcdef0123456789abcdef0123456789abcdef01");
}

TEST(AgentIfiKeyTest, Openid) {
  EXPECT_EQ(KeyOf(R"({"openid":"http://openid.example.org/ada"})"),
            "openid:http://openid.example.org/ada");
}

TEST(AgentIfiKeyTest, Account) {
  EXPECT_EQ(KeyOf(R"({"account":{"homePage":"http://lms.example.org","name":"ada7"}})"),
            "account:http://lms.example.org|ada7");
}

TEST(AgentIfiKeyTest, AccountMissingPartHasNoKey) {
  EXPECT_EQ(KeyOf(R"({"account":{"homePage":"http://lms.example.org"}})"), std::nullopt);
  EXPECT_EQ(KeyOf(R"({"account":{"name":"ada7"}})"), std::nullopt);
}

TEST(AgentIfiKeyTest, IdentifiedGroup) {
  EXPECT_EQ(KeyOf(R"({"objectType":"Group","mbox":"mailto:team@example.org",
                      "member":[{"mbox":"mailto:ada@example.org"}]})"),
            "mbox:mailto:team@example.org");
}

TEST(AgentIfiKeyTest, AnonymousGroupHasNoKey) {
  EXPECT_EQ(KeyOf(R"({"objectType":"Group","member":[{"mbox":"mailto:ada@example.org"}]})"),
            std::nullopt);
}

TEST(AgentIfiKeyTest, NonObjectHasNoKey) {
  EXPECT_EQ(KeyOf(R"("mailto:ada@example.org")"), std::nullopt);
  EXPECT_EQ(KeyOf(R"({"mbox":42})"), std::nullopt);
}

TEST(AgentIfiKeyTest, SameIdentityDifferentNameSameKey) {
  EXPECT_EQ(
      KeyOf(R"({"name":"Ada","mbox":"mailto:ada@example.org"})"),
      KeyOf(R"({"name":"A. Lovelace","objectType":"Agent","mbox":"mailto:ada@example.org"})"));
}

}  // namespace
}  // namespace lrs::xapi
