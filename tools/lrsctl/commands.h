// The commands of lrsctl. main.cpp finds the command, answers --help with
// its text, parses its options against its spec and runs it; a command sees
// only parsed options and returns the process's exit code.
#pragma once

#include <string>

#include "tools/lrsctl/args.h"

namespace lrsctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  const char* name;     // as typed: "export", "credential add"
  const char* summary;  // one line, for lrsctl --help
  const char* help;     // the whole of COMMAND --help
  OptionSpec options;
  int (*run)(const Args& args);
};

const Command& CredentialAddCommand();  // credential.cpp
const Command& ExportCommand();         // bundle_commands.cpp
const Command& VerifyCommand();         // bundle_commands.cpp
const Command& ImportCommand();         // bundle_commands.cpp
const Command& MoveCommand();           // move_command.cpp
const Command& BackupCommand();         // backup_commands.cpp
const Command& RestoreCommand();        // backup_commands.cpp

// "lrsctl COMMAND: MESSAGE" on stderr; returns kExitFailure.
int Fail(const char* command, const std::string& message);
// The same followed by a pointer to the command's help; returns kExitUsage.
int UsageError(const char* command, const std::string& message);

}  // namespace lrsctl
