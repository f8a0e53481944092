#include "lrs/base/json.h"
#include "lrs/http/statement_body.h"

#include <algorithm>
#include <map>
#include <set>

#include "lrs/base/encoding.h"
#include "lrs/xapi/multipart.h"
#include "lrs/xapi/signature.h"
#include "lrs/xapi/validate.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

std::string ToLower(std::string_view in) {
  std::string s(in);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string LowerType(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  return t;
}

// Splits multipart into the statement JSON and attachment contents by sha2.
Status ReadMultipart(const RequestContext& ctx, std::string_view content_type, std::string* json_text,
                     std::map<std::string, std::string>* parts_by_sha2) {
  auto boundary = xapi::MultipartBoundary(content_type);
  if (!boundary.ok()) return boundary.status();
  auto parts = xapi::ParseMultipart(ctx.request.body(), *boundary);
  if (!parts.ok()) return parts.status();
  if (parts->empty()) return Status::InvalidArgument("multipart body: no statement part");
  auto& first = parts->front();
  auto type = first.headers.find("content-type");
  if (type == first.headers.end() || LowerType(type->second) != "application/json") {
    return Status::InvalidArgument("multipart body: the first part must be application/json");
  }
  *json_text = std::move(first.body);
  for (size_t i = 1; i < parts->size(); ++i) {
    auto& part = (*parts)[i];
    auto hash = part.headers.find("x-experience-api-hash");
    if (hash == part.headers.end()) {
      return Status::InvalidArgument("multipart part " + std::to_string(i) +
                                     ": X-Experience-API-Hash header is required");
    }
    if (part.headers.find("content-type") == part.headers.end()) {
      return Status::InvalidArgument("multipart part " + std::to_string(i) +
                                     ": Content-Type header is required");
    }
    if (auto cte = part.headers.find("content-transfer-encoding");
        cte != part.headers.end() && ToLower(cte->second) != "binary") {
      return Status::InvalidArgument("multipart part " + std::to_string(i) +
                                     ": Content-Transfer-Encoding must be binary");
    }
    std::string sha2 = ToLower(hash->second);
    // xAPI names the hash "sha2": SHA-256 in practice, but SHA-384/512 are SHA-2 too.
    std::string digest = sha2.size() == 96    ? HexEncode(Sha384(part.body))
                         : sha2.size() == 128 ? HexEncode(Sha512(part.body))
                                              : Sha256Hex(part.body);
    if (digest != sha2) {
      return Status::InvalidArgument("multipart part " + std::to_string(i) +
                                     ": content does not match its X-Experience-API-Hash");
    }
    (*parts_by_sha2)[sha2] = std::move(part.body);
  }
  return Status::Ok();
}

// Every attachment without fileUrl needs its content in a part; every part
// must belong to some attachment; signatures must verify.
Status MatchAttachments(std::vector<json::object>& statements,
                        std::map<std::string, std::string>& parts, StatementBody* out) {
  std::set<std::string> used;
  for (size_t i = 0; i < statements.size(); ++i) {
    auto it = statements[i].find("attachments");
    if (it == statements[i].end() || !it->value().is_array()) continue;
    const auto& list = it->value().get_array();
    for (size_t j = 0; j < list.size(); ++j) {
      const auto& a = list[j].get_object();
      std::string where = "statement.attachments[" + std::to_string(j) + "]";
      std::string sha2 = ToLower(a.at("sha2").as_string());
      auto part = parts.find(sha2);
      bool is_signature = a.at("usageType").as_string() == xapi::kSignatureUsageType;
      if (part == parts.end()) {
        if (a.contains("fileUrl") && !is_signature) continue;
        return Status::InvalidArgument(where + ".sha2: no multipart part carries this attachment");
      }
      if (is_signature) {
        if (a.at("contentType").as_string() != "application/octet-stream") {
          return Status::InvalidArgument(where + ".contentType: a signature must be application/octet-stream");
        }
        LRS_RETURN_IF_ERROR(xapi::VerifySignedStatement(json::value(statements[i]), part->second));
      }
      used.insert(sha2);
    }
  }
  for (auto& [sha2, content] : parts) {
    if (!used.count(sha2)) {
      return Status::InvalidArgument("multipart part with hash " + sha2 +
                                     ": no statement attachment references it");
    }
    out->attachments.push_back({sha2, std::move(content)});
  }
  return Status::Ok();
}

}  // namespace

Result<StatementBody> ReadStatementBody(const RequestContext& ctx, size_t max_statements) {
  std::string content_type(ctx.request[bhttp::field::content_type]);
  std::string type = LowerType(content_type);
  std::string json_text;
  std::map<std::string, std::string> parts;
  if (type == "multipart/mixed") {
    LRS_RETURN_IF_ERROR(ReadMultipart(ctx, content_type, &json_text, &parts));
  } else if (type == "application/json" || type.empty()) {
    json_text = ctx.request.body();
  } else {
    return Status::InvalidArgument("Content-Type: statements must be application/json or multipart/mixed");
  }
  auto body = ParseJson(json_text, "request body");
  if (!body.ok()) return body.status();

  StatementBody out;
  if (body->is_array()) {
    out.was_array = true;
    if (body->get_array().size() > max_statements) {
      return Status::TooLarge("request body: more than " + std::to_string(max_statements) +
                              " statements in one batch");
    }
    for (auto& v : body->get_array()) {
      if (!v.is_object()) return Status::InvalidArgument("statement: must be a JSON object");
      out.statements.push_back(std::move(v.get_object()));
    }
  } else if (body->is_object()) {
    out.statements.push_back(std::move(body->get_object()));
  } else {
    return Status::InvalidArgument("request body: must be a statement object or an array of them");
  }

  std::set<std::string> ids;
  for (size_t i = 0; i < out.statements.size(); ++i) {
    Status s = xapi::ValidateStatement(json::value(out.statements[i]), ctx.version);
    if (!s.ok()) {
      if (!out.was_array) return s;
      return Status::InvalidArgument("[" + std::to_string(i) + "] " + s.message());
    }
    if (auto id = out.statements[i].find("id"); id != out.statements[i].end()) {
      std::string key = ToLower(id->value().as_string());
      if (!ids.insert(key).second) {
        return Status::InvalidArgument("statement.id: " + key + " appears twice in one request");
      }
    }
  }
  LRS_RETURN_IF_ERROR(MatchAttachments(out.statements, parts, &out));
  return out;
}

}  // namespace lrs::http
