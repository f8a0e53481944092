// lrsbench print: statements K..K+N-1 of the generator, one JSON text a
// line, to look at what the benchmark sends (or to feed another tool).
#include <cstdio>

#include "tools/bench/lrsbench/args.h"
#include "tools/bench/lrsbench/commands.h"
#include "tools/bench/lrsbench/generator.h"

namespace lrsbench {

int PrintCommand(int argc, char** argv, int first) {
  auto args = Args::Parse(argc, argv, first, {"--from", "--count", "--seed", "--learners"}, {});
  if (!args) return 2;
  uint64_t from = args->Number("--from", 0);
  uint64_t count = args->Number("--count", 1);
  uint64_t learners = args->Number("--learners", 10000);
  StatementGenerator gen(args->Number("--seed", 1), learners);
  if (!args->ok() || learners == 0) return 2;
  for (uint64_t k = from; k < from + count; ++k) std::printf("%s\n", gen.Statement(k).c_str());
  return 0;
}

}  // namespace lrsbench
