// The document resources (State, Activity Profile, Agent Profile) against the
// real lrsd: storage byte for byte, ETag and Last-Modified, id lists and
// since, the JSON merge of POST, If-Match / If-None-Match and the 409/400
// rules that differ between xAPI 1.0.3 and 2.0.0, deletes, parameter
// validation and scopes; and the Agents and Activities resources.
#include <openssl/evp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;

using Params = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kActivity[] = "http://example.com/activities/course-1";
constexpr char kOtherActivity[] = "http://example.com/activities/course-2";
constexpr char kAgent[] = R"({"objectType":"Agent","mbox":"mailto:ada@example.com"})";
constexpr char kOtherAgent[] = R"({"objectType":"Agent","mbox":"mailto:bob@example.com"})";
constexpr char kRegistration[] = "a3f1c1d2-5b6e-4f70-8a9b-0c1d2e3f4a5b";
constexpr char kOtherRegistration[] = "11111111-2222-4333-8444-555555555555";

// SHA-1 hex computed here, independent of the server's helpers.
std::string Sha1Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" to Unix seconds; -1 when malformed.
int64_t ParseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return -1;
  return static_cast<int64_t>(timegm(&tm));
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The current time as RFC 3339 UTC with microseconds.
std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(micros % 1000000));
  return buf;
}

std::string Query(const std::string& path, const Params& params) {
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : params) {
    out += sep + PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  return out;
}

Params Without(Params params, const std::string& name) {
  std::erase_if(params, [&](const auto& p) { return p.first == name; });
  return params;
}

Params With(Params params, const std::string& name, const std::string& value) {
  params = Without(std::move(params), name);
  params.emplace_back(name, value);
  return params;
}

HttpResponse Do(const LrsProcess& lrs, bhttp::verb method, const std::string& target,
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

std::string Quoted(const std::string& etag) { return "\"" + etag + "\""; }

// The three document resources, as a test parameter.
struct Resource {
  const char* name;
  const char* path;
  const char* id_param;
  bool has_activity;
  bool has_agent;
  bool is_state() const { return std::string_view(id_param) == "stateId"; }
};

void PrintTo(const Resource& r, std::ostream* os) { *os << r.name; }

constexpr Resource kState{"State", "/xapi/activities/state", "stateId", true, true};
constexpr Resource kActivityProfile{"ActivityProfile", "/xapi/activities/profile", "profileId",
                                    true, false};
constexpr Resource kAgentProfile{"AgentProfile", "/xapi/agents/profile", "profileId", false, true};

class DocumentResourceTest : public ::testing::TestWithParam<Resource> {
 protected:
  void SetUp() override { ASSERT_TRUE(lrs_.Start()); }

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

  LrsProcess lrs_;
};

// The resources whose documents belong to an agent.
class DocumentAgentResourceTest : public DocumentResourceTest {};

TEST_P(DocumentResourceTest, PutThenGetIsByteForByteWithEtagAndLastModified) {
  // Not UTF-8, with NUL and CR LF: stored as opaque bytes.
  const std::string binary("\x89PNG\r\n\x1a\n\x00\x01\xfe\xff tail", 17);
  int64_t before = NowSeconds();
  HttpResponse put = Create("picture", binary, "image/png");
  ASSERT_EQ(put.status, 204) << put;
  EXPECT_TRUE(put.body.empty()) << put;
  int64_t after = NowSeconds();

  HttpResponse got = Get("picture");
  ASSERT_EQ(got.status, 200) << got;
  EXPECT_EQ(got.body, binary);
  EXPECT_EQ(got.Header("Content-Type"), "image/png");
  EXPECT_EQ(got.Header("ETag"), Quoted(Sha1Hex(binary)));
  int64_t modified = ParseHttpDate(got.Header("Last-Modified"));
  EXPECT_GE(modified, before - 1) << got;
  EXPECT_LE(modified, after + 1) << got;

  // JSON comes back as sent, not re-serialized, with its Content-Type as sent.
  const std::string doc = "{ \"b\" : 2,\n  \"a\" : [1, 2.50, \"\\u00e9\"] }";
  ASSERT_EQ(Create("json", doc, "application/json; charset=utf-8").status, 204);
  ExpectDocument("json", doc, "application/json; charset=utf-8");

  // HEAD: same headers, no body.
  HttpResponse head = Do(lrs_, bhttp::verb::head, DocTarget("json"));
  EXPECT_EQ(head.status, 200) << head;
  EXPECT_TRUE(head.body.empty()) << head;
  EXPECT_EQ(head.Header("ETag"), Quoted(Sha1Hex(doc))) << head;

  // At 2.0.0 too.
  HttpResponse v2 = Get("json", kV200);
  EXPECT_EQ(v2.status, 200) << v2;
  EXPECT_EQ(v2.body, doc);
  EXPECT_EQ(v2.Header("X-Experience-API-Version"), "2.0.0") << v2;
}

TEST_P(DocumentResourceTest, GetWithoutIdListsIdsAndSinceFilters) {
  EXPECT_TRUE(ListIds().empty());
  ASSERT_EQ(Create("first", "{}").status, 204);
  ASSERT_EQ(Create("second with spaces/and&amp", "{}").status, 204);
  EXPECT_EQ(ListIds(), (std::vector<std::string>{"first", "second with spaces/and&amp"}));

  std::string between = NowIso();
  ASSERT_EQ(Create("third", "{}").status, 204);
  EXPECT_EQ(ListIds({{"since", between}}), std::vector<std::string>{"third"});

  // Changing an old document brings it back into a since list.
  std::string later = NowIso();
  ASSERT_EQ(Post("first", R"({"k":1})").status, 204);
  EXPECT_EQ(ListIds({{"since", later}}), std::vector<std::string>{"first"});

  // A since in the future lists nothing; one far in the past lists everything.
  EXPECT_TRUE(ListIds({{"since", "2999-01-01T00:00:00Z"}}).empty());
  EXPECT_EQ(ListIds({{"since", "2000-01-01T00:00:00Z"}}).size(), 3u);

  // A list is a GET answer too: it carries a quoted SHA-1 ETag of its body.
  HttpResponse list = lrs_.Get(Target(Scope()));
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_EQ(list.Header("ETag"), Quoted(Sha1Hex(list.body))) << list;
  EXPECT_EQ(list.Header("Content-Type"), "application/json") << list;

  // Documents in another scope are not listed.
  Params other = R().has_activity ? Scope(kOtherActivity) : Scope(kActivity, kOtherAgent);
  HttpResponse r = lrs_.Get(Target(other));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, "[]");

  HttpResponse bad = lrs_.Get(Target(With(Scope(), "since", "yesterday")));
  ExpectBadRequest(bad, "since");
}

