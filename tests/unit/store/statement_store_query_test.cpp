// Tests for RocksStatementStore::Query: each filter term kind, intersections
// of terms, order, limit/next_seq paging and sequence bounds.
#include <gtest/gtest.h>

#include <map>

#include "lrs/store/statement_store.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using test_util::kAda;
using test_util::kAttempted;
using test_util::kBob;
using test_util::kCarol;
using test_util::kCompleted;
using test_util::kCourse;
using test_util::kLesson;
using test_util::MakeStatement;
namespace json = boost::json;
using Ids = std::vector<std::string>;

constexpr std::string_view kAdaKey = "mbox:mailto:ada@example.org";
constexpr std::string_view kBobKey = "mbox:mailto:bob@example.org";
constexpr std::string_view kCarolKey = "mbox:mailto:carol@example.org";
constexpr std::string_view kRegistration = "6e3fe4a5-38e4-4ed3-b5b2-3a1c9e4f2d10";
constexpr std::string_view kOtherRegistration = "0b7c0b5e-5f1d-4a3c-9c5e-8c8a6c2f0b11";

xapi::Term T(xapi::TermKind kind, std::string_view value) { return {kind, std::string(value)}; }

// A small, known data set:
//   s1  ada   attempted course                     registration R
//   s2  bob   completed lesson  parent=course      instructor carol
//   s3  ada   completed (object: Agent carol)      registration R2
//   s4  bob   attempted lesson                     registration R
//   s5  carol completed course
class StatementQueryTest : public test_util::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    if (HasFatalFailure()) return;
    for (auto& id : ids_) id = RandomUuidV4();
    json::object s1 = MakeStatement(ids_[0], kAda, kAttempted, kCourse);
    s1["context"] = json::object{{"registration", kRegistration}};
    json::object s2 = MakeStatement(ids_[1], kBob, kCompleted, kLesson);
    s2["context"] =
        json::object{{"instructor", json::parse(kCarol)},
                     {"contextActivities",
                      json::object{{"parent", json::array{json::object{{"id", kCourse}}}}}}};
    json::object s3 = MakeStatement(ids_[2], kAda, kCompleted, kCourse);
    s3["object"] = json::parse(kCarol);
    s3["context"] = json::object{{"registration", kOtherRegistration}};
    json::object s4 = MakeStatement(ids_[3], kBob, kAttempted, kLesson);
    s4["context"] = json::object{{"registration", kRegistration}};
    json::object s5 = MakeStatement(ids_[4], kCarol, kCompleted, kCourse);
    for (const auto& s : {s1, s2, s3, s4, s5}) seqs_.push_back(InsertOne(s));
  }

  // The expected ids, by statement number (1-based), in ascending order.
  Ids Expect(std::initializer_list<int> numbers) {
    Ids out;
    for (int n : numbers) out.push_back(FormatUuid(ids_[n - 1]));
    return out;
  }

  Uuid ids_[5];
  std::vector<uint64_t> seqs_;
};

TEST_F(StatementQueryTest, NoTermsReturnsEverything) {
  EXPECT_EQ(QueryIds({}), Expect({1, 2, 3, 4, 5}));
}

TEST_F(StatementQueryTest, AgentAsActor) {
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kAgent, kAdaKey)}), Expect({1, 3}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kAgent, kBobKey)}), Expect({2, 4}));
}

TEST_F(StatementQueryTest, AgentAsObject) {
  // carol is the actor of s5 and the object of s3; the instructor of s2 does not count.
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kAgent, kCarolKey)}), Expect({3, 5}));
}

TEST_F(StatementQueryTest, RelatedAgentIncludesInstructor) {
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kRelatedAgent, kCarolKey)}), Expect({2, 3, 5}));
  // Related agents are a superset of plain ones.
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kRelatedAgent, kAdaKey)}), Expect({1, 3}));
}

TEST_F(StatementQueryTest, Verb) {
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kVerb, kAttempted)}), Expect({1, 4}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kVerb, kCompleted)}), Expect({2, 3, 5}));
  EXPECT_TRUE(QueryIds({T(xapi::TermKind::kVerb, "http://example.org/verbs/none")}).empty());
}

TEST_F(StatementQueryTest, Activity) {
  // s3's object is an Agent; s2 has the course only as a parent.
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kActivity, kCourse)}), Expect({1, 5}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kActivity, kLesson)}), Expect({2, 4}));
}

TEST_F(StatementQueryTest, RelatedActivityIncludesParent) {
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kRelatedActivity, kCourse)}), Expect({1, 2, 5}));
}

TEST_F(StatementQueryTest, Registration) {
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kRegistration, kRegistration)}), Expect({1, 4}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kRegistration, kOtherRegistration)}), Expect({3}));
}

TEST_F(StatementQueryTest, TermKindsDoNotCrossMatch) {
  // The same value under another kind is another term.
  EXPECT_TRUE(QueryIds({T(xapi::TermKind::kVerb, kCourse)}).empty());
  EXPECT_TRUE(QueryIds({T(xapi::TermKind::kActivity, kCompleted)}).empty());
}

