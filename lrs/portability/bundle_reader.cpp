// ReadBundle: walks a bundle member by member in the order bundle.h fixes,
// checking each as it streams past, and the manifest and its signature at
// the end. Nothing is trusted before the signature verifies, which is why
// the visitor must not act irrevocably until ReadBundle returns.
#include <algorithm>
#include <functional>
#include <set>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"
#include "lrs/portability/bundle.h"
#include "lrs/portability/bundle_layout.h"
#include "lrs/xapi/validate.h"
#include "lrs/xapi/version.h"

namespace lrs::portability {

namespace json = boost::json;

namespace {

constexpr size_t kMaxSmallMember = 1u << 20;  // identities, document descriptions
constexpr size_t kMaxManifest = 256u << 20;   // grows with the member list
constexpr size_t kMaxSignature = 64u << 10;

Status Fail(const std::string& what) { return Status::InvalidArgument("bundle: " + what); }

struct SeenMember {
  std::string path;
  uint64_t size;
  std::string sha256;
};

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The digest an attachment is named by, from the length of its name.
std::string DigestHex(std::string_view content, size_t hex_length) {
  if (hex_length == 64) return Sha256Hex(content);
  if (hex_length == 96) return HexEncode(Sha384(content));
  return HexEncode(Sha512(content));
}

// A stored statement is checked by the rules of a version that could have
// accepted it. Its `version` property names the version its author wrote
// for, not the one the request came in at: a 2.0.0 client may send a
// statement marked 1.0.0 that uses 2.0.0 properties (context.contextAgents),
// and the exporting store stored it. So a statement marked 1.0.x that fails
// the 1.0.3 rules is checked again by the 2.0.0 rules, which accept a 1.0.x
// `version` (docs/PORTABILITY.md).
Status ValidateStoredStatement(const json::object& statement) {
  const auto* ver = statement.if_contains("version");
  std::string_view marked = ver && ver->is_string() ? std::string_view(ver->get_string()) : "";
  xapi::Version stated = xapi::ParseVersionHeader(marked).value_or(xapi::Version::k103);
  json::value value(statement);
  Status valid = xapi::ValidateStatement(value, stated);
  if (valid.ok() || !marked.starts_with("1.0")) return valid;
  Status as_200 = xapi::ValidateStatement(value, xapi::Version::k200);
  if (as_200.ok()) return as_200;
  return Status::InvalidArgument(valid.message() + " (at 1.0.3; at 2.0.0: " + as_200.message() +
                                 ")");
}

class Reader {
 public:
  Reader(ByteSource* source, BundleVisitor* visitor, const ReadLimits& limits)
      : source_(source), tar_(source), visitor_(visitor), limits_(limits) {}

  Result<VerifiedBundle> Run();

 private:
  Status Next();
  Status Expect(std::string_view path);
  Result<std::string> ReadWhole(size_t max_bytes, bool record = true);
  Status ReadLines(const std::function<Status(std::string_view, uint64_t)>& on_line);
  Status ReadIdentities();
  Status ReadAttachments();
  Status ReadStatementChunks();
  Status ReadDocuments();
  Status ReadAuditChunks();
  Status OnStatementLine(std::string_view text, uint64_t index);
  Status CheckAttachmentsPresent(const json::object& statement, const std::string& where);
  // Notes a member read whole; the member list may not pass the manifest's limit.
  Status Record(SeenMember member);
  Result<DocumentEntry> ParseDocument(const std::string& meta);
  Status CheckManifest(const json::object& manifest, const VerifiedSignature& signer);

