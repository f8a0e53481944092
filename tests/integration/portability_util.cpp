// Helpers of portability_util.h.
#include "tests/integration/portability_util.h"

#include <algorithm>
#include <cstring>

#include "lrs/portability/byte_stream.h"
#include "tests/unit/xapi/jws_test_util.h"

namespace lrs_it::portability_it {

using consent::AgentParam;
using consent::Call;
using consent::Enc;
using consent::GetAs;
using consent::ObjectOf;
using consent::PostAs;
namespace bhttp = boost::beast::http;

namespace {

// A signed statement of Ada's (RS256 with an x5c certificate), posted by
// the LMS as multipart/mixed with its signature part. Returns its id.
std::string PostSignedStatement(const LrsProcess& lrs, const World& w, std::string* jws_out) {
  auto signer = lrs::xapi::testing::TestSigner::Make(2048);
  json::object st = consent::MakeStatement(
      w.ada_mbox, consent::kCompleted, consent::ActivityObject(consent::kCourseA3, "signed work"),
      "2025-09-15T00:00:00Z", consent::kR2);
  const std::string header =
      json::serialize(json::object{{"alg", "RS256"}, {"x5c", json::array{signer.CertBase64()}}});
  const std::string jws = lrs::xapi::testing::MakeJws(signer, header, json::serialize(st), "RS256");
  st["attachments"] = json::array{json::object{{"usageType", kSignatureUsage},
                                               {"display", json::object{{"en-US", "Signature"}}},
                                               {"contentType", "application/octet-stream"},
                                               {"length", jws.size()},
                                               {"sha2", Sha256Hex(jws)}}};
  const std::string boundary = "portability-it-" + NewUuid();
  std::string body = "--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" +
                     json::serialize(st) + "\r\n--" + boundary +
                     "\r\nContent-Type: application/octet-stream\r\n"
                     "Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " +
                     Sha256Hex(jws) + "\r\n\r\n" + jws + "\r\n--" + boundary + "--\r\n";
  HttpResponse r = Call(lrs, w.lms.cred, bhttp::verb::post, "/xapi/statements", body,
                        "multipart/mixed; boundary=" + boundary);
  if (r.status != 200) {
    ADD_FAILURE() << "POST of the signed statement\n" << r;
    return "";
  }
  *jws_out = jws;
  return std::string(st.at("id").as_string());
}

::testing::AssertionResult PutDocument(const LrsProcess& lrs, const Cred& who,
                                       const std::string& target, const std::string& body,
                                       const std::string& type) {
  HttpResponse r = Call(lrs, who, bhttp::verb::put, target, body, type, {{"If-None-Match", "*"}});
  if (r.status != 204) return ::testing::AssertionFailure() << "PUT " << target << "\n" << r;
  return ::testing::AssertionSuccess();
}

class Collector : public lrs::portability::BundleVisitor {
 public:
  explicit Collector(ReadOutcome* out) : out_(out) {}
  lrs::Status OnIdentities(const json::array& identities) override {
    out_->identities = identities;
    return lrs::Status::Ok();
  }
  lrs::Status OnAttachment(const std::string& sha2, std::string content) override {
    out_->attachments[sha2] = std::move(content);
    return lrs::Status::Ok();
  }
  lrs::Status OnStatement(lrs::portability::StatementLine line, uint64_t) override {
    std::string id(line.statement.at("id").as_string());
    out_->provenance[id] = line.provenance;
    if (line.voided_by) out_->voided_by[id] = *line.voided_by;
    out_->statements[id] = std::move(line.statement);
    return lrs::Status::Ok();
  }
  lrs::Status OnDocument(lrs::portability::DocumentEntry d) override {
    out_->documents.push_back(std::move(d));
    return lrs::Status::Ok();
  }

