// Backups of a data directory taken while lrsd serves, and their offline
// restore (docs/OPERATIONS.md, "Backups").
//
// A backup is a directory (mode 0700; it holds personal data and the key):
//   lrs-backup.json  the manifest (BackupManifest), written last: a directory
//                    without it is a backup that never finished, and restore
//                    refuses it
//   store-key.pem    the key the store signs bundles with
//                    (lrs/portability/store_key.h), which lives beside RocksDB
//   rocksdb/         a RocksDB checkpoint: the whole database as of one
//                    instant (SST files hard-linked when on the same
//                    filesystem, copied otherwise)
//
// Database::Backup (database.h) writes one; RestoreBackup turns one into a
// new data directory. The data directory's spool/ (uploads being imported,
// emptied at every start) is never part of a backup.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/base/clock.h"
#include "lrs/base/status.h"
#include "lrs/store/durable_files.h"

namespace lrs::store {

inline constexpr char kBackupManifestFile[] = "lrs-backup.json";
inline constexpr char kBackupCheckpointDir[] = "rocksdb";
// The name lrs/portability/store_key.cpp gives the key in a data directory.
inline constexpr char kStoreKeyFile[] = "store-key.pem";

// What a backup holds, so a restore can check that it is whole.
struct BackupManifest {
  static constexpr int kLayout = 1;  // of the backup directory itself
  int layout = kLayout;
  // Every write acknowledged before this instant is in the backup.
  Micros created = 0;
  std::string producer;  // "lrsd 0.1.0"
  // The key layout version (docs/STORAGE.md, `M format`); "" when the
  // statement store never opened the database.
  std::string format;
  uint64_t last_seq = 0;   // the last statement sequence number (0: none yet)
  bool store_key = false;  // store-key.pem is in it
  // Every file but the manifest, names relative to the backup directory.
  std::vector<files::FileEntry> files;

  uint64_t Bytes() const;
};

std::string ManifestToJson(const BackupManifest& manifest);
// InvalidArgument naming what is missing or malformed, or a layout this
// build does not know.
Result<BackupManifest> ParseManifest(std::string_view text, const std::string& where);
// The manifest of the backup at `backup_dir`; InvalidArgument when there is
// none (not a backup, or an interrupted one).
Result<BackupManifest> ReadManifest(const std::string& backup_dir);

// Where a backup asked for over HTTP may go (docs/OPERATIONS.md, decision):
// `requested` must be an absolute path without "." or ".." segments that,
// after resolving symlinks, lies strictly inside `root` (lrsd's configured
// backup_dir) and outside `data_dir`. Returns the resolved path. Forbidden
// when `root` is empty (backups are off); InvalidArgument naming "path"
// otherwise.
Result<std::string> ResolveBackupTarget(std::string_view requested, const std::string& root,
                                        const std::string& data_dir);

struct RestoreReport {
  BackupManifest manifest;
  uint64_t statements = 0;  // counted in the restored store, voided ones included
};

// Offline: copies the backup at `backup_dir` into the new data directory
// `data_dir` (absent or an empty directory; Conflict otherwise). The copy is
// assembled in `data_dir`.restoring, checked there (every file of the
// manifest with its size; RocksDB opens it, its block checksums verify, the
// key layout and last sequence number match the manifest), fsynced, and
// only then renamed to `data_dir`. On failure `data_dir` is left as it was.
Result<RestoreReport> RestoreBackup(const std::string& backup_dir, const std::string& data_dir);

}  // namespace lrs::store
