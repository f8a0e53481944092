// backup and restore (docs/OPERATIONS.md, "Backups"): an online backup
// taken by a running lrsd on its own machine, and the offline restore of
// one into a new data directory.
#include <boost/json.hpp>
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>

#include "lrs/base/clock.h"
#include "lrs/store/backup.h"
#include "tools/lrsctl/commands.h"
#include "tools/lrsctl/transfer.h"

namespace lrsctl {

namespace {

constexpr char kBackupHelp[] =
    R"(Usage: lrsctl backup --url URL --key KEY --secret SECRET --to DIR

Ask the store at URL for an online backup (POST /admin/backups) while it
goes on serving. The store writes it into DIR on its own machine: an
absolute path inside the store's backup_dir (lrsd's configuration; without
one the store takes no backups), which must not exist yet or be empty.
Needs the operator's credential.

The backup holds the whole database as of one instant (every write
acknowledged before it started; each write batch whole or not at all) and
the store's signing key. DIR is complete once DIR/lrs-backup.json exists.
Prints the store's description of the backup (JSON). To make a data
directory of it: lrsctl restore.

Options:
  --url URL        the store's root, e.g. http://127.0.0.1:8080 (http:// only)
  --key KEY        the operator's credential key
  --secret SECRET  the operator's credential secret
  --to DIR         where the store writes the backup (a path on its machine)
)";

constexpr char kRestoreHelp[] = R"(Usage: lrsctl restore --from BACKUP --data DIR

Offline: make the new data directory DIR (for lrsd --data DIR) from the
backup BACKUP that lrsctl backup had a store write. DIR must not exist, or
be an empty directory.

The backup's manifest is checked first (every file it names, with its
size; a backup that never finished has none and is refused). The copy is
assembled in DIR.restoring, opened with RocksDB, its checksums verified,
its key layout and last sequence number compared with the manifest and its
statements counted; it is fsynced and only then renamed to DIR. On failure
DIR is left as it was. The backup itself is never changed.

Options:
  --from BACKUP    the backup directory
  --data DIR       the new data directory
)";

std::string BackupBody(const std::string& dir) {
  return boost::json::serialize(boost::json::object{{"path", dir}});
}

// The store's JSON alone goes to stdout, so scripts can read it.
int Backup(const Args& args) {
  const char* name = "backup";
  std::optional<HttpClient> client;
  if (auto s = MakeClient(args, "--url", "--key", "--secret", &client); !s.ok()) {
    return UsageError(name, s.message());
  }
  std::string dir = args.Get("--to");
  if (dir.empty()) return UsageError(name, "--to is required");
  // The store resolves DIR on its machine; a relative path would mean
  // whatever its working directory is.
  if (dir.front() != '/') {
    return UsageError(name, "--to must be an absolute path (on the store's machine)");
  }
  auto reply = client->PostJson("/admin/backups", BackupBody(dir));
  if (!reply.ok()) return Fail(name, reply.status().message());
  if (reply->status != 200 && reply->status != 201) return Fail(name, ErrorMessage(*reply));
  std::printf("%s\n", reply->body.c_str());
  return kExitOk;
}

int Restore(const Args& args) {
  const char* name = "restore";
  std::string from = args.Get("--from"), data = args.Get("--data");
  if (from.empty() || data.empty()) return UsageError(name, "--from and --data are required");
  auto report = lrs::store::RestoreBackup(from, data);
  if (!report.ok()) return Fail(name, report.status().message());
  const auto& m = report->manifest;
  std::printf("restored %s into %s\n", from.c_str(), data.c_str());
  std::printf("  taken:       %s by %s\n", lrs::FormatTimestampMillis(m.created).c_str(),
              m.producer.c_str());
  std::printf("  statements:  %" PRIu64 " (last sequence %" PRIu64 ")\n", report->statements,
              m.last_seq);
  std::printf("  files:       %zu, %" PRIu64 " bytes, checksums verified\n", m.files.size(),
              m.Bytes());
  std::printf("  store key:   %s\n", m.store_key ? "restored" : "none in the backup");
  return kExitOk;
}

}  // namespace

const Command& BackupCommand() {
  static const Command kCommand{"backup", "have a running store write an online backup",
                                kBackupHelp,
                                OptionSpec{{"--url", "--key", "--secret", "--to"}, {}, 0}, Backup};
  return kCommand;
}

const Command& RestoreCommand() {
  static const Command kCommand{"restore", "make a new data directory from a backup (offline)",
                                kRestoreHelp, OptionSpec{{"--from", "--data"}, {}, 0}, Restore};
  return kCommand;
}

}  // namespace lrsctl
