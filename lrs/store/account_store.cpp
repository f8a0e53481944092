#include "lrs/store/account_store.h"

#include <algorithm>

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"
#include "lrs/store/records.h"
#include "lrs/xapi/agent.h"

namespace lrs::store {

namespace json = boost::json;

namespace {

// While a learner is being erased its owner records hold this prefix before
// its id: OwnerOf no longer answers with the learner, yet no other learner
// can link one of its identities until the erasure has emptied the
// partitions (FinishErasure deletes the records).
constexpr std::string_view kErasingOwner = "erasing:";

std::string NewId() { return FormatUuid(RandomUuidV4()); }

json::object OrganisationJson(const Organisation& o) {
  return {{"id", o.id}, {"name", o.name}, {"created", o.created}};
}

Result<Organisation> ParseOrganisation(std::string_view text) {
  auto o = records::Parse(text, "organisation");
  if (!o.ok()) return o.status();
  records::Reader r(*o);
  Organisation org{.id = r.String("id"), .name = r.String("name"), .created = r.Int("created")};
  if (!r.ok()) return Status::Internal("corrupt organisation record");
  return org;
}

json::object LearnerJson(const Learner& l) {
  json::array identities;
  for (const auto& i : l.identities) {
    identities.push_back(
        json::object{{"agent", i.agent}, {"ifi_key", i.ifi_key}, {"partition", i.partition}});
  }
  return {{"id", l.id},
          {"name", l.name},
          {"credential_key", l.credential_key},
          {"identities", std::move(identities)},
          {"created", l.created},
          {"erased", records::OrNull(l.erased)},
          {"erased_statements", l.erased_statements},
          {"erased_documents", l.erased_documents},
          {"erasing", l.erasing},
          {"imports", l.imports}};
}

Result<Learner> ParseLearner(std::string_view text) {
  auto o = records::Parse(text, "learner");
  if (!o.ok()) return o.status();
  records::Reader r(*o);
  Learner l{.id = r.String("id"),
            .name = r.String("name"),
            .credential_key = r.String("credential_key"),
            .identities = {},
            .created = r.Int("created"),
            .erased = r.OptionalInt("erased"),
            .erased_statements = r.Uint("erased_statements"),
            .erased_documents = r.Uint("erased_documents"),
            .erasing = r.Bool("erasing"),
            .imports = {}};
  if (const auto* imports = o->if_contains("imports"); imports && imports->is_array()) {
    l.imports = imports->get_array();  // absent in records from before imports
  }
  if (const json::array* ids = r.Array("identities")) {
    for (const auto& v : *ids) {
      const json::object* io = v.if_object();
      if (!io) return Status::Internal("corrupt learner record");
      records::Reader ir(*io);
      const json::object* agent = ir.Object("agent");
      Identity i{.agent = agent ? *agent : json::object(),
                 .ifi_key = ir.String("ifi_key"),
                 .partition = ir.Uint("partition")};
      if (!ir.ok()) return Status::Internal("corrupt learner record");
      l.identities.push_back(std::move(i));
    }
  }
  if (!r.ok()) return Status::Internal("corrupt learner record");
  return l;
}

bool Holds(const Learner& l, std::string_view ifi_key) {
  return std::any_of(l.identities.begin(), l.identities.end(),
                     [&](const Identity& i) { return i.ifi_key == ifi_key; });
}

}  // namespace

Result<Organisation> AccountStore::CreateOrganisation(std::string name) {
  Organisation org{.id = NewId(), .name = std::move(name), .created = NowMicros()};
  rocksdb::WriteBatch batch;
  batch.Put(keys::Organisation(org.id), json::serialize(OrganisationJson(org)));
  LRS_RETURN_IF_ERROR(Commit(&batch));
  return org;
}

Result<Organisation> AccountStore::GetOrganisation(std::string_view id) {
  auto v = db_->Get(keys::Organisation(id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("organisation: not found");
  return ParseOrganisation(**v);
}

Result<std::vector<Organisation>> AccountStore::ListOrganisations() {
  auto rows = records::ReadPrefix(db_, keys::Organisation(""));
  if (!rows.ok()) return rows.status();
  std::vector<Organisation> out;
  for (const auto& [key, value] : *rows) {
    auto org = ParseOrganisation(value);
    if (!org.ok()) return org.status();
    out.push_back(std::move(*org));
  }
  return out;
}

Result<Learner> AccountStore::LoadLearner(std::string_view id) {
  auto v = db_->Get(keys::Learner(id));
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Status::NotFound("learner: not found");
  return ParseLearner(**v);
}

Result<Learner> AccountStore::GetLearner(std::string_view id) { return LoadLearner(id); }

Result<std::optional<std::string>> AccountStore::Holder(std::string_view ifi_key) {
  auto part = partitions_->Find(ifi_key);
  if (!part.ok()) return part.status();
  if (!part->has_value()) return std::optional<std::string>();
  auto v = db_->Get(keys::PartitionOwner(**part));
  if (!v.ok()) return v.status();
  return *v;
}

Result<Identity> AccountStore::ClaimIdentity(const json::object& agent, std::string_view label,
                                             std::string_view learner_id) {
  auto ifi_key = xapi::IfiKey(agent);
  if (!ifi_key) return Status::InvalidArgument(std::string(label) + ": no identifier (IFI)");
  auto holder = Holder(*ifi_key);
  if (!holder.ok()) return holder.status();
  if (holder->has_value() && **holder != learner_id) {
    return Status::Conflict(std::string(label) + ": already held by another learner");
  }
  return Identity{.agent = agent, .ifi_key = std::move(*ifi_key), .partition = 0};
}

Status AccountStore::WriteLearner(const Learner& l, const std::vector<uint64_t>& new_parts) {
  rocksdb::WriteBatch batch;
  batch.Put(keys::Learner(l.id), json::serialize(LearnerJson(l)));
  for (uint64_t part : new_parts) batch.Put(keys::PartitionOwner(part), l.id);
  return Commit(&batch);
}

Result<Learner> AccountStore::CreateLearner(std::string name, std::string credential_key,
                                            const std::vector<json::object>& identities) {
  Learner l;
  l.id = NewId();
  l.name = std::move(name);
  l.credential_key = std::move(credential_key);
  l.created = NowMicros();
  std::lock_guard lock(link_mu_);
  // Every identity is checked before any partition is allocated, so a
  // conflict writes nothing.
  for (size_t i = 0; i < identities.size(); ++i) {
    auto id = ClaimIdentity(identities[i], "identities[" + std::to_string(i) + "]", l.id);
    if (!id.ok()) return id.status();
    if (!Holds(l, id->ifi_key)) l.identities.push_back(std::move(*id));
  }
  std::vector<uint64_t> parts;
  for (auto& i : l.identities) {
    auto part = partitions_->FindOrCreate(i.ifi_key);
    if (!part.ok()) return part.status();
    i.partition = *part;
    parts.push_back(*part);
  }
  LRS_RETURN_IF_ERROR(WriteLearner(l, parts));
  return l;
}

Result<Learner> AccountStore::LinkIdentity(std::string_view learner_id, const json::object& agent) {
  std::lock_guard lock(link_mu_);
  auto l = LoadLearner(learner_id);
  if (!l.ok()) return l.status();
  if (l->erased || l->erasing) return Status::NotFound("learner: not found");
  auto id = ClaimIdentity(agent, "identity", l->id);
  if (!id.ok()) return id.status();
  if (Holds(*l, id->ifi_key)) return l;
  auto part = partitions_->FindOrCreate(id->ifi_key);
  if (!part.ok()) return part.status();
  id->partition = *part;
  l->identities.push_back(std::move(*id));
  LRS_RETURN_IF_ERROR(WriteLearner(*l, {*part}));
  return l;
}

Status AccountStore::RecordImport(std::string_view learner_id, json::object record) {
  std::lock_guard lock(link_mu_);
  auto l = LoadLearner(learner_id);
  if (!l.ok()) return l.status();
  if (l->erased || l->erasing) return Status::NotFound("learner: not found");
  l->imports.push_back(std::move(record));
  // The record is read on every request of the learner: it keeps the
  // latest imports only.
  constexpr size_t kKeptImports = 50;
  if (l->imports.size() > kKeptImports) l->imports.erase(l->imports.begin());
  return WriteLearner(*l, {});
}

Result<std::optional<std::string>> AccountStore::LearnerOfIdentity(std::string_view ifi_key) {
  auto part = partitions_->Find(ifi_key);
  if (!part.ok()) return part.status();
  if (!part->has_value()) return std::optional<std::string>();
  return OwnerOf(**part);
}

Result<std::optional<std::string>> AccountStore::OwnerOf(uint64_t part) {
  auto v = db_->Get(keys::PartitionOwner(part));
  if (!v.ok()) return v.status();
  if (v->has_value() && (*v)->starts_with(kErasingOwner)) return std::optional<std::string>();
  return *v;
}

Result<Learner> AccountStore::BeginErasure(std::string_view learner_id) {
  std::lock_guard lock(link_mu_);
  auto l = LoadLearner(learner_id);
  if (!l.ok()) return l.status();
  if (l->erased) return Status::NotFound("learner: not found");
  if (l->erasing) return l;  // resumed after a crash
  l->erasing = true;
  rocksdb::WriteBatch batch;
  batch.Put(keys::Learner(l->id), json::serialize(LearnerJson(*l)));
  for (const auto& i : l->identities) {
    batch.Put(keys::PartitionOwner(i.partition), std::string(kErasingOwner) + l->id);
  }
  LRS_RETURN_IF_ERROR(Commit(&batch));
  return l;
}

Status AccountStore::FinishErasure(std::string_view learner_id, uint64_t statements,
                                   uint64_t documents) {
  std::lock_guard lock(link_mu_);
  auto l = LoadLearner(learner_id);
  if (!l.ok()) return l.status();
  if (l->erased) return Status::Ok();  // already a tombstone
  rocksdb::WriteBatch batch;
  for (const auto& i : l->identities) {
    auto owner = db_->Get(keys::PartitionOwner(i.partition));
    if (!owner.ok()) return owner.status();
    if (owner->has_value() && (**owner == l->id || **owner == std::string(kErasingOwner) + l->id)) {
      batch.Delete(keys::PartitionOwner(i.partition));
    }
  }
  Learner tombstone;  // no name, credential or identities
  tombstone.id = l->id;
  tombstone.created = l->created;
  tombstone.erased = NowMicros();
  tombstone.erased_statements = statements;
  tombstone.erased_documents = documents;
  batch.Put(keys::Learner(l->id), json::serialize(LearnerJson(tombstone)));
  return Commit(&batch);
}

Result<std::vector<Learner>> AccountStore::PendingErasures() {
  auto rows = records::ReadPrefix(db_, keys::Learner(""));
  if (!rows.ok()) return rows.status();
  std::vector<Learner> out;
  for (const auto& [key, value] : *rows) {
    auto l = ParseLearner(value);
    if (!l.ok()) return l.status();
    if (l->erasing) out.push_back(std::move(*l));
  }
  return out;
}

Status AccountStore::Commit(rocksdb::WriteBatch* batch) {
  Status s = db_->WriteDurable(batch);
  // Counted even when the write failed: a reader must not keep trusting
  // what it read before an attempt whose outcome on disk is unknown.
  generation_.fetch_add(1, std::memory_order_release);
  return s;
}

}  // namespace lrs::store