TEST_P(DocumentResourceTest, PostMergesJsonObjectsOneLevelDeep) {
  ASSERT_EQ(Create("vars", R"({"x":"foo","y":"bar","o":{"a":1,"b":2}})").status, 204);
  HttpResponse post = Post("vars", R"({"x":"bash","z":"faz","o":{"c":3}})");
  ASSERT_EQ(post.status, 204) << post;
  EXPECT_TRUE(post.body.empty());

  HttpResponse got = Get("vars");
  ASSERT_EQ(got.status, 200) << got;
  EXPECT_EQ(got.Json(), json::parse(R"({"x":"bash","y":"bar","z":"faz","o":{"c":3}})")) << got;
  EXPECT_EQ(got.Header("Content-Type"), "application/json");
  EXPECT_EQ(got.Header("ETag"), Quoted(Sha1Hex(got.body)));

  // POST to a missing document stores it.
  ASSERT_EQ(Post("fresh", R"({"only":true})").status, 204);
  HttpResponse fresh = Get("fresh");
  ASSERT_EQ(fresh.status, 200) << fresh;
  EXPECT_EQ(fresh.Json(), json::parse(R"({"only":true})"));

  // Content-Type parameters and case do not stop a merge.
  ASSERT_EQ(Post("fresh", R"({"more":1})", "Application/JSON; charset=utf-8").status, 204);
  EXPECT_EQ(Get("fresh").Json(), json::parse(R"({"only":true,"more":1})"));
}

TEST_P(DocumentResourceTest, PostWhenEitherDocumentIsNotJsonIs400AndChangesNothing) {
  // Stored document is not JSON.
  ASSERT_EQ(Create("text", "plain words", "text/plain").status, 204);
  HttpResponse r1 = Post("text", R"({"a":1})");
  EXPECT_EQ(r1.status, 400) << r1;
  ExpectDocument("text", "plain words", "text/plain");

  // Sent document is not JSON.
  ASSERT_EQ(Create("json", R"({"a":1})").status, 204);
  HttpResponse r2 = Post("json", R"({"b":2})", "text/plain");
  EXPECT_EQ(r2.status, 400) << r2;
  HttpResponse r3 = Post("json", "binary", "application/octet-stream");
  EXPECT_EQ(r3.status, 400) << r3;
  ExpectDocument("json", R"({"a":1})");

  // Stored as application/json but not an object.
  ASSERT_EQ(Create("array", "[1,2,3]").status, 204);
  HttpResponse r4 = Post("array", R"({"a":1})");
  EXPECT_EQ(r4.status, 400) << r4;
  ExpectDocument("array", "[1,2,3]");

  // Sent JSON that is not an object.
  HttpResponse r5 = Post("json", "[1]");
  EXPECT_EQ(r5.status, 400) << r5;
  HttpResponse r6 = Post("json", "\"string\"");
  EXPECT_EQ(r6.status, 400) << r6;
  ExpectDocument("json", R"({"a":1})");
}

