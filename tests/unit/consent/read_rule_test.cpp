// The read rule against a real RocksDB store: what a View lets a query read,
// and that a consent query reads only the partitions of the learners who
// granted the organisation (the issue's scale requirement, shown with the
// store's scope counter rather than a timing).
#include "lrs/consent/read_rule.h"

#include <gtest/gtest.h>

#include <set>

#include "lrs/store/account_store.h"
#include "lrs/store/grant_store.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::consent {
namespace {

namespace json = boost::json;
using store::test_util::kAttempted;
using store::test_util::kCompleted;
using store::test_util::kCourse;
using store::test_util::MakeStatement;

class ReadRuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto db = store::Database::Open(
        {.path = dir_.path(), .block_cache_bytes = 8u << 20, .sync_writes = false});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    auto statements = store::RocksStatementStore::Open(db_.get());
    ASSERT_TRUE(statements.ok());
    statements_ = std::move(*statements);
    accounts_ = std::make_unique<store::AccountStore>(db_.get(), statements_->partitions());
    grants_ = std::make_unique<store::GrantStore>(db_.get());
    rule_ = std::make_unique<ReadRule>(accounts_.get(), grants_.get(), statements_->partitions(),
                                       "urn:lrs:credential");
    auto org = accounts_->CreateOrganisation("Analytics");
    ASSERT_TRUE(org.ok());
    org_ = org->id;
  }

  static std::string Mbox(int i) { return "mailto:learner" + std::to_string(i) + "@example.org"; }

  // Learners 0..n-1, each with one identity and one statement per verb given.
  void MakeLearners(int n, const std::vector<std::string_view>& verbs) {
    std::vector<store::NewStatement> batch;
    for (int i = 0; i < n; ++i) {
      json::object agent{{"objectType", "Agent"}, {"mbox", Mbox(i)}};
      auto learner =
          accounts_->CreateLearner("L" + std::to_string(i), "key" + std::to_string(i), {agent});
      ASSERT_TRUE(learner.ok()) << learner.status().message();
      learners_.push_back(learner->id);
      for (auto verb : verbs) {
        Uuid id = RandomUuidV4();
        json::object s = MakeStatement(id, json::serialize(agent), verb, kCourse);
        s["timestamp"] = "2026-01-01T00:00:00.000Z";
        batch.push_back({id, std::move(s), "mbox:" + Mbox(i)});
        owner_of_[FormatUuid(id)] = i;
      }
      if (batch.size() >= 500 || i == n - 1) {
        ASSERT_TRUE(statements_->Insert(std::move(batch), {}).ok());
        batch.clear();
      }
    }
  }

  void Grant(int learner, const std::string& extra = "") {
    std::string text = R"({"organisation":")" + org_ + R"(","purpose":"test")" + extra + "}";
    auto grant = ParseGrant(json::parse(text));
    ASSERT_TRUE(grant.ok()) << grant.status().message();
    store::StoredGrant g;
    g.id = FormatUuid(RandomUuidV4());
    g.learner = learners_[learner];
    g.organisation = org_;
    g.body = json::serialize(GrantToJson(*grant));
    g.created = NowMicros();
    ASSERT_TRUE(grants_->Create(g, std::nullopt).ok());
    grant_ids_[learner] = g.id;
  }

  std::shared_ptr<const View> OrgView(Micros now = NowMicros()) {
    store::Credential c{"org-key", "Analytics", {"statements/read"}, org_, ""};
    auto view = rule_->ViewFor(c, now);
    EXPECT_TRUE(view.ok()) << view.status().message();
    return view.ok() ? *view : nullptr;
  }

  // Every statement the view's query returns: which learner each belongs to.
  std::multiset<int> QueryAll(const View& view, std::vector<xapi::Term> terms = {}) {
    std::multiset<int> owners;
    store::StatementQuery q;
    q.scopes = view.StatementScopes();
    q.terms = std::move(terms);
    q.limit = 1000;
    auto page = statements_->Query(q);
    EXPECT_TRUE(page.ok());
    if (!page.ok()) return owners;
    EXPECT_FALSE(page->next_seq.has_value());
    for (const auto& s : page->statements) {
      auto id = json::parse(s.json).at("id").as_string();
      owners.insert(owner_of_.at(std::string(id)));
      // The one-statement check agrees with the query.
      auto sees = view.SeesStatement(s.part, json::parse(s.json).as_object());
      EXPECT_TRUE(sees.ok() && *sees);
    }
    return owners;
  }

  store::test_util::TempDir dir_{"lrs_read_rule_test"};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::RocksStatementStore> statements_;
  std::unique_ptr<store::AccountStore> accounts_;
  std::unique_ptr<store::GrantStore> grants_;
  std::unique_ptr<ReadRule> rule_;
  std::string org_;
  std::vector<std::string> learners_;
  std::map<std::string, int> owner_of_;
  std::map<int, std::string> grant_ids_;
};

