// Tests for RocksStatementStore (lrs/store/statement_store.h contract):
// Insert/Get, idempotent re-insert, conflicts (all-or-nothing), voiding and
// StatementRef term inheritance, on a real RocksDB in a temporary directory.
#include <gtest/gtest.h>

#include "lrs/store/statement_store.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using test_util::kAda;
using test_util::kAttempted;
using test_util::kBob;
using test_util::kCompleted;
using test_util::kCourse;
using test_util::kLesson;
using test_util::MakeStatement;
using test_util::MakeStatementRef;
using test_util::MakeVoiding;
namespace json = boost::json;

class StatementStoreTest : public test_util::StoreFixture {};

xapi::Term VerbTerm(std::string_view verb) { return {xapi::TermKind::kVerb, std::string(verb)}; }

TEST_F(StatementStoreTest, InsertThenGet) {
  Uuid id = RandomUuidV4();
  auto r = Insert({MakeStatement(id, kAda, kAttempted, kCourse)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->ids.size(), 1u);
  EXPECT_EQ(r->ids[0], FormatUuid(id));

  auto got = store_->Get(id, false);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_GT(got->seq, 0u);
  json::object stored = json::parse(got->json).as_object();
  EXPECT_EQ(stored.at("id").as_string(), FormatUuid(id));
  EXPECT_EQ(stored.at("verb").at("id").as_string(), kAttempted);
  EXPECT_EQ(stored.at("object").at("id").as_string(), kCourse);
  // The store sets "stored" from the sequence number, and a missing timestamp to it.
  ASSERT_TRUE(stored.contains("stored"));
  EXPECT_EQ(stored.at("stored").as_string(), FormatTimestampMillis(SeqToStoredMicros(got->seq)));
  ASSERT_TRUE(stored.contains("timestamp"));
  EXPECT_EQ(stored.at("timestamp").as_string(), stored.at("stored").as_string());
}

TEST_F(StatementStoreTest, GivenTimestampIsKept) {
  Uuid id = RandomUuidV4();
  json::object s = MakeStatement(id, kAda, kAttempted, kCourse);
  s["timestamp"] = "2020-05-06T07:08:09.123Z";
  InsertOne(s);
  auto got = store_->Get(id, false);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::parse(got->json).at("timestamp").as_string(), "2020-05-06T07:08:09.123Z");
}

TEST_F(StatementStoreTest, GetUnknownIsNotFound) {
  auto got = store_->Get(RandomUuidV4(), false);
  EXPECT_TRUE(got.status().Is(Status::Code::kNotFound));
  got = store_->Get(RandomUuidV4(), true);
  EXPECT_TRUE(got.status().Is(Status::Code::kNotFound));
}

TEST_F(StatementStoreTest, GetVoidedOfNonVoidedIsNotFound) {
  Uuid id = RandomUuidV4();
  InsertOne(MakeStatement(id, kAda, kAttempted, kCourse));
  auto got = store_->Get(id, true);
  EXPECT_TRUE(got.status().Is(Status::Code::kNotFound)) << got.status().message();
}

TEST_F(StatementStoreTest, ReinsertingSameStatementIsIdempotent) {
  Uuid id = RandomUuidV4();
  json::object s = MakeStatement(id, kAda, kAttempted, kCourse);
  uint64_t seq = InsertOne(s);
  auto first = store_->Get(id, false);
  ASSERT_TRUE(first.ok());

  // Same content, with another authority and version (ignored by the comparison).
  json::object again = s;
  again["version"] = "1.0.3";
  auto r = Insert({again});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->ids.size(), 1u);
  EXPECT_EQ(r->ids[0], FormatUuid(id));

  auto second = store_->Get(id, false);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->seq, seq);
  EXPECT_EQ(second->json, first->json);
  EXPECT_EQ(QueryIds({}), std::vector<std::string>{FormatUuid(id)});
  EXPECT_EQ(store_->ConsistentThroughSeq(), seq);
}

TEST_F(StatementStoreTest, SameIdTwiceInOneCallIsStoredOnce) {
  Uuid id = RandomUuidV4();
  json::object s = MakeStatement(id, kAda, kAttempted, kCourse);
  auto r = Insert({s, s});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->ids, (std::vector<std::string>{FormatUuid(id), FormatUuid(id)}));
  EXPECT_EQ(QueryIds({}), std::vector<std::string>{FormatUuid(id)});
}