TEST_P(DocumentResourceTest, PostOfInvalidJsonIs400) {
  ASSERT_EQ(Create("json", R"({"a":1})").status, 204);
  HttpResponse r1 = Post("json", R"({"a":)");
  EXPECT_EQ(r1.status, 400) << r1;
  ExpectDocument("json", R"({"a":1})");

  // Also when nothing is stored yet: nothing is created.
  HttpResponse r2 = Post("missing", "{not json}");
  EXPECT_EQ(r2.status, 400) << r2;
  ExpectMissing("missing");
  HttpResponse r3 = Post("missing", "");
  EXPECT_EQ(r3.status, 400) << r3;
  ExpectMissing("missing");
}

TEST_P(DocumentResourceTest, IfMatchGuardsPutPostAndDelete) {
  ASSERT_EQ(Create("doc", R"({"v":1})").status, 204);
  std::string etag = ExpectDocument("doc", R"({"v":1})");
  ASSERT_EQ(etag, Quoted(Sha1Hex(R"({"v":1})")));

  // Wrong tag: 412 and nothing changes, for PUT, POST and DELETE.
  std::string stale = Quoted(Sha1Hex("something else"));
  HttpResponse put_bad = Put("doc", R"({"v":2})", {{"If-Match", stale}});
  EXPECT_EQ(put_bad.status, 412) << put_bad;
  HttpResponse post_bad = Post("doc", R"({"w":2})", "application/json", {{"If-Match", stale}});
  EXPECT_EQ(post_bad.status, 412) << post_bad;
  HttpResponse del_bad = Delete("doc", {{"If-Match", stale}});
  EXPECT_EQ(del_bad.status, 412) << del_bad;
  ExpectDocument("doc", R"({"v":1})");

  // Right tag: 204 and the new content; the old tag is then stale.
  HttpResponse put_ok = Put("doc", R"({"v":2})", {{"If-Match", etag}});
  EXPECT_EQ(put_ok.status, 204) << put_ok;
  std::string etag2 = ExpectDocument("doc", R"({"v":2})");
  EXPECT_NE(etag2, etag);
  HttpResponse put_stale = Put("doc", R"({"v":3})", {{"If-Match", etag}});
  EXPECT_EQ(put_stale.status, 412) << put_stale;
  ExpectDocument("doc", R"({"v":2})");

  // A list of tags matches when one of them does; "*" matches any document.
  HttpResponse put_list = Put("doc", R"({"v":3})", {{"If-Match", stale + ", " + etag2}});
  EXPECT_EQ(put_list.status, 204) << put_list;
  std::string etag3 = ExpectDocument("doc", R"({"v":3})");
  HttpResponse put_star = Put("doc", R"({"v":4})", {{"If-Match", "*"}});
  EXPECT_EQ(put_star.status, 204) << put_star;
  std::string etag4 = ExpectDocument("doc", R"({"v":4})");

  HttpResponse post_ok = Post("doc", R"({"w":5})", "application/json", {{"If-Match", etag4}});
  EXPECT_EQ(post_ok.status, 204) << post_ok;
  std::string etag5 = ExpectDocument("doc", R"({"v":4,"w":5})");

  HttpResponse del_ok = Delete("doc", {{"If-Match", etag5}});
  EXPECT_EQ(del_ok.status, 204) << del_ok;
  ExpectMissing("doc");

  // If-Match on a missing document fails (even "*") and creates nothing.
  HttpResponse put_missing = Put("doc", R"({"v":6})", {{"If-Match", etag5}});
  EXPECT_EQ(put_missing.status, 412) << put_missing;
  HttpResponse star_missing = Put("doc", R"({"v":6})", {{"If-Match", "*"}});
  EXPECT_EQ(star_missing.status, 412) << star_missing;
  ExpectMissing("doc");
}

// If-Match uses the strong comparison (RFC 2616 14.24, RFC 7232 3.1): a weak
// tag never matches, even with the current opaque tag.
TEST_P(DocumentResourceTest, IfMatchWithWeakTagDoesNotMatch) {
  ASSERT_EQ(Create("doc", R"({"v":1})").status, 204);
  std::string etag = ExpectDocument("doc", R"({"v":1})");
  HttpResponse weak = Put("doc", R"({"v":2})", {{"If-Match", "W/" + etag}});
  EXPECT_EQ(weak.status, 412) << weak;
  ExpectDocument("doc", R"({"v":1})");
}

TEST_P(DocumentResourceTest, IfNoneMatchStarCreatesOnlyWhenMissing) {
  HttpResponse created = Create("doc", R"({"v":1})");
  EXPECT_EQ(created.status, 204) << created;
  ExpectDocument("doc", R"({"v":1})");

  for (const char* version : {kV103, kV200}) {
    HttpResponse again = Put("doc", R"({"v":2})", {{"If-None-Match", "*"}}, version);
    EXPECT_EQ(again.status, 412) << version << "\n" << again;
    HttpResponse post = Post("doc", R"({"w":2})", "application/json", {{"If-None-Match", "*"}});
    EXPECT_EQ(post.status, 412) << post;
  }
  ExpectDocument("doc", R"({"v":1})");

  // If-None-Match with a tag that is not the current one does not block.
  HttpResponse other_tag = Put("doc", R"({"v":3})", {{"If-None-Match", Quoted(Sha1Hex("other"))}});
  EXPECT_EQ(other_tag.status, 204) << other_tag;
  ExpectDocument("doc", R"({"v":3})");
}

