// Tests for lrs::xapi::PrepareStatement (lrs/xapi/prepare.h): the properties
// the LRS sets on a validated statement before storing it.
#include "lrs/xapi/prepare.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lrs/base/encoding.h"

namespace lrs::xapi {
namespace {

namespace json = boost::json;

const json::value& Authority() {
  static const json::value a = json::parse(
      R"({"objectType":"Agent","account":{"homePage":"https://lrs.example.org","name":"writer"}})");
  return a;
}

json::object Statement(std::string_view extra = "") {
  std::string text = R"({"actor":{"mbox":"mailto:ada@example.org"},)"
                     R"("verb":{"id":"http://example.org/v"},)"
                     R"("object":{"id":"http://example.org/a"})";
  if (!extra.empty()) text += "," + std::string(extra);
  text += "}";
  return json::parse(text).as_object();
}

TEST(PrepareStatementTest, AssignsAnIdWhenAbsent) {
  json::object s = Statement();
  Uuid id = PrepareStatement(s, Version::k103, Authority());
  ASSERT_TRUE(s.contains("id"));
  EXPECT_EQ(s.at("id").as_string(), FormatUuid(id));
  auto parsed = ParseUuid(s.at("id").as_string());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, id);
  // Random: two statements get different ids.
  json::object t = Statement();
  EXPECT_NE(PrepareStatement(t, Version::k103, Authority()), id);
}

TEST(PrepareStatementTest, KeepsAGivenId) {
  json::object s = Statement(R"("id":"6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10")");
  Uuid id = PrepareStatement(s, Version::k200, Authority());
  EXPECT_EQ(FormatUuid(id), "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10");
  EXPECT_EQ(s.at("id").as_string(), "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10");
}

TEST(PrepareStatementTest, KeepsAGivenUpperCaseIdAsTheSameUuid) {
  json::object s = Statement(R"("id":"6E3FE4A5-38E4-4ED3-B5B2-3A1C9E4F2D10")");
  Uuid id = PrepareStatement(s, Version::k103, Authority());
  EXPECT_EQ(id, *ParseUuid("6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"));
  EXPECT_EQ(*ParseUuid(s.at("id").as_string()), id);
}

TEST(PrepareStatementTest, AuthorityIsSetWhenAbsent) {
  json::object s = Statement();
  PrepareStatement(s, Version::k103, Authority());
  ASSERT_TRUE(s.contains("authority"));
  EXPECT_EQ(s.at("authority"), Authority());
}

TEST(PrepareStatementTest, AuthorityIsAlwaysReplaced) {
  json::object s =
      Statement(R"("authority":{"objectType":"Agent","mbox":"mailto:impostor@example.org"})");
  PrepareStatement(s, Version::k200, Authority());
  EXPECT_EQ(s.at("authority"), Authority());
}

TEST(PrepareStatementTest, VersionDefaultsPerRequestVersion) {
  json::object s103 = Statement();
  PrepareStatement(s103, Version::k103, Authority());
  EXPECT_EQ(s103.at("version").as_string(), "1.0.0");

  json::object s200 = Statement();
  PrepareStatement(s200, Version::k200, Authority());
  EXPECT_EQ(s200.at("version").as_string(), "2.0.0");
}

TEST(PrepareStatementTest, GivenVersionIsKept) {
  json::object s = Statement(R"("version":"1.0.3")");
  PrepareStatement(s, Version::k103, Authority());
  EXPECT_EQ(s.at("version").as_string(), "1.0.3");
  json::object t = Statement(R"("version":"1.0.1")");
  PrepareStatement(t, Version::k200, Authority());
  EXPECT_EQ(t.at("version").as_string(), "1.0.1");
}

TEST(PrepareStatementTest, TimestampOffsetConvertedToUtcAt200) {
  json::object s = Statement(R"("timestamp":"2024-01-02T03:04:05.678+02:00")");
  PrepareStatement(s, Version::k200, Authority());
  EXPECT_EQ(s.at("timestamp").as_string(), "2024-01-02T01:04:05.678Z");

  json::object neg = Statement(R"("timestamp":"2024-12-31T22:30:00.000-05:30")");
  PrepareStatement(neg, Version::k200, Authority());
  EXPECT_EQ(neg.at("timestamp").as_string(), "2025-01-01T04:00:00.000Z");

  json::object zero = Statement(R"("timestamp":"2024-01-02T03:04:05+00:00")");
  PrepareStatement(zero, Version::k200, Authority());
  EXPECT_EQ(zero.at("timestamp").as_string(), "2024-01-02T03:04:05.000Z");
}

TEST(PrepareStatementTest, UtcTimestampUntouchedAt200) {
  json::object s = Statement(R"("timestamp":"2024-01-02T03:04:05.123456Z")");
  PrepareStatement(s, Version::k200, Authority());
  EXPECT_EQ(s.at("timestamp").as_string(), "2024-01-02T03:04:05.123456Z");
}

// Found by tests/fuzz (statement): the UTC form of these instants has a
// five-digit or negative year, which no timestamp syntax reads back.
TEST(PrepareStatementTest, OffsetKeptWhenUtcLeavesTheFourDigitYears) {
  json::object late = Statement(R"("timestamp":"9999-12-31T23:59:59-01:00")");
  PrepareStatement(late, Version::k200, Authority());
  EXPECT_EQ(late.at("timestamp").as_string(), "9999-12-31T23:59:59-01:00");

  json::object early = Statement(R"("timestamp":"0000-01-01T00:30:00+01:00")");
  PrepareStatement(early, Version::k200, Authority());
  EXPECT_EQ(early.at("timestamp").as_string(), "0000-01-01T00:30:00+01:00");

  json::object edge = Statement(R"("timestamp":"9999-12-31T22:59:59.5-01:00")");
  PrepareStatement(edge, Version::k200, Authority());
  EXPECT_EQ(edge.at("timestamp").as_string(), "9999-12-31T23:59:59.500Z");
}

TEST(PrepareStatementTest, TimestampUntouchedAt103) {
  json::object s = Statement(R"("timestamp":"2024-01-02T03:04:05.678+02:00")");
  PrepareStatement(s, Version::k103, Authority());
  EXPECT_EQ(s.at("timestamp").as_string(), "2024-01-02T03:04:05.678+02:00");
}

TEST(PrepareStatementTest, NoTimestampIsAdded) {
  // The store sets a missing timestamp at commit, not PrepareStatement.
  json::object s = Statement();
  PrepareStatement(s, Version::k200, Authority());
  EXPECT_FALSE(s.contains("timestamp"));
  EXPECT_FALSE(s.contains("stored"));
}

TEST(PrepareStatementTest, SingleContextActivitiesBecomeArrays) {
  json::object s = Statement(R"("context":{"contextActivities":{
      "parent":{"id":"http://example.org/course"},
      "grouping":[{"id":"http://example.org/g1"},{"id":"http://example.org/g2"}],
      "category":{"id":"http://example.org/cat","objectType":"Activity"}}})");
  PrepareStatement(s, Version::k103, Authority());
  const auto& ca = s.at("context").at("contextActivities").as_object();
  ASSERT_TRUE(ca.at("parent").is_array());
  ASSERT_EQ(ca.at("parent").as_array().size(), 1u);
  EXPECT_EQ(ca.at("parent").as_array()[0].at("id").as_string(), "http://example.org/course");
  ASSERT_TRUE(ca.at("grouping").is_array());
  EXPECT_EQ(ca.at("grouping").as_array().size(), 2u);
  ASSERT_TRUE(ca.at("category").is_array());
  ASSERT_EQ(ca.at("category").as_array().size(), 1u);
  EXPECT_EQ(ca.at("category").as_array()[0],
            json::parse(R"({"id":"http://example.org/cat","objectType":"Activity"})"));
}

TEST(PrepareStatementTest, SubStatementContextActivitiesBecomeArrays) {
  json::object s = json::parse(R"({
    "actor":{"mbox":"mailto:ada@example.org"},
    "verb":{"id":"http://example.org/planned"},
    "object":{"objectType":"SubStatement",
      "actor":{"mbox":"mailto:ada@example.org"},
      "verb":{"id":"http://example.org/attend"},
      "object":{"id":"http://example.org/meeting"},
      "context":{"contextActivities":{"other":{"id":"http://example.org/o"}}}},
    "context":{"contextActivities":{"parent":{"id":"http://example.org/p"}}}})")
                       .as_object();
  PrepareStatement(s, Version::k200, Authority());
  const auto& sub = s.at("object").at("context").at("contextActivities").as_object();
  ASSERT_TRUE(sub.at("other").is_array());
  EXPECT_EQ(sub.at("other").as_array()[0].at("id").as_string(), "http://example.org/o");
  ASSERT_TRUE(s.at("context").at("contextActivities").at("parent").is_array());
  // The SubStatement gets neither id, authority nor version.
  const auto& o = s.at("object").as_object();
  EXPECT_FALSE(o.contains("id"));
  EXPECT_FALSE(o.contains("authority"));
  EXPECT_FALSE(o.contains("version"));
}

TEST(PrepareStatementTest, OtherPropertiesUntouched) {
  json::object s = Statement(R"("result":{"success":true,"score":{"scaled":0.5}},
                                "context":{"registration":"6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10"})");
  json::object before = s;
  PrepareStatement(s, Version::k200, Authority());
  EXPECT_EQ(s.at("result"), before.at("result"));
  EXPECT_EQ(s.at("context"), before.at("context"));
  EXPECT_EQ(s.at("actor"), before.at("actor"));
  EXPECT_EQ(s.at("verb"), before.at("verb"));
  EXPECT_EQ(s.at("object"), before.at("object"));
}

}  // namespace
}  // namespace lrs::xapi
