// move: a learner's record from one store to another, checked end to end
// before the source may be erased. The check reads what the destination
// gives back, not what it said it imported: a summary can be right about a
// store that is wrong.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "tools/lrsctl/commands.h"
#include "tools/lrsctl/record_digest.h"
#include "tools/lrsctl/transfer.h"

namespace lrsctl {

namespace {

namespace fs = std::filesystem;

constexpr char kName[] = "move";
constexpr size_t kDifferencesShown = 20;

constexpr char kHelp[] =
    R"(Usage: lrsctl move --from URL --from-key KEY --from-secret SECRET [--learner ID]
                   --to URL --to-key KEY --to-secret SECRET
                   [--work-dir DIR] [--keep-files] [--erase-source]

Move a learner's record from one store to another:
  1. export it from the source, with the learner's credential there, or
     with the operator's and --learner ID;
  2. verify the bundle;
  3. import it into the destination with the learner's credential there;
  4. export the learner's record back from the destination;
  5. check that every statement of the source is at the destination (by id,
     the same apart from stored and authority, voided alike) and every
     document too (the same bytes). The destination may hold more.
Anything that disagrees is listed (the first 20) and the move fails.

Only when they agree, and only with --erase-source, the learner is erased
at the source (DELETE /me, or DELETE /admin/learners/ID with --learner).
What is written at the source after step 1 is not in the bundle but is
erased too: stop the learner's writers first.

Options:
  --from URL, --to URL       the stores' roots, e.g. http://127.0.0.1:8080
  --from-key, --from-secret  the credential at the source
  --learner ID               the source credential is the operator's; move learner ID
  --to-key, --to-secret      the learner's credential at the destination
  --work-dir DIR             where the bundles are kept while moving
                             (default: a new directory under $TMPDIR or /tmp)
  --keep-files               leave the bundles there afterwards
  --erase-source             erase the learner at the source once all agrees
)";

// The directory the bundles pass through: removed afterwards when this
// command made it, otherwise only the bundles are.
class WorkDir {
 public:
  static lrs::Result<WorkDir> Make(const std::string& requested) {
    WorkDir w;
    std::error_code ec;
    if (requested.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/lrsctl-move-XXXXXX";
      if (!::mkdtemp(pattern.data())) {
        return lrs::Status::IoError("cannot make a directory like " + pattern);
      }
      w.path_ = pattern;
      w.made_ = true;
    } else {
      w.path_ = requested;
      w.made_ = fs::create_directories(requested, ec);
      if (ec) return lrs::Status::IoError("cannot make " + requested + ": " + ec.message());
    }
    return w;
  }

  std::string File(const char* name) const { return (fs::path(path_) / name).string(); }

  void CleanUp(bool keep) const {
    if (keep) {
      std::printf("bundles kept in %s\n", path_.c_str());
      return;
    }
    std::error_code ignored;
    if (made_) {
      fs::remove_all(path_, ignored);
      return;
    }
    for (const char* name : {kSource, kDestination}) fs::remove(File(name), ignored);
  }

  static constexpr char kSource[] = "source.lrsbundle.tar";
  static constexpr char kDestination[] = "destination.lrsbundle.tar";

 private:
  std::string path_;
  bool made_ = false;
};

struct Stores {
  HttpClient* from;
  HttpClient* to;
  std::string learner;  // set when the source credential is the operator's
};

// Steps 1 to 5; kExitOk only when the destination holds the source's record.
int ExportImportCompare(const Stores& s, const WorkDir& work) {
  RecordDigest source;
  std::printf("exporting from %s\n", s.from->Where().c_str());
  auto out = FetchBundle(*s.from, ExportPath(s.learner), work.File(WorkDir::kSource), &source);
  if (!out.ok()) {
    return Fail(kName, "export from " + s.from->Where() + ": " + out.status().message());
  }
  const auto& counts = out->bundle.counts;
  std::printf("exported %" PRIu64 " bytes: %" PRIu64 " statements, %" PRIu64
              " documents, signed by %s\n",
              out->bytes, counts.statements, counts.documents, out->bundle.signer.key_id.c_str());

  std::printf("importing into %s\n", s.to->Where().c_str());
  auto summary = UploadBundle(*s.to, work.File(WorkDir::kSource));
  if (!summary.ok()) {
    return Fail(kName, "import into " + s.to->Where() + ": " + summary.status().message());
  }
  std::printf("imported: %s\n", summary->c_str());

  RecordDigest destination(&source);
  std::printf("exporting back from %s\n", s.to->Where().c_str());
  auto back = FetchBundle(*s.to, ExportPath(""), work.File(WorkDir::kDestination), &destination);
  if (!back.ok()) {
    return Fail(kName, "export back from " + s.to->Where() + ": " + back.status().message());
  }
  if (back->bundle.signer.key_id == out->bundle.signer.key_id) {
    return Fail(kName, "the source and the destination are the same store (key " +
                           out->bundle.signer.key_id + ")");
  }
  Differences diff = Differences::Between(source, destination, kDifferencesShown);
  for (const auto& line : diff.first) std::fprintf(stderr, "  %s\n", line.c_str());
  if (diff.count > 0) {
    return Fail(kName, std::to_string(diff.count) +
                           " difference(s) between the source and the destination; the source is "
                           "left as it was");
  }
  std::printf("the destination holds all %" PRIu64 " statements and %" PRIu64
              " documents of the source\n",
              counts.statements, counts.documents);
  return kExitOk;
}

int Move(const Args& args) {
  std::optional<HttpClient> from, to;
  if (auto st = MakeClient(args, "--from", "--from-key", "--from-secret", &from); !st.ok()) {
    return UsageError(kName, st.message());
  }
  if (auto st = MakeClient(args, "--to", "--to-key", "--to-secret", &to); !st.ok()) {
    return UsageError(kName, st.message());
  }
  const Endpoint &a = from->endpoint(), &b = to->endpoint();
  if (a.host == b.host && a.port == b.port && a.prefix == b.prefix) {
    return UsageError(kName, "--from and --to name the same store");
  }
  auto work = WorkDir::Make(args.Get("--work-dir"));
  if (!work.ok()) return Fail(kName, work.status().message());
  int rc = ExportImportCompare({&*from, &*to, args.Get("--learner")}, *work);
  work->CleanUp(args.Has("--keep-files"));
  if (rc != kExitOk) return rc;
  if (!args.Has("--erase-source")) {
    std::printf("the learner is still at the source (--erase-source erases it there)\n");
    return kExitOk;
  }
  if (auto erased = EraseLearner(*from, ErasePath(args.Get("--learner"))); !erased.ok()) {
    return Fail(kName, "the record is at the destination, but erasing it at the source failed: " +
                           erased.message());
  }
  std::printf("erased the learner at %s\n", from->Where().c_str());
  return kExitOk;
}

}  // namespace

const Command& MoveCommand() {
  static const Command kCommand{kName, "move a learner's record to another store, checked", kHelp,
                                OptionSpec{{"--from", "--from-key", "--from-secret", "--learner",
                                            "--to", "--to-key", "--to-secret", "--work-dir"},
                                           {"--keep-files", "--erase-source"},
                                           0},
                                Move};
  return kCommand;
}

}  // namespace lrsctl
