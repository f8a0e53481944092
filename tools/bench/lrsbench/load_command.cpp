// lrsbench load: fills a store with statements start..start+N-1, `batch` to a
// POST (batch b holds exactly [start + b*batch, start + (b+1)*batch)), with
// progress every 10 s. The same numbers always give the same statements, so
// the drivers of `run` know what is in the store from --loaded alone.
#include <cstdio>

#include "tools/bench/lrsbench/args.h"
#include "tools/bench/lrsbench/client.h"
#include "tools/bench/lrsbench/commands.h"

namespace lrsbench {

int LoadCommand(int argc, char** argv, int first) {
  auto args = Args::Parse(argc, argv, first,
                          {"--url", "--key", "--secret", "--statements", "--batch", "--conns",
                           "--threads", "--learners", "--seed", "--start"},
                          {});
  if (!args) return 2;
  auto url = ParseUrl(args->String("--url", "http://127.0.0.1:8080/xapi"));
  DriverConfig config;
  config.seed = args->Number("--seed", 1);
  config.learners = args->Number("--learners", 10000);
  config.batch = args->Number("--batch", 100);
  config.start = args->Number("--start", 0);
  uint64_t count = args->Number("--statements", 0);
  config.end = config.start + count;
  ClientOptions options;
  options.connections = args->Number("--conns", 8);
  options.threads = args->Number("--threads", 1);
  options.progress = 10;
  if (!args->ok()) return 2;
  if (!url || count == 0 || config.batch == 0 || config.learners == 0 || options.connections == 0) {
    std::fprintf(stderr,
                 "lrsbench load: needs an http:// --url, --statements >= 1, --batch >= 1, "
                 "--learners >= 1 and --conns >= 1\n");
    return 2;
  }
  config.base_path = url->base_path;
  options.server = *url;
  options.authorization = BasicAuthorization(args->String("--key", kWriterKey),
                                             args->String("--secret", kWriterSecret));
  auto driver = MakePostDriver(config, /*batch=*/true);
  Measurement m = RunClient(options, *driver);
  double rate = m.seconds > 0 ? m.statements / m.seconds : 0;
  std::printf("loaded %llu of %llu statements in %.1f s: %.0f statements/s, %llu errors\n",
              static_cast<unsigned long long>(m.statements), static_cast<unsigned long long>(count),
              m.seconds, rate, static_cast<unsigned long long>(m.errors));
  return m.errors == 0 && m.statements == count ? 0 : 1;
}

}  // namespace lrsbench
