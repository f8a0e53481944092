#!/usr/bin/env bash
# The benchmark anyone can rerun: seeds a fresh store, starts lrsd, loads it,
# runs every lrsbench driver several times and prints a markdown table of the
# medians, with RocksDB's own write ceiling for comparison. See usage() below.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tools/bench/run_bench.sh [options] [BINDIR]

  BINDIR  the build's bin directory holding lrsd and lrsbench (default
          ./build/bin); this script builds nothing:
            cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
            cmake --build build --target lrsd lrsbench

Steps: a fresh data directory; `lrsbench seed` (the writer organisation,
the reader organisation, LEARNERS learners each granting the reader);
lrsd on 127.0.0.1:PORT; `lrsbench load` of STATEMENTS statements; lrsd's
VmRSS/VmHWM and the data directory's size; every driver RUNS times (the
readers first, all their runs before any writer, so every read sees exactly
the loaded store; each write run gets its own range of new statements);
lrsd stopped; `lrsbench rocks-ceiling` at batch 100 and batch 1, and at
batch 100 with 36 index-shaped keys a statement (the store's key count).

With --measure-at, the load stops at each of those counts on the way and
the read drivers of the list run there too, on the same store, so a figure
at 10M and its figure at 1M come from one run; their tables are printed
first. With --settle, each measurement waits until RocksDB has no
compaction running or pending (read from lrsd's /metrics), so the reads
do not compete with the compaction debt the load left.

Prints a markdown table of the medians of the runs (also WORK/results.md);
each run's figures go to WORK/runs.jsonl (one JSON object a line) and
WORK/bench.log. "x about" is the driver's median req/s over about's. Exits 1
if any run had an unexpected answer (an error), 2 on any other failure.

Options:
  --statements N     statements to load (default 1000000; ~1 KB each, ~1.3 GB
                     of store per million)
  --learners N       learners (default 10000)
  --runs R           runs of each driver (default 3)
  --duration S       measured seconds per run (default 20)
  --warmup S         unmeasured seconds before each run (default 3)
  --conns N          connections (default 64)
  --threads N        client threads (default 1)
  --paging-conns N   connections for more-paging* (default 4: a 10,000-
                     statement walk then finishes several times a run, and
                     its median time is a walk of a lightly loaded server)
  --walk N           statements per more-paging walk (default 10000)
  --drivers LIST     comma-separated drivers (default all; `lrsbench drivers`)
  --ceiling N        statements for rocks-ceiling at batch 100 (default
                     1000000; batch 1 and the index-keys run write N/5);
                     0 skips it
  --work DIR         data, logs and results (default ${TMPDIR:-/tmp}/lrs-bench;
                     its data/ and ceiling-*/ are replaced)
  --port P           lrsd's port (default 18480)
  --one-conn LIST    drivers also measured with one connection (their
                     service time without queueing), after the same kind
                     (readers, writers) at --conns
  --measure-at LIST  comma-separated statement counts below --statements at
                     which the load pauses and the read drivers run (e.g.
                     1000000 with --statements 10000000)
  --settle           before each measurement, wait (up to 30 min) until
                     RocksDB has no compaction running or pending
  --lrsd-config FILE a JSON configuration file for lrsd (--config)
  --keep             keep the data directories (default: removed at the end)
  -h, --help         this text

Needs bash, curl, python3, du and a Linux /proc. On a machine with few
cores the client competes with lrsd: the table reports both together.

Example (a small run, about 15 minutes):
  tools/bench/run_bench.sh --statements 20000 --learners 1000 --duration 5 build/bin
EOF
}

statements=1000000
learners=10000
runs=3
duration=20
warmup=3
conns=64
threads=1
paging_conns=4
walk=10000
drivers=""
ceiling=1000000
work="${TMPDIR:-/tmp}/lrs-bench"
port=18480
keep=0
lrsd_config=()
measure_at=""
one_conn=""
settle=0
positional=()
need() { [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "run_bench: $1 needs a number" >&2; exit 2; }; }
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --statements) need "$1" "${2:-}"; statements="$2"; shift 2 ;;
    --learners) need "$1" "${2:-}"; learners="$2"; shift 2 ;;
    --runs) need "$1" "${2:-}"; runs="$2"; shift 2 ;;
    --duration) need "$1" "${2:-}"; duration="$2"; shift 2 ;;
    --warmup) need "$1" "${2:-}"; warmup="$2"; shift 2 ;;
    --conns) need "$1" "${2:-}"; conns="$2"; shift 2 ;;
    --threads) need "$1" "${2:-}"; threads="$2"; shift 2 ;;
    --paging-conns) need "$1" "${2:-}"; paging_conns="$2"; shift 2 ;;
    --walk) need "$1" "${2:-}"; walk="$2"; shift 2 ;;
    --ceiling) need "$1" "${2:-}"; ceiling="$2"; shift 2 ;;
    --drivers) drivers="${2:?--drivers needs a list}"; shift 2 ;;
    --work) work="${2:?--work needs a directory}"; shift 2 ;;
    --port) need "$1" "${2:-}"; port="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --settle) settle=1; shift ;;
    --one-conn) one_conn="${2:?--one-conn needs a list}"; shift 2 ;;
    --measure-at) measure_at="${2:?--measure-at needs a list}"; shift 2 ;;
    --lrsd-config)
      [[ -f "${2:-}" ]] || { echo "run_bench: --lrsd-config needs a file" >&2; exit 2; }
      lrsd_config=(--config "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    -*) echo "run_bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional+=("$1"); shift ;;
  esac
done
((${#positional[@]} <= 1)) || { echo "run_bench: too many arguments (see --help)" >&2; exit 2; }
bindir="$(cd "${positional[0]:-./build/bin}" && pwd)"
lrsd="$bindir/lrsd"
lrsbench="$bindir/lrsbench"
for b in "$lrsd" "$lrsbench"; do
  [[ -x "$b" ]] || { echo "run_bench: $b not found (build it first, see --help)" >&2; exit 2; }
done
((statements >= 2 && learners >= 1 && runs >= 1 && duration >= 1)) ||
  { echo "run_bench: needs --statements >= 2, --learners, --runs, --duration >= 1" >&2; exit 2; }
[[ -n "$drivers" ]] || drivers="$("$lrsbench" drivers | paste -sd, -)"
IFS=, read -r -a driver_list <<<"$drivers"
IFS=, read -r -a one_conn_list <<<"$one_conn"
IFS=, read -r -a stops <<<"$measure_at"
previous=0
for stop in "${stops[@]}"; do  # checked now, not after an hour of loading
  [[ "$stop" =~ ^[0-9]+$ ]] && ((stop > previous && stop < statements)) || {
    echo "run_bench: --measure-at needs increasing counts below --statements, not '$stop'" >&2
    exit 2
  }
  previous=$stop
done

mkdir -p "$work"
work="$(cd "$work" && pwd)"
data="$work/data"
log="$work/bench.log"
jsonl="$work/runs.jsonl"
url="http://127.0.0.1:$port/xapi"
rm -rf "$data" "$work/ceiling-100" "$work/ceiling-1"
: >"$log"
: >"$jsonl"
rm -f "$work"/runs-at-*.jsonl
say() { echo "run_bench: $*" | tee -a "$log" >&2; }

lrsd_pid=""
stop_lrsd() {
  if [[ -n "$lrsd_pid" ]] && kill -0 "$lrsd_pid" 2>/dev/null; then
    kill "$lrsd_pid"
    wait "$lrsd_pid" 2>/dev/null || true
  fi
  lrsd_pid=""
}
cleanup() {
  stop_lrsd
  ((keep)) || rm -rf "$data" "$work/ceiling-100" "$work/ceiling-1"
}
trap cleanup EXIT

# lrsd's resident memory now and at its peak, in MB.
memory() {
  awk '/^VmRSS/ { rss = $2 } /^VmHWM/ { hwm = $2 }
       END { printf "VmRSS %.0f MB, VmHWM %.0f MB", rss / 1024, hwm / 1024 }' \
    "/proc/$lrsd_pid/status"
}

say "seeding $data with $learners learners"
"$lrsbench" seed --data "$data" --learners "$learners" >>"$log" 2>&1 ||
  { say "seeding failed (see $log)"; exit 2; }

say "starting lrsd on 127.0.0.1:$port"
admin_key=bench-admin  # lrsd's operator, for /metrics
admin_secret=bench-admin-secret-0123456789
LRS_ADMIN_KEY="$admin_key" LRS_ADMIN_SECRET="$admin_secret" \
  "$lrsd" --listen "127.0.0.1:$port" --data "$data" --quiet "${lrsd_config[@]}" \
  >>"$work/lrsd.log" 2>&1 &
lrsd_pid=$!
for _ in $(seq 100); do
  curl -fs -o /dev/null "$url/about" && break
  kill -0 "$lrsd_pid" 2>/dev/null || { say "lrsd exited (see $work/lrsd.log)"; exit 2; }
  sleep 0.2
done
curl -fs -o /dev/null "$url/about" || { say "lrsd does not answer at $url"; exit 2; }

# Loads generated statements from the number loaded so far up to $1.
loaded=0
load_lines=()
load_to() {
  say "loading statements $loaded to $(($1 - 1))"
  "$lrsbench" load --url "$url" --statements $(($1 - loaded)) --start "$loaded" \
    --learners "$learners" 2>&1 | tee -a "$log" >&2 || { say "loading failed (see $log)"; exit 2; }
  load_lines+=("statements $loaded to $(($1 - 1)): $(tail -n 1 "$log")")
  loaded=$1
}

# With --settle: waits until RocksDB reports no compaction running or
# pending, so what follows measures the store, not its compaction debt.
settle_compaction() {
  ((settle)) || return 0
  local started=$SECONDS figures
  while ((SECONDS - started < 1800)); do
    figures="$(curl -fs -u "$admin_key:$admin_secret" "${url%/xapi}/metrics")" ||
      { say "cannot read /metrics; not waiting for compaction"; return 0; }
    if ! grep -qE '^lrs_rocksdb_(running_compactions|compaction_pending) [1-9]' <<<"$figures"; then
      say "no compaction running or pending after $((SECONDS - started)) s"
      return 0
    fi
    sleep 10
  done
  say "compaction still running after 1800 s; measuring anyway"
}

data_size() { du -sb "$data" | awk '{ printf "%.0f MB", $1 / 1e6 }'; }

# Runs driver $1 RUNS times, each run's JSON appended to file $2; $3, if
# given, is the number of connections.
failed=0
write_slot=0
run_driver() {
  local driver="$1" out="$2" creds=() driver_conns="${3:-$conns}"
  case "$driver" in
    org-query*) creds=(--key bench-reader --secret bench-reader-secret-0123456789) ;;
  esac
  case "$driver" in
    more-paging*) [[ -n "${3:-}" ]] || driver_conns="$paging_conns" ;;
  esac
  for r in $(seq "$runs"); do
    write_slot=$((write_slot + 1))  # readers ignore --start; writers never repeat a statement
    say "$driver ($driver_conns connections) run $r/$runs"
    if ! "$lrsbench" run --url "$url" --driver "$driver" --json "${creds[@]}" \
        --conns "$driver_conns" --threads "$threads" --duration "$duration" --warmup "$warmup" \
        --learners "$learners" --loaded "$loaded" --walk "$walk" \
        --start $((100000000 * write_slot)) >>"$out" 2>>"$log"; then
      failed=1
      say "$driver run $r had errors (see $log)"
    fi
    tail -n 1 "$out" >>"$log"
  done
}
is_writer() { [[ "$1" =~ ^(post-|put|doc-put) ]]; }
# Into runs file $1: the readers of the list at $conns connections, then
# the --one-conn readers at one; then, unless $2 is "readers", the writers
# the same way, so every read sees exactly the loaded store.
run_drivers() {
  : >>"$1"
  local d
  for d in "${driver_list[@]}"; do is_writer "$d" || run_driver "$d" "$1"; done
  for d in "${one_conn_list[@]}"; do is_writer "$d" || run_driver "$d" "$1" 1; done
  [[ "${2:-}" != readers ]] || return 0
  for d in "${driver_list[@]}"; do is_writer "$d" && run_driver "$d" "$1"; done
  for d in "${one_conn_list[@]}"; do is_writer "$d" && run_driver "$d" "$1" 1; done
  return 0
}
stage_lines=()
for stop in "${stops[@]}"; do
  load_to "$stop"
  settle_compaction
  stage_lines+=("at $stop statements: lrsd $(memory); data directory $(data_size)")
  say "${stage_lines[-1]}"
  run_drivers "$work/runs-at-$stop.jsonl" readers
done
load_to "$statements"
memory_after_load="$(memory)"
disk_after_load="$(data_size)"
say "after load: $memory_after_load; data directory $disk_after_load"
settle_compaction
run_drivers "$jsonl"
memory_at_end="$(memory)"
stop_lrsd

ceiling_lines=()
if ((ceiling > 0)); then
  # batch:index-keys. 36 index-shaped keys a statement is about what the
  # store writes (docs/PERFORMANCE.md), so that line is the key count's cost.
  for spec in 100:0 1:0 100:36; do
    batch=${spec%:*}
    index_keys=${spec#*:}
    n=$((batch == 1 || index_keys > 0 ? ceiling / 5 : ceiling))
    say "rocks-ceiling batch $batch, $index_keys index keys ($n statements)"
    ceiling_lines+=("$("$lrsbench" rocks-ceiling --data "$work/ceiling-$batch" --statements "$n" \
      --batch "$batch" --index-keys "$index_keys" --learners "$learners" 2>>"$log")")
    rm -rf "$work/ceiling-$batch"
  done
fi

# The markdown table of the medians of the runs in one runs file.
table() {
  python3 - "$1" "$conns" <<'PY'
import json, statistics, sys

runs = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        r = json.loads(line)
        runs.setdefault((r["driver"], r["connections"]), []).append(r)

def med(values):
    return statistics.median(values) if values else 0

about = med([r["requests_per_second"] for r in runs.get(("about", int(sys.argv[2])), [])])
print("| driver | conns | req/s | statements/s | x about | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | walk p50 s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for (driver, conns), rs in runs.items():
    rps = med([r["requests_per_second"] for r in rs])
    sps = med([r["statements_per_second"] for r in rs])
    lat = {k: med([r["latency_ms"][k] for r in rs]) for k in ("p50", "p90", "p99", "p99.9", "max")}
    walks = [r["operation"]["p50_seconds"] for r in rs if r.get("operation", {}).get("count")]
    print("| %s | %d | %.0f | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %s |" % (
        driver, conns, rps, "%.0f" % sps if sps else "",
        "%.3f" % (rps / about) if about else "", lat["p50"], lat["p90"], lat["p99"],
        lat["p99.9"], lat["max"], sum(r["errors"] for r in rs),
        "%.2f" % med(walks) if walks else ""))
PY
}

{
  echo "lrsbench on $(uname -srm), $(nproc) cores; $statements statements, $learners learners;" \
    "$runs runs of ${duration} s after ${warmup} s warmup, $conns connections" \
    "($paging_conns for more-paging), $threads client thread(s)"
  echo
  for line in "${load_lines[@]}"; do echo "- load of $line"; done
  for line in "${stage_lines[@]}"; do echo "- $line"; done
  echo "- lrsd after load: $memory_after_load; at the end: $memory_at_end"
  echo "- data directory after load: $disk_after_load"
  for line in "${ceiling_lines[@]}"; do echo "- $line"; done
  for stop in "${stops[@]}"; do
    printf '\nAt %s statements:\n\n' "$stop"
    table "$work/runs-at-$stop.jsonl"
  done
  printf '\nAt %s statements:\n\n' "$statements"
  table "$jsonl"
} | tee "$work/results.md"
((failed == 0)) || { say "some runs had errors"; exit 1; }