TEST_F(StatementQueryTest, TwoTermsIntersect) {
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kAgent, kAdaKey), T(xapi::TermKind::kVerb, kCompleted)}),
            Expect({3}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kVerb, kCompleted),
                      T(xapi::TermKind::kRelatedActivity, kCourse)}),
            Expect({2, 5}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kRegistration, kRegistration),
                      T(xapi::TermKind::kAgent, kBobKey)}),
            Expect({4}));
  EXPECT_TRUE(QueryIds({T(xapi::TermKind::kAgent, kAdaKey), T(xapi::TermKind::kActivity, kLesson)})
                  .empty());
  // Three terms, descending.
  EXPECT_EQ(
      QueryIds({T(xapi::TermKind::kRelatedAgent, kCarolKey), T(xapi::TermKind::kVerb, kCompleted),
                T(xapi::TermKind::kRelatedActivity, kCourse)},
               /*ascending=*/false),
      Expect({5, 2}));
}

TEST_F(StatementQueryTest, AscendingAndDescending) {
  EXPECT_EQ(QueryIds({}, /*ascending=*/true), Expect({1, 2, 3, 4, 5}));
  EXPECT_EQ(QueryIds({}, /*ascending=*/false), Expect({5, 4, 3, 2, 1}));
  EXPECT_EQ(QueryIds({T(xapi::TermKind::kVerb, kCompleted)}, false), Expect({5, 3, 2}));

  StatementQuery q;
  auto page = store_->Query(q);  // the default is descending
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->statements.size(), 5u);
  EXPECT_EQ(page->statements.front().seq, seqs_.back());
  EXPECT_EQ(page->statements.back().seq, seqs_.front());
}

TEST_F(StatementQueryTest, ResultsCarrySeqAndJson) {
  StatementQuery q;
  q.ascending = true;
  auto all = QueryAll(q);
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq, seqs_[i]);
    auto got = store_->Get(ids_[i], false);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(all[i].json, got->json);
  }
}

TEST_F(StatementQueryTest, SeqBoundsAreInclusive) {
  StatementQuery q;
  q.ascending = true;
  q.min_seq = seqs_[1];
  q.max_seq = seqs_[3];
  auto page = QueryAll(q);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, seqs_[1]);
  EXPECT_EQ(page[2].seq, seqs_[3]);

  q.ascending = false;
  page = QueryAll(q);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].seq, seqs_[3]);
  EXPECT_EQ(page[2].seq, seqs_[1]);

  // Exclusive of the bounds' neighbours.
  q.min_seq = seqs_[1] + 1;
  q.max_seq = seqs_[3] - 1;
  page = QueryAll(q);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].seq, seqs_[2]);

  // With a term.
  q.terms = {T(xapi::TermKind::kVerb, kCompleted)};
  q.min_seq = seqs_[2];
  q.max_seq = UINT64_MAX;
  page = QueryAll(q);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, seqs_[4]);
  EXPECT_EQ(page[1].seq, seqs_[2]);

  // An empty range.
  q.terms.clear();
  q.min_seq = seqs_[3];
  q.max_seq = seqs_[1];
  EXPECT_TRUE(QueryAll(q).empty());
  q.min_seq = seqs_[4] + 1;
  q.max_seq = UINT64_MAX;
  EXPECT_TRUE(QueryAll(q).empty());
}

TEST_F(StatementQueryTest, ConsistentThroughSeqGrows) {
  uint64_t before = store_->ConsistentThroughSeq();
  EXPECT_EQ(before, seqs_.back());
  uint64_t seq = InsertOne(MakeStatement(RandomUuidV4(), kAda, kAttempted, kCourse));
  EXPECT_GT(seq, before);
  EXPECT_EQ(store_->ConsistentThroughSeq(), seq);
  auto point = store_->ConsistentThrough();
  EXPECT_EQ(point.seq, seq);
  // point.time is no more than a millisecond behind the last statement...
  EXPECT_GE(point.time, SeqToStoredMicros(seq) - 1000);
  // ...and whatever is stored later is stored after it, so a client that
  // polls with since=point.time misses nothing.
  for (int i = 0; i < 20; ++i) {
    uint64_t later = InsertOne(MakeStatement(RandomUuidV4(), kAda, kAttempted, kCourse));
    EXPECT_GT(SeqToStoredMicros(later), point.time);
  }
}

TEST(StatementStoreEmptyTest, FreshStoreHasNothing) {
  test_util::TempDir dir;
  ASSERT_FALSE(dir.path().empty()) << "mkdtemp failed";
  {
    auto db = Database::Open(DatabaseOptions{.path = dir.path(), .sync_writes = true});
    ASSERT_TRUE(db.ok());
    auto store = RocksStatementStore::Open(db->get());
    ASSERT_TRUE(store.ok());
    EXPECT_EQ((*store)->ConsistentThroughSeq(), 0u);
    auto page = (*store)->Query(StatementQuery{});
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(page->statements.empty());
    EXPECT_FALSE(page->next_seq.has_value());
  }
}

