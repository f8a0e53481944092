// lrsbench: the benchmark anyone can rerun (tools/bench/run_bench.sh runs it
// all). Subcommands seed a data directory, fill a store, measure one
// driver against a running lrsd, and measure RocksDB's own ceiling.
#include <cstdio>
#include <string>

#include "tools/bench/lrsbench/commands.h"
#include "tools/bench/lrsbench/driver.h"

namespace {

constexpr char kUsage[] = R"(Usage: lrsbench COMMAND [options]

  seed --data DIR [--learners N] [--threads 16]
       [--writer-key K --writer-secret S --reader-key K2 --reader-secret S2]
      Offline (lrsd not running on DIR): creates organisation bench-lms with
      the writer credential (scopes all), organisation bench-analytics with
      the reader credential (statements/read), and learners 0..N-1 (default
      10000), learner i holding mailto:learner-000000i@bench.example.org and
      one grant to bench-analytics (actions statements, no restriction).
      Default keys: bench-writer / bench-writer-secret-0123456789,
      bench-reader / bench-reader-secret-0123456789.

  load --url URL --statements N [--key K --secret S] [--batch 100]
       [--conns 8] [--threads 1] [--learners 10000] [--seed 1] [--start 0]
      POSTs generated statements start..start+N-1, `batch` to a request,
      with progress every 10 s; prints the statements/s.

  run --url URL --driver NAME [--key K --secret S] [--conns 64] [--threads 1]
      [--duration 20] [--warmup 3] [--seed 1] [--learners 10000] [--loaded M]
      [--start 100000000] [--batch 100] [--walk 10000] [--documents 1000] [--json]
      Measures one driver for `duration` seconds after `warmup` seconds and
      prints one line (or a JSON object): requests/s, statements/s, latency
      p50/p90/p99/p99.9/max, errors. Exits 1 if any answer was unexpected.
      --learners and --seed must be the ones the store was loaded with,
      --loaded the number of statements loaded (get-id reads among them).
      Writers use generator numbers from --start on: give each write run its
      own range, or it re-sends statements the store already has.

  rocks-ceiling --data DIR [--statements 1000000] [--batch 100] [--threads 64]
      [--sync 1] [--seed 1] [--learners 10000] [--index-keys 0]
      Writes the same statements (key: 16-byte id, value: the JSON) into a
      fresh RocksDB with lrsd's options, fsynced, one WriteBatch per batch;
      prints statements/s and MB/s. --batch 1: the single-statement ceiling.
      --index-keys N: also N index-shaped keys per statement (the store
      writes about 36 per statement).

  print [--from 0] [--count 1] [--seed 1] [--learners 10000]
      Prints generated statements, one JSON text a line.

  drivers
      Lists the drivers of `run`.

URL is the xAPI root, e.g. http://127.0.0.1:8080/xapi. --key/--secret default
to the seed's writer.

Drivers (in the order run_bench.sh runs them):
  about              GET /about: the HTTP floor
  get-id             GET /statements?statementId= of a loaded statement (200)
  get-learner        GET /statements?agent=<a learner>&limit=100, all theirs
  get-verb-activity  GET /statements?verb=completed&activity=<course 0>
                     &related_activities=true&limit=100
  org-query          GET /statements?limit=100, expecting 100 (use the reader)
  org-query-verb     the same with verb=completed
  more-paging        GET ?limit=100, then the `more` links, --walk statements
                     per walk; also the median time of a walk
  more-paging-verb   the same with verb=completed
  doc-get            GET /activities/state of documents its pre-pass PUT
  post-single        POST one new statement
  post-batch         POST --batch new statements
  put                PUT /statements?statementId= one new statement
  doc-put            PUT /activities/state, a new document each time
)";

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "seed") return lrsbench::SeedCommand(argc, argv, 2);
  if (command == "load") return lrsbench::LoadCommand(argc, argv, 2);
  if (command == "run") return lrsbench::RunCommand(argc, argv, 2);
  if (command == "rocks-ceiling") return lrsbench::RocksCeilingCommand(argc, argv, 2);
  if (command == "print") return lrsbench::PrintCommand(argc, argv, 2);
  if (command == "drivers") {
    for (const auto& name : lrsbench::DriverNames()) std::printf("%s\n", name.c_str());
    return 0;
  }
  bool help = command == "--help" || command == "-h" || command == "help";
  std::fputs(kUsage, help ? stdout : stderr);
  return help ? 0 : 2;
}