TEST_P(DocumentResourceTest, PutWithoutConcurrencyHeadersAt103) {
  ASSERT_EQ(Create("doc", R"({"v":1})").status, 204);
  HttpResponse existing = Put("doc", R"({"v":2})", {}, kV103);
  HttpResponse missing = Put("new", R"({"v":1})", {}, kV103);
  if (R().is_state()) {
    // xAPI 1.0.3 3.1.s3: State is exempt from the concurrency rules.
    EXPECT_EQ(existing.status, 204) << existing;
    ExpectDocument("doc", R"({"v":2})");
    EXPECT_EQ(missing.status, 204) << missing;
    ExpectDocument("new", R"({"v":1})");
  } else {
    // 3.1.s4.b13: 409 on an existing document, which is left alone, with an
    // explanation that names If-Match.
    EXPECT_EQ(existing.status, 409) << existing;
    EXPECT_NE(existing.ErrorMessage().find("If-Match"), std::string::npos) << existing;
    ExpectDocument("doc", R"({"v":1})");
    // 3.1.s3.b1: a client MUST send a header, so a PUT without one is a bad request.
    EXPECT_EQ(missing.status, 400) << missing;
    ExpectMissing("new");
  }
}

TEST_P(DocumentResourceTest, PutWithoutConcurrencyHeadersAt200) {
  ASSERT_EQ(Create("doc", R"({"v":1})").status, 204);
  // 2.0.0 applies the 409 rule to all three resources.
  HttpResponse existing = Put("doc", R"({"v":2})", {}, kV200);
  EXPECT_EQ(existing.status, 409) << existing;
  EXPECT_EQ(existing.Header("X-Experience-API-Version"), "2.0.0") << existing;
  ExpectDocument("doc", R"({"v":1})");
  // A missing document may be created without a header.
  HttpResponse missing = Put("new", R"({"v":1})", {}, kV200);
  EXPECT_EQ(missing.status, 204) << missing;
  ExpectDocument("new", R"({"v":1})");
}

TEST_P(DocumentResourceTest, DeleteOneDocument) {
  ASSERT_EQ(Create("gone", R"({"v":1})").status, 204);
  ASSERT_EQ(Create("kept", R"({"v":1})").status, 204);
  HttpResponse del = Delete("gone");
  EXPECT_EQ(del.status, 204) << del;
  EXPECT_TRUE(del.body.empty());
  ExpectMissing("gone");
  ExpectDocument("kept", R"({"v":1})");
  EXPECT_EQ(ListIds(), std::vector<std::string>{"kept"});
  // Deleting again is harmless.
  HttpResponse again = Delete("gone");
  EXPECT_EQ(again.status, 204) << again;
  // And the id can be used again.
  ASSERT_EQ(Create("gone", R"({"v":2})").status, 204);
  ExpectDocument("gone", R"({"v":2})");
}

TEST_P(DocumentResourceTest, MissingRequiredParametersAre400NamingThem) {
  if (R().has_activity) {
    for (auto method : {bhttp::verb::get, bhttp::verb::put, bhttp::verb::post}) {
      HttpResponse r = Do(lrs_, method, Target(Without(Doc("d"), "activityId")), "{}",
                          "application/json", {{"If-None-Match", "*"}});
      ExpectBadRequest(r, "activityId");
    }
    HttpResponse list = lrs_.Get(Target(Without(Scope(), "activityId")));
    ExpectBadRequest(list, "activityId");
  }
  if (R().has_agent) {
    for (auto method : {bhttp::verb::get, bhttp::verb::put, bhttp::verb::post}) {
      HttpResponse r = Do(lrs_, method, Target(Without(Doc("d"), "agent")), "{}",
                          "application/json", {{"If-None-Match", "*"}});
      ExpectBadRequest(r, "agent");
    }
    HttpResponse list = lrs_.Get(Target(Without(Scope(), "agent")));
    ExpectBadRequest(list, "agent");
  }
  // PUT and POST need the document id; so does DELETE of a profile.
  HttpResponse put = Do(lrs_, bhttp::verb::put, Target(Scope()), "{}", "application/json",
                        {{"If-None-Match", "*"}});
  ExpectBadRequest(put, R().id_param);
  HttpResponse post = Do(lrs_, bhttp::verb::post, Target(Scope()), "{}", "application/json");
  ExpectBadRequest(post, R().id_param);
  if (!R().is_state()) {
    HttpResponse del = Do(lrs_, bhttp::verb::delete_, Target(Scope()));
    ExpectBadRequest(del, R().id_param);
  }
  // Nothing was stored by any of these.
  EXPECT_TRUE(ListIds().empty());
  ExpectMissing("d");
}

