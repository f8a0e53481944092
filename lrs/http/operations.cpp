// GET /healthz and GET /metrics: what an operator's monitoring reads.
//
// Both need a credential like every endpoint but /xapi/about (an
// unauthenticated liveness probe can use /xapi/about). /healthz answers any
// valid credential, and says only whether the store can serve: it is
// unhealthy (503) when RocksDB has recorded a background error (a failed
// flush or compaction; writes then fail) or has stopped writes. /metrics
// carries store-wide figures, so it needs the operator's credential or one
// with the "metrics" scope (docs/SECURITY.md).
#include <rocksdb/db.h>

#include <cstdio>
#include <cstdlib>
#include <map>

#include "lrs/http/handlers.h"
#include "lrs/store/database.h"

namespace lrs::http {

namespace {

struct RocksFigure {
  const char* property;
  const char* metric;
  const char* type;
  const char* help;
};

constexpr RocksFigure kRocksFigures[] = {
    {"rocksdb.background-errors", "lrs_rocksdb_background_errors", "gauge",
     "Background errors RocksDB has recorded (flush, compaction); non-zero stops writes."},
    {"rocksdb.is-write-stopped", "lrs_rocksdb_write_stopped", "gauge",
     "1 while RocksDB stops writes (too many memtables or level-0 files)."},
    {"rocksdb.actual-delayed-write-rate", "lrs_rocksdb_delayed_write_rate_bytes", "gauge",
     "The rate writes are slowed to while RocksDB delays them; 0 when not delayed."},
    {"rocksdb.num-running-compactions", "lrs_rocksdb_running_compactions", "gauge",
     "Compactions running now."},
    {"rocksdb.num-running-flushes", "lrs_rocksdb_running_flushes", "gauge",
     "Memtable flushes running now."},
    {"rocksdb.compaction-pending", "lrs_rocksdb_compaction_pending", "gauge",
     "1 when at least one compaction is pending."},
    {"rocksdb.estimate-pending-compaction-bytes", "lrs_rocksdb_pending_compaction_bytes", "gauge",
     "Bytes compaction must rewrite to bring every level under its target size."},
    {"rocksdb.cur-size-all-mem-tables", "lrs_rocksdb_memtable_bytes", "gauge",
     "Bytes held by memtables."},
    {"rocksdb.block-cache-usage", "lrs_rocksdb_block_cache_bytes", "gauge",
     "Bytes held by the block cache."},
    {"rocksdb.live-sst-files-size", "lrs_rocksdb_live_sst_bytes", "gauge",
     "Bytes of SST files of the current version (the store's size on disk, less the WAL)."},
    {"rocksdb.estimate-num-keys", "lrs_rocksdb_estimated_keys", "gauge",
     "RocksDB's estimate of its keys (statements, their index entries, documents, ...)."},
};

// Write stalls since the database opened, from RocksDB's column family
// statistics.
void AppendStalls(rocksdb::DB* db, std::string* out) {
  std::map<std::string, std::string> stats;
  if (!db->GetMapProperty(rocksdb::DB::Properties::kCFStats, &stats)) return;
  auto figure = [&](const char* key) -> unsigned long long {
    auto it = stats.find(key);
    return it == stats.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
  };
  out->append(
      "# HELP lrs_rocksdb_write_stalls_total Write stalls since the store opened, by kind "
      "(slowdown: writes delayed; stop: writes halted).\n"
      "# TYPE lrs_rocksdb_write_stalls_total counter\n");
  char line[160];
  std::snprintf(line, sizeof line, "lrs_rocksdb_write_stalls_total{kind=\"slowdown\"} %llu\n",
                figure("io_stalls.total_slowdown"));
  out->append(line);
  std::snprintf(line, sizeof line, "lrs_rocksdb_write_stalls_total{kind=\"stop\"} %llu\n",
                figure("io_stalls.total_stop"));
  out->append(line);
}

std::string RenderStore(rocksdb::DB* db) {
  std::string out;
  for (const RocksFigure& f : kRocksFigures) {
    uint64_t value = 0;
    if (!db->GetIntProperty(f.property, &value)) continue;
    char line[512];
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", f.metric, f.help,
                  f.metric, f.type, f.metric, static_cast<unsigned long long>(value));
    out += line;
  }
  AppendStalls(db, &out);
  return out;
}

// Empty when the store can serve; otherwise why not.
std::string StoreTrouble(rocksdb::DB* db) {
  uint64_t value = 0;
  if (db->GetIntProperty("rocksdb.background-errors", &value) && value > 0) {
    return "the store recorded a background error; writes fail until lrsd restarts";
  }
  if (db->GetIntProperty("rocksdb.is-write-stopped", &value) && value > 0) {
    return "the store has stopped writes while it catches up on compaction";
  }
  return "";
}

Response Health(RequestContext& ctx, Services& services) {
  std::string trouble = services.database ? StoreTrouble(services.database->raw()) : "";
  boost::json::object body{{"status", trouble.empty() ? "ok" : "unavailable"}};
  if (!trouble.empty()) body["reason"] = trouble;
  Response res{trouble.empty() ? bhttp::status::ok : bhttp::status::service_unavailable,
               ctx.request.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

Response MetricsPage(RequestContext& ctx, Services& services) {
  const store::Credential& c = ctx.credential;
  if (!(c.IsOperator() && c.HasScope("all")) && !c.HasScope("metrics")) {
    return ErrorResponse(ctx.request,
                         Status::Forbidden("/metrics needs the operator's credential or the "
                                           "\"metrics\" scope"),
                         std::nullopt);
  }
  std::string text = services.metrics ? services.metrics->Render() : "";
  if (services.database) text += RenderStore(services.database->raw());
  Response res{bhttp::status::ok, ctx.request.version()};
  res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-store");
  res.body() = std::move(text);
  res.prepare_payload();
  return res;
}

}  // namespace

Response HandleOperations(RequestContext& ctx, Services& services) {
  auto m = ctx.request.method();
  if (m != bhttp::verb::get && m != bhttp::verb::head) {
    return ErrorResponse(ctx.request, Status::InvalidArgument("method not allowed on " + ctx.path),
                         std::nullopt);
  }
  return ctx.path == "/healthz" ? Health(ctx, services) : MetricsPage(ctx, services);
}

}  // namespace lrs::http
