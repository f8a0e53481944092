// Database::Backup and RestoreBackup (lrs/store/backup.h): a backup taken
// while writers insert holds every batch acknowledged before it and each
// batch whole or not at all; restore checks the manifest and refuses to
// overwrite; ResolveBackupTarget keeps backups inside the configured root.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "lrs/store/backup.h"
#include "tests/unit/store/store_test_util.h"

namespace lrs::store {
namespace {

using test_util::MakeStatement;
using test_util::StoreFixture;
using test_util::TempDir;
namespace fs = std::filesystem;
namespace json = boost::json;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

json::object Numbered(int i) {
  return MakeStatement(RandomUuidV4(), test_util::kAda, test_util::kAttempted,
                       "http://example.org/a/" + std::to_string(i));
}

class BackupTest : public StoreFixture {
 protected:
  // The store key a started lrsd would have left in the data directory.
  void PlantStoreKey() {
    WriteFile(dir_.path() + "/store-key.pem", "-----BEGIN PRIVATE KEY-----\nfake\n");
    ::chmod((dir_.path() + "/store-key.pem").c_str(), 0600);
  }

  // A restored data directory opened as lrsd opens one.
  struct Opened {
    std::unique_ptr<Database> db;
    std::unique_ptr<RocksStatementStore> store;
  };
  static Opened Open(const std::string& dir) {
    Opened o;
    auto db = Database::Open(DatabaseOptions{.path = dir, .block_cache_bytes = 8u << 20});
    EXPECT_TRUE(db.ok()) << db.status().message();
    if (!db.ok()) return o;
    o.db = std::move(*db);
    auto store = RocksStatementStore::Open(o.db.get());
    EXPECT_TRUE(store.ok()) << store.status().message();
    if (store.ok()) o.store = std::move(*store);
    return o;
  }

  TempDir out_{"lrs_backup_test"};
};

TEST_F(BackupTest, BackupThenRestoreHoldsStatementsKeyAndManifest) {
  PlantStoreKey();
  std::vector<std::string> ids;
  uint64_t last = 0;
  for (int i = 0; i < 30; ++i) {
    json::object s = Numbered(i);
    ids.push_back(std::string(s.at("id").as_string()));
    last = InsertOne(s);
  }
  std::string backup = out_.path() + "/nightly/b1";  // parents are made
  auto m = db_->Backup(backup);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->last_seq, last);
  EXPECT_EQ(m->format, "3");
  EXPECT_TRUE(m->store_key);
  EXPECT_TRUE(m->producer.starts_with("lrsd "));
  EXPECT_GT(m->Bytes(), 0u);
  EXPECT_TRUE(fs::exists(backup + "/lrs-backup.json"));
  EXPECT_TRUE(fs::exists(backup + "/rocksdb/CURRENT"));
  EXPECT_FALSE(fs::exists(backup + "/lrs-backup.json.partial"));
  struct stat st {};
  ASSERT_EQ(::stat(backup.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "a backup holds personal data and the key";
  // On the data's filesystem the SST files are hard links, not copies.
  int ssts = 0;
  for (const auto& f : m->files) {
    if (!f.name.ends_with(".sst")) continue;
    ++ssts;
    ASSERT_EQ(::stat((backup + "/" + f.name).c_str(), &st), 0);
    EXPECT_GE(st.st_nlink, 2u) << f.name;
  }
  EXPECT_GT(ssts, 0) << "the checkpoint flushes the memtables first";
  auto read = ReadManifest(backup);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->files.size(), m->files.size());
  EXPECT_EQ(read->last_seq, last);

  std::string restored = out_.path() + "/restored";
  auto report = RestoreBackup(backup, restored);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->statements, 30u);
  EXPECT_FALSE(fs::exists(restored + ".restoring"));
  EXPECT_EQ(ReadAll(restored + "/store-key.pem"), ReadAll(dir_.path() + "/store-key.pem"));
  Opened o = Open(restored);
  ASSERT_TRUE(o.store);
  for (const auto& id : ids) EXPECT_TRUE(o.store->Get(*ParseUuid(id), false).ok()) << id;
}

TEST_F(BackupTest, BackupRefusesAnOccupiedTargetAndTakesAnEmptyDirectory) {
  std::string full = out_.path() + "/full";
  fs::create_directories(full);
  WriteFile(full + "/keep.txt", "mine");
  auto refused = db_->Backup(full);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().Is(Status::Code::kConflict)) << refused.status().message();
  EXPECT_EQ(ReadAll(full + "/keep.txt"), "mine");
  EXPECT_FALSE(fs::exists(full + "/rocksdb"));

  std::string empty = out_.path() + "/empty";
  fs::create_directories(empty);
  auto taken = db_->Backup(empty);
  ASSERT_TRUE(taken.ok()) << taken.status().message();
  EXPECT_FALSE(taken->store_key);  // none was planted
  auto again = db_->Backup(empty);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().Is(Status::Code::kConflict));
}

