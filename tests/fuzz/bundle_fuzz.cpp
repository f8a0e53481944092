// Fuzz target: reading a learner's bundle (lrs/portability/bundle_reader.cpp,
// tar.cpp, byte_stream.cpp, jws.cpp) as POST /me/import and `lrsctl verify`
// do: the whole archive through ReadBundle with a visitor.
//
// Input: a mode byte, then the archive. With mode 'S' the target first
// re-signs the archive: it rewrites manifest.json.jws as the detached JWS of
// manifest.json under a fixed test key, so the fuzzer gets past the
// signature to the manifest checks, which no mutation could otherwise reach.
// With mode 'T' the input is the archive's members rather than the archive:
// a member is its name, a newline and its content, and 0x1E separates
// members. The target writes them as a tar and re-signs it as with 'S'.
// Byte mutations of a raw archive almost never keep a header's checksum
// right, so without this mode member names and sizes barely change; the
// raw modes still reach the tar reader's own checks.
// Any other mode byte feeds the archive as it is.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/portability/bundle.h"
#include "lrs/portability/byte_stream.h"
#include "lrs/portability/jws.h"
#include "lrs/portability/store_key.h"
#include "lrs/portability/tar.h"

namespace {

namespace portability = lrs::portability;

// A throwaway Ed25519 key, fixed so that saved inputs replay alike; the
// seeds in corpus/bundle/ carry its public half and its signatures.
constexpr std::string_view kKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIGnhXypQqb9W/3Gt+lhTFtNG6lX1qJQUJJTSaAdwEa9B\n"
    "-----END PRIVATE KEY-----\n";

constexpr std::string_view kManifestMember = "lrs-bundle/manifest.json";
constexpr std::string_view kSignatureMember = "lrs-bundle/manifest.json.jws";
constexpr size_t kMaxMemberBytes = 1 << 20;

// StoreKey loads keys from a data directory only.
std::shared_ptr<const portability::StoreKey> LoadFixedKey() {
  char dir[] = "/tmp/fuzz_bundle_key.XXXXXX";
  if (!mkdtemp(dir)) std::abort();
  std::string path = std::string(dir) + "/store-key.pem";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(kKeyPem.data(), 1, kKeyPem.size(), f) != kKeyPem.size()) std::abort();
  std::fclose(f);
  auto key = portability::StoreKey::LoadOrCreate(dir);
  std::remove(path.c_str());
  rmdir(dir);
  if (!key.ok()) std::abort();
  return *key;
}

const portability::StoreKey& Key() {
  static const std::shared_ptr<const portability::StoreKey> key = LoadFixedKey();
  return *key;
}

using Members = std::vector<std::pair<std::string, std::string>>;

std::optional<Members> ReadMembers(const std::string& archive) {
  portability::StringSource source(archive);
  portability::TarReader tar(&source);
  Members members;
  while (true) {
    auto member = tar.Next();
    if (!member.ok()) return std::nullopt;
    if (!*member) return members;
    auto content = tar.ReadAll(kMaxMemberBytes);
    if (!content.ok()) return std::nullopt;
    members.emplace_back((*member)->name, std::move(*content));
  }
}

// Mode 'T': the members listed in `text`.
Members ParseMemberList(std::string_view text) {
  Members members;
  while (!text.empty()) {
    size_t end = text.find('\x1e');
    std::string_view member = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    size_t newline = member.find('\n');
    std::string_view content =
        newline == std::string_view::npos ? std::string_view() : member.substr(newline + 1);
    members.emplace_back(member.substr(0, newline), content);
  }
  return members;
}

// `members` as a tar archive whose signature member is replaced by a valid
// one; nullopt when the writer refuses a name.
std::optional<std::string> WriteSigned(Members members) {
  portability::StringSink sink;
  portability::TarWriter tar(&sink, 0);
  std::string manifest;
  for (auto& [name, content] : members) {
    if (name == kManifestMember) manifest = content;
    if (name == kSignatureMember) {
      content = portability::SignDetached(Key(), manifest, portability::kManifestJwsType);
    }
    if (!tar.Add(name, content).ok()) return std::nullopt;
  }
  if (!tar.Finish().ok()) return std::nullopt;
  return sink.data();
}

// Takes what a visitor is shown, as the importer would.
class Visitor : public portability::BundleVisitor {
 public:
  lrs::Status OnStatement(portability::StatementLine line, uint64_t) override {
    (void)portability::StatementFingerprint(line.statement);
    return lrs::Status::Ok();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string archive(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == 'S') {
    // An archive that is no readable tar is fed as it is.
    if (auto members = ReadMembers(archive))
      archive = WriteSigned(std::move(*members)).value_or(archive);
  } else if (data[0] == 'T') {
    archive = WriteSigned(ParseMemberList(archive)).value_or("");
  }
  portability::StringSource source(std::move(archive));
  Visitor visitor;
  portability::ReadLimits limits{kMaxMemberBytes, kMaxMemberBytes, kMaxMemberBytes};
  auto bundle = portability::ReadBundle(&source, &visitor, limits);
  // LRS_FUZZ_TRACE=1 says why an input was refused: how to check a seed.
  if (std::getenv("LRS_FUZZ_TRACE")) {
    std::fprintf(stderr, "ReadBundle: %s\n",
                 bundle.ok() ? "ok" : bundle.status().message().c_str());
  }
  return 0;
}
