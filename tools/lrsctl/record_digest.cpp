#include "tools/lrsctl/record_digest.h"

#include <boost/json.hpp>
#include <cctype>

#include "lrs/base/encoding.h"
#include "lrs/xapi/agent.h"

namespace lrsctl {

namespace {

namespace json = boost::json;
using lrs::Status;

constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string StringAt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The statement a voiding statement voids, lowercase; "" when `statement`
// voids nothing.
std::string VoidTarget(const json::object& statement) {
  const auto* verb = statement.if_contains("verb");
  if (!verb || !verb->is_object() || StringAt(verb->get_object(), "id") != kVoidedVerb) return "";
  const auto* object = statement.if_contains("object");
  if (!object || !object->is_object()) return "";
  if (StringAt(object->get_object(), "objectType") != "StatementRef") return "";
  return Lower(StringAt(object->get_object(), "id"));
}

// A document's identity across stores, readable in a message:
// ["state", agent, activityId, registration, stateId] or
// ["agentProfile", agent, profileId]. The agent is its IFI, or its JSON
// when it has none.
std::string DocumentKey(const lrs::portability::DocumentEntry& d) {
  auto ifi = lrs::xapi::IfiKey(json::value(d.agent));
  std::string agent = ifi ? *ifi : json::serialize(d.agent);
  json::array key;
  if (d.type == lrs::portability::DocumentType::kState) {
    key = {"state", agent, d.activity_id, Lower(d.registration.value_or("")), d.id};
  } else {
    key = {"agentProfile", agent, d.id};
  }
  return json::serialize(key);
}

}  // namespace

Status RecordDigest::OnStatement(lrs::portability::StatementLine line, uint64_t) {
  std::string id = Lower(StringAt(line.statement, "id"));
  bool wanted = !only_ || only_->statements_.count(id);
  if (wanted) {
    statements_[id] = lrs::portability::StatementFingerprint(line.statement);
    if (line.voided_by) voided_.insert(id);
  }
  std::string target = VoidTarget(line.statement);
  if (!target.empty() && (!only_ || only_->statements_.count(target))) voided_.insert(target);
  return Status::Ok();
}

Status RecordDigest::OnDocument(lrs::portability::DocumentEntry document) {
  std::string key = DocumentKey(document);
  if (!only_ || only_->documents_.count(key)) documents_[key] = lrs::Sha256Hex(document.content);
  return Status::Ok();
}

void Differences::Add(std::string what, size_t limit) {
  if (first.size() < limit) first.push_back(std::move(what));
  ++count;
}

Differences Differences::Between(const RecordDigest& source, const RecordDigest& destination,
                                 size_t limit) {
  Differences d;
  for (const auto& [id, fingerprint] : source.statements_) {
    auto there = destination.statements_.find(id);
    if (there == destination.statements_.end()) {
      d.Add("statement " + id + ": not at the destination", limit);
    } else if (there->second != fingerprint) {
      d.Add("statement " + id + ": differs at the destination", limit);
    } else if (source.Voided(id) != destination.Voided(id)) {
      d.Add("statement " + id +
                (source.Voided(id) ? ": voided at the source, not at the destination"
                                   : ": voided at the destination, not at the source"),
            limit);
    }
  }
  for (const auto& [key, sha] : source.documents_) {
    auto there = destination.documents_.find(key);
    if (there == destination.documents_.end()) {
      d.Add("document " + key + ": not at the destination", limit);
    } else if (there->second != sha) {
      d.Add("document " + key + ": content differs at the destination", limit);
    }
  }
  return d;
}

}  // namespace lrsctl
