// lrsctl: the operator's and the learner's command-line tool.
//
// `credential add` works on a stopped store's data directory (RocksDB allows
// one process at a time); export, verify, import and move work on learner
// bundles (docs/PORTABILITY.md), over HTTP against running stores; backup
// asks a running store for an online backup, restore turns one into a new
// data directory offline (docs/OPERATIONS.md).
//
// Exit codes: 0 ok, 1 the operation failed, 2 the command line is wrong.
// Nothing may throw out of main: an escaping exception would abort without
// saying what failed, so the last resort below prints it.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "tools/lrsctl/commands.h"

namespace lrsctl {

namespace {

constexpr char kUsageHead[] = R"(Usage: lrsctl COMMAND [options]
       lrsctl COMMAND --help

Commands:
)";

constexpr char kUsageTail[] = R"(
Exit codes: 0 ok, 1 failure, 2 usage error.
)";

const Command* const* AllCommands() {
  static const Command* const kAll[] = {&CredentialAddCommand(), &ExportCommand(), &VerifyCommand(),
                                        &ImportCommand(),        &MoveCommand(),   &BackupCommand(),
                                        &RestoreCommand(),       nullptr};
  return kAll;
}

void PrintUsage(std::FILE* out) {
  std::fputs(kUsageHead, out);
  for (auto c = AllCommands(); *c; ++c) {
    std::fprintf(out, "  %-16s %s\n", (*c)->name, (*c)->summary);
  }
  std::fputs(kUsageTail, out);
}

// The command named by argv[1] (and argv[2] for two-word commands), and how
// many words its name took; nullptr when there is none.
const Command* FindCommand(int argc, char** argv, int* words) {
  for (auto c = AllCommands(); *c; ++c) {
    std::string name = (*c)->name;
    size_t space = name.find(' ');
    bool found = space == std::string::npos ? name == argv[1]
                                            : argc >= 3 && name.substr(0, space) == argv[1] &&
                                                  name.substr(space + 1) == argv[2];
    if (found) {
      *words = space == std::string::npos ? 1 : 2;
      return *c;
    }
  }
  return nullptr;
}

int Run(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    // "lrsctl help COMMAND" is COMMAND --help.
    int words = 0;
    const Command* c = argc >= 3 ? FindCommand(argc - 1, argv + 1, &words) : nullptr;
    if (c) {
      std::fputs(c->help, stdout);
    } else {
      PrintUsage(stdout);
    }
    return kExitOk;
  }
  int words = 0;
  const Command* command = FindCommand(argc, argv, &words);
  if (!command) {
    std::fprintf(stderr, "lrsctl: unknown command %s (see lrsctl --help)\n", first.c_str());
    return kExitUsage;
  }
  int options_start = 1 + words;
  if (WantsHelp(argc, argv, options_start)) {
    std::fputs(command->help, stdout);
    return kExitOk;
  }
  auto args = Args::Parse(argc, argv, options_start, command->options);
  if (!args.ok()) return UsageError(command->name, args.status().message());
  return command->run(*args);
}

}  // namespace

// stdout is flushed first so a failure shows after the progress before it.
int Fail(const char* command, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "lrsctl %s: %s\n", command, message.c_str());
  return kExitFailure;
}

int UsageError(const char* command, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "lrsctl %s: %s (see lrsctl %s --help)\n", command, message.c_str(), command);
  return kExitUsage;
}

}  // namespace lrsctl

int main(int argc, char** argv) {
  try {
    return lrsctl::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lrsctl: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "lrsctl: internal error\n");
  }
  return lrsctl::kExitFailure;
}
