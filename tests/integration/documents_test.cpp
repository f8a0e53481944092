// The document resources (State, Activity Profile, Agent Profile) against the
// real lrsd: storage byte for byte, ETag and Last-Modified, id lists and
// since, the JSON merge of POST, and deletes. The concurrency preconditions,
// parameters and scopes, and the Agents and Activities resources have their
// own files; the shared fixture is in documents_test_util.h.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/integration/documents_test_util.h"

namespace lrs_it::docs {
namespace {

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

// Every DocumentResourceTest, in this file and in documents_preconditions_test.cpp
// and documents_params_test.cpp, runs against all three resources.
INSTANTIATE_TEST_SUITE_P(Documents, DocumentResourceTest,
                         ::testing::Values(kState, kActivityProfile, kAgentProfile), ResourceName);

}  // namespace
}  // namespace lrs_it::docs
