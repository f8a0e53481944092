// Credential scopes on the Statement resource: statements/read/mine reads
// only what the credential itself wrote, and a write-only credential reads
// nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;

class ScopesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = lrs::store::Database::Open(lrs::store::DatabaseOptions{.path = lrs_.data_dir()});
    ASSERT_TRUE(db.ok()) << db.status().message();
    lrs::store::CredentialStore credentials(db->get());
    ASSERT_TRUE(
        credentials
            .Put({"mine", "own reader", {"statements/read/mine", "statements/write"}, "", ""}, "m-secret")
            .ok());
    ASSERT_TRUE(credentials.Put({"writer", "writer", {"statements/write"}, "", ""}, "w-secret").ok());
    db->reset();
    ASSERT_TRUE(lrs_.Start());
  }

  HttpResponse As(const char* key, const char* secret, HttpRequest r) {
    r.authorization = BasicAuth(key, secret);
    return lrs_.Send(r);
  }

  LrsProcess lrs_;
};

TEST_F(ScopesTest, ReadMineSeesOnlyItsOwnStatements) {
  std::string admins = PostStatement(lrs_, Statement("a@example.com"));
  HttpResponse posted = As("mine", "m-secret",
                           JsonRequest(bhttp::verb::post, "/xapi/statements",
                                       boost::json::serialize(Statement("b@example.com"))));
  ASSERT_EQ(posted.status, 200) << posted;
  std::string own(posted.Json().as_array().at(0).as_string());

  HttpRequest list;
  list.target = "/xapi/statements";
  HttpResponse page = As("mine", "m-secret", list);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(IdsOf(page.Json()), std::vector<std::string>{own});

  HttpRequest other;
  other.target = "/xapi/statements?statementId=" + admins;
  HttpResponse hidden = As("mine", "m-secret", other);
  EXPECT_EQ(hidden.status, 404) << hidden;
  HttpRequest mine;
  mine.target = "/xapi/statements?statementId=" + own;
  EXPECT_EQ(As("mine", "m-secret", mine).status, 200);

  // The operator (scope all) sees both.
  EXPECT_EQ(IdsOf(lrs_.Get("/xapi/statements").Json()).size(), 2u);
}

TEST_F(ScopesTest, WriteOnlyCredentialCannotRead) {
  HttpRequest list;
  list.target = "/xapi/statements";
  HttpResponse r = As("writer", "w-secret", list);
  EXPECT_EQ(r.status, 403) << r;
  HttpRequest activities;
  activities.target = "/xapi/activities?activityId=http://example.com/a";
  EXPECT_EQ(As("writer", "w-secret", activities).status, 403);
}

}  // namespace
}  // namespace lrs_it
