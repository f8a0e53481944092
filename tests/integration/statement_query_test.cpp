// Reading statements: the GET /statements filters, ordering and limit,
// stable `more` paging, the output formats, and the consistency headers.
#include <algorithm>
#include <ctime>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace json = boost::json;

constexpr char kExperienced[] = "http://adlnet.gov/expapi/verbs/experienced";
constexpr char kCompleted[] = "http://adlnet.gov/expapi/verbs/completed";
constexpr char kActA[] = "http://example.com/activities/a";
constexpr char kActB[] = "http://example.com/activities/b";
constexpr char kActC[] = "http://example.com/activities/c";

using IdSet = std::set<std::string>;

class StatementQueryTest : public LrsTest {
 protected:
  // The ids a (possibly paged) query returns, as a set.
  IdSet Ids(const std::string& query) {
    IdSet out;
    for (const auto& s : QueryAll(lrs_, "/xapi/statements?" + query)) {
      EXPECT_TRUE(out.insert(std::string(s.at("id").as_string())).second)
          << "duplicate in " << query;
    }
    return out;
  }

  // Posts `n` statements one request at a time, so their stored order is the
  // order of this list.
  std::vector<std::string> PostSequence(int n, const std::string& tag) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(PostStatement(lrs_, Statement(tag + std::to_string(i) + "@example.com")));
    }
    return ids;
  }
};

std::string AgentParam(const std::string& email) {
  return "agent=" + PercentEncode(json::serialize(Agent(email)));
}

TEST_F(StatementQueryTest, FiltersSelectTheMatchingStatements) {
  std::string r1 = NewUuid(), r2 = NewUuid();
  json::object s1 = Statement("alice@example.com", kExperienced, kActA);
  s1["context"] = json::object{{"registration", r1}};
  json::object s2 = Statement("bob@example.com", kCompleted, kActB);
  s2["context"] = json::object{
      {"registration", r2},
      {"contextActivities", json::object{{"parent", json::array{json::object{{"id", kActA}}}}}}};
  // alice as the object: the agent filter matches actor or object.
  json::object s3 = Statement("carol@example.com", kExperienced, kActC);
  s3["object"] = Agent("alice@example.com");
  json::object s4 = Statement("bob@example.com", kExperienced, kActC);
  std::string id1 = PostStatement(lrs_, s1), id2 = PostStatement(lrs_, s2);
  std::string id3 = PostStatement(lrs_, s3), id4 = PostStatement(lrs_, s4);
  ASSERT_EQ(Ids("").size(), 4u);

  EXPECT_EQ(Ids(AgentParam("alice@example.com")), (IdSet{id1, id3}));
  EXPECT_EQ(Ids(AgentParam("bob@example.com")), (IdSet{id2, id4}));
  EXPECT_EQ(Ids(AgentParam("nobody@example.com")), IdSet{});
  EXPECT_EQ(Ids("verb=" + PercentEncode(kCompleted)), IdSet{id2});
  EXPECT_EQ(Ids("verb=" + PercentEncode(kExperienced)), (IdSet{id1, id3, id4}));
  EXPECT_EQ(Ids("activity=" + PercentEncode(kActA)), IdSet{id1});
  EXPECT_EQ(Ids("activity=" + PercentEncode(kActA) + "&related_activities=true"),
            (IdSet{id1, id2}));
  EXPECT_EQ(Ids("activity=" + PercentEncode(kActC)), IdSet{id4});
  EXPECT_EQ(Ids("registration=" + r1), IdSet{id1});
  EXPECT_EQ(Ids("registration=" + r2), IdSet{id2});
  // Filters combine with AND.
  EXPECT_EQ(Ids(AgentParam("bob@example.com") + "&verb=" + PercentEncode(kExperienced)),
            IdSet{id4});
}

json::object Targeting(const std::string& email, const std::string& verb, const std::string& id) {
  json::object s = Statement(email, verb);
  s["object"] = json::object{{"objectType", "StatementRef"}, {"id", id}};
  return s;
}

constexpr char kConfirmed[] = "http://example.com/verbs/confirmed";