  ByteSource* source_;
  TarReader tar_;
  BundleVisitor* visitor_;
  ReadLimits limits_;
  std::optional<TarMember> member_;  // the current member, root stripped
  std::vector<SeenMember> seen_;
  std::string bagit_manifest_;
  std::set<std::string> attachments_;  // sha2 hex of the bundle's attachments
  BundleCounts counts_;
};

Status Reader::Next() {
  auto m = tar_.Next();
  if (!m.ok()) return Fail(m.status().message());
  member_ = std::move(*m);
  if (member_) {
    if (!member_->name.starts_with(layout::kRoot))
      return Fail("member " + member_->name + " is outside lrs-bundle/");
    member_->name.erase(0, layout::kRoot.size());
  }
  return Status::Ok();
}

Status Reader::Expect(std::string_view path) {
  if (!member_) return Fail("ends before " + std::string(path));
  if (member_->name != path)
    return Fail("unexpected member " + member_->name + " where " + std::string(path) + " belongs");
  return Status::Ok();
}

Result<std::string> Reader::ReadWhole(size_t max_bytes, bool record) {
  auto content = tar_.ReadAll(max_bytes);
  if (!content.ok()) return Fail(content.status().message());
  if (record) LRS_RETURN_IF_ERROR(Record({member_->name, content->size(), Sha256Hex(*content)}));
  return content;
}

// Streams a JSON-lines member: every line ends with '\n' and is non-empty.
Status Reader::ReadLines(const std::function<Status(std::string_view, uint64_t)>& on_line) {
  Sha256Stream sha;
  std::string pending;
  std::vector<char> buf(64u << 10);
  uint64_t size = 0, line_in_member = 0;
  while (true) {
    auto n = tar_.Read(buf.data(), buf.size());
    if (!n.ok()) return Fail(n.status().message());
    if (*n == 0) break;
    std::string_view chunk(buf.data(), *n);
    sha.Update(chunk);
    size += *n;
    size_t start = 0;
    for (size_t nl; (nl = chunk.find('\n', start)) != std::string_view::npos; start = nl + 1) {
      pending.append(chunk.substr(start, nl - start));
      if (pending.empty()) return Fail(member_->name + ": empty line");
      LRS_RETURN_IF_ERROR(on_line(pending, ++line_in_member));
      pending.clear();
    }
    pending.append(chunk.substr(start));
    if (pending.size() > limits_.max_line_bytes)
      return Fail(member_->name + ": a line exceeds the size limit");
  }
  if (!pending.empty() || size == 0)
    return Fail(member_->name + ": does not end with a complete line");
  return Record({member_->name, size, sha.FinishHex()});
}

Status Reader::Record(SeenMember member) {
  if (member.path.starts_with("data/"))
    bagit_manifest_ += member.sha256 + "  " + member.path + "\n";
  seen_.push_back(std::move(member));
  if (bagit_manifest_.size() > kMaxManifest) return Fail("too many members");
  return Status::Ok();
}

Status Reader::ReadIdentities() {
  LRS_RETURN_IF_ERROR(Expect(layout::kIdentities));
  auto text = ReadWhole(kMaxSmallMember);
  if (!text.ok()) return text.status();
  auto v = ParseJson(*text, "bundle: identities.json");
  if (!v.ok()) return v.status();
  if (!v->is_array()) return Fail("identities.json: not a JSON array");
  const auto& identities = v->get_array();
  for (size_t i = 0; i < identities.size(); ++i) {
    Status s =
        xapi::ValidateAgentParameter(identities[i], false, "identities[" + std::to_string(i) + "]");
    if (!s.ok()) return Fail(s.message());
  }
  counts_.identities = identities.size();
  if (visitor_) LRS_RETURN_IF_ERROR(visitor_->OnIdentities(identities));
  return Next();
}

Status Reader::ReadAttachments() {
  while (member_ && member_->name.starts_with(layout::kAttachments)) {
    std::string name = member_->name.substr(layout::kAttachments.size());
    if (!IsLowerHex(name) || (name.size() != 64 && name.size() != 96 && name.size() != 128)) {
      return Fail("member " + member_->name + ": not named by a lowercase SHA-2 digest");
    }
    auto content = ReadWhole(limits_.max_attachment_bytes);
    if (!content.ok()) return content.status();
    if (DigestHex(*content, name.size()) != name)
      return Fail("member " + member_->name + ": content does not match its digest");
    ++counts_.attachments;
    attachments_.insert(name);
    if (visitor_) LRS_RETURN_IF_ERROR(visitor_->OnAttachment(name, std::move(*content)));
    LRS_RETURN_IF_ERROR(Next());
  }
  return Status::Ok();
}

Status Reader::OnStatementLine(std::string_view text, uint64_t index) {
  std::string where = "statement line " + std::to_string(index + 1);
  auto v = ParseJson(text, "bundle: " + where);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Fail(where + ": not a JSON object");
  StatementLine line;
  for (auto& [key, value] : v->get_object()) {
    if (key == "statement" && value.is_object()) {
      line.statement = std::move(value.get_object());
    } else if (key == "provenance" && value.is_array()) {
      line.provenance = std::move(value.get_array());
      for (const auto& hop : line.provenance) {
        if (!hop.is_object()) return Fail(where + ": provenance: each record must be an object");
      }
    } else if (key == "voidedBy" && value.is_string() && ParseUuid(value.get_string())) {
      line.voided_by = std::string(value.get_string());
    } else {
      return Fail(where + ": " + std::string(key) + ": unexpected or malformed");
    }
  }
  if (line.statement.empty()) return Fail(where + ": statement: missing");
  for (const char* required : {"id", "stored", "authority"}) {
    if (!line.statement.contains(required))
      return Fail(where + ": statement." + required + ": missing");
  }
  Status valid = ValidateStoredStatement(line.statement);
  if (!valid.ok()) return Fail(where + ": " + valid.message());
  LRS_RETURN_IF_ERROR(CheckAttachmentsPresent(line.statement, where));
  ++counts_.statements;
  if (line.voided_by) ++counts_.voided;
  if (visitor_) return visitor_->OnStatement(std::move(line), index);
  return Status::Ok();
}

// An attachment without a fileUrl had its content sent with the statement,
// so the exporting store had it: a bundle without it lost something.
Status Reader::CheckAttachmentsPresent(const json::object& statement, const std::string& where) {
  const auto* list = statement.if_contains("attachments");
  if (!list || !list->is_array()) return Status::Ok();
  for (size_t i = 0; i < list->get_array().size(); ++i) {
    const auto& a = list->get_array()[i].get_object();  // validated
    if (a.contains("fileUrl")) continue;
    std::string sha(a.at("sha2").get_string());
    std::transform(sha.begin(), sha.end(), sha.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (!attachments_.count(sha)) {
      return Fail(where + ": statement.attachments[" + std::to_string(i) +
                  "]: its content is not in the bundle");
    }
  }
  return Status::Ok();
}

Status Reader::ReadStatementChunks() {
  for (uint64_t n = 1;
       member_ && member_->name == layout::NumberedMember("statements", n, ".jsonl"); ++n) {
    LRS_RETURN_IF_ERROR(ReadLines([&](std::string_view line, uint64_t) {
      return OnStatementLine(line, counts_.statements);
    }));
    LRS_RETURN_IF_ERROR(Next());
  }
  return Status::Ok();
}

Result<DocumentEntry> Reader::ParseDocument(const std::string& meta) {
  std::string where = member_->name;
  auto v = ParseJson(meta, "bundle: " + where);
  if (!v.ok()) return v.status();
  if (!v->is_object()) return Fail(where + ": not a JSON object");
  const auto& o = v->get_object();
  auto str = [&](const char* key) -> const json::string* {
    const auto* f = o.if_contains(key);
    return f && f->is_string() ? &f->get_string() : nullptr;
  };
  DocumentEntry d;
  const auto* type = str("type");
  if (!type || (*type != "state" && *type != "agentProfile"))
    return Fail(where + ": type: must be state or agentProfile");
  d.type = *type == "state" ? DocumentType::kState : DocumentType::kAgentProfile;
  const auto* agent = o.if_contains("agent");
  if (!agent) return Fail(where + ": agent: missing");
  if (Status s = xapi::ValidateAgentParameter(*agent, false, "agent"); !s.ok())
    return Fail(where + ": " + s.message());
  d.agent = agent->get_object();
  const auto *id = str("id"), *content_type = str("contentType"), *updated = str("updated");
  if (!id || id->empty()) return Fail(where + ": id: missing");
  if (!content_type) return Fail(where + ": contentType: missing");
  auto t = updated ? ParseTimestamp(*updated, TimestampSyntax::kRfc3339) : std::nullopt;
  if (!t) return Fail(where + ": updated: not a timestamp");
  d.id = std::string(*id);
  d.content_type = std::string(*content_type);
  d.updated = *t;
  if (d.type == DocumentType::kState) {
    const auto* activity = str("activityId");
    if (!activity || !xapi::IsIri(*activity)) return Fail(where + ": activityId: must be an IRI");
    d.activity_id = std::string(*activity);
    if (const auto* reg = o.if_contains("registration")) {
      if (!reg->is_string() || !ParseUuid(reg->get_string()))
        return Fail(where + ": registration: must be a UUID");
      d.registration = std::string(reg->get_string());
    }
  }
  return d;
}

Status Reader::ReadDocuments() {
  for (uint64_t n = 1; member_ && member_->name == layout::NumberedMember("documents", n, ".json");
       ++n) {
    auto meta = ReadWhole(kMaxSmallMember);
    if (!meta.ok()) return meta.status();
    auto document = ParseDocument(*meta);
    if (!document.ok()) return document.status();
    LRS_RETURN_IF_ERROR(Next());
    LRS_RETURN_IF_ERROR(Expect(layout::NumberedMember("documents", n, ".content")));
    auto content = ReadWhole(limits_.max_document_bytes);
    if (!content.ok()) return content.status();
    document->content = std::move(*content);
    ++counts_.documents;
    if (visitor_) LRS_RETURN_IF_ERROR(visitor_->OnDocument(std::move(*document)));
    LRS_RETURN_IF_ERROR(Next());
  }
  return Status::Ok();
}

Status Reader::ReadAuditChunks() {
  for (uint64_t n = 1; member_ && member_->name == layout::NumberedMember("audit", n, ".jsonl");
       ++n) {
    LRS_RETURN_IF_ERROR(ReadLines([&](std::string_view text, uint64_t line) -> Status {
      auto v = ParseJson(text, "bundle: audit entry");
      if (!v.ok()) return v.status();
      if (!v->is_object())
        return Fail(member_->name + " line " + std::to_string(line) + ": not a JSON object");
      ++counts_.audit_entries;
      if (visitor_) return visitor_->OnAuditEntry(std::move(v->get_object()));
      return Status::Ok();
    }));
    LRS_RETURN_IF_ERROR(Next());
  }
  return Status::Ok();
}

Status Reader::CheckManifest(const json::object& m, const VerifiedSignature& signer) {
  const auto* format = m.if_contains("format");
  if (!format || !format->is_string() || format->get_string() != kBundleFormat)
    return Fail("manifest: format: not a learner-lrs bundle");
  const auto* version = m.if_contains("version");
  if (!version || !version->is_int64() || version->get_int64() != kBundleVersion) {
    return Fail("manifest: version: this store reads version " + std::to_string(kBundleVersion));
  }
  const auto* source = m.if_contains("source");
  const auto* store_id =
      source && source->is_object() ? source->get_object().if_contains("storeId") : nullptr;
  const auto* key =
      source && source->is_object() ? source->get_object().if_contains("key") : nullptr;
  if (!store_id || !store_id->is_string() || store_id->get_string() != signer.key_id || !key ||
      *key != json::value(signer.jwk)) {
    return Fail("manifest: source: does not name the key that signed it");
  }
  const auto* counts = m.if_contains("counts");
  if (!counts || *counts != json::value(layout::CountsToJson(counts_)))
    return Fail("manifest: counts: do not match the bundle's contents");
  const auto* members = m.if_contains("members");
  if (!members || !members->is_array()) return Fail("manifest: members: missing");
  const auto& list = members->get_array();
  for (size_t i = 0; i < std::max(list.size(), seen_.size()); ++i) {
    if (i >= list.size()) return Fail("member " + seen_[i].path + " is not in the manifest");
    const auto* o = list[i].if_object();
    const auto* path = o ? o->if_contains("path") : nullptr;
    std::string listed = path && path->is_string() ? std::string(path->get_string()) : "?";
    if (i >= seen_.size()) return Fail("member " + listed + " listed in the manifest is missing");
    if (listed != seen_[i].path)
      return Fail("member " + seen_[i].path + " is not where the manifest lists it");
    const auto* size = o->if_contains("size");
    const auto* sha = o->if_contains("sha256");
    boost::system::error_code ec;
    uint64_t listed_size = size && size->is_number() ? size->to_number<uint64_t>(ec) : 0;
    if (!size || !size->is_number() || ec || listed_size != seen_[i].size) {
      return Fail(listed + ": size does not match the manifest");
    }
    if (!sha || !sha->is_string() || sha->get_string() != seen_[i].sha256)
      return Fail(listed + ": sha256 does not match the manifest");
  }
  const auto* learner = m.if_contains("learner");
  if (!learner || !learner->is_object()) return Fail("manifest: learner: missing");
  return Status::Ok();
}

Result<VerifiedBundle> Reader::Run() {
  LRS_RETURN_IF_ERROR(Next());
  LRS_RETURN_IF_ERROR(Expect("bagit.txt"));
  auto bagit = ReadWhole(kMaxSmallMember);
  if (!bagit.ok()) return bagit.status();
  if (*bagit != layout::kBagitText) return Fail("bagit.txt: not a BagIt 1.0 declaration");
  LRS_RETURN_IF_ERROR(Next());
  LRS_RETURN_IF_ERROR(ReadIdentities());
  LRS_RETURN_IF_ERROR(ReadAttachments());
  LRS_RETURN_IF_ERROR(ReadStatementChunks());
  LRS_RETURN_IF_ERROR(ReadDocuments());
  LRS_RETURN_IF_ERROR(ReadAuditChunks());
  LRS_RETURN_IF_ERROR(Expect(layout::kBagitManifest));
  std::string expected_bagit = bagit_manifest_;
  auto bagit_manifest = ReadWhole(kMaxManifest);
  if (!bagit_manifest.ok()) return bagit_manifest.status();
  // Judged after the signed manifest, which names the member that differs.
  bool bagit_differs = *bagit_manifest != expected_bagit;
  LRS_RETURN_IF_ERROR(Next());
  LRS_RETURN_IF_ERROR(Expect(layout::kManifest));
  auto manifest_text = ReadWhole(kMaxManifest, /*record=*/false);
  if (!manifest_text.ok()) return manifest_text.status();
  LRS_RETURN_IF_ERROR(Next());
  LRS_RETURN_IF_ERROR(Expect(layout::kSignature));
  auto jws = ReadWhole(kMaxSignature, /*record=*/false);
  if (!jws.ok()) return jws.status();
  LRS_RETURN_IF_ERROR(Next());
  if (member_) return Fail("unexpected member " + member_->name + " after the signature");
  // The reader takes the source 512 bytes at a time, so the end marker is
  // exactly where it stopped: nothing may follow what the signature covers.
  char extra;
  auto after = source_->Read(&extra, 1);
  if (!after.ok()) return Fail(after.status().message());
  if (*after != 0) return Fail("data after the end of the archive");
  auto signer = VerifyDetached(*jws, *manifest_text, kManifestJwsType);
  if (!signer.ok()) return Fail(signer.status().message());
  auto manifest = ParseJson(*manifest_text, "bundle: manifest.json");
  if (!manifest.ok()) return manifest.status();
  if (!manifest->is_object()) return Fail("manifest.json: not a JSON object");
  LRS_RETURN_IF_ERROR(CheckManifest(manifest->get_object(), *signer));
  if (bagit_differs) return Fail("manifest-sha256.txt: does not match the payload");
  VerifiedBundle out;
  out.manifest = std::move(manifest->get_object());
  out.signer = std::move(*signer);
  out.counts = counts_;
  out.learner = out.manifest["learner"].get_object();
  if (const auto* created = out.manifest.if_contains("created"); created && created->is_string()) {
    out.created = ParseTimestamp(created->get_string(), TimestampSyntax::kRfc3339).value_or(0);
  }
  return out;
}

// Object keys sorted at every depth, so two serializations of one statement
// compare equal whatever order their stores kept.
json::value Canonical(const json::value& v) {
  if (v.is_array()) {
    json::array out;
    for (const auto& e : v.get_array()) out.push_back(Canonical(e));
    return out;
  }
  if (!v.is_object()) return v;
  std::vector<std::pair<std::string, json::value>> fields;
  for (const auto& [k, e] : v.get_object()) fields.emplace_back(std::string(k), Canonical(e));
  std::sort(fields.begin(), fields.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json::object out;
  for (auto& [k, e] : fields) out[k] = std::move(e);
  return out;
}

}  // namespace

Result<VerifiedBundle> ReadBundle(ByteSource* source, BundleVisitor* visitor,
                                  const ReadLimits& limits) {
  Reader reader(source, visitor, limits);
  return reader.Run();
}

std::string StatementFingerprint(const json::object& statement) {
  json::object copy = statement;
  copy.erase("stored");
  copy.erase("authority");
  return Sha256Hex(json::serialize(Canonical(copy)));
}

}  // namespace lrs::portability