TEST_F(StatementStoreTest, SameIdDifferentContentConflicts) {
  Uuid id = RandomUuidV4();
  InsertOne(MakeStatement(id, kAda, kAttempted, kCourse));
  auto before = store_->Get(id, false);
  ASSERT_TRUE(before.ok());
  uint64_t through = store_->ConsistentThroughSeq();

  auto r = Insert({MakeStatement(id, kAda, kCompleted, kCourse)});
  EXPECT_TRUE(r.status().Is(Status::Code::kConflict)) << r.status().message();
  auto after = store_->Get(id, false);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->json, before->json);
  EXPECT_EQ(store_->ConsistentThroughSeq(), through);
  EXPECT_TRUE(QueryIds({VerbTerm(kCompleted)}).empty());
}

TEST_F(StatementStoreTest, ConflictInMultiStatementCallStoresNothingOfThatCall) {
  Uuid existing = RandomUuidV4();
  InsertOne(MakeStatement(existing, kAda, kAttempted, kCourse));
  uint64_t through = store_->ConsistentThroughSeq();

  Uuid fresh = RandomUuidV4();
  Uuid third = RandomUuidV4();
  Uuid attachment_holder = RandomUuidV4();
  std::string content = "attachment bytes";
  std::string sha2 = Sha256Hex(content);
  json::object voider = MakeVoiding(attachment_holder, existing);
  auto r = Insert({MakeStatement(fresh, kBob, kCompleted, kLesson),
                   MakeStatement(existing, kAda, kCompleted, kCourse),  // conflicts
                   MakeStatement(third, kBob, kCompleted, kLesson), voider},
                  {AttachmentContent{sha2, content}});
  EXPECT_TRUE(r.status().Is(Status::Code::kConflict)) << r.status().message();

  EXPECT_TRUE(store_->Get(fresh, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->Get(third, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->Get(attachment_holder, false).status().Is(Status::Code::kNotFound));
  for (uint64_t part = 0; part < 8; ++part) {
    EXPECT_TRUE(store_->GetAttachment(part, sha2).status().Is(Status::Code::kNotFound));
  }
  EXPECT_TRUE(store_->Get(existing, false).ok());
  EXPECT_EQ(QueryIds({}), std::vector<std::string>{FormatUuid(existing)});
  EXPECT_TRUE(QueryIds({VerbTerm(kCompleted)}).empty());
  EXPECT_EQ(store_->ConsistentThroughSeq(), through);

  // The ids are still free: the same statements without the conflict store fine.
  auto ok = Insert({MakeStatement(fresh, kBob, kCompleted, kLesson)});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_TRUE(store_->Get(fresh, false).ok());
}

TEST_F(StatementStoreTest, ConflictOnFirstStatementOfCall) {
  Uuid existing = RandomUuidV4();
  InsertOne(MakeStatement(existing, kAda, kAttempted, kCourse));
  Uuid fresh = RandomUuidV4();
  auto r = Insert({MakeStatement(existing, kBob, kAttempted, kCourse),
                   MakeStatement(fresh, kBob, kCompleted, kLesson)});
  EXPECT_TRUE(r.status().Is(Status::Code::kConflict));
  EXPECT_TRUE(store_->Get(fresh, false).status().Is(Status::Code::kNotFound));
}

TEST_F(StatementStoreTest, ConflictWithinOneCall) {
  Uuid id = RandomUuidV4();
  auto r = Insert(
      {MakeStatement(id, kAda, kAttempted, kCourse), MakeStatement(id, kAda, kCompleted, kCourse)});
  EXPECT_TRUE(r.status().Is(Status::Code::kConflict));
  EXPECT_TRUE(store_->Get(id, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(QueryIds({}).empty());
}

TEST_F(StatementStoreTest, VoidingRemovesTargetFromQueries) {
  Uuid target = RandomUuidV4();
  Uuid other = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kCompleted, kCourse));
  InsertOne(MakeStatement(other, kBob, kAttempted, kLesson));
  Uuid voider = RandomUuidV4();
  InsertOne(MakeVoiding(voider, target));

  EXPECT_TRUE(store_->Get(target, false).status().Is(Status::Code::kNotFound));
  auto voided = store_->Get(target, true);
  ASSERT_TRUE(voided.ok()) << voided.status().message();
  EXPECT_EQ(json::parse(voided->json).at("id").as_string(), FormatUuid(target));

  // The voiding statement itself is an ordinary, queryable statement.
  EXPECT_TRUE(store_->Get(voider, false).ok());
  EXPECT_TRUE(store_->Get(voider, true).status().Is(Status::Code::kNotFound));

  std::vector<std::string> all = QueryIds({});
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(target)), 0);
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(other)), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(voider)), 1);
  EXPECT_EQ(all.size(), 2u);

  // Nor is it found through any of its terms.
  for (const xapi::Term& t : {xapi::Term{xapi::TermKind::kActivity, std::string(kCourse)},
                              xapi::Term{xapi::TermKind::kRelatedActivity, std::string(kCourse)}}) {
    std::vector<std::string> ids = QueryIds({t});
    EXPECT_EQ(std::count(ids.begin(), ids.end(), FormatUuid(target)), 0);
  }
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(target)), 0);
}

