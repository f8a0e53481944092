// The concurrency rules of the document resources against the real lrsd:
// If-Match (strong comparison) and If-None-Match on PUT, POST and DELETE, and
// the 409/400 answers to a PUT without either header, which differ between
// xAPI 1.0.3 and 2.0.0.
#include <string>

#include "gtest/gtest.h"
#include "tests/integration/documents_test_util.h"

namespace lrs_it::docs {
namespace {

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

}  // namespace
}  // namespace lrs_it::docs
