#include "lrs/portability/importer.h"

#include <algorithm>
#include <map>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"
#include "lrs/portability/bundle.h"
#include "lrs/store/statement_stager.h"
#include "lrs/xapi/agent.h"
#include "lrs/xapi/format.h"

namespace lrs::portability {

namespace json = boost::json;

namespace {

constexpr size_t kListedIds = 20;  // how many colliding ids an error names

// The identity key of an Agent actor; nullopt for a Group or no IFI.
std::optional<std::string> AgentKey(const json::object& statement) {
  const auto* actor = statement.if_contains("actor");
  if (!actor || !actor->is_object()) return std::nullopt;
  const auto* type = actor->get_object().if_contains("objectType");
  if (type && type->is_string() && type->get_string() == "Group") return std::nullopt;
  return xapi::IfiKey(*actor);
}

store::DocumentScope ScopeOf(const DocumentEntry& d) {
  store::DocumentScope scope;
  scope.kind = d.type == DocumentType::kState ? store::DocumentKind::kState
                                              : store::DocumentKind::kAgentProfile;
  scope.partition = xapi::IfiKey(json::value(d.agent)).value_or("");
  scope.activity_id = d.activity_id;
  scope.registration = d.registration;
  return scope;
}

std::string DocumentLabel(const DocumentEntry& d) {
  return std::string(d.type == DocumentType::kState ? "state " : "agent profile ") + d.id;
}

// What both passes share: the bundle's identities, and the checks that
// place each statement and document inside them.
class ImportVisitor : public BundleVisitor {
 public:
  ImportVisitor(const RecordStores& stores, std::string_view learner)
      : stores_(stores), learner_(learner) {}

  Status OnIdentities(const json::array& identities) override {
    identities_ = identities;
    for (const auto& agent : identities) keys_.insert(xapi::IfiKey(agent).value_or(""));
    return Status::Ok();
  }

 protected:
  // The statement's identity key, InvalidArgument when it is not one of the
  // bundle's identities.
  Result<std::string> PlaceStatement(const StatementLine& line, uint64_t index) {
    auto key = AgentKey(line.statement);
    if (!key || !keys_.count(*key)) {
      return Status::InvalidArgument("bundle: statement line " + std::to_string(index + 1) +
                                     ": actor is not one of the bundle's identities");
    }
    return *key;
  }
  Status PlaceDocument(const DocumentEntry& d) {
    if (!keys_.count(xapi::IfiKey(json::value(d.agent)).value_or(""))) {
      return Status::InvalidArgument("bundle: " + DocumentLabel(d) +
                                     ": agent is not one of the bundle's identities");
    }
    return Status::Ok();
  }
  // Whether the statement is already stored as it is in the bundle: same
  // id, same actor (so the same partition), same statement. nullopt: absent.
  Result<std::optional<bool>> AlreadyStored(const StatementLine& line, const Uuid& id,
                                            const std::string& key) {
    auto found = stores_.statements->Find(id);
    if (!found.ok()) return found.status();
    if (!found->has_value()) return std::optional<bool>();
    auto stored = ParseJson((*found)->json, "stored statement");
    if (!stored.ok()) return stored.status();
    bool same = stored->is_object() && AgentKey(stored->get_object()) == key &&
                xapi::SameStatement(json::value(line.statement), *stored);
    return std::optional<bool>(same);
  }
  // Whether the document is already stored with the bundle's content;
  // nullopt: absent.
  Result<std::optional<bool>> DocumentStored(const DocumentEntry& d) {
    auto current = stores_.documents->Get(ScopeOf(d), d.id);
    if (!current.ok()) {
      if (current.status().Is(Status::Code::kNotFound)) return std::optional<bool>();
      return current.status();
    }
    return std::optional<bool>(current->body == d.content);
  }

  const RecordStores& stores_;
  std::string learner_;
  json::array identities_;
  std::set<std::string> keys_;
};

// Pass one: verify and decide; writes nothing.
class Planner : public ImportVisitor {
 public:
  using ImportVisitor::ImportVisitor;

  Status OnStatement(StatementLine line, uint64_t index) override {
    auto key = PlaceStatement(line, index);
    if (!key.ok()) return key.status();
    std::string id_text(line.statement.at("id").get_string());
    Uuid id = *ParseUuid(id_text);  // validated by the reader
    ids_.push_back(id);
    auto stored = AlreadyStored(line, id, *key);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && !**stored) Collide(conflicts_, id_text);
    ++(stored->has_value() ? summary.skipped_statements : summary.statements);
    if (!stored->has_value() && line.voided_by && !store::IsVoidingStatement(line.statement))
      ++summary.voided;
    NoteAttachments(line.statement, *key);
    return Status::Ok();
  }

