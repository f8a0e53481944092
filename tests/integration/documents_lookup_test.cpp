// The Activities and Agents resources against the real lrsd: an activity's
// definition merged from the statements that carry it, and an agent as a
// Person object with arrays.
#include <string>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace json = boost::json;

class DocumentLookupTest : public LrsTest {};

TEST_F(DocumentLookupTest, ActivitiesReturnsDefinitionMergedFromStatements) {
  const std::string id = "http://example.com/activities/defined";
  json::object s1 = Statement("ada@example.com", "http://adlnet.gov/expapi/verbs/attempted", id);
  s1["object"].as_object()["definition"] =
      json::object{{"name", json::object{{"en-US", "Course One"}}},
                   {"description", json::object{{"en-US", "The first course"}}},
                   {"type", "http://adlnet.gov/expapi/activities/course"}};
  ASSERT_FALSE(PostStatement(lrs_, s1).empty());

  HttpResponse r1 = lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id));
  ASSERT_EQ(r1.status, 200) << r1;
  json::value a1 = r1.Json();
  ASSERT_TRUE(a1.is_object()) << r1;
  EXPECT_EQ(a1.at("objectType").as_string(), "Activity");
  EXPECT_EQ(a1.at("id").as_string(), id);
  EXPECT_EQ(a1.at("definition"), s1["object"].at("definition")) << r1;
  EXPECT_EQ(r1.Header("Content-Type").rfind("application/json", 0), 0u) << r1;

  // A later statement in another language adds to the language maps; the
  // other properties are replaced.
  json::object s2 = Statement("bob@example.com", "http://adlnet.gov/expapi/verbs/completed", id);
  s2["object"].as_object()["definition"] =
      json::object{{"name", json::object{{"fr-FR", "Cours un"}}},
                   {"type", "http://adlnet.gov/expapi/activities/module"}};
  ASSERT_FALSE(PostStatement(lrs_, s2).empty());
  HttpResponse r2 = lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id), kV200);
  ASSERT_EQ(r2.status, 200) << r2;
  json::value a2 = r2.Json();
  ASSERT_TRUE(a2.is_object()) << r2;
  EXPECT_EQ(a2.at("definition"),
            json::parse(R"({"name":{"en-US":"Course One","fr-FR":"Cours un"},)"
                        R"("description":{"en-US":"The first course"},)"
                        R"("type":"http://adlnet.gov/expapi/activities/module"})"))
      << r2;

  // A statement without a definition leaves the stored one alone.
  ASSERT_FALSE(PostStatement(lrs_, Statement("carol@example.com",
                                             "http://adlnet.gov/expapi/verbs/attempted", id))
                   .empty());
  EXPECT_EQ(lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id)).Json(), a2);

  // Activities in context are defined too.
  json::object s3 = Statement("ada@example.com", "http://adlnet.gov/expapi/verbs/attempted",
                              "http://example.com/activities/other");
  s3["context"] = json::object{
      {"contextActivities",
       json::object{{"parent", json::array{json::object{
                                   {"id", "http://example.com/activities/parent"},
                                   {"definition",
                                    json::object{{"name", json::object{{"en", "Parent"}}}}}}}}}}};
  ASSERT_FALSE(PostStatement(lrs_, s3).empty());
  HttpResponse parent = lrs_.Get("/xapi/activities?activityId=" +
                                 PercentEncode("http://example.com/activities/parent"));
  ASSERT_EQ(parent.status, 200) << parent;
  EXPECT_EQ(parent.Json().at("definition"), json::parse(R"({"name":{"en":"Parent"}})")) << parent;
}

TEST_F(DocumentLookupTest, UnknownActivityIsStillAnActivityObject) {
  const std::string id = "http://example.com/activities/never-seen";
  HttpResponse r = lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json(), json::value(json::object{{"objectType", "Activity"}, {"id", id}})) << r;

  HttpResponse missing = lrs_.Get("/xapi/activities");
  EXPECT_EQ(missing.status, 400) << missing;
  EXPECT_NE(missing.ErrorMessage().find("activityId"), std::string::npos) << missing;
  HttpResponse extra =
      lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id) + "&agent=%7B%7D");
  EXPECT_EQ(extra.status, 400) << extra;
  HttpResponse not_iri = lrs_.Get("/xapi/activities?activityId=not%20an%20iri");
  EXPECT_EQ(not_iri.status, 400) << not_iri;
}

TEST_F(DocumentLookupTest, AgentsReturnsAPersonWithArrays) {
  HttpResponse r =
      lrs_.Get("/xapi/agents?agent=" + PercentEncode(R"({"objectType":"Agent","name":"Ada",)"
                                                     R"("mbox":"mailto:ada@example.com"})"));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json(), json::parse(R"({"objectType":"Person","name":["Ada"],)"
                                  R"("mbox":["mailto:ada@example.com"]})"))
      << r;

  HttpResponse account = lrs_.Get(
      "/xapi/agents?agent=" +
      PercentEncode(R"({"account":{"homePage":"https://lms.example.com","name":"u-17"}})"));
  ASSERT_EQ(account.status, 200) << account;
  EXPECT_EQ(account.Json(),
            json::parse(R"({"objectType":"Person",)"
                        R"("account":[{"homePage":"https://lms.example.com","name":"u-17"}]})"))
      << account;

  HttpResponse missing = lrs_.Get("/xapi/agents");
  EXPECT_EQ(missing.status, 400) << missing;
  EXPECT_NE(missing.ErrorMessage().find("agent"), std::string::npos) << missing;
  HttpResponse bad = lrs_.Get("/xapi/agents?agent=" + PercentEncode("{nope"));
  EXPECT_EQ(bad.status, 400) << bad;
  HttpResponse no_ifi = lrs_.Get("/xapi/agents?agent=" + PercentEncode(R"({"name":"Ada"})"));
  EXPECT_EQ(no_ifi.status, 400) << no_ifi;
}

// GET /xapi/agents takes "a normal Agent Object with a single identifier"
// (Communication 2.4.s2); one with two IFIs or a bare-address mbox is not one.
TEST_F(DocumentLookupTest, AgentsRejectsAnInvalidAgent) {
  // Not a valid Agent: more than one IFI, or an mbox that is not a mailto IRI.
  for (const char* agent :
       {R"({"mbox":"mailto:ada@example.com","openid":"http://ada.example.com"})",
        R"({"mbox":"ada@example.com"})"}) {
    HttpResponse invalid = lrs_.Get("/xapi/agents?agent=" + PercentEncode(agent));
    EXPECT_EQ(invalid.status, 400) << agent << "\n" << invalid;
  }
}

}  // namespace
}  // namespace lrs_it
