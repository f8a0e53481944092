// Shared by the document resource tests (documents_*_test.cpp): the test
// parameters and scope constants, query-string builders, and the
// DocumentResourceTest fixture that runs each test against State, Activity
// Profile and Agent Profile alike. DocumentResourceTest is instantiated in
// documents_test.cpp, DocumentAgentResourceTest in documents_params_test.cpp.
#pragma once

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it::docs {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

using Params = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;
using IdList = std::vector<std::string>;

inline constexpr char kActivity[] = "http://example.com/activities/course-1";
inline constexpr char kOtherActivity[] = "http://example.com/activities/course-2";
inline constexpr char kAgent[] = R"({"objectType":"Agent","mbox":"mailto:ada@example.com"})";
inline constexpr char kOtherAgent[] = R"({"objectType":"Agent","mbox":"mailto:bob@example.com"})";
inline constexpr char kRegistration[] = "a3f1c1d2-5b6e-4f70-8a9b-0c1d2e3f4a5b";
inline constexpr char kOtherRegistration[] = "11111111-2222-4333-8444-555555555555";

inline std::string Query(const std::string& path, const Params& params) {
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : params) {
    out += sep + PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  return out;
}

inline Params Without(Params params, const std::string& name) {
  std::erase_if(params, [&](const auto& p) { return p.first == name; });
  return params;
}

inline Params With(Params params, const std::string& name, const std::string& value) {
  params = Without(std::move(params), name);
  params.emplace_back(name, value);
  return params;
}

inline HttpResponse Do(const LrsProcess& lrs, bhttp::verb method, const std::string& target,
                       const std::string& body = "", const std::string& content_type = "",
                       Headers headers = {}, const std::string& version = kV103) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.content_type = content_type;
  r.version = version;
  r.headers = std::move(headers);
  return lrs.Send(r);
}

inline std::string Quoted(const std::string& etag) { return "\"" + etag + "\""; }

// The three document resources, as a test parameter.
struct Resource {
  const char* name;
  const char* path;
  const char* id_param;
  bool has_activity;
  bool has_agent;
  bool is_state() const { return std::string_view(id_param) == "stateId"; }
};

inline void PrintTo(const Resource& r, std::ostream* os) { *os << r.name; }

inline constexpr Resource kState{"State", "/xapi/activities/state", "stateId", true, true};
inline constexpr Resource kActivityProfile{"ActivityProfile", "/xapi/activities/profile",
                                           "profileId", true, false};
inline constexpr Resource kAgentProfile{"AgentProfile", "/xapi/agents/profile", "profileId", false,
                                        true};

class DocumentResourceTest : public LrsFixture<::testing::TestWithParam<Resource>> {
 protected:
  const Resource& R() const { return GetParam(); }

  // The parameters naming the resource's scope (no document id).
  Params Scope(const std::string& activity = kActivity, const std::string& agent = kAgent) const {
    Params p;
    if (R().has_activity) p.emplace_back("activityId", activity);
    if (R().has_agent) p.emplace_back("agent", agent);
    return p;
  }
  Params Doc(const std::string& id) const { return With(Scope(), R().id_param, id); }
  std::string Target(const Params& p) const { return Query(R().path, p); }
  std::string DocTarget(const std::string& id) const { return Target(Doc(id)); }

  HttpResponse Get(const std::string& id, const std::string& version = kV103) const {
    return Do(lrs_, bhttp::verb::get, DocTarget(id), "", "", {}, version);
  }
  // Creates (If-None-Match: *, accepted by all three at both versions).
  HttpResponse Create(const std::string& id, const std::string& body,
                      const std::string& content_type = "application/json") const {
    return Do(lrs_, bhttp::verb::put, DocTarget(id), body, content_type, {{"If-None-Match", "*"}});
  }
  HttpResponse Put(const std::string& id, const std::string& body, Headers headers,
                   const std::string& version = kV103,
                   const std::string& content_type = "application/json") const {
    return Do(lrs_, bhttp::verb::put, DocTarget(id), body, content_type, std::move(headers),
              version);
  }
  HttpResponse Post(const std::string& id, const std::string& body,
                    const std::string& content_type = "application/json",
                    Headers headers = {}) const {
    return Do(lrs_, bhttp::verb::post, DocTarget(id), body, content_type, std::move(headers));
  }
  HttpResponse Delete(const std::string& id, Headers headers = {}) const {
    return Do(lrs_, bhttp::verb::delete_, DocTarget(id), "", "", std::move(headers));
  }
  // The id list of the default scope, sorted.
  std::vector<std::string> ListIds(const Params& extra = {}) const {
    Params p = Scope();
    p.insert(p.end(), extra.begin(), extra.end());
    HttpResponse r = lrs_.Get(Target(p));
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> ids;
    json::value v = r.Json();
    if (!v.is_array()) {
      ADD_FAILURE() << "an id list must be a JSON array\n" << r;
      return ids;
    }
    for (const auto& id : v.as_array()) ids.emplace_back(id.as_string());
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // Asserts the document is exactly `body` with `content_type`; returns its ETag.
  std::string ExpectDocument(const std::string& id, const std::string& body,
                             const std::string& content_type = "application/json") const {
    HttpResponse r = Get(id);
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body, body) << r;
    EXPECT_EQ(r.Header("Content-Type"), content_type) << r;
    EXPECT_EQ(r.Header("ETag"), Quoted(Sha1Hex(body))) << r;
    return r.Header("ETag");
  }
  void ExpectMissing(const std::string& id) const {
    HttpResponse r = Get(id);
    EXPECT_EQ(r.status, 404) << r;
  }
  void ExpectBadRequest(const HttpResponse& r, const std::string& names) const {
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_NE(r.ErrorMessage().find(names), std::string::npos)
        << "the message should name " << names << "\n"
        << r;
  }
};

// The resources whose documents belong to an agent.
class DocumentAgentResourceTest : public DocumentResourceTest {};

// "State", "ActivityProfile", "AgentProfile" as the test name suffix.
inline std::string ResourceName(const ::testing::TestParamInfo<Resource>& info) {
  return info.param.name;
}

}  // namespace lrs_it::docs