TEST_F(ReadRuleTest, ConsentQueryReadsOnlyTheGrantedPartitions) {
  constexpr int kLearners = 10000;
  MakeLearners(kLearners, {kCompleted});
  std::multiset<int> granted;
  for (int i = 0; i < kLearners; i += 100) {
    Grant(i);
    granted.insert(i);
  }
  ASSERT_EQ(granted.size(), 100u);
  auto view = OrgView();
  ASSERT_NE(view, nullptr);
  auto scopes = view->StatementScopes();
  ASSERT_TRUE(scopes.has_value());
  EXPECT_EQ(scopes->size(), 100u);

  uint64_t before = statements_->scopes_read();
  EXPECT_EQ(QueryAll(*view), granted);
  // 1% of the store: reading the global index and keeping the granted
  // partitions' statements would skip too much, so one cursor per scope.
  EXPECT_EQ(statements_->scopes_read() - before, 100u);
}

// When the granting learners hold most of the store, the query reads the
// global indexes once instead of a cursor per scope, and returns exactly
// what the per-scope plan returns: the grants' own predicates, own terms
// only, nothing of the learners who did not grant.
TEST_F(ReadRuleTest, ManyGrantsAreReadThroughTheGlobalIndexWithTheSameAnswer) {
  constexpr int kLearners = 150;
  MakeLearners(kLearners, {kCompleted, kAttempted});
  std::multiset<int> all, completed_only;
  for (int i = 0; i < kLearners; ++i) {
    if (i % 10 == 9) continue;  // these did not grant
    if (i % 2 == 0) {
      Grant(i, R"(,"verbs":[")" + std::string(kCompleted) + R"("])");
      all.insert(i);
    } else {
      Grant(i);
      all.insert({i, i});
    }
    completed_only.insert(i);
  }
  auto view = OrgView();
  ASSERT_NE(view, nullptr);
  ASSERT_GE(view->StatementScopes()->size(), 64u);

  uint64_t scopes_before = statements_->scopes_read();
  uint64_t filtered_before = statements_->filtered_reads();
  EXPECT_EQ(QueryAll(*view), all);
  EXPECT_EQ(QueryAll(*view, {{xapi::TermKind::kVerb, std::string(kCompleted)}}), completed_only);
  EXPECT_EQ(statements_->filtered_reads() - filtered_before, 2u);
  EXPECT_EQ(statements_->scopes_read() - scopes_before, 0u);

  // Paged: a small limit walks the same set without repeats.
  std::multiset<int> paged;
  store::StatementQuery q;
  q.scopes = view->StatementScopes();
  q.limit = 7;
  while (true) {
    auto page = statements_->Query(q);
    ASSERT_TRUE(page.ok());
    for (const auto& s : page->statements) {
      paged.insert(owner_of_.at(std::string(json::parse(s.json).at("id").as_string())));
    }
    if (!page->next_seq) break;
    q.max_seq = *page->next_seq;
  }
  EXPECT_EQ(paged, all);
}