// Pages through `q` by next_seq and returns the ids in the order seen.
class PagingTest : public test_util::StoreFixture {
 protected:
  Ids PageThrough(StatementQuery q, size_t limit, size_t* pages) {
    q.limit = limit;
    Ids seen;
    *pages = 0;
    while (true) {
      auto page = store_->Query(q);
      EXPECT_TRUE(page.ok()) << page.status().message();
      if (!page.ok()) break;
      ++*pages;
      EXPECT_LE(page->statements.size(), limit);
      for (const auto& s : page->statements) seen.push_back(IdOf(s));
      if (!page->next_seq) break;
      EXPECT_EQ(page->statements.size(), limit) << "a short page must be the last";
      // next_seq lies beyond everything returned.
      if (!page->statements.empty()) {
        if (q.ascending) {
          EXPECT_GT(*page->next_seq, page->statements.back().seq);
        } else {
          EXPECT_LT(*page->next_seq, page->statements.back().seq);
        }
      }
      if (q.ascending) {
        q.min_seq = *page->next_seq;
      } else {
        q.max_seq = *page->next_seq;
      }
      if (*pages > 1000) {
        ADD_FAILURE() << "paging does not terminate";
        break;
      }
    }
    return seen;
  }

  void InsertMany(int n) {
    for (int i = 0; i < n; ++i) {
      Uuid id = RandomUuidV4();
      bool even = i % 2 == 0;
      InsertOne(MakeStatement(id, even ? kAda : kBob, even ? kAttempted : kCompleted, kCourse));
      inserted_.push_back(FormatUuid(id));
      if (even) even_.push_back(FormatUuid(id));
    }
  }

  Ids inserted_;
  Ids even_;
};

TEST_F(PagingTest, AscendingPagesCoverEveryStatementOnce) {
  InsertMany(23);
  size_t pages = 0;
  StatementQuery q;
  q.ascending = true;
  EXPECT_EQ(PageThrough(q, 5, &pages), inserted_);
  EXPECT_EQ(pages, 5u);
}

TEST_F(PagingTest, DescendingPagesCoverEveryStatementOnce) {
  InsertMany(23);
  size_t pages = 0;
  StatementQuery q;
  q.ascending = false;
  Ids expected(inserted_.rbegin(), inserted_.rend());
  EXPECT_EQ(PageThrough(q, 5, &pages), expected);
  EXPECT_EQ(pages, 5u);
}

TEST_F(PagingTest, ExactMultipleOfLimit) {
  InsertMany(20);
  size_t pages = 0;
  StatementQuery q;
  q.ascending = true;
  EXPECT_EQ(PageThrough(q, 5, &pages), inserted_);
  EXPECT_GE(pages, 4u);
  EXPECT_LE(pages, 5u);
  q.ascending = false;
  Ids expected(inserted_.rbegin(), inserted_.rend());
  EXPECT_EQ(PageThrough(q, 5, &pages), expected);
}

TEST_F(PagingTest, LimitOne) {
  InsertMany(6);
  size_t pages = 0;
  StatementQuery q;
  q.ascending = true;
  EXPECT_EQ(PageThrough(q, 1, &pages), inserted_);
  EXPECT_GE(pages, 6u);
}

TEST_F(PagingTest, PagingWithTermsIntersection) {
  InsertMany(30);
  size_t pages = 0;
  StatementQuery q;
  q.ascending = true;
  q.terms = {T(xapi::TermKind::kAgent, kAdaKey), T(xapi::TermKind::kVerb, kAttempted)};
  EXPECT_EQ(PageThrough(q, 4, &pages), even_);
  EXPECT_EQ(pages, 4u);
  q.ascending = false;
  Ids expected(even_.rbegin(), even_.rend());
  EXPECT_EQ(PageThrough(q, 4, &pages), expected);
}

TEST_F(PagingTest, PagingSkipsVoided) {
  InsertMany(12);
  // Void every third statement.
  std::set<std::string> voided;
  for (size_t i = 0; i < inserted_.size(); i += 3) {
    InsertOne(test_util::MakeVoiding(RandomUuidV4(), *ParseUuid(inserted_[i])));
    voided.insert(inserted_[i]);
  }
  StatementQuery q;
  q.ascending = true;
  Ids expected = QueryIds({});
  EXPECT_EQ(expected.size(), inserted_.size() - voided.size() + voided.size());  // + voiders
  for (const auto& id : expected) EXPECT_EQ(voided.count(id), 0u) << id;
  size_t pages = 0;
  EXPECT_EQ(PageThrough(q, 3, &pages), expected);
  EXPECT_EQ(pages, 4u);
}

}  // namespace
}  // namespace lrs::store
