// Online backups (docs/OPERATIONS.md): `lrsctl backup` while writers keep
// posting batches, `lrsctl restore` into a new data directory, a second
// lrsd on it. Every statement acknowledged before the backup began is
// there and identical, documents and the voided state too, the store key
// is the same, and every batch is there whole or not at all. And what
// POST /admin/backups refuses: other credentials (403), paths outside the
// configured backup_dir (400), occupied targets (409), and everything
// when no backup_dir is configured.
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/common/temp_dir.h"
#include "tests/integration/consent_test_util.h"
#include "tests/integration/lrs_process.h"
#include "tests/integration/lrsctl_runner.h"

namespace lrs_it {
namespace {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
namespace fs = std::filesystem;

std::string StoreKeyId(const LrsProcess& lrs) {
  HttpResponse r = lrs.Get("/xapi/about");
  if (r.status != 200) return "";
  return std::string(r.Json()
                         .at("extensions")
                         .at("https://w3id.org/learner-lrs/about")
                         .at("storeKey")
                         .at("keyId")
                         .as_string());
}

// A temporary directory holding the backup root and lrsd's config naming it.
class BackupFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp_.path().empty());
    root_ = tmp_.path() + "/backups";
    fs::create_directories(root_);
    std::string config = tmp_.path() + "/lrsd.json";
    std::ofstream(config) << json::serialize(json::object{{"backup_dir", root_}});
    ASSERT_TRUE(lrs_.Start({"--config", config}));
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(lrs_.port()); }

  HttpResponse PostBackup(const json::value& body) const {
    return lrs_.PostJson("/admin/backups", json::serialize(body));
  }

  lrs::test::TempDir tmp_{"lrs_backup_it"};
  std::string root_;
  LrsProcess lrs_;
};

// Writer threads posting batches of kBatch statements until stopped,
// recording every batch sent and which were acknowledged.
class BatchWriters {
 public:
  static constexpr size_t kBatch = 10;

  BatchWriters(const LrsProcess& lrs, int threads) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, &lrs, t] {
        for (int n = 0; !stop_; ++n) {
          json::array batch;
          std::vector<std::string> ids;
          for (size_t i = 0; i < kBatch; ++i) {
            ids.push_back(NewUuid());
            json::object s = Statement("w" + std::to_string(t) + "@example.com");
            s["id"] = ids.back();
            batch.push_back(s);
          }
          size_t index = Record(ids);
          HttpResponse r = lrs.PostJson("/xapi/statements", json::serialize(batch));
          std::lock_guard lock(mu_);
          if (r.status == 200) acked_.insert(index);
        }
      });
    }
  }
  ~BatchWriters() { Stop(); }

  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::set<size_t> Acked() const {
    std::lock_guard lock(mu_);
    return acked_;
  }
  // Only after Stop().
  const std::vector<std::vector<std::string>>& sent() const { return sent_; }

 private:
  size_t Record(std::vector<std::string> ids) {
    std::lock_guard lock(mu_);
    sent_.push_back(std::move(ids));
    return sent_.size() - 1;
  }

  mutable std::mutex mu_;
  std::vector<std::vector<std::string>> sent_;
  std::set<size_t> acked_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

const std::string kStateTarget =
    "/xapi/activities/state?activityId=" + PercentEncode("http://example.com/a") +
    "&agent=" + PercentEncode(R"({"mbox":"mailto:ada@example.com"})") + "&stateId=bookmark";
const std::string kProfileTarget =
    "/xapi/activities/profile?activityId=" + PercentEncode("http://example.com/a") +
    "&profileId=syllabus";

std::map<std::string, json::object> ById(const std::vector<json::object>& statements) {
  std::map<std::string, json::object> out;
  for (const auto& s : statements) out[std::string(s.at("id").as_string())] = s;
  return out;
}

