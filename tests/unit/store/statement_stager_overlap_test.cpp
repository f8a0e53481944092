// A write group staged while the previous group's batch is still on its way
// into RocksDB (RocksStatementStore overlaps the two) must decide as if that
// batch were there. Driven here without threads: the second stager is built
// on the first before the first batch is written, as the store does.
#include <gtest/gtest.h>

#include "lrs/store/keys.h"
#include "lrs/store/statement_stager.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using namespace test_util;

class StagerOverlapTest : public StoreFixture {
 protected:
  // Whether `batch` deletes `key`.
  static bool Deletes(rocksdb::WriteBatch* batch, const std::string& key) {
    struct Finder : rocksdb::WriteBatch::Handler {
      std::string key;
      bool found = false;
      rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice& k) override {
        found = found || k.ToString() == key;
        return rocksdb::Status::OK();
      }
      rocksdb::Status PutCF(uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override {
        return rocksdb::Status::OK();
      }
    } finder;
    finder.key = key;
    EXPECT_TRUE(batch->Iterate(&finder).ok());
    return finder.found;
  }
};

TEST_F(StagerOverlapTest, VoidingAStatementOfTheGroupInFlightUnindexesItEverywhere) {
  PartitionDirectory* partitions = store_->partitions();
  // Group 1: a statement by an authority this store has never seen, so its
  // authority scope is created (staged) by this group.
  const std::string_view kNewAuthority =
      R"({"objectType":"Agent","mbox":"mailto:new-lms@example.org"})";
  Uuid target = RandomUuidV4();
  json::object first_statement = MakeStatement(target, kAda, kCompleted, kCourse);
  first_statement["authority"] = json::parse(kNewAuthority);
  std::vector<NewStatement> first_group{ToNew(first_statement)};
  auto first = std::make_shared<StatementStager>(db_.get(), partitions, 0, nullptr);
  ASSERT_TRUE(first->StageRequest(first_group, {}).ok());
  rocksdb::WriteBatch* first_batch = first->Finish();

  // Group 2, staged before group 1's batch is written: the same authority
  // voids the statement.
  json::object voiding = MakeVoiding(RandomUuidV4(), target);
  voiding["authority"] = json::parse(kNewAuthority);
  std::vector<NewStatement> second_group{ToNew(voiding)};
  StatementStager second(db_.get(), partitions, first->last_seq(), first);
  auto staged = second.StageRequest(second_group, {});
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  rocksdb::WriteBatch* second_batch = second.Finish();

  // The target's entries go from its partition's scope and from the new
  // authority scope, although that scope's number is not committed yet.
  auto authority_scope = store_->AuthorityScope(*xapi::IfiKey(json::parse(kNewAuthority)));
  ASSERT_TRUE(authority_scope.ok());
  EXPECT_FALSE(authority_scope->has_value()) << "the first group has not committed";
  std::vector<std::string> staged_partitions = first->staged_partitions();
  ASSERT_EQ(staged_partitions.size(), 2u);  // Ada's partition and the authority scope
  auto scope =
      partitions->FindOrStage(keys::AuthorityScopeName(*xapi::IfiKey(json::parse(kNewAuthority))),
                              first_batch, &staged_partitions);
  ASSERT_TRUE(scope.ok());
  uint64_t target_seq = first->last_seq();
  EXPECT_TRUE(Deletes(second_batch, keys::SeqKey(keys::ScopedOrderPrefix(*scope), target_seq)));
  EXPECT_TRUE(Deletes(second_batch, keys::StoredOrder(target_seq)));

  // Written in order, the store then agrees: the target is voided.
  ASSERT_TRUE(db_->WriteDurable(first_batch).ok());
  partitions->Settle(staged_partitions, true);
  ASSERT_TRUE(db_->WriteDurable(second_batch).ok());
  partitions->Settle(second.staged_partitions(), true);
  auto after = store_->AuthorityScope(*xapi::IfiKey(json::parse(kNewAuthority)));
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ(**after, *scope);
}

}  // namespace
}  // namespace lrs::store
