// Helpers of consent_test_util.h.
#include "tests/integration/consent_test_util.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace lrs_it::consent {

IdSet Intersect(const IdSet& a, const IdSet& b) {
  IdSet out;
  for (const auto& x : a) {
    if (b.count(x)) out.insert(x);
  }
  return out;
}

IdSet Minus(IdSet a, const IdSet& b) {
  for (const auto& x : b) a.erase(x);
  return a;
}


namespace {

// base64url without padding, and its inverse (accepting padding and the
// standard alphabet too), written here so a server bug cannot cancel out.
std::string Base64UrlEncode(std::string_view bytes) {
  std::string s = Base64(bytes);
  for (auto& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+' || c == '-') v = 62;
    else if (c == '/' || c == '_') v = 63;
    else if (c == '=') break;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

}  // namespace

Cred AdminCred() { return {kAdminKey, kAdminSecret}; }

// ---------------------------------------------------------------------------
// Requests

HttpResponse Call(const LrsProcess& lrs, const std::optional<Cred>& who, bhttp::verb method,
                  const std::string& target, const std::string& body,
                  const std::string& content_type, Headers headers) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.content_type = content_type;
  r.authorization = who ? std::optional<std::string>(BasicAuth(who->key, who->secret))
                        : std::nullopt;
  r.headers = std::move(headers);
  return lrs.Send(r);
}

HttpResponse GetAs(const LrsProcess& lrs, const Cred& who, const std::string& target) {
  return Call(lrs, who, bhttp::verb::get, target);
}

HttpResponse HeadAs(const LrsProcess& lrs, const Cred& who, const std::string& target) {
  return Call(lrs, who, bhttp::verb::head, target);
}

HttpResponse PostJsonAs(const LrsProcess& lrs, const Cred& who, const std::string& target,
                        const json::value& body) {
  return Call(lrs, who, bhttp::verb::post, target, json::serialize(body), "application/json");
}

HttpResponse DeleteAs(const LrsProcess& lrs, const Cred& who, const std::string& target) {
  return Call(lrs, who, bhttp::verb::delete_, target);
}

json::object ObjectOf(const HttpResponse& r) {
  json::value v = r.Json();
  if (!v.is_object()) {
    ADD_FAILURE() << "expected a JSON object\n" << r;
    return {};
  }
  return v.as_object();
}

::testing::AssertionResult NamesField(const HttpResponse& r, int status, const std::string& field) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "expected " << status << " naming " << field << "\n"
                                         << r;
  }
  if (r.ErrorMessage().find(field) == std::string::npos) {
    return ::testing::AssertionFailure() << "the error message should name " << field << "\n"
                                         << r;
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------
// Admin and /me

Cred AddOrgCredential(const LrsProcess& lrs, const std::string& org_id,
                      const std::vector<std::string>& scopes) {
  json::array s;
  for (const auto& x : scopes) s.emplace_back(x);
  HttpResponse r = PostJsonAs(lrs, AdminCred(), "/admin/organisations/" + org_id + "/credentials",
                              json::object{{"scopes", s}});
  if (r.status != 201) {
    ADD_FAILURE() << "POST credentials for " << org_id << "\n" << r;
    return {};
  }
  json::object o = ObjectOf(r);
  EXPECT_EQ(o["organisation"], json::value(org_id)) << r;
  EXPECT_EQ(o["scopes"], json::value(s)) << r;
  if (!o["key"].is_string() || !o["secret"].is_string()) {
    ADD_FAILURE() << "credential without key/secret\n" << r;
    return {};
  }
  return {std::string(o["key"].as_string()), std::string(o["secret"].as_string())};
}

Org CreateOrg(const LrsProcess& lrs, const std::string& name,
              const std::vector<std::string>& scopes) {
  HttpResponse r = PostJsonAs(lrs, AdminCred(), "/admin/organisations", json::object{{"name", name}});
  if (r.status != 201) {
    ADD_FAILURE() << "POST /admin/organisations " << name << "\n" << r;
    return {};
  }
  json::object o = ObjectOf(r);
  EXPECT_EQ(o["name"], json::value(name)) << r;
  EXPECT_TRUE(o.contains("created")) << r;
  if (!o["id"].is_string()) {
    ADD_FAILURE() << "organisation without id\n" << r;
    return {};
  }
  Org org{std::string(o["id"].as_string()), name, {}};
  org.cred = AddOrgCredential(lrs, org.id, scopes);
  return org;
}

Learner CreateLearner(const LrsProcess& lrs, const std::string& name,
                      const std::vector<json::object>& identities) {
  json::array ids;
  for (const auto& i : identities) ids.push_back(i);
  HttpResponse r = PostJsonAs(lrs, AdminCred(), "/admin/learners",
                              json::object{{"name", name}, {"identities", ids}});
  if (r.status != 201) {
    ADD_FAILURE() << "POST /admin/learners " << name << "\n" << r;
    return {};
  }
  json::object o = ObjectOf(r);
  EXPECT_EQ(o["name"], json::value(name)) << r;
  EXPECT_TRUE(o.contains("created")) << r;
  if (!o["id"].is_string() || !o["key"].is_string() || !o["secret"].is_string()) {
    ADD_FAILURE() << "learner without id/key/secret\n" << r;
    return {};
  }
  return {std::string(o["id"].as_string()), name,
          {std::string(o["key"].as_string()), std::string(o["secret"].as_string())}, identities};
}

std::string MakeGrant(const LrsProcess& lrs, const Learner& learner, json::object body) {
  if (!body.contains("purpose")) body["purpose"] = "integration test";
  HttpResponse r = PostJsonAs(lrs, learner.cred, "/me/grants", body);
  if (r.status != 201) {
    ADD_FAILURE() << "POST /me/grants " << json::serialize(body) << "\n" << r;
    return "";
  }
  json::object o = ObjectOf(r);
  EXPECT_EQ(o["status"], json::value("live")) << r;
  if (!o["id"].is_string()) {
    ADD_FAILURE() << "grant without id\n" << r;
    return "";
  }
  return std::string(o["id"].as_string());
}

void RevokeGrant(const LrsProcess& lrs, const Learner& learner, const std::string& grant_id) {
  HttpResponse r = DeleteAs(lrs, learner.cred, "/me/grants/" + grant_id);
  EXPECT_EQ(r.status, 204) << "DELETE /me/grants/" << grant_id << "\n" << r;
}

std::map<std::string, std::string> GrantStatuses(const LrsProcess& lrs, const Learner& learner) {
  std::map<std::string, std::string> out;
  HttpResponse r = GetAs(lrs, learner.cred, "/me/grants");
  if (r.status != 200) {
    ADD_FAILURE() << "GET /me/grants\n" << r;
    return out;
  }
  json::object o = ObjectOf(r);
  if (!o["grants"].is_array()) {
    ADD_FAILURE() << "no grants array\n" << r;
    return out;
  }
  for (const auto& g : o["grants"].as_array()) {
    out[std::string(g.at("id").as_string())] = std::string(g.at("status").as_string());
  }
  return out;
}

// ---------------------------------------------------------------------------
// Statements

json::object MboxAgent(const std::string& email, const std::string& name) {
  json::object a{{"objectType", "Agent"}, {"mbox", "mailto:" + email}};
  if (!name.empty()) a["name"] = name;
  return a;
}

json::object AccountAgent(const std::string& home_page, const std::string& name) {
  return json::object{{"objectType", "Agent"},
                      {"account", json::object{{"homePage", home_page}, {"name", name}}}};
}

json::object Verb(const std::string& id) {
  return json::object{{"id", id}, {"display", json::object{{"en-US", "did"}}}};
}

json::object ActivityObject(const std::string& id, const std::string& description) {
  json::object o{{"objectType", "Activity"}, {"id", id}};
  if (!description.empty()) {
    o["definition"] = json::object{{"name", json::object{{"en-US", "Course"}}},
                                   {"description", json::object{{"en-US", description}}}};
  }
  return o;
}

json::object StatementRefObject(const std::string& id) {
  return json::object{{"objectType", "StatementRef"}, {"id", id}};
}

json::object MakeStatement(const json::object& actor, const std::string& verb,
                           const json::value& object, const std::string& timestamp,
                           const std::string& registration) {
  json::object s{{"id", NewUuid()},
                 {"actor", actor},
                 {"verb", Verb(verb)},
                 {"object", object},
                 {"timestamp", timestamp}};
  if (!registration.empty()) s["context"] = json::object{{"registration", registration}};
  return s;
}

std::string PostAs(const LrsProcess& lrs, const Cred& who, const json::object& statement) {
  HttpResponse r = PostJsonAs(lrs, who, "/xapi/statements", statement);
  if (r.status != 200) {
    ADD_FAILURE() << "POST " << json::serialize(statement) << "\n" << r;
    return "";
  }
  json::value ids = r.Json();
  if (!ids.is_array() || ids.as_array().size() != 1) {
    ADD_FAILURE() << "POST of one statement should answer [id]\n" << r;
    return "";
  }
  return std::string(ids.as_array()[0].as_string());
}

json::object AttachmentMeta(const std::string& content) {
  return json::object{{"usageType", "http://id.tincanapi.com/attachment/certificate"},
                      {"display", json::object{{"en-US", "certificate"}}},
                      {"contentType", "text/plain"},
                      {"length", content.size()},
                      {"sha2", Sha256Hex(content)}};
}

std::string PostWithAttachmentAs(const LrsProcess& lrs, const Cred& who, json::object statement,
                                 const std::string& content) {
  const std::string boundary = "consent-it-" + NewUuid();
  statement["attachments"] = json::array{AttachmentMeta(content)};
  std::string body = "--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" +
                     json::serialize(statement) + "\r\n--" + boundary +
                     "\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
                     "X-Experience-API-Hash: " +
                     Sha256Hex(content) + "\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
  HttpResponse r = Call(lrs, who, bhttp::verb::post, "/xapi/statements", body,
                        "multipart/mixed; boundary=" + boundary);
  if (r.status != 200) {
    ADD_FAILURE() << "multipart POST\n" << r;
    return "";
  }
  return std::string(r.Json().as_array().at(0).as_string());
}

Paged QueryAs(const LrsProcess& lrs, const Cred& who, const std::string& target,
              bool allow_error) {
  Paged out;
  std::string next = target;
  for (int page = 0; page < 200 && !next.empty(); ++page) {
    HttpResponse r = GetAs(lrs, who, next);
    if (r.status != 200) {
      out.all_ok = false;
      out.first_error_status = r.status;
      if (!allow_error) ADD_FAILURE() << "GET " << next << " as " << who.key << "\n" << r;
      return out;
    }
    std::string json_text = r.body;
    if (r.Header("Content-Type").rfind("multipart/mixed", 0) == 0) {
      auto parts = ParseMultipart(r.body, BoundaryOf(r.Header("Content-Type")));
      json_text = parts.empty() ? "" : parts[0].body;
    }
    out.bodies.push_back(r.body);
    boost::system::error_code ec;
    json::value v = json::parse(json_text, ec);
    if (ec || !v.is_object() || !v.as_object().contains("statements")) {
      out.all_ok = false;
      ADD_FAILURE() << "not a StatementResult: GET " << next << "\n" << r;
      return out;
    }
    for (const auto& s : v.at("statements").as_array()) {
      std::string id(s.at("id").as_string());
      EXPECT_TRUE(out.ids.insert(id).second) << "duplicate " << id << " in " << target;
      out.order.push_back(id);
    }
    next = std::string(v.at("more").as_string());
    if (!next.empty()) out.more.push_back(next);
  }
  if (!next.empty()) ADD_FAILURE() << "more than 200 pages for " << target;
  return out;
}

std::string Enc(const std::string& text) { return PercentEncode(text); }

std::string AgentParam(const json::object& agent) { return PercentEncode(json::serialize(agent)); }

// ---------------------------------------------------------------------------
// `more` links

std::optional<std::string> EditMoreLink(const std::string& link,
                                        const std::function<void(json::object&)>& edit) {
  size_t at = link.find("more=");
  if (at == std::string::npos) return std::nullopt;
  std::string token = PercentDecode(link.substr(at + 5));
  size_t amp = token.find('&');
  if (amp != std::string::npos) return std::nullopt;
  auto raw = Base64Decode(token);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  edit(v.as_object());
  return link.substr(0, at) + "more=" + Base64UrlEncode(json::serialize(v));
}

// ---------------------------------------------------------------------------
// Indistinguishability

std::optional<int64_t> ParseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

::testing::AssertionResult Indistinguishable(const HttpResponse& hidden, const HttpResponse& absent,
                                             const std::set<std::string>& approx_dates) {
  auto fail = [&]() {
    return ::testing::AssertionFailure() << "\n--- hidden:\n" << hidden << "\n--- absent:\n"
                                         << absent << "\n--- ";
  };
  if (!hidden.ok() || !absent.ok()) return fail() << "transport error";
  if (hidden.status != absent.status) return fail() << "statuses differ";
  if (hidden.body != absent.body) return fail() << "bodies differ";
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::set<std::string> approx;
  for (const auto& a : approx_dates) approx.insert(lower(a));
  auto collect = [&](const HttpResponse& r) {
    std::multimap<std::string, std::string> m;
    for (const auto& f : r.headers) {
      std::string name = lower(std::string(f.name_string()));
      if (name == "date" || name == "x-experience-api-consistent-through") continue;
      m.emplace(name, std::string(f.value()));
    }
    return m;
  };
  auto h = collect(hidden), a = collect(absent);
  std::set<std::string> names;
  for (const auto& [k, v] : h) names.insert(k);
  for (const auto& [k, v] : a) names.insert(k);
  for (const auto& name : names) {
    auto hr = h.equal_range(name);
    auto ar = a.equal_range(name);
    std::vector<std::string> hv, av;
    for (auto it = hr.first; it != hr.second; ++it) hv.push_back(it->second);
    for (auto it = ar.first; it != ar.second; ++it) av.push_back(it->second);
    if (hv == av) continue;
    if (approx.count(name) && hv.size() == 1 && av.size() == 1) {
      auto ht = ParseHttpDate(hv[0]), atime = ParseHttpDate(av[0]);
      if (ht && atime && std::llabs(*ht - *atime) <= 1) continue;
    }
    return fail() << "header " << name << " differs";
  }
  return ::testing::AssertionSuccess();
}

HttpResponse SwapText(HttpResponse r, const std::string& from, const std::string& to) {
  EXPECT_EQ(from.size(), to.size()) << from << " / " << to;
  for (size_t at = 0; (at = r.body.find(from, at)) != std::string::npos; at += to.size()) {
    r.body.replace(at, from.size(), to);
  }
  return r;
}

// ---------------------------------------------------------------------------
// Time

std::string IsoSeconds(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Iso(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}


}  // namespace lrs_it::consent
