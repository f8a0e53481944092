// AccountStore against a real RocksDB: organisations, learners and the
// partitions their identities own, identity conflicts (also between two
// threads), durability across reopening, and the erasure bookkeeping.
#include "lrs/store/account_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"
#include "tests/unit/store/consent_store_test_util.h"

namespace lrs::store {
namespace {

namespace json = boost::json;
using test_util::ConsentStoreFixture;
using test_util::kAda;
using test_util::kBob;
using test_util::kCarol;

constexpr std::string_view kAdaKey = "mbox:mailto:ada@example.org";
constexpr std::string_view kBobKey = "mbox:mailto:bob@example.org";
constexpr std::string_view kCarolKey = "mbox:mailto:carol@example.org";

json::object Agent(std::string_view text) { return json::parse(text).as_object(); }

class AccountStoreTest : public ConsentStoreFixture {
 protected:
  Learner MustCreate(std::string name, std::vector<std::string_view> agents) {
    std::vector<json::object> ids;
    for (auto a : agents) ids.push_back(Agent(a));
    auto l = accounts_->CreateLearner(std::move(name), "cred-" + std::to_string(++creds_), ids);
    EXPECT_TRUE(l.ok()) << l.status().message();
    return l.ok() ? *l : Learner{};
  }

  std::optional<std::string> Owner(uint64_t part) {
    auto o = accounts_->OwnerOf(part);
    EXPECT_TRUE(o.ok()) << o.status().message();
    return o.ok() ? *o : std::nullopt;
  }

  std::optional<std::string> LearnerOf(std::string_view ifi_key) {
    auto o = accounts_->LearnerOfIdentity(ifi_key);
    EXPECT_TRUE(o.ok()) << o.status().message();
    return o.ok() ? *o : std::nullopt;
  }

  std::optional<uint64_t> PartitionOf(std::string_view ifi_key) {
    auto p = partitions_->Find(ifi_key);
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : std::nullopt;
  }

  int creds_ = 0;
};

TEST_F(AccountStoreTest, OrganisationsCreateGetList) {
  auto a = accounts_->CreateOrganisation("Acme Training");
  auto b = accounts_->CreateOrganisation("Analytics Ltd");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(ParseUuid(a->id).has_value()) << a->id;
  EXPECT_NE(a->id, b->id);
  EXPECT_GT(a->created, 0);

  auto got = accounts_->GetOrganisation(a->id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->name, "Acme Training");
  EXPECT_EQ(got->created, a->created);

  auto list = accounts_->ListOrganisations();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  std::set<std::string> names{(*list)[0].name, (*list)[1].name};
  EXPECT_EQ(names, (std::set<std::string>{"Acme Training", "Analytics Ltd"}));
  EXPECT_LT((*list)[0].id, (*list)[1].id) << "id order";

  auto missing = accounts_->GetOrganisation(FormatUuid(RandomUuidV4()));
  EXPECT_TRUE(missing.status().Is(Status::Code::kNotFound));
}

TEST_F(AccountStoreTest, LearnerOwnsThePartitionsOfItsIdentities) {
  Learner l = MustCreate("Ada", {kAda, kBob});
  EXPECT_TRUE(ParseUuid(l.id).has_value());
  ASSERT_EQ(l.identities.size(), 2u);
  EXPECT_EQ(l.identities[0].ifi_key, kAdaKey);
  EXPECT_EQ(l.identities[1].ifi_key, kBobKey);
  EXPECT_NE(l.identities[0].partition, l.identities[1].partition);
  for (const auto& i : l.identities) {
    EXPECT_EQ(PartitionOf(i.ifi_key), i.partition);
    EXPECT_EQ(Owner(i.partition), l.id);
  }
  EXPECT_EQ(LearnerOf(kAdaKey), l.id);
  EXPECT_EQ(LearnerOf(kBobKey), l.id);
  EXPECT_EQ(LearnerOf(kCarolKey), std::nullopt);
  EXPECT_EQ(Owner(l.identities[1].partition + 1000), std::nullopt);

  auto got = accounts_->GetLearner(l.id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->name, "Ada");
  EXPECT_EQ(got->credential_key, l.credential_key);
  EXPECT_EQ(got->created, l.created);
  ASSERT_EQ(got->identities.size(), 2u);
  EXPECT_EQ(got->identities[0].agent, Agent(kAda));
  EXPECT_EQ(got->identities[1].partition, l.identities[1].partition);
  EXPECT_FALSE(got->erased.has_value());
  EXPECT_FALSE(got->erasing);

  EXPECT_TRUE(accounts_->GetLearner("no-such-learner").status().Is(Status::Code::kNotFound));
}

TEST_F(AccountStoreTest, DuplicateIdentitiesAreLinkedOnce) {
  Learner l = MustCreate("Ada", {kAda, kAda});
  ASSERT_EQ(l.identities.size(), 1u);
  EXPECT_EQ(LearnerOf(kAdaKey), l.id);
}

TEST_F(AccountStoreTest, ClaimingAHeldIdentityConflictsAndWritesNothing) {
  Learner first = MustCreate("Ada", {kAda});
  auto second = accounts_->CreateLearner("Impostor", "cred-x", {Agent(kCarol), Agent(kAda)});
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(second.status().Is(Status::Code::kConflict));
  EXPECT_EQ(second.status().message(), "identities[1]: already held by another learner");

  EXPECT_EQ(CountKeys(keys::Learner("")), 1u) << "the second learner must not exist";
  EXPECT_EQ(LearnerOf(kAdaKey), first.id);
  EXPECT_EQ(LearnerOf(kCarolKey), std::nullopt);
  EXPECT_EQ(PartitionOf(kCarolKey), std::nullopt) << "no partition allocated on conflict";
}

TEST_F(AccountStoreTest, IdentityWithoutIfiIsInvalid) {
  auto l = accounts_->CreateLearner("Nobody", "c", {json::object{{"objectType", "Agent"}}});
  EXPECT_TRUE(l.status().Is(Status::Code::kInvalidArgument)) << l.status().message();
  EXPECT_EQ(CountKeys(keys::Learner("")), 0u);
}

TEST_F(AccountStoreTest, LinkIdentityIsIdempotentAndConflictsForOthers) {
  Learner ada = MustCreate("Ada", {kAda});
  Learner carol = MustCreate("Carol", {kCarol});

  auto linked = accounts_->LinkIdentity(ada.id, Agent(kBob));
  ASSERT_TRUE(linked.ok()) << linked.status().message();
  ASSERT_EQ(linked->identities.size(), 2u);
  EXPECT_EQ(LearnerOf(kBobKey), ada.id);
  EXPECT_EQ(Owner(linked->identities[1].partition), ada.id);

  auto again = accounts_->LinkIdentity(ada.id, Agent(kBob));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->identities.size(), 2u);
  auto stored = accounts_->GetLearner(ada.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->identities.size(), 2u);