TEST_F(BackupFixture, BackupDuringWritesRestoresEveryAcknowledgedStatementAndWholeBatches) {
  // Before the writers: documents and a voided statement.
  ASSERT_EQ(lrs_.PutJson(kStateTarget, R"({"page":7})").status, 204);
  // POST: an Activity Profile PUT would need a concurrency header.
  ASSERT_EQ(lrs_.PostJson(kProfileTarget, R"({"weeks":12})").status, 204);
  std::string voided = PostStatement(lrs_, Statement("voided@example.com"));
  json::object voiding = Statement("voider@example.com", "http://adlnet.gov/expapi/verbs/voided");
  voiding["object"] = json::object{{"objectType", "StatementRef"}, {"id", voided}};
  ASSERT_FALSE(PostStatement(lrs_, voiding).empty());
  std::string key_id = StoreKeyId(lrs_);
  ASSERT_FALSE(key_id.empty());

  BatchWriters writers(lrs_, 3);
  while (writers.Acked().size() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::set<size_t> acked_before = writers.Acked();
  std::string backup = root_ + "/nightly";
  std::string out;
  ASSERT_EQ(Lrsctl("backup --url " + Url() + " --key " + kAdminKey + " --secret " + kAdminSecret +
                       " --to " + backup,
                   &out),
            0)
      << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  writers.Stop();
  EXPECT_GT(writers.Acked().size(), acked_before.size()) << "writes went on during the backup";
  json::value described = json::parse(out);
  EXPECT_EQ(described.at("path").as_string(), fs::canonical(backup).string());
  EXPECT_GT(described.at("bytes").to_number<int64_t>(), 0);
  EXPECT_TRUE(described.at("storeKey").as_bool());
  EXPECT_TRUE(ParseIsoMicros(described.at("created").as_string()).has_value());

  auto original = ById(QueryAll(lrs_, "/xapi/statements?limit=500", kV103, 1000));
  std::string restored_dir = tmp_.path() + "/restored";
  out.clear();
  ASSERT_EQ(Lrsctl("restore --from " + backup + " --data " + restored_dir, &out), 0) << out;
  EXPECT_NE(out.find("checksums verified"), std::string::npos) << out;

  LrsProcess restored(restored_dir, /*owns_data_dir=*/false);
  ASSERT_TRUE(restored.Start());
  EXPECT_EQ(StoreKeyId(restored), key_id);
  auto back = ById(QueryAll(restored, "/xapi/statements?limit=500", kV103, 1000));
  for (const auto& [id, statement] : back) {
    auto it = original.find(id);
    ASSERT_NE(it, original.end()) << "restored a statement the store never had: " << id;
    EXPECT_EQ(statement, it->second) << "changed in the restore: " << id;
  }
  for (size_t index : acked_before) {
    for (const auto& id : writers.sent()[index]) {
      EXPECT_TRUE(back.contains(id)) << "acknowledged before the backup, lost: " << id;
    }
  }
  for (const auto& batch : writers.sent()) {
    size_t n =
        std::count_if(batch.begin(), batch.end(), [&](auto& id) { return back.contains(id); });
    EXPECT_TRUE(n == 0 || n == BatchWriters::kBatch) << n << " of a batch of 10 restored";
  }
  EXPECT_EQ(restored.Get("/xapi/statements?statementId=" + voided).status, 404);
  EXPECT_EQ(restored.Get("/xapi/statements?voidedStatementId=" + voided).status, 200);
  for (const std::string& target : {kStateTarget, kProfileTarget}) {
    HttpResponse a = lrs_.Get(target), b = restored.Get(target);
    ASSERT_EQ(b.status, 200) << b;
    EXPECT_EQ(b.body, a.body);
    EXPECT_EQ(b.Header("ETag"), a.Header("ETag"));
  }
  // The restored store serves writes, and the admin credential came along.
  EXPECT_FALSE(PostStatement(restored, Statement("after@example.com")).empty());
}

TEST_F(BackupFixture, RefusesOtherCredentialsAndPathsOutsideTheRoot) {
  consent::Org org = consent::CreateOrg(lrs_, "Acme", {"all"});
  consent::Learner ada = consent::CreateLearner(lrs_, "Ada", {});
  json::object body{{"path", root_ + "/x"}};
  for (const consent::Cred& who : {org.cred, ada.cred}) {
    HttpResponse r = consent::PostJsonAs(lrs_, who, "/admin/backups", body);
    EXPECT_EQ(r.status, 403) << r;
  }
  EXPECT_FALSE(fs::exists(root_ + "/x"));

  for (std::string bad : {std::string("relative/dir"), root_ + "/../escape",
                          std::string("/tmp/elsewhere"), root_, std::string("")}) {
    HttpResponse r = PostBackup(json::object{{"path", bad}});
    EXPECT_TRUE(consent::NamesField(r, 400, "path")) << bad << "\n" << r;
  }
  EXPECT_TRUE(consent::NamesField(PostBackup(json::object{}), 400, "path"));
  EXPECT_TRUE(consent::NamesField(PostBackup(json::object{{"path", 5}}), 400, "path"));
  HttpResponse extra = PostBackup(json::object{{"path", root_ + "/y"}, {"tag", "x"}});
  EXPECT_TRUE(consent::NamesField(extra, 400, "tag")) << extra;
  fs::create_directory_symlink(tmp_.path(), root_ + "/link");
  EXPECT_EQ(PostBackup(json::object{{"path", root_ + "/link/out"}}).status, 400);
  EXPECT_FALSE(fs::exists(tmp_.path() + "/out"));

  fs::create_directories(root_ + "/full");
  std::ofstream(root_ + "/full/keep") << "mine";
  EXPECT_EQ(PostBackup(json::object{{"path", root_ + "/full"}}).status, 409);
  HttpResponse made = PostBackup(json::object{{"path", root_ + "/b1"}});
  ASSERT_EQ(made.status, 201) << made;
  EXPECT_EQ(PostBackup(json::object{{"path", root_ + "/b1"}}).status, 409);
  EXPECT_EQ(lrs_.Get("/admin/backups").status, 404);

  // lrsctl: a relative --to is a usage error; restore never overwrites.
  std::string out;
  EXPECT_EQ(Lrsctl("backup --url " + Url() + " --key " + kAdminKey + " --secret " + kAdminSecret +
                       " --to relative",
                   &out),
            2)
      << out;
  out.clear();
  EXPECT_EQ(Lrsctl("restore --from " + root_ + "/b1 --data " + root_ + "/full", &out), 1) << out;
  EXPECT_NE(out.find("not empty"), std::string::npos) << out;
}

TEST_F(LrsTest, BackupsAreOffWithoutABackupDir) {
  HttpResponse r = lrs_.PostJson("/admin/backups", R"({"path":"/tmp/lrs-never"})");
  EXPECT_EQ(r.status, 403) << r;
  EXPECT_NE(r.ErrorMessage().find("backup_dir"), std::string::npos) << r;
  EXPECT_FALSE(fs::exists("/tmp/lrs-never"));
}

}  // namespace
}  // namespace lrs_it
