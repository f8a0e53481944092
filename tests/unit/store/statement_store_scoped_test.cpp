// Scoped queries (StatementQuery::scopes): the partition and authority
// scopes every statement is indexed in, voiding, and the union of scopes.
#include <gtest/gtest.h>

#include "lrs/store/keys.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using namespace test_util;

class ScopedQueryTest : public StoreFixture {
 protected:
  uint64_t PartOf(const Uuid& id) { return store_->Get(id, false)->part; }

  std::vector<std::string> ScopedIds(std::vector<ScopeFilter> scopes, std::vector<xapi::Term> terms = {}) {
    StatementQuery q;
    q.scopes = std::move(scopes);
    q.terms = std::move(terms);
    q.limit = 100;
    auto page = store_->Query(q);
    EXPECT_TRUE(page.ok());
    std::vector<std::string> ids;
    if (!page.ok()) return ids;
    for (const auto& s : page->statements) ids.emplace_back(json::parse(s.json).at("id").as_string());
    return ids;
  }
};

TEST_F(ScopedQueryTest, VoidingKeepsTheVoiderAndHidesTheTargetInItsPartition) {
  Uuid target = RandomUuidV4(), voider = RandomUuidV4(), other = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kAttempted, kCourse));
  uint64_t ada = PartOf(target);
  InsertOne(MakeVoiding(voider, target));
  InsertOne(MakeStatement(other, kAda, kCompleted, kCourse));
  EXPECT_EQ(ScopedIds({{ada, nullptr}}), (std::vector<std::string>{FormatUuid(other), FormatUuid(voider)}));
  EXPECT_EQ(ScopedIds({{ada, nullptr}}, {{xapi::TermKind::kVerb, std::string(kVoidedVerb)}}),
            std::vector<std::string>{FormatUuid(voider)});
  // The voided target is gone; the voider matches its target's verb, as in
  // the global index (a StatementRef in the same partition).
  EXPECT_EQ(ScopedIds({{ada, nullptr}}, {{xapi::TermKind::kVerb, std::string(kAttempted)}}),
            std::vector<std::string>{FormatUuid(voider)});
}

TEST_F(ScopedQueryTest, StatementRefInheritsTermsInsideItsPartitionOnly) {
  Uuid target = RandomUuidV4(), same = RandomUuidV4(), other = RandomUuidV4(), late_ref = RandomUuidV4(),
       late_target = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kAttempted, kLesson));
  InsertOne(MakeStatementRef(same, kAda, kCompleted, target));   // Ada -> Ada
  InsertOne(MakeStatementRef(other, kBob, kCompleted, target));  // Bob -> Ada
  // A reference that arrives before its target (same partition).
  InsertOne(MakeStatementRef(late_ref, kAda, kCompleted, late_target));
  InsertOne(MakeStatement(late_target, kAda, kAttempted, kLesson));
  uint64_t ada = PartOf(target), bob = PartOf(other);
  xapi::Term lesson{xapi::TermKind::kActivity, std::string(kLesson)};
  EXPECT_EQ(ScopedIds({{ada, nullptr}}, {lesson}),
            (std::vector<std::string>{FormatUuid(late_target), FormatUuid(late_ref), FormatUuid(same),
                                      FormatUuid(target)}));
  // Bob's reference does not reveal through Bob's scope what Ada's statement is.
  EXPECT_TRUE(ScopedIds({{bob, nullptr}}, {lesson}).empty());
  // The operator's global query follows every reference.
  StatementQuery q;
  q.terms = {lesson};
  EXPECT_EQ(store_->Query(q)->statements.size(), 5u);
}

TEST_F(ScopedQueryTest, AuthorityScopeHoldsWhatThatAuthorityWrote) {
  Uuid a = RandomUuidV4(), b = RandomUuidV4();
  InsertOne(MakeStatement(a, kAda, kAttempted, kCourse));
  json::object by_other = MakeStatement(b, kBob, kAttempted, kCourse);
  by_other["authority"] = json::parse(R"({"objectType":"Agent","mbox":"mailto:other@example.org"})");
  InsertOne(by_other);
  auto scope = store_->AuthorityScope(*xapi::IfiKey(json::parse(kAuthority)));
  ASSERT_TRUE(scope.ok() && scope->has_value());
  EXPECT_EQ(ScopedIds({{**scope, nullptr}}), std::vector<std::string>{FormatUuid(a)});
  // Union with Bob's partition, each statement once.
  EXPECT_EQ(ScopedIds({{**scope, nullptr}, {PartOf(b), nullptr}, {PartOf(a), nullptr}}),
            (std::vector<std::string>{FormatUuid(b), FormatUuid(a)}));
}

TEST_F(ScopedQueryTest, AdmitFiltersInsideItsScopeOnly) {
  Uuid a = RandomUuidV4(), b = RandomUuidV4();
  InsertOne(MakeStatement(a, kAda, kAttempted, kCourse));
  InsertOne(MakeStatement(b, kAda, kCompleted, kCourse));
  auto completed_only = [](const json::object& s) { return s.at("verb").at("id").as_string() == kCompleted; };
  EXPECT_EQ(ScopedIds({{PartOf(a), completed_only}}), std::vector<std::string>{FormatUuid(b)});
}

TEST_F(ScopedQueryTest, ErasedPartitionLeavesNoStatementNoIndexEntry) {
  Uuid a = RandomUuidV4(), b = RandomUuidV4();
  InsertOne(MakeStatement(a, kAda, kAttempted, kCourse));
  InsertOne(MakeStatement(b, kBob, kAttempted, kCourse));
  Uuid ref = RandomUuidV4();
  InsertOne(MakeStatementRef(ref, kBob, kCompleted, a));
  uint64_t ada = PartOf(a);
  auto erased = store_->ErasePartitions({ada});
  ASSERT_TRUE(erased.ok()) << erased.status().message();
  EXPECT_EQ(*erased, 1u);
  EXPECT_TRUE(store_->Get(a, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(ScopedIds({{ada, nullptr}}).empty());
  StatementQuery all;
  auto page = store_->Query(all);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->statements.size(), 2u);
  // Bob's reference to the erased statement no longer matches its terms.
  StatementQuery by_verb;
  by_verb.terms = {{xapi::TermKind::kVerb, std::string(kAttempted)}};
  EXPECT_EQ(store_->Query(by_verb)->statements.size(), 1u);  // b only
  by_verb.terms = {{xapi::TermKind::kVerb, std::string(kCompleted)}};
  EXPECT_EQ(store_->Query(by_verb)->statements.size(), 1u);  // the reference, by its own verb
  // No key anywhere still names the erased statement's id (Bob's reference
  // keeps the id inside its own JSON, which is Bob's).
  std::string raw = UuidBytes(a);
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    EXPECT_EQ(it->key().ToString().find(raw), std::string::npos) << "key tag " << it->key()[0];
    if (it->key()[0] == 'S') continue;
    EXPECT_EQ(it->value().ToString().find(raw), std::string::npos) << "value under key tag " << it->key()[0];
  }
}

}  // namespace
}  // namespace lrs::store
