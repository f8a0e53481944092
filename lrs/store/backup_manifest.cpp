// The backup manifest's JSON and where backups may go (backup.h).
#include <boost/json.hpp>
#include <filesystem>
#include <system_error>

#include "lrs/base/json.h"
#include "lrs/store/backup.h"

namespace lrs::store {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxManifestBytes = 16u << 20;

Status Malformed(const std::string& where, const std::string& what) {
  return Status::InvalidArgument(where + ": " + what);
}

// A file name as a checkpoint and a key make them: "store-key.pem" or
// "rocksdb/NAME". Anything else (an absolute path, "..") would let a
// tampered manifest make a restore read or write outside its directories.
bool PlausibleName(std::string_view name) {
  if (name == kStoreKeyFile) return true;
  std::string_view prefix = kBackupCheckpointDir;
  if (name.size() <= prefix.size() + 1 || !name.starts_with(prefix) || name[prefix.size()] != '/') {
    return false;
  }
  std::string_view file = name.substr(prefix.size() + 1);
  return file != "." && file != ".." && file.find('/') == std::string_view::npos;
}

Result<std::vector<files::FileEntry>> ParseFiles(const json::value* list,
                                                 const std::string& where) {
  if (!list || !list->is_array()) return Malformed(where, "files: must be an array");
  std::vector<files::FileEntry> out;
  for (const json::value& f : list->get_array()) {
    const json::object* o = f.if_object();
    const json::value* name = o ? o->if_contains("name") : nullptr;
    const json::value* bytes = o ? o->if_contains("bytes") : nullptr;
    bool counted = bytes && (bytes->is_uint64() || (bytes->is_int64() && bytes->get_int64() >= 0));
    if (!name || !name->is_string() || !PlausibleName(name->get_string()) || !counted) {
      return Malformed(where, "files: each must be {\"name\": \"rocksdb/...\", \"bytes\": N}");
    }
    out.push_back({std::string(name->get_string()), bytes->to_number<uint64_t>()});
  }
  return out;
}

}  // namespace

uint64_t BackupManifest::Bytes() const {
  uint64_t total = 0;
  for (const auto& f : files) total += f.bytes;
  return total;
}

std::string ManifestToJson(const BackupManifest& m) {
  json::array list;
  for (const auto& f : m.files) list.push_back(json::object{{"name", f.name}, {"bytes", f.bytes}});
  json::object o{{"layout", m.layout},         {"created", FormatTimestampMillis(m.created)},
                 {"producer", m.producer},     {"format", m.format},
                 {"lastSequence", m.last_seq}, {"storeKey", m.store_key},
                 {"bytes", m.Bytes()},         {"files", std::move(list)}};
  return json::serialize(o) + "\n";
}

Result<BackupManifest> ParseManifest(std::string_view text, const std::string& where) {
  auto parsed = ParseJson(text, where);
  if (!parsed.ok()) return parsed.status();
  const json::object* o = parsed->if_object();
  if (!o) return Malformed(where, "not a JSON object");
  BackupManifest m;
  const json::value* layout = o->if_contains("layout");
  if (!layout || !layout->is_int64() || layout->get_int64() != BackupManifest::kLayout) {
    return Malformed(
        where, "layout: this build reads backup layout " + std::to_string(BackupManifest::kLayout));
  }
  const json::value* created = o->if_contains("created");
  auto when = created && created->is_string()
                  ? ParseTimestamp(created->get_string(), TimestampSyntax::kRfc3339)
                  : std::nullopt;
  if (!when) return Malformed(where, "created: must be an RFC 3339 timestamp");
  m.created = *when;
  const json::value* producer = o->if_contains("producer");
  const json::value* format = o->if_contains("format");
  const json::value* last = o->if_contains("lastSequence");
  const json::value* key = o->if_contains("storeKey");
  if (!producer || !producer->is_string()) return Malformed(where, "producer: must be a string");
  if (!format || !format->is_string()) return Malformed(where, "format: must be a string");
  if (!last || !(last->is_uint64() || (last->is_int64() && last->get_int64() >= 0))) {
    return Malformed(where, "lastSequence: must be a non-negative integer");
  }
  if (!key || !key->is_bool()) return Malformed(where, "storeKey: must be true or false");
  m.producer = producer->get_string();
  m.format = format->get_string();
  m.last_seq = last->to_number<uint64_t>();
  m.store_key = key->get_bool();
  auto list = ParseFiles(o->if_contains("files"), where);
  if (!list.ok()) return list.status();
  m.files = std::move(*list);
  return m;
}

Result<BackupManifest> ReadManifest(const std::string& backup_dir) {
  std::string path = backup_dir + "/" + kBackupManifestFile;
  auto text = files::ReadSmallFile(path, kMaxManifestBytes);
  if (text.status().Is(Status::Code::kNotFound)) {
    return Status::InvalidArgument(backup_dir + ": no " + kBackupManifestFile +
                                   ": not a backup, or one that never finished");
  }
  if (!text.ok()) return text.status();
  return ParseManifest(*text, path);
}

Result<std::string> ResolveBackupTarget(std::string_view requested, const std::string& root,
                                        const std::string& data_dir) {
  if (root.empty()) {
    return Status::Forbidden("backups are off: lrsd has no backup_dir configured");
  }
  if (requested.empty() || requested.front() != '/') {
    return Status::InvalidArgument("path: must be an absolute path");
  }
  for (const auto& part : fs::path(requested)) {
    if (part == "." || part == "..") {
      return Status::InvalidArgument("path: must not contain . or .. segments");
    }
  }
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return Status::IoError("backup_dir " + root + ": " + ec.message());
  // Symlinks along the existing part are resolved, so a link inside the
  // root cannot lead a backup out of it.
  fs::path target = fs::weakly_canonical(fs::path(requested), ec);
  if (ec) return Status::InvalidArgument("path: " + ec.message());
  if (!target.has_filename()) target = target.parent_path();  // a trailing "/"
  fs::path inside = target.lexically_relative(base);
  if (inside.empty() || inside == "." || *inside.begin() == "..") {
    return Status::InvalidArgument("path: must be a directory inside " + base.string() +
                                   " (lrsd's backup_dir)");
  }
  fs::path data = fs::weakly_canonical(fs::path(data_dir), ec);
  fs::path in_data = ec ? fs::path() : target.lexically_relative(data);
  if (!in_data.empty() && *in_data.begin() != "..") {
    return Status::InvalidArgument("path: must not be inside the data directory");
  }
  return target.string();
}

}  // namespace lrs::store
