// The statement as a whole: its set of properties, id, version, timestamps,
// authority, attachment metadata and the voiding rule, and the parts a
// SubStatement shares with it.
#include <string>

#include "lrs/xapi/validate.h"
#include "lrs/xapi/validate_internal.h"

namespace lrs::xapi {
namespace internal {
namespace {

constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "1.0" or "1.0.<n>" at 1.0.3 (Data 2.4.10); 2.0.0 adds "2.0" and "2.0.<n>".
bool IsAcceptedVersion(std::string_view s, Version version) {
  auto matches = [&](std::string_view prefix) {
    if (s == prefix) return true;
    return s.size() > prefix.size() + 1 && s.substr(0, prefix.size()) == prefix &&
           s[prefix.size()] == '.' && IsDigits(s.substr(prefix.size() + 1));
  };
  return matches("1.0") || (version == Version::k200 && matches("2.0"));
}

bool IsHexString(std::string_view s) {
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// SHA-224, -256, -384 or -512 in hex.
Status CheckSha2(const json::value& v, std::string_view path) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    bool sized = s.size() == 56 || s.size() == 64 || s.size() == 96 || s.size() == 128;
    if (sized && IsHexString(s)) return Status::Ok();
  }
  return Fail(path, "must be a hex SHA-2 digest");
}

Status CheckLength(const json::value& v, std::string_view path) {
  bool ok = (v.is_int64() && v.get_int64() >= 0) || v.is_uint64();
  return ok ? Status::Ok() : Fail(path, "must be a non-negative integer");
}

// An Internet media type: type "/" subtype, optionally followed by parameters.
Status CheckContentType(const json::value& v, std::string_view path) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    std::string_view essence = s.substr(0, s.find(';'));
    size_t slash = essence.find('/');
    if (slash != std::string_view::npos && slash > 0 && slash + 1 < essence.size()) {
      return Status::Ok();
    }
  }
  return Fail(path, "must be an Internet media type such as text/plain");
}

Status ValidateAttachment(const json::value& v, std::string_view path) {
  if (!v.is_object()) return Fail(path, "must be an Attachment object");
  const auto& a = v.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(
      a, path,
      {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}));
  for (std::string_view key : {"usageType", "display", "contentType", "length", "sha2"}) {
    LRS_RETURN_IF_ERROR(Require(a, key, path));
  }
  LRS_RETURN_IF_ERROR(CheckIri(a.at("usageType"), Child(path, "usageType")));
  LRS_RETURN_IF_ERROR(CheckLanguageMap(a.at("display"), Child(path, "display")));
  LRS_RETURN_IF_ERROR(IfPresent(a, "description", path, CheckLanguageMap));
  LRS_RETURN_IF_ERROR(CheckContentType(a.at("contentType"), Child(path, "contentType")));
  LRS_RETURN_IF_ERROR(CheckLength(a.at("length"), Child(path, "length")));
  LRS_RETURN_IF_ERROR(CheckSha2(a.at("sha2"), Child(path, "sha2")));
  return IfPresent(a, "fileUrl", path, CheckIri);
}

Status ValidateAttachments(const json::value& v, std::string_view path) {
  if (!v.is_array()) return Fail(path, "must be an array of Attachments");
  const auto& a = v.get_array();
  for (size_t i = 0; i < a.size(); ++i)
    LRS_RETURN_IF_ERROR(ValidateAttachment(a[i], Index(path, i)));
  return Status::Ok();
}

Status CheckAuthority(const json::value& v, std::string_view path) {
  return ValidateActor(v, path, ActorRole::kAuthority);
}

// A statement whose verb is "voided" must point at what it voids.
Status CheckVoiding(const json::object& s, std::string_view path) {
  const json::value& verb_id = s.at("verb").get_object().at("id");
  if (verb_id.get_string() != kVoidedVerb) return Status::Ok();
  const json::value* t = s.at("object").get_object().if_contains("objectType");
  if (!t || t->get_string() != "StatementRef") {
    return Fail(Child(path, "object"), "a voiding statement's object must be a StatementRef");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateStatementCore(const json::object& o, std::string_view path, Version version,
                             bool is_substatement) {
  for (std::string_view key : {"actor", "verb", "object"}) {
    LRS_RETURN_IF_ERROR(Require(o, key, path));
  }
  LRS_RETURN_IF_ERROR(ValidateActor(o.at("actor"), Child(path, "actor"), ActorRole::kActor));
  LRS_RETURN_IF_ERROR(ValidateVerb(o.at("verb"), Child(path, "verb")));
  const json::value& object = o.at("object");
  LRS_RETURN_IF_ERROR(ValidateObject(object, Child(path, "object"), version, is_substatement));
  LRS_RETURN_IF_ERROR(IfPresent(o, "result", path, ValidateResult));
  LRS_RETURN_IF_ERROR(IfPresent(o, "context", path, [&](const json::value& c, std::string p) {
    return ValidateContext(c, p, version, IsActivityObject(object));
  }));
  LRS_RETURN_IF_ERROR(IfPresent(o, "timestamp", path, [&](const json::value& t, std::string p) {
    return CheckTimestamp(t, p, version);
  }));
  return IfPresent(o, "attachments", path, ValidateAttachments);
}

}  // namespace internal

Status ValidateStatement(const boost::json::value& statement, Version version) {
  using namespace internal;
  constexpr std::string_view kPath = "statement";
  if (!statement.is_object()) return Fail(kPath, "must be a JSON object");
  const auto& s = statement.get_object();
  LRS_RETURN_IF_ERROR(CheckKeys(s, kPath,
                                {"id", "actor", "verb", "object", "result", "context", "timestamp",
                                 "stored", "authority", "version", "attachments"}));
  LRS_RETURN_IF_ERROR(IfPresent(s, "id", kPath, CheckUuid));
  LRS_RETURN_IF_ERROR(ValidateStatementCore(s, kPath, version, /*is_substatement=*/false));
  LRS_RETURN_IF_ERROR(IfPresent(s, "stored", kPath, [&](const json::value& t, std::string p) {
    return CheckTimestamp(t, p, version);
  }));
  LRS_RETURN_IF_ERROR(IfPresent(s, "authority", kPath, CheckAuthority));
  LRS_RETURN_IF_ERROR(IfPresent(s, "version", kPath, [&](const json::value& v, std::string p) {
    if (v.is_string() && IsAcceptedVersion(v.get_string(), version)) return Status::Ok();
    return Fail(p, version == Version::k103 ? "must be 1.0 or 1.0.x" : "must be 1.0.x or 2.0.x");
  }));
  return CheckVoiding(s, kPath);
}

}  // namespace lrs::xapi
