// Erasure against a real RocksDB store: an erasure interrupted after its
// durable marker (a crash) is finished by ResumePending, leaving the
// tombstone and nothing of the record.
#include "lrs/consent/erasure.h"

#include <gtest/gtest.h>

#include "lrs/store/document_store.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::consent {
namespace {

namespace json = boost::json;
using store::test_util::kCompleted;
using store::test_util::kCourse;
using store::test_util::MakeStatement;

TEST(ErasureTest, AnInterruptedErasureIsFinishedByResumePending) {
  store::test_util::TempDir dir("lrs_erasure_test");
  auto db = store::Database::Open({.path = dir.path(), .block_cache_bytes = 8u << 20, .sync_writes = false});
  ASSERT_TRUE(db.ok());
  auto statements = store::RocksStatementStore::Open(db->get());
  ASSERT_TRUE(statements.ok());
  store::PartitionDirectory* partitions = (*statements)->partitions();
  store::AccountStore accounts(db->get(), partitions);
  store::GrantStore grants(db->get());
  store::AuditStore audit(db->get());
  store::CredentialStore credentials(db->get());
  store::DocumentStore documents(db->get(), partitions);
  Erasure erasure({&accounts, &grants, &audit, &credentials, &documents, statements->get(), partitions});

  json::object ada{{"mbox", "mailto:ada@example.org"}};
  auto learner = accounts.CreateLearner("Ada", "ada-key", {ada});
  ASSERT_TRUE(learner.ok());
  Uuid id = RandomUuidV4();
  ASSERT_TRUE((*statements)->Insert({{id, MakeStatement(id, json::serialize(ada), kCompleted, kCourse),
                                      "mbox:mailto:ada@example.org"}}, {}).ok());
  store::DocumentScope scope{store::DocumentKind::kState, "mbox:mailto:ada@example.org", std::string(kCourse),
                             std::nullopt};
  ASSERT_TRUE(documents.Update(scope, "bookmark", [](const auto&) -> Result<std::optional<store::Document>> {
    return std::optional<store::Document>(store::Document{"application/json", "{}", "", 0, "o:lms"});
  }).ok());

  // The crash: the marker is written, nothing else happened.
  ASSERT_TRUE(accounts.BeginErasure(learner->id).ok());
  EXPECT_TRUE((*statements)->Get(id, false).ok());

  ASSERT_TRUE(erasure.ResumePending().ok());
  EXPECT_TRUE((*statements)->Get(id, false).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(documents.Get(scope, "bookmark").status().Is(Status::Code::kNotFound));
  auto tomb = accounts.GetLearner(learner->id);
  ASSERT_TRUE(tomb.ok());
  EXPECT_TRUE(tomb->erased.has_value());
  EXPECT_TRUE(tomb->identities.empty());
  auto pending = accounts.PendingErasures();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  auto entries = audit.List(learner->id, std::nullopt, 10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().kind, "erasure");
  // The identity's name is gone from the directory.
  auto name = partitions->Find("mbox:mailto:ada@example.org");
  ASSERT_TRUE(name.ok());
  EXPECT_FALSE(name->has_value());
}

}  // namespace
}  // namespace lrs::consent
