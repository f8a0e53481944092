// lrsbench rocks-ceiling: the most any store on this machine's RocksDB could
// write. The generated statements' bytes go, keyed by their 16-byte ids, into
// a fresh database opened with lrsd's own options (Database::Open), one
// WriteBatch per batch through WriteDurable (fsynced, like lrsd), from many
// threads at once (RocksDB groups concurrent commits into one fsync, as the
// store's writer queue does). No validation, indexes or HTTP: lrsd's write
// figures over this one are what those cost.
//
// --index-keys N adds N keys per statement shaped like the store's index
// entries ('Y' scope(8) term(17) seq(8) -> part(8) uuid(16), the scope being
// the statement's learner and the seq growing), so the cost of the store's
// key count alone can be measured (docs/PERFORMANCE.md).
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "lrs/store/database.h"
#include "tools/bench/lrsbench/args.h"
#include "tools/bench/lrsbench/commands.h"
#include "tools/bench/lrsbench/generator.h"

namespace lrsbench {

namespace {

struct Ceiling {
  uint64_t statements = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

// Writes statements [0, count) in batches taken from a shared counter.
// Generating a statement costs microseconds against a batch's fsync of
// about a millisecond, so it stays inside the timed loop.
// An index-shaped key: statement k's i-th entry.
std::string IndexKey(const StatementGenerator& gen, uint64_t k, uint64_t i) {
  std::string key(1, 'Y');
  lrs::PutBigEndian64(&key, gen.Learner(k));
  key.push_back(static_cast<char>('a' + i % 26));
  lrs::PutBigEndian64(&key, i);
  lrs::PutBigEndian64(&key, i * 0x9e3779b97f4a7c15ull);
  lrs::PutBigEndian64(&key, k);
  return key;
}

lrs::Result<Ceiling> Write(lrs::store::Database* db, const StatementGenerator& gen, uint64_t count,
                           uint64_t batch, uint64_t threads, uint64_t index_keys) {
  std::atomic<uint64_t> next{0}, bytes{0};
  std::atomic<bool> failed{false};
  lrs::Status first_error;
  std::mutex error_mu;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (uint64_t first = next.fetch_add(batch); first < count && !failed;
           first = next.fetch_add(batch)) {
        rocksdb::WriteBatch wb;
        for (uint64_t k = first; k < std::min(count, first + batch); ++k) {
          std::string key = lrs::UuidBytes(gen.IdBytes(k));
          std::string value = gen.Statement(k);
          bytes += key.size() + value.size();
          wb.Put(key, value);
          for (uint64_t i = 0; i < index_keys; ++i) {
            std::string index = IndexKey(gen, k, i);
            bytes += index.size() + 24;
            wb.Put(index, std::string_view(value).substr(0, 24));
          }
        }
        lrs::Status s = db->WriteDurable(&wb);
        if (!s.ok() && !failed.exchange(true)) {
          std::lock_guard<std::mutex> lock(error_mu);
          first_error = s;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  if (failed) return first_error;
  return Ceiling{count, bytes.load(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

}  // namespace

int RocksCeilingCommand(int argc, char** argv, int first) {
  auto args = Args::Parse(argc, argv, first,
                          {"--data", "--statements", "--batch", "--threads", "--sync", "--seed",
                           "--learners", "--index-keys"},
                          {});
  if (!args) return 2;
  std::string dir = args->String("--data");
  uint64_t count = args->Number("--statements", 1000000);
  uint64_t batch = args->Number("--batch", 100);
  uint64_t threads = args->Number("--threads", 64);
  bool sync = args->Number("--sync", 1) != 0;
  uint64_t index_keys = args->Number("--index-keys", 0);
  StatementGenerator gen(args->Number("--seed", 1), args->Number("--learners", 10000));
  if (!args->ok()) return 2;
  std::error_code ec;
  if (dir.empty() || batch == 0 || threads == 0 ||
      (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec))) {
    std::fprintf(stderr,
                 "lrsbench rocks-ceiling: needs --data naming a new or empty directory, "
                 "--batch >= 1 and --threads >= 1\n");
    return 2;
  }
  lrs::store::DatabaseOptions options;  // lrsd's defaults
  options.path = dir;
  options.sync_writes = sync;
  auto db = lrs::store::Database::Open(options);
  if (!db.ok()) {
    std::fprintf(stderr, "lrsbench rocks-ceiling: %s\n", db.status().message().c_str());
    return 1;
  }
  auto result = Write(db->get(), gen, count, batch, threads, index_keys);
  if (!result.ok()) {
    std::fprintf(stderr, "lrsbench rocks-ceiling: %s\n", result.status().message().c_str());
    return 1;
  }
  double s = result->seconds;
  std::printf(
      "rocks-ceiling batch=%llu threads=%llu sync=%d index-keys=%llu statements=%llu seconds=%.1f "
      "statements/s=%.0f MB/s=%.1f\n",
      static_cast<unsigned long long>(batch), static_cast<unsigned long long>(threads),
      sync ? 1 : 0, static_cast<unsigned long long>(index_keys),
      static_cast<unsigned long long>(result->statements), s, result->statements / s,
      result->bytes / s / 1e6);
  return 0;
}

}  // namespace lrsbench