// Writers insert batches of five while the backup is taken: the restored
// store has every batch acknowledged before the backup began, and of the
// rest each batch entirely or not at all.
TEST_F(BackupTest, BackupDuringWritesHasWholeBatchesOnly) {
  constexpr size_t kBatch = 5;
  std::mutex mu;
  std::vector<std::vector<std::string>> sent;  // every batch, acknowledged or not
  std::vector<size_t> acked;                   // indexes into sent
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int n = 0; !stop; ++n) {
        std::vector<json::object> batch;
        std::vector<std::string> ids;
        for (size_t i = 0; i < kBatch; ++i) {
          batch.push_back(Numbered(t * 100000 + n));
          ids.push_back(std::string(batch.back().at("id").as_string()));
        }
        size_t index;
        {
          std::lock_guard lock(mu);
          index = sent.size();
          sent.push_back(ids);
        }
        auto r = Insert(batch);
        ASSERT_TRUE(r.ok()) << r.status().message();
        std::lock_guard lock(mu);
        acked.push_back(index);
      }
    });
  }
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       std::chrono::steady_clock::now() < deadline;) {
    {
      std::lock_guard lock(mu);
      if (acked.size() >= 20) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::vector<size_t> acked_before;
  {
    std::lock_guard lock(mu);
    acked_before = acked;
  }
  auto m = db_->Backup(out_.path() + "/b");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto& w : writers) w.join();
  ASSERT_TRUE(m.ok()) << m.status().message();

  auto report = RestoreBackup(out_.path() + "/b", out_.path() + "/r");
  ASSERT_TRUE(report.ok()) << report.status().message();
  Opened o = Open(out_.path() + "/r");
  ASSERT_TRUE(o.store);
  auto present = [&](const std::string& id) { return o.store->Get(*ParseUuid(id), false).ok(); };
  for (size_t index : acked_before) {
    for (const auto& id : sent[index]) EXPECT_TRUE(present(id)) << "acknowledged " << id;
  }
  uint64_t restored = 0;
  for (const auto& batch : sent) {
    size_t n = std::count_if(batch.begin(), batch.end(), present);
    EXPECT_TRUE(n == 0 || n == kBatch) << n << " of a batch of " << kBatch;
    restored += n;
  }
  EXPECT_EQ(report->statements, restored);
}

TEST_F(BackupTest, RestoreRefusesWhatIsNotAWholeBackup) {
  InsertOne(Numbered(1));
  std::string backup = out_.path() + "/b";
  ASSERT_TRUE(db_->Backup(backup).ok());

  // A non-empty destination is left alone.
  std::string occupied = out_.path() + "/occupied";
  fs::create_directories(occupied);
  WriteFile(occupied + "/x", "x");
  auto r = RestoreBackup(backup, occupied);
  EXPECT_TRUE(r.status().Is(Status::Code::kConflict)) << r.status().message();
  EXPECT_EQ(ReadAll(occupied + "/x"), "x");

  // An empty existing directory is fine (replaced by the checked copy).
  std::string empty = out_.path() + "/empty";
  fs::create_directories(empty);
  EXPECT_TRUE(RestoreBackup(backup, empty + "/").ok());
  EXPECT_TRUE(fs::exists(empty + "/CURRENT"));

  // A file cut short: refused before anything is written.
  auto m = ReadManifest(backup);
  ASSERT_TRUE(m.ok());
  std::string victim;
  for (const auto& f : m->files) {
    if (f.name.ends_with(".sst")) victim = backup + "/" + f.name;
  }
  ASSERT_FALSE(victim.empty());
  fs::resize_file(victim, fs::file_size(victim) - 1);
  r = RestoreBackup(backup, out_.path() + "/r1");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("the manifest says"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(out_.path() + "/r1"));
  EXPECT_FALSE(fs::exists(out_.path() + "/r1.restoring"));

  // No manifest: an interrupted backup.
  fs::remove(backup + "/lrs-backup.json");
  r = RestoreBackup(backup, out_.path() + "/r2");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("never finished"), std::string::npos) << r.status().message();
}

TEST(BackupManifestTest, RejectsFileNamesOutsideTheBackup) {
  std::string head =
      R"({"layout":1,"created":"2026-01-02T03:04:05.000Z","producer":"lrsd","format":"3",)"
      R"("lastSequence":0,"storeKey":false,"files":[{"name":")";
  for (std::string name : {"../etc/passwd", "/etc/passwd", "rocksdb/../x", "rocksdb/", "other"}) {
    auto m = ParseManifest(head + name + R"(","bytes":1}]})", "m");
    EXPECT_FALSE(m.ok()) << name;
  }
  auto ok = ParseManifest(head + R"(rocksdb/000001.sst","bytes":1}]})", "m");
  EXPECT_TRUE(ok.ok()) << ok.status().message();
}

TEST(ResolveBackupTargetTest, OnlyNewDirectoriesInsideTheRoot) {
  TempDir tmp("lrs_backup_target");
  std::string root = tmp.path() + "/backups", data = tmp.path() + "/data";
  fs::create_directories(root);
  fs::create_directories(data);
  fs::create_directory_symlink(tmp.path(), root + "/escape");

  auto off = ResolveBackupTarget(root + "/a", "", data);
  EXPECT_TRUE(off.status().Is(Status::Code::kForbidden));
  auto inside = ResolveBackupTarget(root + "/2026/a", root, data);
  ASSERT_TRUE(inside.ok()) << inside.status().message();
  EXPECT_EQ(*inside, fs::canonical(root).string() + "/2026/a");
  for (std::string bad : {std::string("relative/a"), root, root + "/", root + "/../a",
                          root + "/./a", tmp.path() + "/a", root + "/escape/a", std::string("/")}) {
    auto r = ResolveBackupTarget(bad, root, data);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.status().Is(Status::Code::kInvalidArgument)) << bad;
    EXPECT_TRUE(r.status().message().starts_with("path: ")) << r.status().message();
  }
  // A root that holds the data directory still keeps backups out of it.
  auto in_data = ResolveBackupTarget(data + "/b", tmp.path(), data);
  EXPECT_FALSE(in_data.ok());
}

}  // namespace
}  // namespace lrs::store
