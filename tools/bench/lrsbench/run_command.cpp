// lrsbench run: one driver against a running lrsd, one line of figures.
// Exits 1 when any answer was not the expected one, so a script can trust
// that every figure it collects was measured on correct answers.
#include <cstdio>

#include "tools/bench/lrsbench/args.h"
#include "tools/bench/lrsbench/client.h"
#include "tools/bench/lrsbench/commands.h"
#include "tools/bench/lrsbench/report.h"

namespace lrsbench {

namespace {

// Runs the driver's pre-pass (doc-get's documents) to completion.
bool RunPrePass(const ClientOptions& options, Driver& driver) {
  std::unique_ptr<Driver> pre = driver.PrePass();
  if (!pre) return true;
  ClientOptions once = options;
  once.warmup = 0;
  once.duration = 0;
  Measurement m = RunClient(once, *pre);
  if (m.errors == 0) return true;
  std::fprintf(stderr, "lrsbench: the pre-pass had %llu errors\n",
               static_cast<unsigned long long>(m.errors));
  return false;
}

}  // namespace

int RunCommand(int argc, char** argv, int first) {
  auto args = Args::Parse(
      argc, argv, first,
      {"--url", "--driver", "--key", "--secret", "--conns", "--threads", "--duration", "--warmup",
       "--seed", "--learners", "--loaded", "--start", "--batch", "--walk", "--documents"},
      {"--json"});
  if (!args) return 2;
  auto url = ParseUrl(args->String("--url", "http://127.0.0.1:8080/xapi"));
  std::string name = args->String("--driver");
  DriverConfig config;
  ClientOptions options;
  if (url) config.base_path = url->base_path;
  config.seed = args->Number("--seed", config.seed);
  config.learners = args->Number("--learners", config.learners);
  config.loaded = args->Number("--loaded", config.loaded);
  config.start = args->Number("--start", config.start);
  config.batch = args->Number("--batch", config.batch);
  config.walk = args->Number("--walk", config.walk);
  config.documents = args->Number("--documents", config.documents);
  options.connections = args->Number("--conns", 64);
  options.threads = args->Number("--threads", 1);
  options.duration = args->Seconds("--duration", 20);
  options.warmup = args->Seconds("--warmup", 3);
  if (!args->ok()) return 2;
  if (!url || options.connections == 0 || options.duration == 0) {
    std::fprintf(stderr, "lrsbench run: needs an http:// --url, --conns >= 1 and --duration > 0\n");
    return 2;
  }
  options.server = *url;
  options.authorization = BasicAuthorization(args->String("--key", kWriterKey),
                                             args->String("--secret", kWriterSecret));
  auto driver = MakeDriver(name, config);
  if (!driver.ok()) {
    std::fprintf(stderr, "lrsbench run: %s (see --help)\n", driver.status().message().c_str());
    return 2;
  }
  if (!RunPrePass(options, **driver)) return 1;
  Report report{name, options.connections, options.threads, (*driver)->operation_name(),
                RunClient(options, **driver)};
  PrintReport(report, args->Has("--json"));
  if (report.measurement.requests == 0) {
    std::fprintf(stderr, "lrsbench run: no request was answered in the measured window\n");
    return 1;
  }
  return report.measurement.errors == 0 ? 0 : 1;
}

}  // namespace lrsbench
