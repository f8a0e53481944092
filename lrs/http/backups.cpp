// POST /admin/backups (operator only, like every /admin route): an online
// backup of the data directory into a new directory on the server's
// machine, inside lrsd's configured backup_dir (docs/OPERATIONS.md,
// lrs/store/backup.h).
#include <boost/json.hpp>
#include <cstdio>

#include "lrs/http/consent_json.h"
#include "lrs/http/handlers.h"
#include "lrs/store/backup.h"
#include "lrs/store/database.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

// {"path": "/absolute/dir"} and nothing else.
Result<std::string> PathField(const json::object& body) {
  for (const auto& kv : body) {
    if (kv.key() != "path") {
      return Status::InvalidArgument(std::string(kv.key()) + ": not a field of this request");
    }
  }
  const json::value* path = body.if_contains("path");
  if (!path) return Status::InvalidArgument("path: required");
  if (!path->is_string() || path->get_string().empty()) {
    return Status::InvalidArgument("path: must be a non-empty string (an absolute path)");
  }
  return std::string(path->get_string());
}

json::object Describe(const std::string& path, const store::BackupManifest& m) {
  return json::object{{"path", path},
                      {"created", FormatTimestampMillis(m.created)},
                      {"bytes", m.Bytes()},
                      {"files", m.files.size()},
                      {"format", m.format},
                      {"lastSequence", m.last_seq},
                      {"storeKey", m.store_key},
                      {"producer", m.producer}};
}

}  // namespace

Response HandleBackups(RequestContext& ctx, Services& services) {
  if (ctx.request.method() != bhttp::verb::post) {
    return ConsentError(ctx, Status::NotFound("no resource at " + ctx.path + " for " +
                                              std::string(ctx.request.method_string())));
  }
  if (!services.database) return ConsentError(ctx, Status::Forbidden("backups are off"));
  auto body = JsonObjectBody(ctx);
  if (!body.ok()) return ConsentError(ctx, body.status());
  auto requested = PathField(*body);
  if (!requested.ok()) return ConsentError(ctx, requested.status());
  auto target =
      store::ResolveBackupTarget(*requested, services.backup_dir, services.database->path());
  if (!target.ok()) return ConsentError(ctx, target.status());
  auto manifest = services.database->Backup(*target);
  if (!manifest.ok()) {
    // A failure of the machine (not an occupied path) is also for whoever
    // runs lrsd, who may not be the one calling.
    if (manifest.status().Is(Status::Code::kIoError)) {
      std::fprintf(stderr, "lrsd: backup into %s failed: %s\n", target->c_str(),
                   manifest.status().message().c_str());
    }
    return ConsentError(ctx, manifest.status());
  }
  std::fprintf(stderr, "lrsd: backup written to %s (%llu bytes, last sequence %llu)\n",
               target->c_str(), static_cast<unsigned long long>(manifest->Bytes()),
               static_cast<unsigned long long>(manifest->last_seq));
  return ConsentJson(ctx, bhttp::status::created, Describe(*target, *manifest));
}

}  // namespace lrs::http