TEST_P(DocumentResourceTest, InvalidParametersAre400) {
  if (R().has_agent) {
    for (const char* agent : {"{not json", R"({"objectType":"Agent","name":"no identifier"})",
                              R"("mailto:ada@example.com")", R"({"mbox":["mailto:a@b.c"]})"}) {
      HttpResponse r = Do(lrs_, bhttp::verb::put, Target(With(Doc("d"), "agent", agent)), "{}",
                          "application/json", {{"If-None-Match", "*"}});
      ExpectBadRequest(r, "agent");
      HttpResponse g = lrs_.Get(Target(With(Scope(), "agent", agent)));
      ExpectBadRequest(g, "agent");
    }
  }
  if (R().has_activity) {
    HttpResponse r = lrs_.Get(Target(With(Doc("d"), "activityId", "not an iri")));
    ExpectBadRequest(r, "activityId");
  }
  if (R().is_state()) {
    for (const char* reg : {"not-a-uuid", "a3f1c1d2-5b6e-4f70-8a9b", ""}) {
      HttpResponse r = Do(lrs_, bhttp::verb::put, Target(With(Doc("d"), "registration", reg)), "{}",
                          "application/json");
      ExpectBadRequest(r, "registration");
    }
  } else {
    // registration belongs to State only.
    HttpResponse r = lrs_.Get(Target(With(Doc("d"), "registration", kRegistration)));
    ExpectBadRequest(r, "registration");
  }
  // Unknown and repeated parameters.
  HttpResponse unknown = lrs_.Get(Target(With(Doc("d"), "colour", "blue")));
  ExpectBadRequest(unknown, "colour");
  HttpResponse other_id =
      lrs_.Get(Target(With(Doc("d"), R().is_state() ? "profileId" : "stateId", "x")));
  ExpectBadRequest(other_id, R().is_state() ? "profileId" : "stateId");
  Params twice = Doc("d");
  twice.emplace_back(R().id_param, "e");
  HttpResponse repeated = lrs_.Get(Target(twice));
  ExpectBadRequest(repeated, R().id_param);
  // Parameter names are case-sensitive.
  HttpResponse cased = lrs_.Get(
      Target(With(Without(Doc("d"), R().id_param), R().is_state() ? "StateID" : "ProfileID", "d")));
  EXPECT_EQ(cased.status, 400) << cased;
  EXPECT_TRUE(ListIds().empty());
}

// The agent parameter is "a normal Agent Object with a single identifier"
// (Communication 2.4.s2; Data 2.4.2.1: exactly one IFI, mbox a mailto IRI,
// objectType "Agent" when present). Agents that parse but break those rules
// must be refused, not stored under whichever IFI the server picks.
TEST_P(DocumentAgentResourceTest, AgentParameterMustBeAValidAgent) {
  for (
      const char* agent : {
          R"({"objectType":"Agent","mbox":"mailto:ada@example.com","openid":"http://ada.example.com"})",
          R"({"objectType":"Agent","mbox":"ada@example.com"})",
          R"({"objectType":"Person","mbox":"mailto:ada@example.com"})",
      }) {
    HttpResponse put = Do(lrs_, bhttp::verb::put, Target(With(Doc("d"), "agent", agent)), "{}",
                          "application/json", {{"If-None-Match", "*"}});
    EXPECT_EQ(put.status, 400) << agent << "\n" << put;
    HttpResponse list = lrs_.Get(Target(With(Scope(), "agent", agent)));
    EXPECT_EQ(list.status, 400) << agent << "\n" << list;
  }
  // Nothing landed in the mbox agent's documents either.
  EXPECT_TRUE(ListIds().empty());
}

TEST_P(DocumentAgentResourceTest, AgentIsMatchedByItsIdentifierOnly) {
  ASSERT_EQ(Create("doc", R"({"v":1})").status, 204);
  // The same mbox, with a name and without objectType, names the same agent.
  Params same = With(Doc("doc"), "agent", R"({"name":"Ada L.","mbox":"mailto:ada@example.com"})");
  HttpResponse r = lrs_.Get(Target(same));
  EXPECT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body, R"({"v":1})");
  // Another agent sees nothing.
  HttpResponse other = lrs_.Get(Target(With(Doc("doc"), "agent", kOtherAgent)));
  EXPECT_EQ(other.status, 404) << other;
}

