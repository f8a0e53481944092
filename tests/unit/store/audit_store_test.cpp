// AuditStore against a real RocksDB: newest-first listing, paging with
// `before`, distinct increasing sequence numbers for entries written in the
// same microsecond, per-learner ranges, ReplaceAll (erasure) and durability.
#include "lrs/store/audit_store.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/store/keys.h"
#include "tests/unit/store/consent_store_test_util.h"

namespace lrs::store {
namespace {

using test_util::ConsentStoreFixture;

constexpr std::string_view kL1 = "11111111-1111-4111-8111-111111111111";
constexpr std::string_view kL2 = "22222222-2222-4222-8222-222222222222";

AuditEntry Entry(std::string request, std::string kind = "statements", uint64_t returned = 1) {
  AuditEntry e;
  e.time = NowMicros();
  e.organisation = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
  e.credential_key = "org-key";
  e.method = "GET";
  e.request = std::move(request);
  e.kind = std::move(kind);
  e.returned = returned;
  return e;
}

class AuditStoreTest : public ConsentStoreFixture {
 protected:
  void MustAppend(std::string_view learner, const AuditEntry& e) {
    Status s = audit_->Append({{std::string(learner), e}});
    ASSERT_TRUE(s.ok()) << s.message();
  }

  std::vector<AuditEntry> MustList(std::string_view learner,
                                   std::optional<uint64_t> before = std::nullopt,
                                   size_t limit = 100000) {
    auto r = audit_->List(learner, before, limit);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : std::vector<AuditEntry>{};
  }

  static std::vector<std::string> Requests(const std::vector<AuditEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.request);
    return out;
  }
};

using Strings = std::vector<std::string>;

TEST_F(AuditStoreTest, ListsNewestFirstWithAllFields) {
  AuditEntry first = Entry("/xapi/statements?verb=a", "statements", 3);
  first.method = "HEAD";
  MustAppend(kL1, first);
  MustAppend(kL1, Entry("/xapi/activities/state?x=1", "documents", 1));
  MustAppend(kL1, Entry("/xapi/agents?agent=z", "agents", 2));

  auto list = MustList(kL1);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(Requests(list), (Strings{"/xapi/agents?agent=z", "/xapi/activities/state?x=1",
                                     "/xapi/statements?verb=a"}));
  EXPECT_GT(list[0].seq, list[1].seq);
  EXPECT_GT(list[1].seq, list[2].seq);
  const AuditEntry& e = list[2];
  EXPECT_EQ(e.time, first.time);
  EXPECT_EQ(e.organisation, first.organisation);
  EXPECT_EQ(e.credential_key, "org-key");
  EXPECT_EQ(e.method, "HEAD");
  EXPECT_EQ(e.kind, "statements");
  EXPECT_EQ(e.returned, 3u);
  EXPECT_TRUE(MustList(kL2).empty());
}

TEST_F(AuditStoreTest, PagesWithBefore) {
  for (int i = 0; i < 10; ++i) MustAppend(kL1, Entry("r" + std::to_string(i)));
  auto page1 = MustList(kL1, std::nullopt, 4);
  EXPECT_EQ(Requests(page1), (Strings{"r9", "r8", "r7", "r6"}));
  auto page2 = MustList(kL1, page1.back().seq, 4);
  EXPECT_EQ(Requests(page2), (Strings{"r5", "r4", "r3", "r2"}));
  auto page3 = MustList(kL1, page2.back().seq, 4);
  EXPECT_EQ(Requests(page3), (Strings{"r1", "r0"}));
  EXPECT_TRUE(MustList(kL1, page3.back().seq, 4).empty()) << "before is exclusive";
  EXPECT_EQ(Requests(MustList(kL1, page1[1].seq + 1, 2)), (Strings{"r8", "r7"}));
  EXPECT_TRUE(MustList(kL1, std::nullopt, 0).empty());
  EXPECT_TRUE(MustList(kL1, 0, 10).empty());
}

TEST_F(AuditStoreTest, EntriesOfOneMicrosecondGetDistinctIncreasingSeqs) {
  std::vector<std::pair<std::string, AuditEntry>> batch;
  for (int i = 0; i < 1000; ++i) batch.emplace_back(std::string(kL1), Entry(std::to_string(i)));
  ASSERT_TRUE(audit_->Append(batch).ok());
  auto list = MustList(kL1);
  ASSERT_EQ(list.size(), 1000u);
  for (size_t i = 0; i < list.size(); ++i) {
    EXPECT_EQ(list[i].request, std::to_string(999 - i)) << "append order kept";
    if (i > 0) {
      EXPECT_LT(list[i].seq, list[i - 1].seq);
    }
  }
}

TEST_F(AuditStoreTest, OneAppendForSeveralLearnersKeepsThemApart) {
  ASSERT_TRUE(audit_
                  ->Append({{std::string(kL1), Entry("one")},
                            {std::string(kL2), Entry("two")},
                            {std::string(kL1), Entry("three")}})
                  .ok());
  EXPECT_EQ(Requests(MustList(kL1)), (Strings{"three", "one"}));
  EXPECT_EQ(Requests(MustList(kL2)), (Strings{"two"}));
  EXPECT_TRUE(audit_->Append({}).ok());
}

TEST_F(AuditStoreTest, ReplaceAllKeepsOnlyTheLastEntry) {
  for (int i = 0; i < 5; ++i) MustAppend(kL1, Entry("r" + std::to_string(i)));
  MustAppend(kL2, Entry("other"));
  ASSERT_TRUE(audit_->ReplaceAll(kL1, Entry("DELETE /me", "erasure", 0)).ok());
  auto list = MustList(kL1);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].request, "DELETE /me");
  EXPECT_EQ(list[0].kind, "erasure");
  EXPECT_EQ(CountKeys(keys::AuditPrefix(kL1)), 1u);
  EXPECT_EQ(Requests(MustList(kL2)), (Strings{"other"}));
}

TEST_F(AuditStoreTest, ZeroTimeBecomesNow) {
  Micros before = NowMicros();
  AuditEntry e = Entry("x");
  e.time = 0;
  MustAppend(kL1, e);
  auto list = MustList(kL1);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_GE(list[0].time, before);
}

TEST_F(AuditStoreTest, SeqStaysAboveStoredEntriesAcrossReopening) {
  MustAppend(kL1, Entry("old"));
  // An entry from a clock far ahead (as if the clock was set back since).
  uint64_t future = static_cast<uint64_t>(NowMicros()) + 3'600'000'000ull;
  rocksdb::WriteBatch batch;
  batch.Put(keys::Audit(kL1, future),
            R"({"time":1,"organisation":"operator","credential_key":"k","method":"GET",)"
            R"("request":"future","kind":"statements","returned":1})");
  ASSERT_TRUE(db_->WriteDurable(&batch).ok());
  Reopen();
  MustAppend(kL1, Entry("new"));
  auto list = MustList(kL1);
  EXPECT_EQ(Requests(list), (Strings{"new", "future", "old"}));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_GT(list[0].seq, future);
}

TEST_F(AuditStoreTest, CorruptRecordIsInternal) {
  rocksdb::WriteBatch batch;
  batch.Put(keys::Audit(kL1, 5), "[]");
  ASSERT_TRUE(db_->WriteDurable(&batch).ok());
  EXPECT_TRUE(audit_->List(kL1, std::nullopt, 10).status().Is(Status::Code::kInternal));
}

}  // namespace
}  // namespace lrs::store
