// GET /healthz and GET /metrics against a real lrsd: who may read them,
// and that the figures follow what the server did (requests by route and
// status, latency histograms, statements accepted, RocksDB figures) with
// labels that raw paths cannot grow.
#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

using boost::beast::http::verb;

constexpr char kMetricsKey[] = "ops-metrics";
constexpr char kMetricsSecret[] = "ops-metrics-secret-9c1e";

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lrs_.AddEnv(std::string("LRS_METRICS_KEY=") + kMetricsKey);
    lrs_.AddEnv(std::string("LRS_METRICS_SECRET=") + kMetricsSecret);
    ASSERT_TRUE(lrs_.Start());
  }

  HttpResponse Fetch(const std::string& target, std::optional<std::string> auth,
                     verb method = verb::get) {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.authorization = std::move(auth);
    return lrs_.Send(r);
  }

  // The value of the sample line starting with `series` ("name{labels}"), or -1.
  static long long Sample(const std::string& page, const std::string& series) {
    size_t at = page.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::atoll(page.c_str() + at + series.size() + 2);
  }

  LrsProcess lrs_;
};

TEST_F(OperationsTest, HealthzNeedsACredentialAndSaysOk) {
  EXPECT_EQ(Fetch("/healthz", std::nullopt).status, 401);
  EXPECT_EQ(Fetch("/healthz", BasicAuth(kAdminKey, "wrong")).status, 401);
  HttpResponse ok = Fetch("/healthz", BasicAuth(kMetricsKey, kMetricsSecret));
  ASSERT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(ok.Json().at("status").as_string(), "ok");
  EXPECT_EQ(Fetch("/healthz", BasicAuth(kAdminKey, kAdminSecret)).status, 200);
  EXPECT_EQ(Fetch("/healthz", BasicAuth(kAdminKey, kAdminSecret), verb::post).status, 400);
}

TEST_F(OperationsTest, MetricsCountRequestsByRouteAndStatus) {
  for (int i = 0; i < 3; ++i)
    PostStatement(lrs_, Statement("ops" + std::to_string(i) + "@example.com"));
  EXPECT_EQ(lrs_.Get("/xapi/statements?statementId=" + NewUuid()).status, 404);
  std::string odd_id = NewUuid();
  EXPECT_EQ(lrs_.Get("/xapi/nothing/" + odd_id).status, 404);

  HttpResponse page = Fetch("/metrics", BasicAuth(kMetricsKey, kMetricsSecret));
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.Header("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& m = page.body;
  EXPECT_EQ(
      Sample(m, R"(lrs_http_requests_total{route="/xapi/statements",method="POST",status="200"})"),
      3)
      << m;
  EXPECT_EQ(
      Sample(m, R"(lrs_http_requests_total{route="/xapi/statements",method="GET",status="404"})"),
      1)
      << m;
  EXPECT_EQ(Sample(m, R"(lrs_http_requests_total{route="other",method="GET",status="404"})"), 1)
      << m;
  EXPECT_EQ(m.find(odd_id), std::string::npos) << "a raw path became a label";
  EXPECT_EQ(Sample(m, R"(lrs_http_request_duration_seconds_count{route="/xapi/statements"})"), 4)
      << m;
  EXPECT_EQ(
      Sample(m, R"(lrs_http_request_duration_seconds_bucket{route="/xapi/statements",le="+Inf"})"),
      4)
      << m;
  EXPECT_EQ(Sample(m, "lrs_statements_accepted_total"), 3) << m;
  EXPECT_GE(Sample(m, "lrs_http_connections_total"), 6) << m;
  EXPECT_EQ(Sample(m, "lrs_rocksdb_background_errors"), 0) << m;
  EXPECT_EQ(Sample(m, "lrs_rocksdb_write_stopped"), 0) << m;
  EXPECT_GE(Sample(m, "lrs_rocksdb_memtable_bytes"), 1) << m;
  EXPECT_GE(Sample(m, R"(lrs_rocksdb_write_stalls_total{kind="stop"})"), 0) << m;
  EXPECT_NE(m.find("# TYPE lrs_http_request_duration_seconds histogram"), std::string::npos);
}

TEST_F(OperationsTest, MetricsNeedTheOperatorOrTheMetricsScope) {
  EXPECT_EQ(Fetch("/metrics", std::nullopt).status, 401);
  EXPECT_EQ(Fetch("/metrics", BasicAuth(kAdminKey, kAdminSecret)).status, 200);
  // An organisation's credential may not.
  HttpResponse org = lrs_.PostJson("/admin/organisations", R"({"name":"Ops Org"})");
  ASSERT_EQ(org.status, 201) << org;
  std::string org_id(org.Json().at("id").as_string());
  HttpResponse cred =
      lrs_.PostJson("/admin/organisations/" + org_id + "/credentials", R"({"scopes":["all"]})");
  ASSERT_EQ(cred.status, 201) << cred;
  std::string key(cred.Json().at("key").as_string());
  std::string secret(cred.Json().at("secret").as_string());
  EXPECT_EQ(Fetch("/metrics", BasicAuth(key, secret)).status, 403);
  EXPECT_EQ(Fetch("/healthz", BasicAuth(key, secret)).status, 200);
  // The metrics credential reads nothing else.
  std::string metrics_auth = BasicAuth(kMetricsKey, kMetricsSecret);
  EXPECT_EQ(Fetch("/xapi/statements", metrics_auth).status, 403);
  EXPECT_EQ(Fetch("/admin/organisations", metrics_auth).status, 403);
  EXPECT_EQ(Fetch("/xapi/activities/state?activityId=http://x.org/a&agent=" +
                      PercentEncode(R"({"mbox":"mailto:a@b.org"})") + "&stateId=s",
                  metrics_auth)
                .status,
            403);
}

}  // namespace
}  // namespace lrs_it
