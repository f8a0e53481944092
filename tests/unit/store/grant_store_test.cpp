// GrantStore against a real RocksDB: create, get and list order,
// replacement, revocation (idempotent) and the grantee index behind
// ForOrganisation, erasure of a learner's grants, and durability.
#include "lrs/store/grant_store.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lrs/store/keys.h"
#include "tests/unit/store/consent_store_test_util.h"

namespace lrs::store {
namespace {

using test_util::ConsentStoreFixture;

constexpr std::string_view kL1 = "11111111-1111-4111-8111-111111111111";
constexpr std::string_view kL2 = "22222222-2222-4222-8222-222222222222";
constexpr std::string_view kL3 = "33333333-3333-4333-8333-333333333333";
constexpr std::string_view kOrgA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
constexpr std::string_view kOrgB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

StoredGrant Make(std::string id, std::string_view learner, std::string_view org, Micros created,
                 std::optional<Micros> expires = std::nullopt) {
  StoredGrant g;
  g.id = std::move(id);
  g.learner = std::string(learner);
  g.organisation = std::string(org);
  g.body = R"({"organisation":")" + g.organisation + R"(","purpose":"test )" + g.id + R"("})";
  g.created = created;
  g.expires = expires;
  return g;
}

class GrantStoreTest : public ConsentStoreFixture {
 protected:
  void MustCreate(const StoredGrant& g, std::optional<std::string> replaces = std::nullopt) {
    Status s = grants_->Create(g, replaces);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  std::vector<std::string> ListIds(std::string_view learner) {
    auto list = grants_->ListForLearner(learner);
    EXPECT_TRUE(list.ok()) << list.status().message();
    std::vector<std::string> ids;
    if (list.ok()) {
      for (const auto& g : *list) ids.push_back(g.id);
    }
    return ids;
  }

  // learner -> ids of its listed grants, for ForOrganisation(org).
  std::map<std::string, std::vector<std::string>> Grantees(std::string_view org) {
    auto r = grants_->ForOrganisation(org);
    EXPECT_TRUE(r.ok()) << r.status().message();
    std::map<std::string, std::vector<std::string>> out;
    if (!r.ok()) return out;
    for (const auto& lg : *r) {
      auto& ids = out[lg.learner];
      for (const auto& g : lg.grants) {
        EXPECT_EQ(g.learner, lg.learner);
        EXPECT_EQ(g.organisation, org);
        ids.push_back(g.id);
      }
    }
    return out;
  }

  bool IndexHas(std::string_view org, std::string_view learner) {
    auto v = db_->Get(keys::Grantee(org, learner));
    EXPECT_TRUE(v.ok());
    return v.ok() && v->has_value();
  }

  StoredGrant MustGet(std::string_view learner, std::string_view id) {
    auto g = grants_->Get(learner, id);
    EXPECT_TRUE(g.ok()) << g.status().message();
    return g.ok() ? *g : StoredGrant{};
  }
};

using Ids = std::vector<std::string>;

TEST_F(GrantStoreTest, CreateGetAndListNewestFirst) {
  MustCreate(Make("g-old", kL1, kOrgA, 100, 5000));
  MustCreate(Make("g-new", kL1, kOrgB, 300));
  MustCreate(Make("g-mid", kL1, kOrgA, 200));
  MustCreate(Make("g-mid2", kL1, kOrgA, 200));
  MustCreate(Make("g-other", kL2, kOrgA, 400));

  EXPECT_EQ(ListIds(kL1), (Ids{"g-new", "g-mid2", "g-mid", "g-old"}));
  EXPECT_EQ(ListIds(kL2), (Ids{"g-other"}));
  EXPECT_TRUE(ListIds(kL3).empty());

  StoredGrant g = MustGet(kL1, "g-old");
  EXPECT_EQ(g.id, "g-old");
  EXPECT_EQ(g.learner, kL1);
  EXPECT_EQ(g.organisation, kOrgA);
  EXPECT_EQ(g.body, Make("g-old", kL1, kOrgA, 100).body);
  EXPECT_EQ(g.created, 100);
  EXPECT_EQ(g.expires, 5000);
  EXPECT_FALSE(g.revoked.has_value());
  EXPECT_FALSE(g.replaced_by.has_value());
  EXPECT_TRUE(g.LiveAt(4999));
  EXPECT_FALSE(g.LiveAt(5000));

  EXPECT_TRUE(grants_->Get(kL1, "nope").status().Is(Status::Code::kNotFound));
  EXPECT_TRUE(grants_->Get(kL2, "g-old").status().Is(Status::Code::kNotFound))
      << "another learner's grant";
  EXPECT_TRUE(
      grants_->Create(Make("g-old", kL1, kOrgB, 900), std::nullopt).Is(Status::Code::kConflict));
  EXPECT_EQ(MustGet(kL1, "g-old").organisation, kOrgA);
}

TEST_F(GrantStoreTest, ReplaceMarksTheOldGrant) {
  MustCreate(Make("g1", kL1, kOrgA, 100));
  MustCreate(Make("g2", kL1, kOrgA, 250), "g1");

  StoredGrant old = MustGet(kL1, "g1");
  EXPECT_EQ(old.revoked, 250);
  EXPECT_EQ(old.replaced_by, "g2");
  EXPECT_FALSE(old.LiveAt(200));
  EXPECT_FALSE(MustGet(kL1, "g2").revoked.has_value());
  EXPECT_EQ(Grantees(kOrgA), (std::map<std::string, Ids>{{std::string(kL1), {"g2"}}}));
  EXPECT_EQ(ListIds(kL1), (Ids{"g2", "g1"})) << "replaced grants stay listed";

  // Replacing what does not exist writes nothing.
  Status missing = grants_->Create(Make("g3", kL1, kOrgB, 300), "nope");
  EXPECT_TRUE(missing.Is(Status::Code::kNotFound)) << missing.message();
  EXPECT_TRUE(grants_->Get(kL1, "g3").status().Is(Status::Code::kNotFound));
  EXPECT_FALSE(IndexHas(kOrgB, kL1));

  // A grant is replaced once.
  Status twice = grants_->Create(Make("g4", kL1, kOrgA, 400), "g1");
  EXPECT_TRUE(twice.Is(Status::Code::kConflict)) << twice.message();
  EXPECT_EQ(MustGet(kL1, "g1").replaced_by, "g2");
}

TEST_F(GrantStoreTest, ReplacingWithAnotherOrganisationMovesTheIndex) {
  MustCreate(Make("g1", kL1, kOrgA, 100));
  MustCreate(Make("g2", kL1, kOrgB, 200), "g1");
  EXPECT_FALSE(IndexHas(kOrgA, kL1));
  EXPECT_TRUE(Grantees(kOrgA).empty());
  EXPECT_EQ(Grantees(kOrgB), (std::map<std::string, Ids>{{std::string(kL1), {"g2"}}}));

  // With another live grant to the old organisation, the learner stays there.
  MustCreate(Make("g3", kL2, kOrgA, 300));
  MustCreate(Make("g4", kL2, kOrgA, 310));
  MustCreate(Make("g5", kL2, kOrgB, 320), "g3");
  EXPECT_EQ(Grantees(kOrgA), (std::map<std::string, Ids>{{std::string(kL2), {"g4"}}}));
  EXPECT_EQ(Grantees(kOrgB).size(), 2u);
}

TEST_F(GrantStoreTest, RevokeIsIdempotentAndMaintainsTheIndex) {
  MustCreate(Make("a1", kL1, kOrgA, 100));
  MustCreate(Make("a2", kL1, kOrgA, 200));
  MustCreate(Make("b1", kL2, kOrgA, 300, 400));  // expired grants are still listed
  MustCreate(Make("c1", kL3, kOrgB, 300));
  EXPECT_EQ(Grantees(kOrgA), (std::map<std::string, Ids>{{std::string(kL1), {"a2", "a1"}},
                                                         {std::string(kL2), {"b1"}}}));

  ASSERT_TRUE(grants_->Revoke(kL1, "a1", 1000).ok());
  EXPECT_EQ(MustGet(kL1, "a1").revoked, 1000);
  EXPECT_EQ(Grantees(kOrgA),
            (std::map<std::string, Ids>{{std::string(kL1), {"a2"}}, {std::string(kL2), {"b1"}}}));
  ASSERT_TRUE(grants_->Revoke(kL1, "a1", 2000).ok());
  EXPECT_EQ(MustGet(kL1, "a1").revoked, 1000) << "keeps the first time";
  EXPECT_TRUE(IndexHas(kOrgA, kL1));

  ASSERT_TRUE(grants_->Revoke(kL1, "a2", 3000).ok());
  EXPECT_FALSE(IndexHas(kOrgA, kL1));
  EXPECT_EQ(Grantees(kOrgA), (std::map<std::string, Ids>{{std::string(kL2), {"b1"}}}));
  auto between = grants_->Between(kL1, kOrgA);
  ASSERT_TRUE(between.ok());
  EXPECT_TRUE(between->empty());
  EXPECT_EQ(ListIds(kL1), (Ids{"a2", "a1"})) << "revoked grants stay listed";
  EXPECT_EQ(Grantees(kOrgB).size(), 1u);

  EXPECT_TRUE(grants_->Revoke(kL1, "nope", 1).Is(Status::Code::kNotFound));
  EXPECT_TRUE(grants_->Revoke(kL2, "a1", 1).Is(Status::Code::kNotFound));
}

TEST_F(GrantStoreTest, BetweenListsOnlyLiveRecordsOfOneOrganisation) {
  MustCreate(Make("a1", kL1, kOrgA, 100));
  MustCreate(Make("b1", kL1, kOrgB, 150));
  MustCreate(Make("a2", kL1, kOrgA, 200));
  ASSERT_TRUE(grants_->Revoke(kL1, "a1", 500).ok());
  auto between = grants_->Between(kL1, kOrgA);
  ASSERT_TRUE(between.ok());
  ASSERT_EQ(between->size(), 1u);
  EXPECT_EQ((*between)[0].id, "a2");
}

TEST_F(GrantStoreTest, EraseLearnerRemovesItsGrantsAndIndexEntries) {
  MustCreate(Make("a1", kL1, kOrgA, 100));
  MustCreate(Make("b1", kL1, kOrgB, 200));
  MustCreate(Make("a2", kL2, kOrgA, 300));
  ASSERT_TRUE(grants_->EraseLearner(kL1).ok());

  EXPECT_TRUE(ListIds(kL1).empty());
  EXPECT_EQ(CountKeys(keys::Grant(kL1, "")), 0u);
  EXPECT_FALSE(IndexHas(kOrgA, kL1));
  EXPECT_FALSE(IndexHas(kOrgB, kL1));
  EXPECT_EQ(Grantees(kOrgA), (std::map<std::string, Ids>{{std::string(kL2), {"a2"}}}));
  EXPECT_TRUE(Grantees(kOrgB).empty());
  EXPECT_EQ(ListIds(kL2), (Ids{"a2"}));
  EXPECT_TRUE(grants_->EraseLearner(kL3).ok()) << "nothing to erase is fine";
}

TEST_F(GrantStoreTest, GrantsSurviveReopening) {
  MustCreate(Make("a1", kL1, kOrgA, 100, 900));
  MustCreate(Make("a2", kL1, kOrgA, 200), "a1");
  Reopen();
  EXPECT_EQ(ListIds(kL1), (Ids{"a2", "a1"}));
  EXPECT_EQ(MustGet(kL1, "a1").replaced_by, "a2");
  EXPECT_EQ(MustGet(kL1, "a1").expires, 900);
  EXPECT_EQ(Grantees(kOrgA), (std::map<std::string, Ids>{{std::string(kL1), {"a2"}}}));
}

TEST_F(GrantStoreTest, CorruptRecordIsInternal) {
  rocksdb::WriteBatch batch;
  batch.Put(keys::Grant(kL1, "bad"), R"({"id":"bad","learner":5})");
  ASSERT_TRUE(db_->WriteDurable(&batch).ok());
  EXPECT_TRUE(grants_->Get(kL1, "bad").status().Is(Status::Code::kInternal));
  EXPECT_TRUE(grants_->ListForLearner(kL1).status().Is(Status::Code::kInternal));
}

}  // namespace
}  // namespace lrs::store