TEST_F(ReadRuleTest, NarrowedGrantAdmitsOnlyWhatItCovers) {
  MakeLearners(3, {kCompleted, kAttempted});
  Grant(0, R"(,"verbs":[")" + std::string(kCompleted) + R"("])");
  Grant(1);
  auto view = OrgView();
  EXPECT_EQ(QueryAll(*view), (std::multiset<int>{0, 1, 1}));
  EXPECT_EQ(QueryAll(*view, {{xapi::TermKind::kVerb, std::string(kAttempted)}}),
            (std::multiset<int>{1}));
}

TEST_F(ReadRuleTest, RevokedOrExpiredGrantsGiveNothing) {
  MakeLearners(2, {kCompleted});
  Grant(0);
  Grant(1, R"(,"expires":"2020-01-01T00:00:00Z")");
  EXPECT_EQ(QueryAll(*OrgView()), (std::multiset<int>{0}));
  ASSERT_TRUE(grants_->Revoke(learners_[0], grant_ids_[0], NowMicros()).ok());
  auto view = OrgView();
  EXPECT_TRUE(view->StatementScopes()->empty());
  EXPECT_TRUE(QueryAll(*view).empty());
}

// The organisation's grants are kept between requests; every change to what
// they depend on shows in the very next view.
TEST_F(ReadRuleTest, KeptGrantsFollowNewGrantsLinksAndExpiry) {
  MakeLearners(3, {kCompleted});
  Micros now = NowMicros();
  Grant(0, R"(,"expires":")" + FormatTimestampMillis(now + 60'000'000) + R"(")");
  EXPECT_EQ(QueryAll(*OrgView(now)), (std::multiset<int>{0}));
  Grant(1);
  EXPECT_EQ(QueryAll(*OrgView(now)), (std::multiset<int>{0, 1}));
  // Learner 1 links a second identity holding one more statement.
  json::object agent{{"objectType", "Agent"}, {"mbox", "mailto:second@example.org"}};
  Uuid id = RandomUuidV4();
  json::object s = MakeStatement(id, json::serialize(agent), kCompleted, kCourse);
  s["timestamp"] = "2026-01-01T00:00:00.000Z";
  ASSERT_TRUE(statements_->Insert({{id, std::move(s), "mbox:mailto:second@example.org"}}, {}).ok());
  owner_of_[FormatUuid(id)] = 1;
  ASSERT_TRUE(accounts_->LinkIdentity(learners_[1], agent).ok());
  EXPECT_EQ(QueryAll(*OrgView(now)), (std::multiset<int>{0, 1, 1}));
  // A minute later learner 0's grant has expired, though nothing was written.
  EXPECT_EQ(QueryAll(*OrgView(now + 61'000'000)), (std::multiset<int>{1, 1}));
}

TEST_F(ReadRuleTest, LearnerSeesOwnPartitionsOnlyAndOperatorEverything) {
  MakeLearners(3, {kCompleted});
  store::Credential learner{"key1", "L1", {"statements/read"}, "", learners_[1]};
  auto view = rule_->ViewFor(learner, NowMicros());
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(QueryAll(**view), (std::multiset<int>{1}));
  store::Credential op{"admin", "", {"all"}, "", ""};
  auto all = rule_->ViewFor(op, NowMicros());
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE((*all)->StatementScopes().has_value());  // the whole store
  EXPECT_EQ(QueryAll(**all), (std::multiset<int>{0, 1, 2}));
}

TEST_F(ReadRuleTest, OrganisationWithoutGrantsSeesOnlyWhatItWrote) {
  MakeLearners(2, {kCompleted});
  auto view = OrgView();
  EXPECT_TRUE(QueryAll(*view).empty());
  // A statement whose authority is the organisation's.
  Uuid id = RandomUuidV4();
  json::object s =
      MakeStatement(id, R"({"mbox":"mailto:learner0@example.org"})", kAttempted, kCourse);
  s["authority"] = view->authority();
  owner_of_[FormatUuid(id)] = 0;
  ASSERT_TRUE(statements_->Insert({{id, s, "mbox:" + Mbox(0)}}, {}).ok());
  auto after = OrgView();  // its authority scope exists now
  EXPECT_EQ(QueryAll(*after), (std::multiset<int>{0}));
}

}  // namespace
}  // namespace lrs::consent