TEST_P(DocumentResourceTest, CredentialWithoutTheDocumentScopeIsForbidden) {
  // A second server whose store holds two extra credentials, created before
  // lrsd opens it (as `lrsctl credential add` does).
  LrsProcess lrs;
  {
    auto db = lrs::store::Database::Open(lrs::store::DatabaseOptions{.path = lrs.data_dir()});
    ASSERT_TRUE(db.ok()) << db.status().message();
    lrs::store::CredentialStore credentials(db->get());
    ASSERT_TRUE(
        credentials.Put({"writer", "statements only", {"statements/write"}}, "w-secret").ok());
    ASSERT_TRUE(credentials.Put({"reader", "read all", {"all/read"}}, "r-secret").ok());
  }
  ASSERT_TRUE(lrs.Start());
  auto as = [&](const char* key, const char* secret, bhttp::verb method, const Params& p) {
    HttpRequest r;
    r.method = method;
    r.target = Query(R().path, p);
    r.authorization = BasicAuth(key, secret);
    if (method == bhttp::verb::put || method == bhttp::verb::post) {
      r.body = "{}";
      r.content_type = "application/json";
      r.headers = {{"If-None-Match", "*"}};
    }
    return lrs.Send(r);
  };
  for (auto method :
       {bhttp::verb::get, bhttp::verb::put, bhttp::verb::post, bhttp::verb::delete_}) {
    HttpResponse r = as("writer", "w-secret", method, Doc("d"));
    EXPECT_EQ(r.status, 403) << bhttp::to_string(method) << "\n" << r;
  }
  HttpResponse list = as("writer", "w-secret", bhttp::verb::get, Scope());
  EXPECT_EQ(list.status, 403) << list;
  // The writer may still write statements.
  HttpRequest statement;
  statement.method = bhttp::verb::post;
  statement.target = "/xapi/statements";
  statement.body = json::serialize(Statement());
  statement.content_type = "application/json";
  statement.authorization = BasicAuth("writer", "w-secret");
  HttpResponse posted = lrs.Send(statement);
  EXPECT_EQ(posted.status, 200) << posted;

  // all/read reads documents but does not write them.
  HttpResponse read = as("reader", "r-secret", bhttp::verb::get, Doc("d"));
  EXPECT_EQ(read.status, 404) << read;
  HttpResponse write = as("reader", "r-secret", bhttp::verb::put, Doc("d"));
  EXPECT_EQ(write.status, 403) << write;
  HttpResponse admin_get = Do(lrs, bhttp::verb::get, Query(R().path, Doc("d")));
  EXPECT_EQ(admin_get.status, 404) << admin_get;
}

std::string ResourceName(const ::testing::TestParamInfo<Resource>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Documents, DocumentResourceTest,
                         ::testing::Values(kState, kActivityProfile, kAgentProfile), ResourceName);
INSTANTIATE_TEST_SUITE_P(Documents, DocumentAgentResourceTest,
                         ::testing::Values(kState, kAgentProfile), ResourceName);

// ---------------------------------------------------------------------------
// State only: registration and delete-all.

class DocumentStateTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(lrs_.Start()); }

  static Params StateParams(const std::string& activity, const std::string& agent,
                            const std::string& registration = "") {
    Params p{{"activityId", activity}, {"agent", agent}};
    if (!registration.empty()) p.emplace_back("registration", registration);
    return p;
  }
  void PutState(const Params& scope, const std::string& id, const std::string& body) {
    HttpResponse r =
        Do(lrs_, bhttp::verb::put, Query("/xapi/activities/state", With(scope, "stateId", id)),
           body, "application/json");
    ASSERT_EQ(r.status, 204) << r;
  }
  std::vector<std::string> Ids(const Params& scope) {
    HttpResponse r = lrs_.Get(Query("/xapi/activities/state", scope));
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> ids;
    json::value v = r.Json();
    if (!v.is_array()) return ids;
    for (const auto& id : v.as_array()) ids.emplace_back(id.as_string());
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  int GetStatus(const Params& scope, const std::string& id) {
    return lrs_.Get(Query("/xapi/activities/state", With(scope, "stateId", id))).status;
  }
  HttpResponse DeleteAll(const Params& scope) {
    return Do(lrs_, bhttp::verb::delete_, Query("/xapi/activities/state", scope));
  }

  LrsProcess lrs_;
};

using IdList = std::vector<std::string>;

TEST_F(DocumentStateTest, RegistrationScopesDocuments) {
  Params plain = StateParams(kActivity, kAgent);
  Params reg = StateParams(kActivity, kAgent, kRegistration);
  Params other_reg = StateParams(kActivity, kAgent, kOtherRegistration);
  PutState(plain, "plain", R"({"where":"plain"})");
  PutState(reg, "registered", R"({"where":"reg"})");
  PutState(reg, "both", R"({"where":"reg"})");
  PutState(plain, "both", R"({"where":"plain"})");

  EXPECT_EQ(Ids(plain), (IdList{"both", "plain"}));
  EXPECT_EQ(Ids(reg), (IdList{"both", "registered"}));
  EXPECT_TRUE(Ids(other_reg).empty());
  EXPECT_EQ(GetStatus(plain, "registered"), 404);
  EXPECT_EQ(GetStatus(reg, "plain"), 404);
  EXPECT_EQ(GetStatus(other_reg, "registered"), 404);
  HttpResponse r = lrs_.Get(Query("/xapi/activities/state", With(reg, "stateId", "both")));
  EXPECT_EQ(r.body, R"({"where":"reg"})") << r;

  // A registration is a UUID, whatever the case of its hex digits.
  std::string upper = kRegistration;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_EQ(GetStatus(StateParams(kActivity, kAgent, upper), "registered"), 200);
  EXPECT_EQ(Ids(StateParams(kActivity, kAgent, upper)), (IdList{"both", "registered"}));
}