  Status OnAttachment(const std::string& sha2, std::string) override {
    ++summary.attachments;
    (void)sha2;
    return Status::Ok();
  }

  Status OnDocument(DocumentEntry d) override {
    LRS_RETURN_IF_ERROR(PlaceDocument(d));
    auto stored = DocumentStored(d);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && !**stored) Collide(document_conflicts_, DocumentLabel(d));
    ++(stored->has_value() ? summary.skipped_documents : summary.documents);
    return Status::Ok();
  }

  // After the bundle verified: what forbids the import, if anything.
  // After the bundle verified: what forbids the import, if anything. Whose
  // identities these are is settled first: until then the learner may not
  // learn anything of what is stored under them, and a conflict report
  // compares stored content (a learner could otherwise sign a bundle naming
  // someone else and probe their statements and documents).
  Status Decide(const ImportPolicy& policy, const std::string& signer) {
    std::sort(ids_.begin(), ids_.end());
    if (auto twice = std::adjacent_find(ids_.begin(), ids_.end()); twice != ids_.end()) {
      return Status::InvalidArgument("bundle: statement id " + FormatUuid(*twice) +
                                     " appears twice");
    }
    std::vector<Uuid>().swap(ids_);
    for (size_t i = 0; i < identities_.size(); ++i) {
      std::string key = xapi::IfiKey(identities_[i]).value_or("");
      auto holder = stores_.accounts->LearnerOfIdentity(key);
      if (!holder.ok()) return holder.status();
      if (*holder == learner_) continue;
      if (holder->has_value()) {
        return Status::Conflict("import: nothing imported; identities[" + std::to_string(i) +
                                "]: held by another learner of this store");
      }
      to_link.push_back(identities_[i].get_object());
    }
    if (!to_link.empty() && !policy.trusted_keys.count(signer)) {
      return Status::Forbidden(
          "import: nothing imported; the bundle brings identities you do not hold here, and its "
          "signer (store " +
          signer +
          ") is not one this store trusts to vouch for them; ask the operator to link them to you "
          "or to trust "
          "that store");
    }
    if (!conflicts_.empty() || !document_conflicts_.empty()) {
      std::string msg = "import: nothing imported;";
      if (!conflicts_.empty()) {
        msg += " statements stored here with other content or another actor: " + Join(conflicts_) +
               ";";
      }
      if (!document_conflicts_.empty()) {
        msg += " documents stored here with other content: " + Join(document_conflicts_) + ";";
      }
      msg.pop_back();
      return Status::Conflict(msg);
    }
    return Status::Ok();
  }

  ImportSummary summary;
  std::vector<json::object> to_link;
  // sha2 -> identity keys of the statements that use it
  std::map<std::string, std::set<std::string>> attachment_users;

 private:
  void NoteAttachments(const json::object& statement, const std::string& key) {
    const auto* list = statement.if_contains("attachments");
    if (!list || !list->is_array()) return;
    for (const auto& a : list->get_array()) {
      const auto* sha = a.is_object() ? a.get_object().if_contains("sha2") : nullptr;
      if (!sha || !sha->is_string()) continue;
      std::string hex(sha->get_string());
      for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      attachment_users[hex].insert(key);
    }
  }
  void Collide(std::vector<std::string>& list, std::string what) {
    ++collisions_;
    if (list.size() < kListedIds) list.push_back(std::move(what));
  }
  std::string Join(const std::vector<std::string>& list) const {
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
    if (collisions_ > conflicts_.size() + document_conflicts_.size()) out += ", ...";
    return out;
  }

  std::vector<Uuid> ids_;  // 16 bytes a statement: sorted once, for duplicates
  std::vector<std::string> conflicts_;
  std::vector<std::string> document_conflicts_;
  uint64_t collisions_ = 0;
};

// Pass two: writes what the planner decided.
class Applier : public ImportVisitor {
 public:
  Applier(const RecordStores& stores, std::string_view learner, const json::value& authority,
          const Planner& plan, const std::string& signer, size_t batch)
      : ImportVisitor(stores, learner),
        authority_(authority),
        plan_(plan),
        signer_(signer),
        batch_size_(batch) {}

  Status OnAttachment(const std::string& sha2, std::string content) override {
    auto users = plan_.attachment_users.find(sha2);
    if (users == plan_.attachment_users.end()) return Status::Ok();  // used by no statement
    for (const auto& key : users->second) {
      LRS_RETURN_IF_ERROR(
          stores_.statements->PutAttachment(key, store::AttachmentContent{sha2, content}));
    }
    return Status::Ok();
  }

