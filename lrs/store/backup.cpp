// Database::Backup (database.h): a RocksDB checkpoint plus the store key,
// listed and fsynced, with the manifest written last (layout in backup.h).
#include <rocksdb/utilities/checkpoint.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "lrs/base/encoding.h"
#include "lrs/store/backup.h"
#include "lrs/store/database.h"
#include "lrs/store/keys.h"

#ifndef LRS_VERSION
#define LRS_VERSION "unknown"
#endif

namespace lrs::store {

namespace fs = std::filesystem;

namespace {

constexpr char kClaimSuffix[] = ".partial";  // lrs-backup.json.partial: a backup under way

// The checkpoint is opened read-only only to read two counters; RocksDB's
// own LOG file would land in the backup, so its messages go nowhere.
class DiscardLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

// The key layout version and the last statement sequence number, read from
// the checkpoint itself: exactly what a restore will find. Opening it also
// proves that the checkpoint is a database RocksDB can open.
Status ReadCounters(const std::string& checkpoint, BackupManifest* m) {
  rocksdb::Options options;
  options.info_log = std::make_shared<DiscardLogger>();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, checkpoint, &raw);
  if (!s.ok()) return Status::IoError("the checkpoint does not open: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string value;
  s = db->Get(rocksdb::ReadOptions(), keys::Meta("format"), &value);
  if (s.ok()) m->format = value;
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s);
  s = db->Get(rocksdb::ReadOptions(), keys::Meta("last_seq"), &value);
  if (s.ok() && value.size() >= 8) m->last_seq = GetBigEndian64(value);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s);
  return Status::Ok();
}

// Everything in the backup but the claim, each file fsynced, then the
// directories that name them.
Status ListAndSync(const std::string& dir, BackupManifest* m) {
  auto list = files::ListFiles(dir);
  if (!list.ok()) return list.status();
  std::string claim = std::string(kBackupManifestFile) + kClaimSuffix;
  for (auto& f : *list) {
    if (f.name == claim) continue;
    LRS_RETURN_IF_ERROR(files::Sync(dir + "/" + f.name));
    m->files.push_back(std::move(f));
  }
  LRS_RETURN_IF_ERROR(files::Sync(dir + "/" + kBackupCheckpointDir));
  return files::Sync(dir);
}

// The manifest goes in last and by rename, so it is whole or absent.
Status WriteManifest(const std::string& dir, const BackupManifest& m) {
  std::string path = dir + "/" + kBackupManifestFile;
  LRS_RETURN_IF_ERROR(files::WriteNewSynced(path + ".tmp", ManifestToJson(m), 0600));
  if (::rename((path + ".tmp").c_str(), path.c_str()) != 0) {
    return Status::IoError("rename " + path + ".tmp: " + std::strerror(errno));
  }
  ::unlink((path + kClaimSuffix).c_str());
  LRS_RETURN_IF_ERROR(files::Sync(dir));
  return files::Sync(fs::path(dir).parent_path().string());
}

// Removes what a failed backup wrote: only the names a backup uses, since
// the directory may be one the operator made.
void RemovePartial(const std::string& dir, bool created) {
  std::error_code ec;
  std::string manifest = dir + "/" + kBackupManifestFile;
  for (const std::string& name :
       {dir + "/" + kBackupCheckpointDir, dir + "/" + kBackupCheckpointDir + ".tmp",
        dir + "/" + kStoreKeyFile, manifest + ".tmp", manifest, manifest + kClaimSuffix}) {
    fs::remove_all(name, ec);
  }
  if (created) fs::remove(dir, ec);
}

}  // namespace

Result<BackupManifest> Database::Backup(const std::string& dir) {
  Micros started = NowMicros();
  auto state = files::Inspect(dir);
  if (!state.ok()) return state.status();
  if (*state == files::PathState::kOccupied) {
    return Status::Conflict("path: " + dir + " exists and is not an empty directory");
  }
  bool created = *state == files::PathState::kAbsent;
  if (created) {
    Status made = files::MakeDirectoryExclusive(dir);
    if (made.Is(Status::Code::kConflict)) {
      return Status::Conflict("path: " + dir + " was created meanwhile (another backup?)");
    }
    LRS_RETURN_IF_ERROR(made);
  }
  // Of two backups racing for one empty directory, one gets the claim.
  std::string claim = dir + "/" + kBackupManifestFile + kClaimSuffix;
  if (Status s = files::WriteNewSynced(claim, "", 0600); !s.ok()) {
    // Not RemovePartial: what is there may be the other backup's.
    if (created) ::rmdir(dir.c_str());
    if (s.Is(Status::Code::kConflict)) {
      return Status::Conflict("path: " + dir + " is being written by another backup");
    }
    return s;
  }
  auto manifest = WriteBackup(dir, started);
  if (!manifest.ok()) RemovePartial(dir, created);
  return manifest;
}

Result<BackupManifest> Database::WriteBackup(const std::string& dir, Micros started) {
  BackupManifest m;
  m.created = started;
  m.producer = std::string("lrsd ") + LRS_VERSION;
  rocksdb::Checkpoint* raw = nullptr;
  LRS_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw)));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: memtables are flushed first, so the checkpoint
  // is mostly SST files (hard links) and little WAL to copy and replay.
  std::string rocks_dir = dir + "/" + kBackupCheckpointDir;
  rocksdb::Status s = checkpoint->CreateCheckpoint(rocks_dir, 0);
  if (!s.ok()) return Status::IoError("checkpoint into " + rocks_dir + ": " + s.ToString());
  std::string key = path_ + "/" + kStoreKeyFile;
  std::error_code ec;
  if (fs::exists(key, ec)) {
    LRS_RETURN_IF_ERROR(files::CopySynced(key, dir + "/" + kStoreKeyFile, 0600));
    m.store_key = true;
  }
  LRS_RETURN_IF_ERROR(ReadCounters(rocks_dir, &m));
  LRS_RETURN_IF_ERROR(ListAndSync(dir, &m));
  LRS_RETURN_IF_ERROR(WriteManifest(dir, m));
  return m;
}

}  // namespace lrs::store