 private:
  ReadOutcome* out_;
};

uint64_t Octal(const std::string& field) {
  uint64_t v = 0;
  for (char c : field) {
    if (c == '\0' || c == ' ') {
      if (v) break;
      continue;
    }
    if (c < '0' || c > '7') return UINT64_MAX;
    v = v * 8 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string CString(const std::string& block, size_t at, size_t len) {
  std::string s = block.substr(at, len);
  size_t nul = s.find('\0');
  return nul == std::string::npos ? s : s.substr(0, nul);
}

}  // namespace

// ---------------------------------------------------------------------------
// The source store

::testing::AssertionResult BuildSource(Source* s) {
  if (auto started = s->lrs.Start(); !started) return started;
  s->w = consent::BuildWorld(s->lrs);
  bool built = !s->w.ada.id.empty() && s->w.id.size() == 16;
  for (const auto& [name, id] : s->w.id) built &= !id.empty();
  if (!built) return ::testing::AssertionFailure() << "building the world failed";
  s->key_id = StoreKeyId(s->lrs);
  if (s->key_id.empty()) return ::testing::AssertionFailure() << "the source has no store key";
  s->signed_id = PostSignedStatement(s->lrs, s->w, &s->jws);
  if (s->signed_id.empty())
    return ::testing::AssertionFailure() << "the signed statement was refused";
  const Cred& lms = s->w.lms.cred;
  auto put = PutDocument(s->lrs, lms,
                         "/xapi/activities/state?activityId=" + Enc(consent::kCourseA1) +
                             "&agent=" + AgentParam(s->w.ada_mbox) +
                             "&registration=" + consent::kR1 + "&stateId=" + kStateId,
                         kStateBody, kStateType);
  if (!put) return put;
  put = PutDocument(
      s->lrs, lms,
      "/xapi/agents/profile?agent=" + AgentParam(s->w.ada_account) + "&profileId=" + kProfileId,
      kProfileBody, kProfileType);
  if (!put) return put;
  s->bundle = ExportBundle(s->lrs, s->w.ada.cred);
  if (s->bundle.empty()) return ::testing::AssertionFailure() << "Ada's export failed";
  return ::testing::AssertionSuccess();
}

Source* SourceSuite::source_ = nullptr;
std::string* SourceSuite::error_ = nullptr;

void SourceSuite::SetUpTestSuite() {
  source_ = new Source;
  error_ = new std::string;
  if (auto built = BuildSource(source_); !built) *error_ = built.message();
}

void SourceSuite::TearDownTestSuite() {
  delete source_;
  delete error_;
  source_ = nullptr;
  error_ = nullptr;
}

void SourceSuite::SetUp() {
  ASSERT_NE(source_, nullptr);
  ASSERT_TRUE(error_->empty()) << "the source store could not be built: " << *error_;
}

std::string StoreKeyId(const LrsProcess& lrs) {
  HttpRequest req;
  req.target = "/xapi/about";
  req.authorization.reset();
  HttpResponse r = lrs.Send(req);
  if (r.status != 200) {
    ADD_FAILURE() << "GET /xapi/about\n" << r;
    return "";
  }
  json::value v = r.Json();
  const json::value* key = nullptr;
  if (const auto* ext = v.is_object() ? v.as_object().if_contains("extensions") : nullptr;
      ext && ext->is_object()) {
    if (const auto* ours = ext->as_object().if_contains("https://w3id.org/learner-lrs/about");
        ours && ours->is_object()) {
      if (const auto* store_key = ours->as_object().if_contains("storeKey");
          store_key && store_key->is_object()) {
        key = store_key->as_object().if_contains("keyId");
      }
    }
  }
  if (!key || !key->is_string() || key->as_string().empty()) {
    ADD_FAILURE() << "no storeKey.keyId in /xapi/about\n" << r;
    return "";
  }
  std::string id(key->as_string());
  EXPECT_NE(lrs.Output().find(id), std::string::npos) << "the start line should name the store key";
  return id;
}

// ---------------------------------------------------------------------------
// Export and import

HttpResponse Export(const LrsProcess& lrs, const std::optional<Cred>& who,
                    const std::string& target) {
  return Call(lrs, who, bhttp::verb::get, target);
}

std::string ExportBundle(const LrsProcess& lrs, const Cred& who, const std::string& target) {
  HttpResponse r = Export(lrs, who, target);
  if (r.status != 200) {
    ADD_FAILURE() << "GET " << target << "\n" << r;
    return "";
  }
  EXPECT_EQ(r.Header("Content-Type"), kBundleType) << "GET " << target;
  if (r.body.empty()) ADD_FAILURE() << "GET " << target << ": empty body";
  return r.body;
}

HttpResponse Import(const LrsProcess& lrs, const Cred& who, const std::string& bundle) {
  return Call(lrs, who, bhttp::verb::post, "/me/import", bundle, kBundleType);
}

json::object ImportOk(const LrsProcess& lrs, const Cred& who, const std::string& bundle) {
  HttpResponse r = Import(lrs, who, bundle);
  if (r.status != 200) {
    ADD_FAILURE() << "POST /me/import\n" << r;
    return {};
  }
  return ObjectOf(r);
}

int64_t Count(const json::object& summary, const char* section, const char* field) {
  const auto* s = summary.if_contains(section);
  const auto* f = s && s->is_object() ? s->as_object().if_contains(field) : nullptr;
  if (!f || !f->is_number()) {
    ADD_FAILURE() << section << "." << field << " missing in " << json::serialize(summary);
    return -1;
  }
  return f->to_number<int64_t>();
}

// ---------------------------------------------------------------------------
// Reads

std::map<std::string, json::object> StatementsAs(const LrsProcess& lrs, const Cred& who,
                                                 const std::string& target) {
  std::map<std::string, json::object> out;
  std::string next = target;
  for (int page = 0; page < 200 && !next.empty(); ++page) {
    HttpResponse r = GetAs(lrs, who, next);
    if (r.status != 200) {
      ADD_FAILURE() << "GET " << next << "\n" << r;
      return out;
    }
    json::object result = ObjectOf(r);
    if (!result["statements"].is_array() || !result["more"].is_string()) {
      ADD_FAILURE() << "not a StatementResult\n" << r;
      return out;
    }
    for (const auto& s : result["statements"].as_array()) {
      std::string id(s.at("id").as_string());
      EXPECT_TRUE(out.emplace(id, s.as_object()).second) << "duplicate " << id;
    }
    next = std::string(result["more"].as_string());
  }
  EXPECT_TRUE(next.empty()) << "more than 200 pages";
  return out;
}

IdSet Keys(const std::map<std::string, json::object>& statements) {
  IdSet out;
  for (const auto& [id, s] : statements) out.insert(id);
  return out;
}

json::object WithoutStoreFields(json::object statement) {
  statement.erase("stored");
  statement.erase("authority");
  return statement;
}

json::object Me(const LrsProcess& lrs, const Cred& who) {
  HttpResponse r = GetAs(lrs, who, "/me");
  EXPECT_EQ(r.status, 200) << r;
  return r.status == 200 ? ObjectOf(r) : json::object{};
}

std::string IfiOf(const json::value& agent) {
  if (!agent.is_object()) return "?";
  const auto& a = agent.as_object();
  if (const auto* m = a.if_contains("mbox")) return "mbox:" + std::string(m->as_string());
  if (const auto* m = a.if_contains("mbox_sha1sum")) return "sha1:" + std::string(m->as_string());
  if (const auto* m = a.if_contains("openid")) return "openid:" + std::string(m->as_string());
  if (const auto* m = a.if_contains("account"); m && m->is_object()) {
    return "account:" + std::string(m->as_object().at("homePage").as_string()) + "|" +
           std::string(m->as_object().at("name").as_string());
  }
  return "?";
}

std::set<std::string> IfisOf(const json::array& agents) {
  std::set<std::string> out;
  for (const auto& a : agents) out.insert(IfiOf(a));
  return out;
}

json::object Provenance(const LrsProcess& lrs, const Cred& who, const std::string& id) {
  HttpResponse r = GetAs(lrs, who, "/me/provenance?statementId=" + id);
  if (r.status != 200) {
    ADD_FAILURE() << "GET /me/provenance?statementId=" << id << "\n" << r;
    return {};
  }
  return ObjectOf(r);
}

::testing::AssertionResult StartTrusting(LrsProcess& lrs, const std::vector<std::string>& trusted) {
  std::vector<std::string> args;
  for (const auto& k : trusted) {
    args.push_back("--trust-store-key");
    args.push_back(k);
  }
  return lrs.Start(args);
}

void ExpectNothingImported(const LrsProcess& lrs, const Learner& learner,
                           const IdSet& operator_may_see) {
  EXPECT_TRUE(StatementsAs(lrs, learner.cred).empty()) << "the learner has statements";
  EXPECT_EQ(Keys(StatementsAs(lrs, consent::AdminCred())), operator_may_see)
      << "the operator sees other statements than before the import";
  json::object me = Me(lrs, learner.cred);
  std::set<std::string> held;
  for (const auto& i : learner.identities) held.insert(IfiOf(i));
  EXPECT_EQ(me["identities"].is_array() ? IfisOf(me["identities"].as_array())
                                        : std::set<std::string>{"?"},
            held)
      << json::serialize(me);
  EXPECT_TRUE(me["imports"].is_array() && me["imports"].as_array().empty()) << json::serialize(me);
}

// ---------------------------------------------------------------------------
// The library's reader

ReadOutcome ReadBundleBytes(const std::string& bundle) {
  ReadOutcome out;
  Collector collector(&out);
  lrs::portability::StringSource source(bundle);
  auto verified = lrs::portability::ReadBundle(&source, &collector);
  out.status = verified.status();
  if (verified.ok()) {
    out.counts = verified->counts;
    out.signer = verified->signer.key_id;
  }
  return out;
}

// ---------------------------------------------------------------------------
// ustar

std::vector<TarEntry> TarEntries(const std::string& tar) {
  std::vector<TarEntry> out;
  size_t off = 0;
  while (off + 512 <= tar.size()) {
    std::string block = tar.substr(off, 512);
    if (std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; })) return out;
    TarEntry e;
    std::string name = CString(block, 0, 100);
    std::string prefix = CString(block, 345, 155);
    e.name = prefix.empty() ? name : prefix + "/" + name;
    uint64_t size = Octal(block.substr(124, 12));
    if (size == UINT64_MAX || block.substr(257, 5) != "ustar") {
      ADD_FAILURE() << "not a ustar header at offset " << off;
      return out;
    }
    e.header = off;
    e.data = off + 512;
    e.size = size;
    e.end = e.data + (size + 511) / 512 * 512;
    if (e.end > tar.size()) {
      ADD_FAILURE() << "member " << e.name << " runs past the end";
      return out;
    }
    out.push_back(e);
    off = e.end;
  }
  ADD_FAILURE() << "no end-of-archive marker";
  return out;
}

const TarEntry* FindMember(const std::vector<TarEntry>& entries, const std::string& suffix) {
  for (const auto& e : entries) {
    if (e.name.size() >= suffix.size() &&
        e.name.compare(e.name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return &e;
    }
  }
  ADD_FAILURE() << "no member ending with " << suffix;
  return nullptr;
}

const TarEntry* FindMemberContaining(const std::vector<TarEntry>& entries,
                                     const std::string& part) {
  for (const auto& e : entries) {
    if (e.name.find(part) != std::string::npos) return &e;
  }
  ADD_FAILURE() << "no member named like " << part;
  return nullptr;
}

std::string FlipByte(std::string bundle, size_t pos, unsigned char mask) {
  if (pos >= bundle.size()) {
    ADD_FAILURE() << "flip at " << pos << " past the end";
    return bundle;
  }
  bundle[pos] = static_cast<char>(static_cast<unsigned char>(bundle[pos]) ^ mask);
  return bundle;
}

std::string RemoveMember(std::string bundle, const TarEntry& e) {
  bundle.erase(e.header, e.end - e.header);
  return bundle;
}

}  // namespace lrs_it::portability_it