TEST_F(DocumentStateTest, DeleteAllRemovesOnlyItsActivityAgentAndRegistration) {
  Params plain = StateParams(kActivity, kAgent);
  Params reg = StateParams(kActivity, kAgent, kRegistration);
  Params other_activity = StateParams(kOtherActivity, kAgent);
  Params other_agent = StateParams(kActivity, kOtherAgent);
  PutState(plain, "a", "{}");
  PutState(plain, "b", "{}");
  PutState(reg, "r1", "{}");
  PutState(reg, "r2", "{}");
  PutState(other_activity, "x", "{}");
  PutState(other_agent, "y", "{}");
  HttpResponse profile =
      Do(lrs_, bhttp::verb::put,
         Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "a"}}), "{}",
         "application/json", {{"If-None-Match", "*"}});
  ASSERT_EQ(profile.status, 204) << profile;

  HttpResponse del = DeleteAll(reg);
  EXPECT_EQ(del.status, 204) << del;
  EXPECT_TRUE(Ids(reg).empty());
  EXPECT_EQ(Ids(plain), (IdList{"a", "b"}));

  del = DeleteAll(plain);
  EXPECT_EQ(del.status, 204) << del;
  EXPECT_TRUE(Ids(plain).empty());
  EXPECT_EQ(GetStatus(plain, "a"), 404);
  EXPECT_EQ(Ids(other_activity), IdList{"x"});
  EXPECT_EQ(Ids(other_agent), IdList{"y"});
  HttpResponse kept =
      lrs_.Get(Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "a"}}));
  EXPECT_EQ(kept.status, 200) << kept;

  // Deleting an empty scope is fine; delete-all still needs activity and agent.
  EXPECT_EQ(DeleteAll(plain).status, 204);
  HttpResponse no_agent = DeleteAll(Without(plain, "agent"));
  EXPECT_EQ(no_agent.status, 400) << no_agent;
  HttpResponse no_activity = DeleteAll(Without(other_activity, "activityId"));
  EXPECT_EQ(no_activity.status, 400) << no_activity;
  EXPECT_EQ(Ids(other_activity), IdList{"x"});
}

TEST_F(DocumentStateTest, ActivityProfileIsSharedWhileAgentProfileIsPerAgent) {
  // The Activity Profile names no agent: one document for everyone.
  HttpResponse put =
      Do(lrs_, bhttp::verb::put,
         Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "cfg"}}),
         R"({"passing":0.8})", "application/json", {{"If-None-Match", "*"}});
  ASSERT_EQ(put.status, 204) << put;
  HttpResponse got = lrs_.Get(
      Query("/xapi/activities/profile", {{"activityId", kActivity}, {"profileId", "cfg"}}));
  EXPECT_EQ(got.body, R"({"passing":0.8})") << got;

  for (const char* agent : {kAgent, kOtherAgent}) {
    HttpResponse p =
        Do(lrs_, bhttp::verb::put,
           Query("/xapi/agents/profile", {{"agent", agent}, {"profileId", "prefs"}}),
           std::string(R"({"who":)") + agent + "}", "application/json", {{"If-None-Match", "*"}});
    ASSERT_EQ(p.status, 204) << p;
  }
  for (const char* agent : {kAgent, kOtherAgent}) {
    HttpResponse p =
        lrs_.Get(Query("/xapi/agents/profile", {{"agent", agent}, {"profileId", "prefs"}}));
    EXPECT_EQ(p.body, std::string(R"({"who":)") + agent + "}") << p;
  }
}

// ---------------------------------------------------------------------------
// Activities and Agents resources.

class DocumentLookupTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(lrs_.Start()); }
  LrsProcess lrs_;
};