TEST_F(StatementStoreTest, VoidingTwiceIsHarmless) {
  Uuid target = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kCompleted, kCourse));
  Uuid v1 = RandomUuidV4(), v2 = RandomUuidV4();
  InsertOne(MakeVoiding(v1, target));
  InsertOne(MakeVoiding(v2, target));
  EXPECT_TRUE(store_->Get(target, true).ok());
  EXPECT_TRUE(store_->Get(target, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->Get(v1, false).ok());
  EXPECT_TRUE(store_->Get(v2, false).ok());
}

TEST_F(StatementStoreTest, VoidingStatementCannotBeVoided) {
  Uuid target = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kCompleted, kCourse));
  Uuid voider = RandomUuidV4();
  InsertOne(MakeVoiding(voider, target));
  Uuid second = RandomUuidV4();
  auto r = Insert({MakeVoiding(second, voider)});
  ASSERT_TRUE(r.ok()) << r.status().message();

  EXPECT_TRUE(store_->Get(voider, false).ok());
  EXPECT_TRUE(store_->Get(voider, true).status().Is(Status::Code::kNotFound));
  std::vector<std::string> all = QueryIds({});
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(voider)), 1);
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(second)), 1);
  // The original target stays voided.
  EXPECT_TRUE(store_->Get(target, true).ok());
}

