// PartitionDirectory: numbers are unique and never reused, whether created
// durably at once (FindOrCreate) or staged in a writer's batch (FindOrStage),
// and a staged mapping becomes visible only once its batch commits.
#include "lrs/store/partition_directory.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "lrs/store/keys.h"
#include "tests/common/temp_dir.h"

namespace lrs::store {
namespace {

class PartitionDirectoryTest : public ::testing::Test {
 protected:
  void Open() {
    dir_.reset();
    db_.reset();
    auto db = Database::Open({.path = tmp_.path()});
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    dir_ = std::make_unique<PartitionDirectory>(db_.get());
  }
  void SetUp() override { Open(); }

  test::TempDir tmp_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<PartitionDirectory> dir_;
};

TEST_F(PartitionDirectoryTest, StagedMappingIsInvisibleUntilItsBatchCommits) {
  rocksdb::WriteBatch batch;
  std::vector<std::string> staged;
  auto part = dir_->FindOrStage("mbox:mailto:a@example.org", &batch, &staged);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(staged, std::vector<std::string>{"mbox:mailto:a@example.org"});
  auto before = dir_->Find("mbox:mailto:a@example.org");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  // Staged again (another request of the group): the same number.
  auto again = dir_->FindOrStage("mbox:mailto:a@example.org", &batch, &staged);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *part);

  ASSERT_TRUE(db_->WriteDurable(&batch).ok());
  dir_->Settle(staged, true);
  auto after = dir_->Find("mbox:mailto:a@example.org");
  ASSERT_TRUE(after.ok());
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ(**after, *part);
}

TEST_F(PartitionDirectoryTest, FailedBatchLeavesNothingAndItsNumberIsNotReused) {
  rocksdb::WriteBatch batch;
  std::vector<std::string> staged;
  auto lost = dir_->FindOrStage("mbox:mailto:a@example.org", &batch, &staged);
  ASSERT_TRUE(lost.ok());
  dir_->Settle(staged, false);  // the batch was never written
  auto found = dir_->Find("mbox:mailto:a@example.org");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  auto fresh = dir_->FindOrCreate("mbox:mailto:a@example.org");
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(*fresh, *lost);
}

// Two write groups in flight stage the same new name; the first one's write
// fails. The number stays the second group's, so nobody else is handed
// another number for that name before the second group commits.
TEST_F(PartitionDirectoryTest, FailedBatchDoesNotReleaseANumberALaterBatchStaged) {
  rocksdb::WriteBatch first, second;
  std::vector<std::string> first_staged, second_staged;
  auto a = dir_->FindOrStage("mbox:mailto:a@example.org", &first, &first_staged);
  auto b = dir_->FindOrStage("mbox:mailto:a@example.org", &second, &second_staged);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  dir_->Settle(first_staged, false);
  auto meanwhile = dir_->FindOrCreate("mbox:mailto:a@example.org");
  ASSERT_TRUE(meanwhile.ok());
  EXPECT_EQ(*meanwhile, *b);
  ASSERT_TRUE(db_->WriteDurable(&second).ok());
  dir_->Settle(second_staged, true);
  auto found = dir_->Find("mbox:mailto:a@example.org");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(**found, *b);
}

TEST_F(PartitionDirectoryTest, FindOrCreateOfAStagedNameMakesTheSameNumberDurable) {
  rocksdb::WriteBatch batch;
  std::vector<std::string> staged;
  auto part = dir_->FindOrStage("mbox:mailto:a@example.org", &batch, &staged);
  ASSERT_TRUE(part.ok());
  auto durable = dir_->FindOrCreate("mbox:mailto:a@example.org");
  ASSERT_TRUE(durable.ok());
  EXPECT_EQ(*durable, *part);
  dir_->Settle(staged, false);  // even if the writer's batch then fails
  Open();
  auto found = dir_->Find("mbox:mailto:a@example.org");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, *part);
}

TEST_F(PartitionDirectoryTest, NumbersStayUniqueAcrossRestartsAndThreads) {
  std::set<uint64_t> seen;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::vector<uint64_t>> got(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 300; ++i) {
          std::string name =
              "n" + std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(i);
          auto part = dir_->FindOrCreate(name);
          if (part.ok()) got[t].push_back(*part);
        }
      });
    }
    for (auto& th : threads) th.join();
    for (const auto& g : got) {
      ASSERT_EQ(g.size(), 300u);
      for (uint64_t part : g)
        EXPECT_TRUE(seen.insert(part).second) << "number " << part << " handed out twice";
    }
    Open();  // a restart skips the rest of the reserved block
  }
  auto first = dir_->Find("n0-0-0");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
}

TEST_F(PartitionDirectoryTest, ForgottenNameGetsANewNumber) {
  auto part = dir_->FindOrCreate("mbox:mailto:a@example.org");
  ASSERT_TRUE(part.ok());
  ASSERT_TRUE(dir_->Forget("mbox:mailto:a@example.org").ok());
  auto gone = dir_->Find("mbox:mailto:a@example.org");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto back = dir_->FindOrCreate("mbox:mailto:a@example.org");
  ASSERT_TRUE(back.ok());
  EXPECT_NE(*back, *part);
}

}  // namespace
}  // namespace lrs::store
