#include "tools/lrsctl/transfer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cinttypes>
#include <filesystem>

#include "lrs/base/clock.h"
#include "lrs/base/encoding.h"
#include "lrs/portability/byte_stream.h"

namespace lrsctl {

namespace {

namespace fs = std::filesystem;
namespace portability = lrs::portability;
using lrs::Status;

// A refusal as a Status: the message is the server's reason, the code the
// kind of refusal its status line names.
Status Refused(const HttpReply& reply) {
  std::string message = ErrorMessage(reply);
  switch (reply.status) {
    case 400:
      return Status::InvalidArgument(message);
    case 401:
      return Status::Unauthorized(message);
    case 403:
      return Status::Forbidden(message);
    case 404:
      return Status::NotFound(message);
    case 409:
      return Status::Conflict(message);
    case 413:
      return Status::TooLarge(message);
    default:
      return Status::IoError(message);
  }
}

// The media type of a Content-Type value, lowercase, parameters dropped.
std::string MediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

// A rename is durable only once its directory is synced.
Status SyncDirectoryOf(const std::string& path) {
  fs::path dir = fs::absolute(fs::path(path)).parent_path();
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::IoError("cannot open " + dir.string() + " to sync it");
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError("cannot sync " + dir.string());
}

// The body into `part`, fsynced. The reply tells what the server said.
lrs::Result<HttpReply> Download(HttpClient& client, const std::string& path,
                                const std::string& part) {
  auto sink = portability::FileSink::Create(part);
  if (!sink.ok()) return sink.status();
  auto reply = client.Get(path, sink->get());
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return Refused(*reply);
  if (MediaType(reply->content_type) != portability::kBundleMediaType) {
    return Status::InvalidArgument("the answer from " + client.Where() +
                                   " is not a bundle (Content-Type '" + reply->content_type + "')");
  }
  LRS_RETURN_IF_ERROR((*sink)->Finish(/*fsync=*/true));
  return reply;
}

}  // namespace

Status MakeClient(const Args& args, const char* url, const char* key, const char* secret,
                  std::optional<HttpClient>* client) {
  for (const char* name : {url, key, secret}) {
    if (args.Get(name).empty()) return Status::InvalidArgument(std::string(name) + " is required");
  }
  auto endpoint = ParseUrl(args.Get(url));
  if (!endpoint.ok()) {
    return Status::InvalidArgument(std::string(url) + ": " + endpoint.status().message());
  }
  client->emplace(std::move(*endpoint), args.Get(key), args.Get(secret));
  return Status::Ok();
}

std::string ExportPath(const std::string& operator_learner) {
  return operator_learner.empty()
             ? "/me/export"
             : "/admin/learners/" + lrs::PercentEncode(operator_learner) + "/export";
}

std::string ErasePath(const std::string& operator_learner) {
  return operator_learner.empty() ? "/me"
                                  : "/admin/learners/" + lrs::PercentEncode(operator_learner);
}

lrs::Result<FetchedBundle> FetchBundle(HttpClient& client, const std::string& path,
                                       const std::string& out,
                                       portability::BundleVisitor* visitor) {
  const std::string part = out + ".part";
  auto fail = [&part](Status s) {
    std::error_code ignored;
    fs::remove(part, ignored);
    return s;
  };
  auto reply = Download(client, path, part);
  if (!reply.ok()) return fail(reply.status());
  FetchedBundle fetched;
  fetched.bytes = reply->streamed_bytes;
  auto bundle = ReadBundleFile(part, visitor);
  if (!bundle.ok()) {
    return fail(
        Status::InvalidArgument("the " + std::to_string(fetched.bytes) +
                                " bytes received do not verify: " + bundle.status().message()));
  }
  fetched.bundle = std::move(*bundle);
  std::error_code ec;
  fs::rename(part, out, ec);
  if (ec) {
    return fail(Status::IoError("cannot rename " + part + " to " + out + ": " + ec.message()));
  }
  LRS_RETURN_IF_ERROR(SyncDirectoryOf(out));
  return fetched;
}

lrs::Result<portability::VerifiedBundle> ReadBundleFile(const std::string& path,
                                                        portability::BundleVisitor* visitor) {
  auto source = portability::FileSource::Open(path);
  if (!source.ok()) return source.status();
  auto bundle = portability::ReadBundle(source->get(), visitor);
  if (!bundle.ok()) return Status::InvalidArgument(path + ": " + bundle.status().message());
  return bundle;
}

lrs::Result<std::string> UploadBundle(HttpClient& client, const std::string& path) {
  auto reply = client.PostFile("/me/import", path, portability::kBundleMediaType);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return Refused(*reply);
  return std::move(reply->body);
}

Status EraseLearner(HttpClient& client, const std::string& path) {
  auto reply = client.Delete(path);
  if (!reply.ok()) return reply.status();
  if (reply->status != 204 && reply->status != 200) return Refused(*reply);
  return Status::Ok();
}

void PrintBundle(std::FILE* out, const portability::VerifiedBundle& b) {
  auto text = [](const boost::json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  std::string learner = text(b.learner, "id"), name = text(b.learner, "name");
  if (!name.empty()) learner += " (" + name + ")";
  std::string created = text(b.manifest, "created");
  if (created.empty()) created = lrs::FormatTimestampMillis(b.created);
  std::fprintf(out, "learner:       %s\n", learner.c_str());
  std::fprintf(out, "created:       %s\n", created.c_str());
  std::fprintf(out, "signer key:    %s\n", b.signer.key_id.c_str());
  std::fprintf(out, "statements:    %" PRIu64 "\n", b.counts.statements);
  std::fprintf(out, "voided:        %" PRIu64 "\n", b.counts.voided);
  std::fprintf(out, "attachments:   %" PRIu64 "\n", b.counts.attachments);
  std::fprintf(out, "documents:     %" PRIu64 "\n", b.counts.documents);
  std::fprintf(out, "identities:    %" PRIu64 "\n", b.counts.identities);
  std::fprintf(out, "audit entries: %" PRIu64 "\n", b.counts.audit_entries);
}

}  // namespace lrsctl
