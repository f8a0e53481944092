// The store's side of portability: what an import writes (a statement
// stored already voided, a voiding statement that voids nothing, provenance
// beside a statement, attachments ahead of their statements) and what an
// export reads back (every statement of the partitions in stored order,
// with its void and provenance; attachments once each).
#include <gtest/gtest.h>

#include "lrs/store/statement_store.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using test_util::kAda;
using test_util::kBob;
using test_util::kCompleted;
using test_util::kCourse;
using test_util::MakeStatement;
using test_util::MakeVoiding;
using test_util::ToNew;
namespace json = boost::json;

class StatementExportTest : public test_util::StoreFixture {
 protected:
  std::vector<ExportedStatement> ExportAll(const std::vector<uint64_t>& parts) {
    std::vector<ExportedStatement> out;
    Status s = store_->ExportPartitions(
        parts, [](const AttachmentContent&) { return Status::Ok(); },
        [&](const ExportedStatement& e) {
          out.push_back(e);
          return Status::Ok();
        });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }
  uint64_t PartOf(const Uuid& id) {
    auto found = store_->Find(id);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? (*found)->part : 0;
  }
};

TEST_F(StatementExportTest, ImportedVoidedStatementStaysVoidedAndKeepsProvenance) {
  Uuid id = RandomUuidV4(), voider = RandomUuidV4();
  NewStatement n = ToNew(MakeStatement(id, kAda, kCompleted, kCourse));
  n.voided_by = voider;
  n.provenance = R"([{"store":"A"}])";
  ASSERT_TRUE(store_->Insert({std::move(n)}, {}).ok());
  EXPECT_TRUE(store_->Get(id, /*voided=*/true).ok());
  EXPECT_FALSE(store_->Get(id, /*voided=*/false).ok());
  EXPECT_TRUE(QueryIds({}).empty());
  std::string provenance;
  auto found = store_->Find(id, &provenance);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(provenance, R"([{"store":"A"}])");
  auto exported = ExportAll({(*found)->part});
  ASSERT_EQ(exported.size(), 1u);
  ASSERT_TRUE(exported[0].voided_by.has_value());
  EXPECT_EQ(*exported[0].voided_by, voider);
  EXPECT_EQ(exported[0].provenance, R"([{"store":"A"}])");
}

TEST_F(StatementExportTest, VoidingStatementWithApplyVoidOffVoidsNothing) {
  Uuid target = RandomUuidV4(), voiding = RandomUuidV4();
  InsertOne(MakeStatement(target, kAda, kCompleted, kCourse));
  NewStatement n = ToNew(MakeVoiding(voiding, target));
  n.apply_void = false;
  ASSERT_TRUE(store_->Insert({std::move(n)}, {}).ok());
  EXPECT_TRUE(store_->Get(target, false).ok());
  EXPECT_EQ(QueryIds({}).size(), 2u);
}

TEST_F(StatementExportTest, ExportMergesPartitionsInStoredOrderAndSkipsOthers) {
  Uuid a1 = RandomUuidV4(), b1 = RandomUuidV4(), a2 = RandomUuidV4(), v = RandomUuidV4();
  InsertOne(MakeStatement(a1, kAda, kCompleted, kCourse));
  InsertOne(MakeStatement(b1, kBob, kCompleted, kCourse));
  InsertOne(MakeStatement(a2, kAda, kCompleted, kCourse));
  InsertOne(MakeVoiding(v, a1));  // ada voids her own a1
  auto exported = ExportAll({PartOf(a1)});
  ASSERT_EQ(exported.size(), 3u);
  std::vector<std::string> ids;
  for (const auto& e : exported)
    ids.push_back(std::string(json::parse(e.json).at("id").as_string()));
  EXPECT_EQ(ids, (std::vector<std::string>{FormatUuid(a1), FormatUuid(a2), FormatUuid(v)}));
  EXPECT_LT(exported[0].seq, exported[1].seq);
  ASSERT_TRUE(exported[0].voided_by.has_value());
  EXPECT_EQ(*exported[0].voided_by, v);
  EXPECT_FALSE(exported[2].voided_by.has_value());  // a voiding statement is never voided
  EXPECT_EQ(ExportAll({PartOf(a1), PartOf(b1)}).size(), 4u);
}

TEST_F(StatementExportTest, AttachmentsPutAheadAreExportedOncePerContent) {
  std::string sha = Sha256Hex("certificate");
  ASSERT_TRUE(store_->PutAttachment("mbox:mailto:ada@example.org", {sha, "certificate"}).ok());
  Uuid a = RandomUuidV4();
  json::object s = MakeStatement(a, kAda, kCompleted, kCourse);
  InsertOne(s);
  auto got = store_->GetAttachment(PartOf(a), sha);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, "certificate");
  std::vector<std::string> seen;
  Status exported = store_->ExportPartitions(
      {PartOf(a), PartOf(a)},
      [&](const AttachmentContent& c) {
        seen.push_back(c.sha2 + "=" + c.content);
        return Status::Ok();
      },
      [](const ExportedStatement&) { return Status::Ok(); });
  ASSERT_TRUE(exported.ok()) << exported.message();
  EXPECT_EQ(seen, (std::vector<std::string>{sha + "=certificate"}));
  EXPECT_FALSE(store_->PutAttachment("x", {"not-hex", "y"}).ok());
}

TEST_F(StatementExportTest, ErasureTakesProvenanceWithTheStatement) {
  Uuid id = RandomUuidV4();
  NewStatement n = ToNew(MakeStatement(id, kAda, kCompleted, kCourse));
  n.provenance = R"([{"store":"A"}])";
  ASSERT_TRUE(store_->Insert({std::move(n)}, {}).ok());
  uint64_t part = PartOf(id);
  ASSERT_TRUE(store_->ErasePartitions({part}).ok());
  auto found = store_->Find(id);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  auto raw = db_->Get(std::string(1, 'p') + UuidBytes(id));
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE(raw->has_value());
}

}  // namespace
}  // namespace lrs::store