TEST_F(StatementStoreTest, TargetArrivingAfterItsVoiderArrivesVoided) {
  Uuid target = RandomUuidV4();
  Uuid voider = RandomUuidV4();
  InsertOne(MakeVoiding(voider, target));
  auto r = Insert({MakeStatement(target, kAda, kCompleted, kCourse)});
  ASSERT_TRUE(r.ok()) << r.status().message();

  EXPECT_TRUE(store_->Get(target, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(store_->Get(target, true).ok());
  EXPECT_EQ(QueryIds({}), std::vector<std::string>{FormatUuid(voider)});
  // The voiding statement targets the (now stored) voided one, so it matches
  // the target's filters; the voided target itself never does.
  EXPECT_EQ(QueryIds({xapi::Term{xapi::TermKind::kActivity, std::string(kCourse)}}),
            std::vector<std::string>{FormatUuid(voider)});
  EXPECT_TRUE(QueryIds({xapi::Term{xapi::TermKind::kAgent, "mbox:mailto:ada@example.org"}}) ==
              std::vector<std::string>{FormatUuid(voider)});
}

TEST_F(StatementStoreTest, VoiderAndTargetInSameCall) {
  Uuid target = RandomUuidV4();
  Uuid voider = RandomUuidV4();
  auto r = Insert({MakeStatement(target, kBob, kCompleted, kLesson), MakeVoiding(voider, target)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(store_->Get(target, true).ok());
  EXPECT_TRUE(store_->Get(target, false).status().Is(Status::Code::kNotFound));
  EXPECT_EQ(QueryIds({}), std::vector<std::string>{FormatUuid(voider)});
}

// A voiding statement can never be voided (voiding it is a no-op), so when a
// voiding statement is stored after another statement that "voids" it, it
// must still be an ordinary, queryable statement: Get(id, false) finds it, so
// Query must too.
TEST_F(StatementStoreTest, VoidingStatementArrivingAfterItsVoiderStaysQueryable) {
  Uuid target = RandomUuidV4();
  InsertOne(MakeStatement(target, kBob, kCompleted, kLesson));
  Uuid voider = RandomUuidV4();
  Uuid voider_of_voider = RandomUuidV4();
  InsertOne(MakeVoiding(voider_of_voider, voider));  // voider not stored yet
  InsertOne(MakeVoiding(voider, target));

  EXPECT_TRUE(store_->Get(target, true).ok());
  ASSERT_TRUE(store_->Get(voider, false).ok());
  EXPECT_TRUE(store_->Get(voider, true).status().Is(Status::Code::kNotFound));
  std::vector<std::string> all = QueryIds({});
  EXPECT_EQ(std::count(all.begin(), all.end(), FormatUuid(voider)), 1)
      << "a statement Get(id, false) finds must be returned by Query";
}

TEST_F(StatementStoreTest, StatementRefInheritsTargetTerms) {
  Uuid target = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kCompleted, kCourse));
  Uuid ref = RandomUuidV4();
  InsertOne(MakeStatementRef(ref, kBob, kAttempted, target));
  Uuid unrelated = RandomUuidV4();
  InsertOne(MakeStatement(unrelated, kBob, kAttempted, kLesson));

  // The referring statement matches the target's verb, activity and actor.
  EXPECT_EQ(QueryIds({VerbTerm(kCompleted)}),
            (std::vector<std::string>{FormatUuid(target), FormatUuid(ref)}));
  EXPECT_EQ(QueryIds({{xapi::TermKind::kActivity, std::string(kCourse)}}),
            (std::vector<std::string>{FormatUuid(target), FormatUuid(ref)}));
  EXPECT_EQ(QueryIds({{xapi::TermKind::kAgent, "mbox:mailto:ada@example.org"}}),
            (std::vector<std::string>{FormatUuid(target), FormatUuid(ref)}));
  // And its own.
  EXPECT_EQ(QueryIds({VerbTerm(kAttempted)}),
            (std::vector<std::string>{FormatUuid(ref), FormatUuid(unrelated)}));
}

TEST_F(StatementStoreTest, StatementRefInheritsFromTargetInSameCall) {
  Uuid target = RandomUuidV4();
  Uuid ref = RandomUuidV4();
  auto r = Insert({MakeStatement(target, kAda, kCompleted, kCourse),
                   MakeStatementRef(ref, kBob, kAttempted, target)});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(QueryIds({VerbTerm(kCompleted)}),
            (std::vector<std::string>{FormatUuid(target), FormatUuid(ref)}));
}

TEST_F(StatementStoreTest, StatementRefToVoidedTargetStaysQueryable) {
  Uuid target = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kCompleted, kCourse));
  Uuid ref = RandomUuidV4();
  InsertOne(MakeStatementRef(ref, kBob, kAttempted, target));
  Uuid voider = RandomUuidV4();
  InsertOne(MakeVoiding(voider, target));

  // The target leaves the results; the statements that target it remain.
  std::vector<std::string> by_verb = QueryIds({VerbTerm(kCompleted)});
  EXPECT_EQ(std::count(by_verb.begin(), by_verb.end(), FormatUuid(target)), 0);
  EXPECT_EQ(std::count(by_verb.begin(), by_verb.end(), FormatUuid(ref)), 1);
  EXPECT_EQ(std::count(by_verb.begin(), by_verb.end(), FormatUuid(voider)), 1);
}

TEST_F(StatementStoreTest, StoredOrderFollowsSequence) {
  std::vector<uint64_t> seqs;
  for (int i = 0; i < 5; ++i) {
    seqs.push_back(InsertOne(MakeStatement(RandomUuidV4(), kAda, kAttempted, kCourse)));
  }
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_GT(seqs[i], seqs[i - 1]);
  for (size_t i = 0; i + 1 < seqs.size(); ++i) {
    EXPECT_LE(SeqToStoredMicros(seqs[i]), SeqToStoredMicros(seqs[i + 1]));
  }
}

}  // namespace
}  // namespace lrs::store
