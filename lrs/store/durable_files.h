// Durable file operations for backups and restores (lrs/store/backup.h):
// copies that are fsynced before they count, directories fsynced after
// their entries change, exclusive creation, and what a target directory
// holds. POSIX only. Every failure is a Status naming the path and the
// system's reason ("IoError: fsync /b/rocksdb/000012.sst: No space left").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lrs/base/status.h"

namespace lrs::store::files {

// fsyncs the file or directory at `path` (a directory: its entries).
Status Sync(const std::string& path);

// Copies the regular file `from` to `to`, which must not exist (Conflict
// when it does), with permissions `mode`, and fsyncs the copy. The caller
// syncs the directory that holds `to`.
Status CopySynced(const std::string& from, const std::string& to, mode_t mode);

// Creates the file `path` exclusively (Conflict when anything is there) with
// `contents` and permissions `mode`, and fsyncs it.
Status WriteNewSynced(const std::string& path, const std::string& contents, mode_t mode);

// The whole of a small file (a manifest); NotFound when absent.
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

// What is at a path that is meant to become a new directory.
enum class PathState { kAbsent, kEmptyDirectory, kOccupied };
Result<PathState> Inspect(const std::string& path);

// Creates the directory `path` with mode 0700 (the parents as needed, also
// 0700). Conflict when `path` already exists, so of two callers racing for
// one path exactly one succeeds.
Status MakeDirectoryExclusive(const std::string& path);

struct FileEntry {
  std::string name;  // relative to the listed directory, '/'-separated
  uint64_t bytes = 0;
};
// Every regular file under `dir` (recursively), sorted by name. Anything
// else (a symlink, a device) is an error: a backup holds files only.
Result<std::vector<FileEntry>> ListFiles(const std::string& dir);

}  // namespace lrs::store::files
