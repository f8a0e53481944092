// A cmi5-like launch against the real lrsd: launch data in a State document
// under a registration, the AU's launched / initialized / completed
// statements with that registration and a grouping course, read back by
// registration in stored order, and the State updated with If-Match.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

constexpr char kCourse[] = "https://lms.example.com/courses/c-42";
constexpr char kAu[] = "https://lms.example.com/courses/c-42/au/1";
constexpr char kLaunched[] = "http://adlnet.gov/expapi/verbs/launched";
constexpr char kInitialized[] = "http://adlnet.gov/expapi/verbs/initialized";
constexpr char kCompleted[] = "http://adlnet.gov/expapi/verbs/completed";
constexpr char kSessionExt[] = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
constexpr char kCmi5Category[] = "https://w3id.org/xapi/cmi5/context/categories/cmi5";

json::object Actor() {
  return json::object{
      {"objectType", "Agent"},
      {"account", json::object{{"homePage", "https://lms.example.com"}, {"name", "learner-7"}}}};
}

class Cmi5FlowTest : public LrsFixture<::testing::TestWithParam<const char*>> {
 protected:
  std::string Version() const { return GetParam(); }

  std::string StateTarget(const std::string& registration) const {
    return "/xapi/activities/state?activityId=" + PercentEncode(kAu) +
           "&agent=" + PercentEncode(json::serialize(Actor())) + "&registration=" + registration +
           "&stateId=LMS.LaunchData";
  }

  json::object AuStatement(const std::string& verb, const std::string& registration,
                           const std::string& session) const {
    json::object s{
        {"actor", Actor()},
        {"verb", json::object{{"id", verb}, {"display", json::object{{"en-US", "did"}}}}},
        {"object", json::object{{"objectType", "Activity"}, {"id", kAu}}},
        {"context",
         json::object{
             {"registration", registration},
             {"contextActivities",
              json::object{{"grouping", json::array{json::object{{"id", kCourse}}}},
                           {"category", json::array{json::object{{"id", kCmi5Category}}}}}},
             {"extensions", json::object{{kSessionExt, session}}}}}};
    if (verb == kCompleted) {
      s["result"] = json::object{{"completion", true}, {"duration", "PT12M30S"}};
    }
    return s;
  }

  HttpResponse Send(bhttp::verb method, const std::string& target, const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) const {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (!body.empty()) r.content_type = "application/json";
    r.version = Version();
    r.headers = std::move(headers);
    return lrs_.Send(r);
  }
};