TEST_F(DocumentLookupTest, ActivitiesReturnsDefinitionMergedFromStatements) {
  const std::string id = "http://example.com/activities/defined";
  json::object s1 = Statement("ada@example.com", "http://adlnet.gov/expapi/verbs/attempted", id);
  s1["object"].as_object()["definition"] =
      json::object{{"name", json::object{{"en-US", "Course One"}}},
                   {"description", json::object{{"en-US", "The first course"}}},
                   {"type", "http://adlnet.gov/expapi/activities/course"}};
  ASSERT_FALSE(PostStatement(lrs_, s1).empty());

  HttpResponse r1 = lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id));
  ASSERT_EQ(r1.status, 200) << r1;
  json::value a1 = r1.Json();
  ASSERT_TRUE(a1.is_object()) << r1;
  EXPECT_EQ(a1.at("objectType").as_string(), "Activity");
  EXPECT_EQ(a1.at("id").as_string(), id);
  EXPECT_EQ(a1.at("definition"), s1["object"].at("definition")) << r1;
  EXPECT_EQ(r1.Header("Content-Type").rfind("application/json", 0), 0u) << r1;

  // A later statement in another language adds to the language maps; the
  // other properties are replaced.
  json::object s2 = Statement("bob@example.com", "http://adlnet.gov/expapi/verbs/completed", id);
  s2["object"].as_object()["definition"] =
      json::object{{"name", json::object{{"fr-FR", "Cours un"}}},
                   {"type", "http://adlnet.gov/expapi/activities/module"}};
  ASSERT_FALSE(PostStatement(lrs_, s2).empty());
  HttpResponse r2 = lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id), kV200);
  ASSERT_EQ(r2.status, 200) << r2;
  json::value a2 = r2.Json();
  ASSERT_TRUE(a2.is_object()) << r2;
  EXPECT_EQ(a2.at("definition"),
            json::parse(R"({"name":{"en-US":"Course One","fr-FR":"Cours un"},)"
                        R"("description":{"en-US":"The first course"},)"
                        R"("type":"http://adlnet.gov/expapi/activities/module"})"))
      << r2;

  // A statement without a definition leaves the stored one alone.
  ASSERT_FALSE(PostStatement(lrs_, Statement("carol@example.com",
                                             "http://adlnet.gov/expapi/verbs/attempted", id))
                   .empty());
  EXPECT_EQ(lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id)).Json(), a2);

  // Activities in context are defined too.
  json::object s3 = Statement("ada@example.com", "http://adlnet.gov/expapi/verbs/attempted",
                              "http://example.com/activities/other");
  s3["context"] = json::object{
      {"contextActivities",
       json::object{{"parent", json::array{json::object{
                                   {"id", "http://example.com/activities/parent"},
                                   {"definition",
                                    json::object{{"name", json::object{{"en", "Parent"}}}}}}}}}}};
  ASSERT_FALSE(PostStatement(lrs_, s3).empty());
  HttpResponse parent = lrs_.Get("/xapi/activities?activityId=" +
                                 PercentEncode("http://example.com/activities/parent"));
  ASSERT_EQ(parent.status, 200) << parent;
  EXPECT_EQ(parent.Json().at("definition"), json::parse(R"({"name":{"en":"Parent"}})")) << parent;
}

TEST_F(DocumentLookupTest, UnknownActivityIsStillAnActivityObject) {
  const std::string id = "http://example.com/activities/never-seen";
  HttpResponse r = lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json(), json::value(json::object{{"objectType", "Activity"}, {"id", id}})) << r;

  HttpResponse missing = lrs_.Get("/xapi/activities");
  EXPECT_EQ(missing.status, 400) << missing;
  EXPECT_NE(missing.ErrorMessage().find("activityId"), std::string::npos) << missing;
  HttpResponse extra =
      lrs_.Get("/xapi/activities?activityId=" + PercentEncode(id) + "&agent=%7B%7D");
  EXPECT_EQ(extra.status, 400) << extra;
  HttpResponse not_iri = lrs_.Get("/xapi/activities?activityId=not%20an%20iri");
  EXPECT_EQ(not_iri.status, 400) << not_iri;
}

TEST_F(DocumentLookupTest, AgentsReturnsAPersonWithArrays) {
  HttpResponse r =
      lrs_.Get("/xapi/agents?agent=" + PercentEncode(R"({"objectType":"Agent","name":"Ada",)"
                                                     R"("mbox":"mailto:ada@example.com"})"));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Json(), json::parse(R"({"objectType":"Person","name":["Ada"],)"
                                  R"("mbox":["mailto:ada@example.com"]})"))
      << r;

  HttpResponse account = lrs_.Get(
      "/xapi/agents?agent=" +
      PercentEncode(R"({"account":{"homePage":"https://lms.example.com","name":"u-17"}})"));
  ASSERT_EQ(account.status, 200) << account;
  EXPECT_EQ(account.Json(),
            json::parse(R"({"objectType":"Person",)"
                        R"("account":[{"homePage":"https://lms.example.com","name":"u-17"}]})"))
      << account;

  HttpResponse missing = lrs_.Get("/xapi/agents");
  EXPECT_EQ(missing.status, 400) << missing;
  EXPECT_NE(missing.ErrorMessage().find("agent"), std::string::npos) << missing;
  HttpResponse bad = lrs_.Get("/xapi/agents?agent=" + PercentEncode("{nope"));
  EXPECT_EQ(bad.status, 400) << bad;
  HttpResponse no_ifi = lrs_.Get("/xapi/agents?agent=" + PercentEncode(R"({"name":"Ada"})"));
  EXPECT_EQ(no_ifi.status, 400) << no_ifi;
}

// GET /xapi/agents takes "a normal Agent Object with a single identifier"
// (Communication 2.4.s2); one with two IFIs or a bare-address mbox is not one.
TEST_F(DocumentLookupTest, AgentsRejectsAnInvalidAgent) {
  // Not a valid Agent: more than one IFI, or an mbox that is not a mailto IRI.
  for (const char* agent :
       {R"({"mbox":"mailto:ada@example.com","openid":"http://ada.example.com"})",
        R"({"mbox":"ada@example.com"})"}) {
    HttpResponse invalid = lrs_.Get("/xapi/agents?agent=" + PercentEncode(agent));
    EXPECT_EQ(invalid.status, 400) << agent << "\n" << invalid;
  }
}

}  // namespace
}  // namespace lrs_it