  auto stolen = accounts_->LinkIdentity(carol.id, Agent(kBob));
  ASSERT_FALSE(stolen.ok());
  EXPECT_TRUE(stolen.status().Is(Status::Code::kConflict));
  EXPECT_EQ(stolen.status().message(), "identity: already held by another learner");
  EXPECT_EQ(LearnerOf(kBobKey), ada.id);
  auto carol_now = accounts_->GetLearner(carol.id);
  ASSERT_TRUE(carol_now.ok());
  EXPECT_EQ(carol_now->identities.size(), 1u);

  auto unknown = accounts_->LinkIdentity(FormatUuid(RandomUuidV4()), Agent(kBob));
  EXPECT_TRUE(unknown.status().Is(Status::Code::kNotFound));
}

TEST_F(AccountStoreTest, LinkingHandsOverTheExistingPartition) {
  // Statements stored for Bob before any learner claimed him.
  auto part = partitions_->FindOrCreate(kBobKey);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(Owner(*part), std::nullopt);
  Learner ada = MustCreate("Ada", {kAda});
  auto linked = accounts_->LinkIdentity(ada.id, Agent(kBob));
  ASSERT_TRUE(linked.ok());
  EXPECT_EQ(linked->identities[1].partition, *part);
  EXPECT_EQ(Owner(*part), ada.id);
}

TEST_F(AccountStoreTest, ConcurrentLinksOfOneIdentityHaveOneWinner) {
  for (int round = 0; round < 20; ++round) {
    Learner a = MustCreate("A", {});
    Learner b = MustCreate("B", {});
    std::string mbox = "mailto:shared" + std::to_string(round) + "@example.org";
    json::object agent{{"objectType", "Agent"}, {"mbox", mbox}};
    std::latch start(2);
    Result<Learner> ra = Status::Internal("not run"), rb = Status::Internal("not run");
    std::thread ta([&] {
      start.arrive_and_wait();
      ra = accounts_->LinkIdentity(a.id, agent);
    });
    std::thread tb([&] {
      start.arrive_and_wait();
      rb = accounts_->LinkIdentity(b.id, agent);
    });
    ta.join();
    tb.join();
    ASSERT_NE(ra.ok(), rb.ok()) << "round " << round << ": exactly one must win";
    const Result<Learner>& loser = ra.ok() ? rb : ra;
    EXPECT_TRUE(loser.status().Is(Status::Code::kConflict)) << loser.status().message();
    EXPECT_EQ(LearnerOf("mbox:" + mbox), ra.ok() ? a.id : b.id);
  }
}

TEST_F(AccountStoreTest, RecordsSurviveReopening) {
  auto org = accounts_->CreateOrganisation("Acme");
  ASSERT_TRUE(org.ok());
  Learner ada = MustCreate("Ada", {kAda, kBob});
  Reopen();
  auto got_org = accounts_->GetOrganisation(org->id);
  ASSERT_TRUE(got_org.ok()) << got_org.status().message();
  EXPECT_EQ(got_org->name, "Acme");
  auto got = accounts_->GetLearner(ada.id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got->identities.size(), 2u);
  EXPECT_EQ(Owner(ada.identities[0].partition), ada.id);
  EXPECT_EQ(LearnerOf(kBobKey), ada.id);
}

TEST_F(AccountStoreTest, BeginErasureCutsTheLearnerOffAndIsPending) {
  Learner ada = MustCreate("Ada", {kAda, kBob});
  auto begun = accounts_->BeginErasure(ada.id);
  ASSERT_TRUE(begun.ok()) << begun.status().message();
  EXPECT_TRUE(begun->erasing);
  EXPECT_EQ(begun->identities.size(), 2u) << "the erasure needs the partitions";

  EXPECT_EQ(Owner(ada.identities[0].partition), std::nullopt);
  EXPECT_EQ(Owner(ada.identities[1].partition), std::nullopt);
  EXPECT_EQ(LearnerOf(kAdaKey), std::nullopt);
  EXPECT_EQ(LearnerOf(kBobKey), std::nullopt);

  // The identities stay held until the erasure has emptied their partitions.
  auto claim = accounts_->CreateLearner("Other", "c", {Agent(kAda)});
  EXPECT_TRUE(claim.status().Is(Status::Code::kConflict)) << claim.status().message();
  auto link = accounts_->LinkIdentity(ada.id, Agent(kCarol));
  EXPECT_TRUE(link.status().Is(Status::Code::kNotFound)) << link.status().message();

  Reopen();  // as after a crash
  auto pending = accounts_->PendingErasures();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, ada.id);
  EXPECT_EQ((*pending)[0].identities.size(), 2u);
  auto resumed = accounts_->BeginErasure(ada.id);
  ASSERT_TRUE(resumed.ok());
  EXPECT_TRUE(resumed->erasing);
}

