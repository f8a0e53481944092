#include "lrs/store/grant_store.h"

#include <algorithm>
#include <boost/json.hpp>

#include "lrs/store/keys.h"
#include "lrs/store/records.h"

namespace lrs::store {

namespace json = boost::json;

namespace {

std::string GrantJson(const StoredGrant& g) {
  return json::serialize(json::object{{"id", g.id},
                                      {"learner", g.learner},
                                      {"organisation", g.organisation},
                                      {"body", g.body},
                                      {"created", g.created},
                                      {"expires", records::OrNull(g.expires)},
                                      {"revoked", records::OrNull(g.revoked)},
                                      {"replaced_by", records::OrNull(g.replaced_by)}});
}

Result<StoredGrant> ParseGrant(std::string_view text) {
  auto o = records::Parse(text, "grant");
  if (!o.ok()) return o.status();
  records::Reader r(*o);
  StoredGrant g{.id = r.String("id"),
                .learner = r.String("learner"),
                .organisation = r.String("organisation"),
                .body = r.String("body"),
                .created = r.Int("created"),
                .expires = r.OptionalInt("expires"),
                .revoked = r.OptionalInt("revoked"),
                .replaced_by = r.OptionalString("replaced_by")};
  if (!r.ok()) return Status::Internal("corrupt grant record");
  return g;
}

// Newest first: created descending, then id descending.
void SortNewestFirst(std::vector<StoredGrant>* grants) {
  std::sort(grants->begin(), grants->end(), [](const StoredGrant& a, const StoredGrant& b) {
    if (a.created != b.created) return a.created > b.created;
    return a.id > b.id;
  });
}

// True when `grants` holds a not-revoked grant to `org` other than `except`.
bool OthersTo(const std::vector<StoredGrant>& grants, std::string_view org,
              std::string_view except) {
  return std::any_of(grants.begin(), grants.end(), [&](const StoredGrant& g) {
    return g.organisation == org && g.id != except && !g.revoked;
  });
}

}  // namespace

Result<std::vector<StoredGrant>> GrantStore::Load(std::string_view learner) {
  auto rows = records::ReadPrefix(db_, keys::Grant(learner, ""));
  if (!rows.ok()) return rows.status();
  std::vector<StoredGrant> out;
  for (const auto& [key, value] : *rows) {
    auto g = ParseGrant(value);
    if (!g.ok()) return g.status();
    out.push_back(std::move(*g));
  }
  return out;
}

Status GrantStore::Create(const StoredGrant& grant, const std::optional<std::string>& replaces) {
  if (grant.id.empty() || grant.learner.empty() || grant.organisation.empty()) {
    return Status::InvalidArgument("grant: id, learner and organisation are required");
  }
  StoredGrant g = grant;
  g.revoked.reset();
  g.replaced_by.reset();
  std::lock_guard lock(mu_);
  auto existing = Load(g.learner);
  if (!existing.ok()) return existing.status();
  auto by_id = [&](std::string_view id) {
    return std::find_if(existing->begin(), existing->end(),
                        [&](const StoredGrant& e) { return e.id == id; });
  };
  if (by_id(g.id) != existing->end()) return Status::Conflict("grant: id already exists");
  rocksdb::WriteBatch batch;
  if (replaces) {
    auto old = by_id(*replaces);
    if (old == existing->end()) return Status::NotFound("replaces: no such grant");
    if (old->revoked) return Status::Conflict("replaces: grant already revoked or replaced");
    old->revoked = g.created;
    old->replaced_by = g.id;
    batch.Put(keys::Grant(old->learner, old->id), GrantJson(*old));
    if (old->organisation != g.organisation && !OthersTo(*existing, old->organisation, old->id)) {
      batch.Delete(keys::Grantee(old->organisation, old->learner));
    }
  }
  batch.Put(keys::Grant(g.learner, g.id), GrantJson(g));
  batch.Put(keys::Grantee(g.organisation, g.learner), "");
  return Commit(&batch);
}

Result<StoredGrant> GrantStore::Get(std::string_view learner, std::string_view grant_id) {
  auto v = db_->Get(keys::Grant(learner, grant_id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("grant: not found");
  return ParseGrant(**v);
}

Result<std::vector<StoredGrant>> GrantStore::ListForLearner(std::string_view learner) {
  auto grants = Load(learner);
  if (grants.ok()) SortNewestFirst(&*grants);
  return grants;
}

Status GrantStore::Revoke(std::string_view learner, std::string_view grant_id, Micros now) {
  std::lock_guard lock(mu_);
  auto grants = Load(learner);
  if (!grants.ok()) return grants.status();
  auto g = std::find_if(grants->begin(), grants->end(),
                        [&](const StoredGrant& e) { return e.id == grant_id; });
  if (g == grants->end()) return Status::NotFound("grant: not found");
  if (g->revoked) return Status::Ok();  // keeps the first time
  g->revoked = now;
  rocksdb::WriteBatch batch;
  batch.Put(keys::Grant(learner, g->id), GrantJson(*g));
  if (!OthersTo(*grants, g->organisation, g->id)) {
    batch.Delete(keys::Grantee(g->organisation, learner));
  }
  return Commit(&batch);
}

Result<std::vector<GrantStore::LearnerGrants>> GrantStore::ForOrganisation(
    std::string_view organisation) {
  std::string prefix = keys::Grantee(organisation, "");
  auto rows = records::ReadPrefix(db_, prefix);
  if (!rows.ok()) return rows.status();
  std::vector<LearnerGrants> out;
  for (const auto& [key, value] : *rows) {
    std::string learner = key.substr(prefix.size());
    auto grants = Between(learner, organisation);
    if (!grants.ok()) return grants.status();
    if (grants->empty()) continue;  // revoked since the index was read
    out.push_back(LearnerGrants{.learner = std::move(learner), .grants = std::move(*grants)});
  }
  return out;
}

Result<std::vector<StoredGrant>> GrantStore::Between(std::string_view learner,
                                                     std::string_view organisation) {
  auto grants = ListForLearner(learner);
  if (!grants.ok()) return grants;
  std::erase_if(*grants, [&](const StoredGrant& g) {
    return g.organisation != organisation || g.revoked.has_value();
  });
  return grants;
}

Status GrantStore::EraseLearner(std::string_view learner) {
  std::lock_guard lock(mu_);
  auto grants = Load(learner);
  if (!grants.ok()) return grants.status();
  rocksdb::WriteBatch batch;
  for (const auto& g : *grants) {
    batch.Delete(keys::Grant(learner, g.id));
    batch.Delete(keys::Grantee(g.organisation, learner));
  }
  return Commit(&batch);
}

Status GrantStore::Commit(rocksdb::WriteBatch* batch) {
  Status s = db_->WriteDurable(batch);
  // Counted even when the write failed: a reader must not keep trusting
  // what it read before an attempt whose outcome on disk is unknown.
  generation_.fetch_add(1, std::memory_order_release);
  return s;
}

}  // namespace lrs::store
