// The lrsbench subcommands. Each takes argv from its first flag on and
// returns the process exit code: 0 done, 1 the run failed (errors, an
// unreachable server, a store that cannot be opened), 2 a usage error.
#pragma once

namespace lrsbench {

int SeedCommand(int argc, char** argv, int first);
int RunCommand(int argc, char** argv, int first);
int LoadCommand(int argc, char** argv, int first);
int RocksCeilingCommand(int argc, char** argv, int first);
int PrintCommand(int argc, char** argv, int first);

// The seed's fixed credentials: run_bench.sh and the examples rely on them.
inline constexpr char kWriterKey[] = "bench-writer";
inline constexpr char kWriterSecret[] = "bench-writer-secret-0123456789";
inline constexpr char kReaderKey[] = "bench-reader";
inline constexpr char kReaderSecret[] = "bench-reader-secret-0123456789";

}  // namespace lrsbench