// Communication 2.1.3.s3: a statement whose object is a StatementRef matches
// every non-time filter its target matches, recursively; 2.1.4.s1.b2: that
// holds for a voided target too.
TEST_F(StatementQueryTest, StatementRefsMatchTheirTargetsFilters) {
  json::object ben = Statement("ben@example.com", kExperienced, kActA);
  std::string ben_id = PostStatement(lrs_, ben);
  std::string confirm = PostStatement(lrs_, Targeting("andrew@example.com", kConfirmed, ben_id));
  std::string confirm2 = PostStatement(lrs_, Targeting("dana@example.com", kConfirmed, confirm));
  std::string unrelated = PostStatement(lrs_, Statement("eve@example.com", kCompleted, kActC));

  EXPECT_EQ(Ids(AgentParam("ben@example.com")), (IdSet{ben_id, confirm, confirm2}));
  EXPECT_EQ(Ids("activity=" + PercentEncode(kActA)), (IdSet{ben_id, confirm, confirm2}));
  EXPECT_EQ(Ids("verb=" + PercentEncode(kExperienced)), (IdSet{ben_id, confirm, confirm2}));
  EXPECT_EQ(Ids("verb=" + PercentEncode(kConfirmed)), (IdSet{confirm, confirm2}));
  EXPECT_EQ(Ids(AgentParam("dana@example.com")), IdSet{confirm2});
  EXPECT_EQ(Ids(AgentParam("eve@example.com")), IdSet{unrelated});

  // Voiding ben's statement hides it, but what targets it still matches.
  std::string voider = PostStatement(
      lrs_, Targeting("ben@example.com", "http://adlnet.gov/expapi/verbs/voided", ben_id));
  EXPECT_EQ(Ids("activity=" + PercentEncode(kActA)), (IdSet{confirm, confirm2, voider}));
}

// The rule has no exception for arrival order: a StatementRef to a statement
// the LRS does not have yet matches the target's filters once it arrives.
TEST_F(StatementQueryTest, StatementRefToALaterStatementMatchesOnceTheTargetArrives) {
  std::string late_id = NewUuid();
  std::string early = PostStatement(lrs_, Targeting("andrew@example.com", kConfirmed, late_id));
  std::string early2 = PostStatement(lrs_, Targeting("dana@example.com", kConfirmed, early));
  json::object late = Statement("ben@example.com", kCompleted, kActB);
  late["id"] = late_id;
  ASSERT_FALSE(PostStatement(lrs_, late).empty());

  EXPECT_EQ(Ids(AgentParam("ben@example.com")), (IdSet{late_id, early, early2}));
  EXPECT_EQ(Ids("activity=" + PercentEncode(kActB)), (IdSet{late_id, early, early2}));
  EXPECT_EQ(Ids("verb=" + PercentEncode(kCompleted)), (IdSet{late_id, early, early2}));
}

TEST_F(StatementQueryTest, BadFilterValuesAre400NamingTheParameter) {
  for (std::string query : {"agent=not-json", "verb=not%20an%20iri", "registration=123",
                            "since=soon", "limit=-1", "ascending=yes", "unknown=1"}) {
    HttpResponse res = lrs_.Get("/xapi/statements?" + query);
    EXPECT_EQ(res.status, 400) << query << "\n" << res;
    std::string name = query.substr(0, query.find('='));
    EXPECT_NE(res.ErrorMessage().find(name), std::string::npos) << query << "\n" << res;
  }
}