TEST_F(AccountStoreTest, FinishErasureLeavesATombstone) {
  Learner ada = MustCreate("Ada", {kAda});
  Learner bob = MustCreate("Bob", {kBob});
  ASSERT_TRUE(accounts_->BeginErasure(ada.id).ok());
  ASSERT_TRUE(accounts_->FinishErasure(ada.id, 5, 2).ok());

  auto t = accounts_->GetLearner(ada.id);
  ASSERT_TRUE(t.ok()) << t.status().message();
  ASSERT_TRUE(t->erased.has_value());
  EXPECT_GE(*t->erased, ada.created);
  EXPECT_EQ(t->erased_statements, 5u);
  EXPECT_EQ(t->erased_documents, 2u);
  EXPECT_FALSE(t->erasing);
  EXPECT_TRUE(t->name.empty());
  EXPECT_TRUE(t->credential_key.empty());
  EXPECT_TRUE(t->identities.empty());

  auto pending = accounts_->PendingErasures();
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  EXPECT_TRUE(accounts_->BeginErasure(ada.id).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(accounts_->LinkIdentity(ada.id, Agent(kCarol)).status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(accounts_->FinishErasure(ada.id, 9, 9).ok());  // idempotent
  EXPECT_EQ(accounts_->GetLearner(ada.id)->erased_statements, 5u);
  EXPECT_EQ(LearnerOf(kBobKey), bob.id) << "other learners are untouched";

  // The identity is free again: a new learner gets the (emptied) partition.
  Learner again = MustCreate("Ada again", {kAda});
  EXPECT_EQ(again.identities[0].partition, ada.identities[0].partition);
  EXPECT_EQ(LearnerOf(kAdaKey), again.id);
}

TEST_F(AccountStoreTest, CorruptRecordIsInternal) {
  rocksdb::WriteBatch batch;
  batch.Put(keys::Learner("broken"), "{not json");
  batch.Put(keys::Organisation("broken"), R"({"id":"broken","name":7,"created":1})");
  ASSERT_TRUE(db_->WriteDurable(&batch).ok());
  EXPECT_TRUE(accounts_->GetLearner("broken").status().Is(Status::Code::kInternal));
  EXPECT_TRUE(accounts_->PendingErasures().status().Is(Status::Code::kInternal));
  EXPECT_TRUE(accounts_->GetOrganisation("broken").status().Is(Status::Code::kInternal));
}

}  // namespace
}  // namespace lrs::store
