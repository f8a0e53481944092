#include "lrs/consent/read_rule.h"

#include <limits>

#include "lrs/base/json.h"
#include "lrs/store/keys.h"
#include "lrs/xapi/agent.h"

namespace lrs::consent {

namespace json = boost::json;

namespace {

// Organisations whose grants are kept at once (the cache is dropped whole
// beyond that; there are seldom this many readers).
constexpr size_t kMaxCachedOrganisations = 1024;

bool HasAny(const store::Credential& c, std::initializer_list<std::string_view> scopes) {
  for (auto s : scopes) {
    if (c.HasScope(s)) return true;
  }
  return false;
}

json::value AccountAgent(std::string_view home_page, std::string_view name,
                         std::string_view display) {
  json::object agent{{"objectType", "Agent"},
                     {"account", json::object{{"homePage", home_page}, {"name", name}}}};
  if (!display.empty()) agent["name"] = display;
  return agent;
}

// The partitions a learner's identities hold (none once erasure began).
std::vector<uint64_t> PartitionsOf(const store::Learner& learner) {
  std::vector<uint64_t> parts;
  if (learner.erasing || learner.erased) return parts;
  for (const auto& identity : learner.identities) parts.push_back(identity.partition);
  return parts;
}

}  // namespace

std::string View::AuditName() const {
  return kind_ == PrincipalKind::kOrganisation ? organisation_ : std::string("operator");
}

Result<std::optional<std::string>> View::OwnerOf(uint64_t part) const {
  if (auto it = owners_.find(part); it != owners_.end()) return it->second;
  auto owner = accounts_->OwnerOf(part);
  if (!owner.ok()) return owner.status();
  owners_[part] = *owner;
  return *owner;
}

const std::vector<Grant>* View::GrantsFrom(const std::string& learner) const {
  if (!granted_) return nullptr;
  auto it = granted_->by_learner.find(learner);
  return it == granted_->by_learner.end() ? nullptr : &it->second;
}

const std::string* View::GrantingLearner(uint64_t part) const {
  if (!granted_) return nullptr;
  auto it = granted_->partitions.find(part);
  return it == granted_->partitions.end() ? nullptr : &it->second;
}

bool View::WroteIt(const json::object& statement) const {
  if (!read_mine_) return false;
  auto it = statement.find("authority");
  return it != statement.end() && xapi::IfiKey(it->value()) == authority_key_;
}

Result<bool> View::SeesStatement(uint64_t part, const json::object& statement) const {
  if (read_all_) return true;
  if (kind_ == PrincipalKind::kLearner) return own_partitions_.contains(part);
  if (WroteIt(statement)) return true;
  if (!read_granted_) return false;
  const std::string* owner = GrantingLearner(part);
  if (!owner) return false;
  for (const Grant& g : *GrantsFrom(*owner)) {
    if (g.statements && g.CoversStatement(statement)) return true;
  }
  return false;
}

std::optional<std::vector<store::ScopeFilter>> View::StatementScopes() const {
  if (read_all_) return std::nullopt;
  std::vector<store::ScopeFilter> scopes;
  if (kind_ == PrincipalKind::kLearner) {
    for (uint64_t part : own_partitions_) scopes.push_back({part, nullptr, false});
    return scopes;
  }
  if (read_mine_ && authority_scope_)
    scopes.push_back({*authority_scope_, nullptr, false, /*partition=*/false});
  if (!read_granted_) return scopes;
  if (granted_) scopes.insert(scopes.end(), granted_->scopes.begin(), granted_->scopes.end());
  return scopes;
}

Result<bool> View::SeesDocument(uint64_t part, const DocumentFacts& doc) const {
  if (kind_ == PrincipalKind::kOperator) return true;
  if (kind_ == PrincipalKind::kLearner) return own_partitions_.contains(part);
  if (doc.writer == writer_) return true;
  const std::string* owner = GrantingLearner(part);
  if (!owner) return false;
  for (const Grant& g : *GrantsFrom(*owner)) {
    if (g.CoversDocument(doc.activity_id, doc.registration, doc.updated)) return true;
  }
  return false;
}

bool View::MayOverwriteDocument(uint64_t part, const std::string& writer) const {
  if (kind_ == PrincipalKind::kOperator) return true;
  if (kind_ == PrincipalKind::kLearner) return own_partitions_.contains(part);
  return writer == writer_;
}

Result<bool> View::SeesLearnerOf(uint64_t part) const {
  if (kind_ == PrincipalKind::kOperator) return true;
  if (kind_ == PrincipalKind::kLearner) return own_partitions_.contains(part);
  return GrantingLearner(part) != nullptr;
}

Result<std::optional<std::string>> View::AuditedOwner(uint64_t part) const {
  if (kind_ == PrincipalKind::kLearner && own_partitions_.contains(part))
    return std::optional<std::string>();
  return OwnerOf(part);
}

Result<std::shared_ptr<const View>> ReadRule::ViewFor(const store::Credential& c, Micros now,
                                                      bool reads) const {
  auto view = std::make_shared<View>();
  view->now_ = now;
  view->accounts_ = accounts_;
  if (!c.learner.empty()) {
    auto learner = accounts_->GetLearner(c.learner);
    if (!learner.ok() && !learner.status().Is(Status::Code::kNotFound)) return learner.status();
    // An erased (or being erased) learner's credential opens nothing.
    if (!learner.ok() || learner->erased || learner->erasing)
      return Status::Unauthorized("invalid credentials");
    view->kind_ = PrincipalKind::kLearner;
    view->learner_ = c.learner;
    for (uint64_t part : PartitionsOf(*learner)) view->own_partitions_.insert(part);
    if (!learner->erasing && !learner->erased) {
      for (const auto& identity : learner->identities)
        view->own_identities_.insert(identity.ifi_key);
    }
    view->authority_ = AccountAgent("urn:lrs:learner", c.learner, "");
    view->writer_ = "l:" + c.learner;
  } else if (!c.organisation.empty()) {
    auto org = accounts_->GetOrganisation(c.organisation);
    if (!org.ok())
      return org.status().Is(Status::Code::kNotFound) ? Status::Unauthorized("invalid credentials")
                                                      : org.status();
    view->kind_ = PrincipalKind::kOrganisation;
    view->organisation_ = c.organisation;
    view->authority_ = AccountAgent("urn:lrs:organisation", c.organisation, org->name);
    view->writer_ = "o:" + c.organisation;
    view->read_mine_ = HasAny(c, {"all", "all/read", "statements/read", "statements/read/mine"});
    view->read_granted_ = HasAny(c, {"all", "all/read", "statements/read"});
    if (reads) LRS_RETURN_IF_ERROR(LoadGrants(*view));
  } else {
    view->kind_ = PrincipalKind::kOperator;
    view->read_all_ = HasAny(c, {"all", "all/read", "statements/read"});
    view->read_mine_ = c.HasScope("statements/read/mine");
    view->authority_ = AccountAgent(authority_home_page_, c.key, c.name);
    view->writer_ = "k:" + c.key;
  }
  view->authority_key_ = *xapi::IfiKey(view->authority_);
  auto scope = partitions_->Find(store::keys::AuthorityScopeName(view->authority_key_));
  if (!scope.ok()) return scope.status();
  view->authority_scope_ = *scope;
  return std::shared_ptr<const View>(std::move(view));
}

// The organisation's live grants, from the cache when nothing they depend on
// changed since they were read. One request reads them at a time per
// organisation; the others wait for its result rather than all reading the
// same ten thousand records at once.
Status ReadRule::LoadGrants(View& view) const {
  std::unique_lock lock(cache_mu_);
  uint64_t grants_generation, accounts_generation;
  while (true) {
    // Read before the records: a write that lands meanwhile bumps them past
    // what is cached below, so the next request reads again.
    grants_generation = grants_->generation();
    accounts_generation = accounts_->generation();
    auto it = cache_.find(view.organisation_);
    if (it != cache_.end() && it->second.grants_generation == grants_generation &&
        it->second.accounts_generation == accounts_generation && it->second.built <= view.now_ &&
        view.now_ < it->second.valid_until) {
      view.granted_ = it->second.grants;
      return Status::Ok();
    }
    if (!reading_.contains(view.organisation_)) break;
    cache_read_.wait(lock);
  }
  reading_.insert(view.organisation_);
  lock.unlock();
  Micros valid_until = 0;
  auto granted = ReadGrants(view.organisation_, view.now_, &valid_until);
  lock.lock();
  reading_.erase(view.organisation_);
  cache_read_.notify_all();
  if (!granted.ok()) return granted.status();
  view.granted_ = *granted;
  if (cache_.size() >= kMaxCachedOrganisations) cache_.clear();
  cache_[view.organisation_] = {grants_generation, accounts_generation, view.now_, valid_until,
                                *granted};
  return Status::Ok();
}

// Reads only the grantee index entries of this organisation and those
// learners' grants and records. `valid_until`: the earliest expiry among the
// live grants (the set changes then).
Result<std::shared_ptr<const OrganisationGrants>> ReadRule::ReadGrants(
    const std::string& organisation, Micros now, Micros* valid_until) const {
  auto out = std::make_shared<OrganisationGrants>();
  *valid_until = std::numeric_limits<Micros>::max();
  auto granted = grants_->ForOrganisation(organisation);
  if (!granted.ok()) return granted.status();
  for (const auto& [learner_id, stored] : *granted) {
    std::vector<Grant> live;
    for (const auto& g : stored) {
      if (!g.LiveAt(now)) continue;
      auto body = ParseJson(g.body, "stored grant");
      if (!body.ok()) return Status::Internal("a stored grant is not JSON");
      auto grant = ParseGrant(*body);
      if (!grant.ok())
        return Status::Internal("a stored grant no longer parses: " + grant.status().message());
      // The grant's own expiry decides too, whatever the record says.
      if (grant->expires && now >= *grant->expires) continue;
      if (g.expires) *valid_until = std::min(*valid_until, *g.expires);
      if (grant->expires) *valid_until = std::min(*valid_until, *grant->expires);
      live.push_back(std::move(*grant));
    }
    if (live.empty()) continue;
    auto learner = accounts_->GetLearner(learner_id);
    if (!learner.ok()) {
      if (learner.status().Is(Status::Code::kNotFound)) continue;
      return learner.status();
    }
    for (uint64_t part : PartitionsOf(*learner)) out->partitions[part] = learner_id;
    out->by_learner[learner_id] = std::move(live);
  }
  for (const auto& [part, learner] : out->partitions) {
    const std::vector<Grant>* grants = &out->by_learner.at(learner);  // map nodes stay put
    auto covered = [grants](const json::object& statement) {
      for (const Grant& g : *grants) {
        if (g.statements && g.CoversStatement(statement)) return true;
      }
      return false;
    };
    out->scopes.push_back({part, covered, /*own_terms_only=*/true});
  }
  return std::shared_ptr<const OrganisationGrants>(std::move(out));
}

}  // namespace lrs::consent