TEST_F(StatementQueryTest, SinceIsExclusiveAndUntilInclusive) {
  std::vector<std::string> ids;
  std::vector<int64_t> stored;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(PostStatement(lrs_, Statement("s" + std::to_string(i) + "@example.com")));
    auto t = ParseIsoMicros(GetStatement(lrs_, ids.back()).at("stored").as_string());
    ASSERT_TRUE(t);
    stored.push_back(*t);
    // Give every statement its own stored millisecond, so the bounds below
    // split the set (polling the clock, with a deadline).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
                   .count() < *t + 2000 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
  }
  json::object second = GetStatement(lrs_, ids[1]), fifth = GetStatement(lrs_, ids[4]);
  std::string since(second.at("stored").as_string()), until(fifth.at("stored").as_string());
  IdSet expected;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (stored[i] > stored[1] && stored[i] <= stored[4]) expected.insert(ids[i]);
  }
  EXPECT_EQ(expected, (IdSet{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(Ids("since=" + PercentEncode(since) + "&until=" + PercentEncode(until)), expected);
  EXPECT_EQ(Ids("since=" + PercentEncode(since)), (IdSet{ids[2], ids[3], ids[4], ids[5]}));
  EXPECT_EQ(Ids("until=" + PercentEncode(until)), (IdSet{ids[0], ids[1], ids[2], ids[3], ids[4]}));
  // The same instants written with a UTC offset select the same statements.
  auto with_offset = [](int64_t micros) {
    std::time_t t = static_cast<std::time_t>(micros / 1000000) + 2 * 3600;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+02:00", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(micros % 1000000));
    return std::string(buf);
  };
  EXPECT_EQ(Ids("since=" + PercentEncode(with_offset(stored[1])) +
                "&until=" + PercentEncode(with_offset(stored[4]))),
            expected);
}

TEST_F(StatementQueryTest, NewestFirstUnlessAscendingAndLimitCapsThePage) {
  std::vector<std::string> posted = PostSequence(5, "order");
  std::vector<std::string> newest_first(posted.rbegin(), posted.rend());

  HttpResponse desc = lrs_.Get("/xapi/statements");
  ASSERT_EQ(desc.status, 200) << desc;
  EXPECT_EQ(IdsOf(desc.Json()), newest_first);
  HttpResponse asc = lrs_.Get("/xapi/statements?ascending=true");
  ASSERT_EQ(asc.status, 200) << asc;
  EXPECT_EQ(IdsOf(asc.Json()), posted);

  HttpResponse limited = lrs_.Get("/xapi/statements?limit=2");
  ASSERT_EQ(limited.status, 200) << limited;
  json::value page = limited.Json();
  EXPECT_EQ(IdsOf(page), std::vector<std::string>(newest_first.begin(), newest_first.begin() + 2));
  EXPECT_FALSE(page.at("more").as_string().empty()) << limited;
  // The last page says there is no more.
  EXPECT_TRUE(desc.Json().at("more").as_string().empty()) << desc;
}

// Pages through 25 statements 10 at a time, posting 5 more after the first
// page: the continued pages must neither show the new statements nor repeat
// or skip old ones (an offset-based cursor would shift by 5).
void CheckStablePaging(LrsProcess& lrs, bool ascending, const std::vector<std::string>& posted) {
  std::string first_target = "/xapi/statements?limit=10";
  if (ascending) first_target += "&ascending=true";
  HttpResponse first = lrs.Get(first_target);
  ASSERT_EQ(first.status, 200) << first;
  json::value page = first.Json();
  std::vector<std::string> seen = IdsOf(page);
  EXPECT_EQ(seen.size(), 10u);
  std::string more(page.at("more").as_string());
  ASSERT_FALSE(more.empty()) << first;

  std::set<std::string> late;
  for (int i = 0; i < 5; ++i) late.insert(PostStatement(lrs, Statement("late@example.com")));

  int pages = 1;
  while (!more.empty() && pages < 10) {
    HttpResponse res = lrs.Get(more);
    ASSERT_EQ(res.status, 200) << more << "\n" << res;
    page = res.Json();
    std::vector<std::string> ids = IdsOf(page);
    EXPECT_LE(ids.size(), 10u);
    seen.insert(seen.end(), ids.begin(), ids.end());
    more = std::string(page.at("more").as_string());
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  for (const auto& id : seen)
    EXPECT_EQ(late.count(id), 0u) << "new statement " << id << " leaked in";
  std::vector<std::string> expected = posted;
  if (!ascending) std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST_F(StatementQueryTest, MorePagingIsCompleteAndStableNewestFirst) {
  CheckStablePaging(lrs_, /*ascending=*/false, PostSequence(25, "page"));
}

TEST_F(StatementQueryTest, MorePagingIsCompleteAndStableAscending) {
  CheckStablePaging(lrs_, /*ascending=*/true, PostSequence(25, "page"));
}

json::object RichStatement() {
  json::object s = Statement("learner@example.com", kExperienced, kActA);
  s["actor"].as_object()["name"] = "Learner";
  s["verb"].as_object()["display"] =
      json::object{{"en-US", "experienced"}, {"fr-FR", "a vécu"}, {"de", "erlebte"}};
  s["object"].as_object()["definition"] =
      json::object{{"name", json::object{{"en-US", "Course"}, {"fr-FR", "Cours"}}},
                   // "de" first: only real prefix matching of "en" picks "en-US" here.
                   {"description", json::object{{"de", "Ein Kurs"}, {"en-US", "A course"}}}};
  return s;
}

TEST_F(StatementQueryTest, FormatIdsKeepsOnlyIdentifiers) {
  std::string id = PostStatement(lrs_, RichStatement());
  for (std::string target : {"/xapi/statements?format=ids&statementId=" + id,
                             std::string("/xapi/statements?format=ids")}) {
    HttpResponse res = lrs_.Get(target);
    ASSERT_EQ(res.status, 200) << res;
    json::value v = res.Json();
    json::object s =
        v.as_object().contains("statements") ? v.at("statements").at(0).as_object() : v.as_object();
    EXPECT_EQ(s.at("id").as_string(), id);
    EXPECT_EQ(s.at("actor").at("mbox").as_string(), "mailto:learner@example.com");
    EXPECT_FALSE(s.at("actor").as_object().contains("name")) << target << "\n" << res;
    EXPECT_FALSE(s.at("verb").as_object().contains("display")) << target << "\n" << res;
    EXPECT_FALSE(s.at("object").as_object().contains("definition")) << target << "\n" << res;
    EXPECT_EQ(s.at("object").at("id").as_string(), kActA);
  }
  // exact (the default) keeps everything.
  json::object exact = GetStatement(lrs_, id);
  EXPECT_EQ(exact.at("actor").at("name").as_string(), "Learner");
  EXPECT_EQ(exact.at("verb").at("display").as_object().size(), 3u);
}

TEST_F(StatementQueryTest, FormatCanonicalPicksOneLanguagePerMap) {
  std::string id = PostStatement(lrs_, RichStatement());
  HttpResponse res = lrs_.Get("/xapi/statements?format=canonical&statementId=" + id, kV103,
                              {{"Accept-Language", "fr-FR, en;q=0.5"}});
  ASSERT_EQ(res.status, 200) << res;
  json::object s = res.Json().as_object();
  EXPECT_EQ(s.at("verb").at("display"), (json::object{{"fr-FR", "a vécu"}})) << res;
  const json::value& def = s.at("object").at("definition");
  EXPECT_EQ(def.at("name"), (json::object{{"fr-FR", "Cours"}})) << res;
  EXPECT_EQ(def.at("description"), (json::object{{"en-US", "A course"}})) << res;

  HttpResponse german =
      lrs_.Get("/xapi/statements?format=canonical", kV103, {{"Accept-Language", "de"}});
  ASSERT_EQ(german.status, 200) << german;
  json::value display = german.Json().at("statements").at(0).at("verb").at("display");
  EXPECT_EQ(display, (json::object{{"de", "erlebte"}})) << german;
}

TEST_F(StatementQueryTest, ConsistencyHeadersArePresentAndPlausible) {
  std::string id = PostStatement(lrs_, Statement());
  auto stored = ParseIsoMicros(GetStatement(lrs_, id).at("stored").as_string());
  ASSERT_TRUE(stored);
  for (std::string target :
       {std::string("/xapi/statements"), "/xapi/statements?statementId=" + id}) {
    HttpResponse res = lrs_.Get(target);
    ASSERT_EQ(res.status, 200) << res;
    std::string through = res.Header("X-Experience-API-Consistent-Through");
    auto t = ParseIsoMicros(through);
    ASSERT_TRUE(t) << "X-Experience-API-Consistent-Through: '" << through << "'\n" << res;
    // Everything we stored before asking is covered.
    EXPECT_GE(*t, *stored) << through;
    std::string last_modified = res.Header("Last-Modified");
    EXPECT_TRUE(last_modified.ends_with(" GMT")) << "Last-Modified: '" << last_modified << "'";
  }
  // Errors on the statements resource carry it too (Communication 2.1.3).
  HttpResponse missing = lrs_.Get("/xapi/statements?statementId=" + NewUuid());
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(ParseIsoMicros(missing.Header("X-Experience-API-Consistent-Through"))) << missing;
}

}  // namespace
}  // namespace lrs_it