TEST_P(Cmi5FlowTest, LaunchStatementsAndStateUnderOneRegistration) {
  const std::string registration = NewUuid();
  const std::string session = NewUuid();
  const std::string state = StateTarget(registration);

  // The LMS writes the launch data before the launch (a create, so it sends
  // If-None-Match: * as 2.0.0 clients must be ready to).
  const std::string launch_data = json::serialize(json::object{
      {"contextTemplate",
       json::object{{"contextActivities",
                     json::object{{"grouping", json::array{json::object{{"id", kCourse}}}}}},
                    {"extensions", json::object{{kSessionExt, session}}}}},
      {"launchMode", "Normal"},
      {"moveOn", "Completed"},
      {"returnURL", "https://lms.example.com/return"}});
  HttpResponse put = Send(bhttp::verb::put, state, launch_data, {{"If-None-Match", "*"}});
  ASSERT_EQ(put.status, 204) << put;

  // The AU reads it.
  HttpResponse read = Send(bhttp::verb::get, state);
  ASSERT_EQ(read.status, 200) << read;
  EXPECT_EQ(read.body, launch_data);
  EXPECT_EQ(read.Header("Content-Type"), "application/json");
  const std::string etag = read.Header("ETag");
  EXPECT_EQ(etag, "\"" + Sha1Hex(launch_data) + "\"");
  json::value template_ctx = read.Json().at("contextTemplate");

  // Noise: another registration of the same learner and AU, and a statement
  // with no registration, must not show up below.
  ASSERT_FALSE(
      PostStatement(lrs_, AuStatement(kLaunched, NewUuid(), NewUuid()), Version()).empty());
  ASSERT_FALSE(
      PostStatement(lrs_, Statement("ada@example.com", kLaunched, kAu), Version()).empty());

  // The AU's statements, each built from the context template.
  std::vector<std::string> ids;
  for (const char* verb : {kLaunched, kInitialized, kCompleted}) {
    json::object s = AuStatement(verb, registration, session);
    EXPECT_EQ(s["context"].at("contextActivities").at("grouping"),
              template_ctx.at("contextActivities").at("grouping"));
    std::string id = PostStatement(lrs_, s, Version());
    ASSERT_FALSE(id.empty()) << verb;
    ids.push_back(id);
  }

  // Read back by registration, oldest first: exactly those three, in order.
  std::vector<json::object> got = QueryAll(
      lrs_, "/xapi/statements?registration=" + registration + "&ascending=true", Version());
  ASSERT_EQ(got.size(), 3u);
  const char* verbs[] = {kLaunched, kInitialized, kCompleted};
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].at("id").as_string(), ids[i]) << i;
    EXPECT_EQ(got[i].at("verb").at("id").as_string(), verbs[i]) << i;
    EXPECT_EQ(got[i].at("context").at("registration").as_string(), registration) << i;
    EXPECT_EQ(got[i].at("context").at("contextActivities").at("grouping"),
              json::value(json::array{json::object{{"id", kCourse}}}))
        << i;
    EXPECT_EQ(got[i].at("actor").at("account"), Actor().at("account")) << i;
  }
  // Newest first by default.
  std::vector<json::object> desc =
      QueryAll(lrs_, "/xapi/statements?registration=" + registration, Version());
  ASSERT_EQ(desc.size(), 3u);
  EXPECT_EQ(desc[0].at("id").as_string(), ids[2]);
  EXPECT_EQ(desc[2].at("id").as_string(), ids[0]);
  // Narrowed by the grouping course as a related activity: the same three.
  std::vector<json::object> related = QueryAll(lrs_,
                                               "/xapi/statements?registration=" + registration +
                                                   "&activity=" + PercentEncode(kCourse) +
                                                   "&related_activities=true&ascending=true",
                                               Version());
  ASSERT_EQ(related.size(), 3u);
  EXPECT_EQ(related[1].at("id").as_string(), ids[1]);

  // The state is unchanged by the statements.
  HttpResponse again = Send(bhttp::verb::get, state);
  ASSERT_EQ(again.status, 200) << again;
  EXPECT_EQ(again.body, launch_data);
  EXPECT_EQ(again.Header("ETag"), etag);

  // The AU updates the state with the ETag it read, and reads the new content.
  json::object updated = json::parse(launch_data).as_object();
  updated["launchMode"] = "Review";
  const std::string updated_body = json::serialize(updated);
  HttpResponse update = Send(bhttp::verb::put, state, updated_body, {{"If-Match", etag}});
  ASSERT_EQ(update.status, 204) << update;
  HttpResponse after = Send(bhttp::verb::get, state);
  ASSERT_EQ(after.status, 200) << after;
  EXPECT_EQ(after.body, updated_body);
  EXPECT_EQ(after.Header("ETag"), "\"" + Sha1Hex(updated_body) + "\"");
  EXPECT_NE(after.Header("ETag"), etag);

  // The old ETag is now stale.
  HttpResponse stale = Send(bhttp::verb::put, state, launch_data, {{"If-Match", etag}});
  EXPECT_EQ(stale.status, 412) << stale;
  EXPECT_EQ(Send(bhttp::verb::get, state).body, updated_body);

  // The state is scoped to this registration.
  HttpResponse ids_list =
      Send(bhttp::verb::get, "/xapi/activities/state?activityId=" + PercentEncode(kAu) +
                                 "&agent=" + PercentEncode(json::serialize(Actor())) +
                                 "&registration=" + registration);
  ASSERT_EQ(ids_list.status, 200) << ids_list;
  EXPECT_EQ(ids_list.Json(), json::value(json::array{"LMS.LaunchData"}));
  HttpResponse other = Send(bhttp::verb::get, StateTarget(NewUuid()));
  EXPECT_EQ(other.status, 404) << other;
}

INSTANTIATE_TEST_SUITE_P(Cmi5, Cmi5FlowTest, ::testing::Values(kV103, kV200),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string("V") + (info.param[0] == '1' ? "103" : "200");
                         });

}  // namespace
}  // namespace lrs_it
