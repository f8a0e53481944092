// RestoreBackup (backup.h): a backup becomes a new data directory, checked
// before it gets its name.
#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "lrs/base/encoding.h"
#include "lrs/store/backup.h"
#include "lrs/store/database.h"
#include "lrs/store/keys.h"
#include "lrs/store/rocks_statement_store.h"

namespace lrs::store {

namespace fs = std::filesystem;

namespace {

// Every file the manifest names is there with its size: a backup copied
// elsewhere in part, or cut short, is refused before anything is written.
Status CheckWhole(const std::string& backup_dir, const BackupManifest& m) {
  bool has_key = std::any_of(m.files.begin(), m.files.end(),
                             [](const files::FileEntry& f) { return f.name == kStoreKeyFile; });
  if (m.store_key != has_key) {
    return Status::InvalidArgument(backup_dir + ": the manifest's storeKey and files disagree");
  }
  for (const auto& f : m.files) {
    std::string path = backup_dir + "/" + f.name;
    std::error_code ec;
    uint64_t bytes = fs::file_size(path, ec);
    if (ec) return Status::InvalidArgument(path + ": " + ec.message() + " (named by the manifest)");
    if (bytes != f.bytes) {
      return Status::InvalidArgument(path + ": " + std::to_string(bytes) +
                                     " bytes, the manifest says " + std::to_string(f.bytes));
    }
  }
  return Status::Ok();
}

// "rocksdb/000012.sst" lands as "000012.sst": the checkpoint is the data
// directory's RocksDB, and the key sits beside it as lrsd expects.
std::string Destination(const std::string& data_dir, const std::string& name) {
  std::string prefix = std::string(kBackupCheckpointDir) + "/";
  if (name.starts_with(prefix)) return data_dir + "/" + name.substr(prefix.size());
  return data_dir + "/" + name;
}

Result<uint64_t> CountStatements(Database& db) {
  auto it = db.NewIterator(rocksdb::ReadOptions());
  uint64_t n = 0;
  for (it->Seek("I"); it->Valid() && it->key().starts_with("I"); it->Next()) ++n;
  LRS_RETURN_IF_ERROR(FromRocks(it->status()));
  return n;
}

// Opens the copy the way lrsd will and checks it against the manifest.
Result<uint64_t> Verify(const std::string& dir, const BackupManifest& m) {
  auto db = Database::Open(DatabaseOptions{.path = dir, .block_cache_bytes = 8u << 20});
  if (!db.ok()) return db.status();
  // Refuses a key layout this build does not read.
  auto statements = RocksStatementStore::Open(db->get());
  if (!statements.ok()) return statements.status();
  auto format = (*db)->Get(keys::Meta("format"));
  auto last = (*db)->Get(keys::Meta("last_seq"));
  if (!format.ok()) return format.status();
  if (!last.ok()) return last.status();
  if (!m.format.empty() && format->value_or("") != m.format) {
    return Status::InvalidArgument("restored key layout " + format->value_or("none") +
                                   ", the manifest says " + m.format);
  }
  uint64_t last_seq = last->has_value() && (*last)->size() >= 8 ? GetBigEndian64(**last) : 0;
  if (last_seq != m.last_seq) {
    return Status::InvalidArgument("restored last sequence " + std::to_string(last_seq) +
                                   ", the manifest says " + std::to_string(m.last_seq));
  }
  // Reads every block of every SST file: a file damaged since the backup
  // was taken shows here, not at the first query that reaches it.
  rocksdb::Status checksums = (*db)->raw()->VerifyChecksum();
  if (!checksums.ok()) return Status::IoError("checksum verification: " + checksums.ToString());
  return CountStatements(**db);
}

Status SyncTree(const std::string& dir) {
  auto list = files::ListFiles(dir);
  if (!list.ok()) return list.status();
  for (const auto& f : *list) LRS_RETURN_IF_ERROR(files::Sync(dir + "/" + f.name));
  return files::Sync(dir);
}

Result<uint64_t> FillAndVerify(const std::string& backup_dir, const BackupManifest& m,
                               const std::string& staging) {
  for (const auto& f : m.files) {
    LRS_RETURN_IF_ERROR(
        files::CopySynced(backup_dir + "/" + f.name, Destination(staging, f.name), 0600));
  }
  LRS_RETURN_IF_ERROR(files::Sync(staging));
  auto statements = Verify(staging, m);
  if (!statements.ok()) return statements.status();
  // Opening wrote RocksDB files of its own (a new MANIFEST, OPTIONS, LOG).
  LRS_RETURN_IF_ERROR(SyncTree(staging));
  return statements;
}

}  // namespace

Result<RestoreReport> RestoreBackup(const std::string& backup_dir, const std::string& data_dir) {
  auto manifest = ReadManifest(backup_dir);
  if (!manifest.ok()) return manifest.status();
  LRS_RETURN_IF_ERROR(CheckWhole(backup_dir, *manifest));
  fs::path target = fs::path(data_dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();  // a trailing "/"
  if (target.empty() || target == target.root_path()) {
    return Status::InvalidArgument(data_dir + ": not a directory to restore into");
  }
  auto state = files::Inspect(target.string());
  if (!state.ok()) return state.status();
  if (*state == files::PathState::kOccupied) {
    return Status::Conflict(target.string() + ": exists and is not empty; restore into a new one");
  }
  std::string staging = target.string() + ".restoring";
  if (Status s = files::MakeDirectoryExclusive(staging); !s.ok()) {
    if (!s.Is(Status::Code::kConflict)) return s;
    return Status::Conflict(staging + " exists: another restore, or one that failed (remove it)");
  }
  auto statements = FillAndVerify(backup_dir, *manifest, staging);
  // rename(2) also replaces an empty directory.
  if (statements.ok() && ::rename(staging.c_str(), target.c_str()) != 0) {
    statements = Status::IoError("rename " + staging + " to " + target.string() + ": " +
                                 std::strerror(errno));
  }
  if (!statements.ok()) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    return statements.status();
  }
  fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  LRS_RETURN_IF_ERROR(files::Sync(parent.string()));
  return RestoreReport{std::move(*manifest), *statements};
}

}  // namespace lrs::store
