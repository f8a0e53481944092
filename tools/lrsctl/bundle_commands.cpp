// export, verify and import: one bundle between a store and a file.
#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>

#include "lrs/portability/bundle.h"
#include "tools/lrsctl/commands.h"
#include "tools/lrsctl/transfer.h"

namespace lrsctl {

namespace {

constexpr char kExportHelp[] =
    R"(Usage: lrsctl export --url URL --key KEY --secret SECRET [--learner ID] --out FILE

Download a learner's bundle (docs/PORTABILITY.md) from the store at URL
into FILE, then verify it as `lrsctl verify` does.

With a learner's credential it is that learner's own record (GET /me/export);
with the operator's credential and --learner, learner ID's record
(GET /admin/learners/ID/export).

The bundle streams to FILE.part, which becomes FILE only once it has
arrived whole and verifies; on failure FILE.part is removed and FILE left
as it was.

Options:
  --url URL        the store's root, e.g. http://127.0.0.1:8080 (http:// only)
  --key KEY        credential key (HTTP Basic)
  --secret SECRET  credential secret
  --learner ID     export learner ID with the operator's credential
  --out FILE       where to write the bundle
)";

constexpr char kVerifyHelp[] = R"(Usage: lrsctl verify FILE [--expect-key KEYID]

Check a bundle offline: its layout, every member against the signed
manifest, every statement, and the signature. On success prints the
learner, when it was made, the key id of the store that signed it and the
counts; otherwise the first problem found.

The signature proves which key signed the bundle, not that the key is one
to trust: --expect-key also fails unless the signer is KEYID (a store's key
id is in its /xapi/about).

Options:
  --expect-key KEYID   the key id the bundle must be signed with
)";

constexpr char kImportHelp[] = R"(Usage: lrsctl import --url URL --key KEY --secret SECRET FILE

Verify the bundle FILE locally, then upload it into the store at URL as the
learner whose credential is given (POST /me/import), and print the store's
summary (JSON) of what it imported and skipped.

The store refuses a bundle that conflicts with what it holds (409), one
whose new identities come from a store it does not trust (403), and one
over its size limit (413); the reason is printed and nothing is imported.

Options:
  --url URL        the store's root, e.g. http://127.0.0.1:8080 (http:// only)
  --key KEY        the learner's credential key
  --secret SECRET  the learner's credential secret
)";

int Export(const Args& args) {
  const char* name = "export";
  std::optional<HttpClient> client;
  if (auto s = MakeClient(args, "--url", "--key", "--secret", &client); !s.ok()) {
    return UsageError(name, s.message());
  }
  std::string out = args.Get("--out");
  if (out.empty()) return UsageError(name, "--out is required");
  auto fetched = FetchBundle(*client, ExportPath(args.Get("--learner")), out, nullptr);
  if (!fetched.ok()) return Fail(name, fetched.status().message());
  std::printf("wrote %" PRIu64 " bytes to %s\n", fetched->bytes, out.c_str());
  std::printf("verified:\n");
  PrintBundle(stdout, fetched->bundle);
  return kExitOk;
}

int Verify(const Args& args) {
  const char* name = "verify";
  if (args.positional().size() != 1) return UsageError(name, "one FILE is required");
  const std::string& file = args.positional()[0];
  auto bundle = ReadBundleFile(file, nullptr);
  if (!bundle.ok()) return Fail(name, bundle.status().message());
  std::string expected = args.Get("--expect-key");
  if (args.Has("--expect-key") && bundle->signer.key_id != expected) {
    return Fail(
        name, file + ": signed by key " + bundle->signer.key_id + ", not the expected " + expected);
  }
  std::printf("%s: verified\n", file.c_str());
  PrintBundle(stdout, *bundle);
  return kExitOk;
}

// The summary alone goes to stdout, so scripts can read it as JSON.
int Import(const Args& args) {
  const char* name = "import";
  std::optional<HttpClient> client;
  if (auto s = MakeClient(args, "--url", "--key", "--secret", &client); !s.ok()) {
    return UsageError(name, s.message());
  }
  if (args.positional().size() != 1) return UsageError(name, "one FILE is required");
  const std::string& file = args.positional()[0];
  auto bundle = ReadBundleFile(file, nullptr);
  if (!bundle.ok()) return Fail(name, bundle.status().message());
  std::fprintf(stderr, "%s: verified (%" PRIu64 " statements, signed by %s); uploading to %s\n",
               file.c_str(), bundle->counts.statements, bundle->signer.key_id.c_str(),
               client->Where().c_str());
  auto summary = UploadBundle(*client, file);
  if (!summary.ok()) return Fail(name, summary.status().message());
  std::printf("%s\n", summary->c_str());
  return kExitOk;
}

}  // namespace

const Command& ExportCommand() {
  static const Command kCommand{
      "export", "download a learner's bundle into a file and verify it", kExportHelp,
      OptionSpec{{"--url", "--key", "--secret", "--learner", "--out"}, {}, 0}, Export};
  return kCommand;
}

const Command& VerifyCommand() {
  static const Command kCommand{"verify", "check a bundle file offline", kVerifyHelp,
                                OptionSpec{{"--expect-key"}, {}, 1}, Verify};
  return kCommand;
}

const Command& ImportCommand() {
  static const Command kCommand{"import", "verify a bundle file and upload it into a store",
                                kImportHelp, OptionSpec{{"--url", "--key", "--secret"}, {}, 1},
                                Import};
  return kCommand;
}

}  // namespace lrsctl
