// PartitionDirectory: partition names (an identity's IFI key today, a
// learner's id once accounts exist) to the 8-byte numbers that prefix that
// partition's keys. Numbers are allocated once, durably, and never reused.
//
// Thread-safe. Lookups are plain reads; allocation takes a mutex and writes
// the mapping with its own fsync, so every store (statements, documents) can
// rely on a number before its own batch commits. New partitions are rare (one
// per new identity), so that fsync is off the hot path.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "lrs/base/status.h"
#include "lrs/store/database.h"

namespace lrs::store {

class PartitionDirectory {
 public:
  explicit PartitionDirectory(Database* db) : db_(db) {}

  // The partition's number, nullopt when it has none yet.
  Result<std::optional<uint64_t>> Find(std::string_view name);
  // The partition's number, allocating one if needed.
  Result<uint64_t> FindOrCreate(std::string_view name);
  // Drops the name (an erased learner's identity: the name is personal
  // data). The number is never reused; the name gets a new one if it comes
  // back.
  Status Forget(std::string_view name);

 private:
  Database* db_;
  std::mutex create_mu_;
};

}  // namespace lrs::store