  Status OnStatement(StatementLine line, uint64_t index) override {
    auto key = PlaceStatement(line, index);
    if (!key.ok()) return key.status();
    Uuid id = *ParseUuid(line.statement.at("id").get_string());
    auto stored = AlreadyStored(line, id, *key);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) {
      if (**stored) return Status::Ok();
      return Status::Conflict("import: stopped; statement " + FormatUuid(id) +
                              " was stored with other content meanwhile");
    }
    store::NewStatement n;
    n.id = id;
    n.partition = *key;
    n.apply_void = false;
    if (line.voided_by) n.voided_by = ParseUuid(*line.voided_by);
    json::object hop{{"store", signer_},
                     {"stored", line.statement.at("stored")},
                     {"authority", line.statement.at("authority")},
                     {"importedAt", FormatTimestampMillis(NowMicros())}};
    line.provenance.push_back(std::move(hop));
    n.provenance = json::serialize(line.provenance);
    line.statement.erase("stored");
    line.statement["authority"] = authority_;
    n.statement = std::move(line.statement);
    pending_.push_back(std::move(n));
    if (pending_.size() >= batch_size_) return Flush();
    return Status::Ok();
  }

  Status OnDocument(DocumentEntry d) override {
    LRS_RETURN_IF_ERROR(Flush());
    auto stored = DocumentStored(d);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) return Status::Ok();
    store::Document doc;
    doc.content_type = d.content_type;
    doc.body = std::move(d.content);
    doc.writer = "l:" + learner_;
    return stores_.documents->Update(
        ScopeOf(d), d.id,
        [&](const std::optional<store::Document>& current)
            -> Result<std::optional<store::Document>> {
          if (current)
            return Status::Conflict("import: stopped; document " + d.id + " was written meanwhile");
          return std::optional<store::Document>(doc);
        });
  }

  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    auto out = stores_.statements->Insert(std::move(pending_), {});
    pending_.clear();
    return out.status();
  }

 private:
  const json::value& authority_;
  const Planner& plan_;
  std::string signer_;
  size_t batch_size_;
  std::vector<store::NewStatement> pending_;
};

Result<VerifiedBundle> ReadFile(const std::string& path, BundleVisitor* visitor) {
  auto file = FileSource::Open(path);
  if (!file.ok()) return file.status();
  return ReadBundle(file->get(), visitor);
}

}  // namespace

json::object ImportSummary::ToJson() const {
  return {{"imported", json::object{{"statements", statements},
                                    {"voided", voided},
                                    {"attachments", attachments},
                                    {"documents", documents},
                                    {"identities", identities_linked}}},
          {"skipped",
           json::object{{"statements", skipped_statements}, {"documents", skipped_documents}}},
          {"source", json::object{{"storeId", source_store},
                                  {"learner", source_learner},
                                  {"created", FormatTimestampMillis(bundle_created)}}}};
}

Result<ImportSummary> ImportBundle(const RecordStores& stores, const ImportPolicy& policy,
                                   std::string_view learner_id, const json::value& authority,
                                   const std::string& bundle_path) {
  Planner plan(stores, learner_id);
  auto verified = ReadFile(bundle_path, &plan);
  if (!verified.ok()) return verified.status();
  LRS_RETURN_IF_ERROR(plan.Decide(policy, verified->signer.key_id));

  for (const auto& agent : plan.to_link) {
    auto linked = stores.accounts->LinkIdentity(learner_id, agent);
    if (!linked.ok()) return linked.status();
  }
  Applier apply(stores, learner_id, authority, plan, verified->signer.key_id,
                std::max<size_t>(1, policy.batch_statements));
  auto again = ReadFile(bundle_path, &apply);
  if (!again.ok()) return again.status();
  LRS_RETURN_IF_ERROR(apply.Flush());

  ImportSummary summary = plan.summary;
  summary.identities_linked = plan.to_link.size();
  summary.source_store = verified->signer.key_id;
  const auto* source_learner = verified->learner.if_contains("id");
  // Kept on the learner's record: only a well-formed id, never arbitrary text.
  summary.source_learner =
      source_learner && source_learner->is_string() && ParseUuid(source_learner->get_string())
          ? std::string(source_learner->get_string())
          : "";
  summary.bundle_created = verified->created;
  // A re-import that brought nothing new changes nothing, not even this log.
  if (summary.statements + summary.documents + summary.identities_linked == 0) return summary;
  json::object record = summary.ToJson();
  record["at"] = FormatTimestampMillis(NowMicros());
  LRS_RETURN_IF_ERROR(stores.accounts->RecordImport(learner_id, std::move(record)));
  return summary;
}

}  // namespace lrs::portability
