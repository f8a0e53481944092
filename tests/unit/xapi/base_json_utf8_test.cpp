// lrs/base: ParseJson's limits and IsValidUtf8.
#include <gtest/gtest.h>

#include <string>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"

namespace lrs {
namespace {

TEST(ParseJsonTest, AcceptsDeepNestingUpToTheLimit) {
  std::string ok = "0", too_deep = "0";
  for (size_t i = 0; i < kMaxJsonDepth - 1; ++i) ok = "[" + ok + "]";
  for (size_t i = 0; i < kMaxJsonDepth + 1; ++i) too_deep = "[" + too_deep + "]";
  EXPECT_TRUE(ParseJson(ok, "body").ok());
  auto r = ParseJson(too_deep, "body");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("body: not valid JSON", 0), 0u) << r.status().message();
}

TEST(ParseJsonTest, RefusesNumbersBeyondDoubleRange) {
  for (const char* text : {"1e400", "[-1e999]", R"({"a":{"b":[1,2,1e309]}})"}) {
    auto r = ParseJson(text, "body");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(r.status().Is(Status::Code::kInvalidArgument));
    EXPECT_NE(r.status().message().find("out of range"), std::string::npos);
  }
  EXPECT_TRUE(ParseJson("[1.7e308, -2.5e-300, 123456789012345678901234567890]", "body").ok());
}

TEST(ParseJsonTest, RefusesMalformedJsonNamingWhat) {
  auto r = ParseJson("{\"a\":", "agent");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("agent: not valid JSON", 0), 0u);
}

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9t\xc3\xa9"));         // été
  EXPECT_TRUE(IsValidUtf8("\xe6\x97\xa5\xe6\x9c\xac"));  // 日本
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));          // U+1F600
}

TEST(IsValidUtf8Test, RefusesMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xe6\x97"));        // truncated at the end
}

}  // namespace
}  // namespace lrs
