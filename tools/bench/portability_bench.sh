#!/usr/bin/env bash
# Measures what exporting and importing one large learner record costs lrsd
# in resident memory (docs/PERFORMANCE.md, "Portability: 1,000,000-statement
# export and import"). See usage() below.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tools/bench/portability_bench.sh [options] [STATEMENTS [WORKDIR [BINDIR]]]

Loads STATEMENTS statements (default 1000000, ~1 KB each) into one learner's
record on a fresh lrsd, exports the record (GET /me/export), imports the
bundle into a second fresh lrsd (POST /me/import) and verifies the count.
For each of the export and the import it records lrsd's VmRSS before, resets
the peak (echo 5 > /proc/PID/clear_refs), and reads VmHWM after: growth =
peak - before. Prints a result table and exits 1 if either growth is at or
above the limit (256 MB), 2 on any other failure.

  STATEMENTS  number of statements (default 1000000)
  WORKDIR     where data dirs, batches, bundles and logs go
              (default ${TMPDIR:-/tmp}/lrs-portability-bench); the 1M run
              needs about 10 GB free there
  BINDIR      the build's bin directory holding lrsd and lrsctl (default ./build/bin)

Options:
  --client curl|lrsctl  how to export and import (default curl, which
                        measures the server alone; lrsctl export and import
                        also verify the whole bundle on the client side,
                        which adds to the seconds but not to lrsd's memory)
  --limit-mb N          the growth limit in MB (default 256)
  --parallel N          concurrent POST /xapi/statements while loading (default 4)
  --lrsd-config FILE    a JSON configuration file given to both lrsd (--config),
                        e.g. {"block_cache_mb": 8} to see the block cache's share
  --keep                keep the data dirs and bundles (default: removed at the end;
                        the generated batches are always kept for the next run)
  -h, --help            this text

The generated statements (tools/bench/gen_statements.py, seed 1) are cached
in WORKDIR/batches-STATEMENTS and reused by later runs; delete it to
regenerate. Both servers are stopped on exit. Needs bash, curl, python3, tar
and a Linux /proc (writing clear_refs needs the right to ptrace lrsd: same
user, or root).

Example (the documented 1M measurement, from the repository root):
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build build --target lrsd lrsctl
  tools/bench/portability_bench.sh 1000000 /tmp/lrs-portability-bench build/bin
EOF
}

client=curl
limit_mb=256
parallel=4
keep=0
lrsd_config=()
positional=()
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --client) client="${2:?--client needs curl or lrsctl}"; shift 2 ;;
    --limit-mb) limit_mb="${2:?--limit-mb needs a number}"; shift 2 ;;
    --parallel) parallel="${2:?--parallel needs a number}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --lrsd-config)
      [[ -f "${2:-}" ]] || { echo "portability_bench: --lrsd-config needs a file" >&2; exit 2; }
      lrsd_config=(--config "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    --) shift; positional+=("$@"); break ;;
    -*) echo "portability_bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) positional+=("$1"); shift ;;
  esac
done
((${#positional[@]} <= 3)) || { echo "portability_bench: too many arguments (see --help)" >&2; exit 2; }
count="${positional[0]:-1000000}"
work="${positional[1]:-${TMPDIR:-/tmp}/lrs-portability-bench}"
bindir="${positional[2]:-./build/bin}"
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "portability_bench: STATEMENTS must be a positive number" >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bindir="$(cd "$bindir" && pwd)"
lrsd="$bindir/lrsd"
lrsctl="$bindir/lrsctl"
[[ -x "$lrsd" ]] || { echo "portability_bench: no lrsd in $bindir (build it first)" >&2; exit 2; }
for tool in curl python3 tar; do
  command -v "$tool" >/dev/null || { echo "portability_bench: $tool is needed" >&2; exit 2; }
done
[[ "$client" == curl || "$client" == lrsctl ]] || { echo "portability_bench: --client must be curl or lrsctl" >&2; exit 2; }

mkdir -p "$work"
work="$(cd "$work" && pwd)"
run="$work/run-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run"
batches="$work/batches-$count"
mbox="mailto:bench-learner@example.org"
export LRS_ADMIN_KEY="bench-admin"
LRS_ADMIN_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
export LRS_ADMIN_SECRET
admin="$LRS_ADMIN_KEY:$LRS_ADMIN_SECRET"

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "FAILED: $*"; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", b - a }'; }
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }'; }
json_field() { python3 -c "import json, sys; v = json.load(open(sys.argv[1])); print(eval('v' + sys.argv[2]))" "$1" "$2"; }

pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if ((keep == 0)); then
    rm -rf "$run/source-data" "$run/dest-data" "$run/source.bundle" "$run/dest.bundle"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts lrsd on a free port; sets server_pid, server_url, server_key.
start_lrsd() {
  local name="$1"; shift
  local data="$run/$name-data" errlog="$run/$name-lrsd.log"
  "$lrsd" --listen 127.0.0.1:0 --data "$data" --quiet ${lrsd_config[@]+"${lrsd_config[@]}"} "$@" 2>"$errlog" >/dev/null &
  server_pid=$!
  pids+=("$server_pid")
  local line=""
  for _ in $(seq 1 300); do
    line="$(grep -m1 'serving xAPI at' "$errlog" || true)"
    [[ -n "$line" ]] && break
    kill -0 "$server_pid" 2>/dev/null || die "$name lrsd exited at start: $(cat "$errlog")"
    sleep 0.1
  done
  [[ -n "$line" ]] || die "$name lrsd did not start in 30 s"
  server_url="$(sed -E 's|.*serving xAPI at (http://[^ ]*)/xapi .*|\1|' <<<"$line")"
  server_key="$(sed -E 's|.*store key ([^)]*)\).*|\1|' <<<"$line")"
  log "$name lrsd pid $server_pid at $server_url, store key $server_key"
}

# Creates a learner; sets learner_key, learner_secret, learner_id.
create_learner() {
  local url="$1" body="$2" out="$3"
  local code
  code="$(curl -sS -o "$out" -w '%{http_code}' -u "$admin" -H 'Content-Type: application/json' \
    --data-binary "$body" "$url/admin/learners")"
  if [[ "$code" != 201 ]]; then
    log "POST /admin/learners $body answered $code: $(cat "$out")"
    return 1
  fi
  learner_id="$(json_field "$out" "['id']")"
  learner_key="$(json_field "$out" "['key']")"
  learner_secret="$(json_field "$out" "['secret']")"
}

# The statement count of a bundle, from its manifest (and, with lrsctl,
# its verification).
bundle_statements() {
  tar -xOf "$1" lrs-bundle/manifest.json >"$1.manifest.json" || die "no manifest in $1"
  json_field "$1.manifest.json" "['counts']['statements']"
}

export_bundle() {
  local url="$1" key="$2" secret="$3" out="$4"
  if [[ "$client" == lrsctl ]]; then
    "$lrsctl" export --url "$url" --key "$key" --secret "$secret" --out "$out" >"$out.client.log" 2>&1 ||
      die "lrsctl export failed: $(tail -5 "$out.client.log")"
  else
    local code
    code="$(curl -sS -u "$key:$secret" -o "$out" -w '%{http_code}' "$url/me/export")" ||
      die "curl export failed (code $code)"
    [[ "$code" == 200 ]] || die "GET /me/export answered $code: $(head -c 500 "$out")"
  fi
}

import_bundle() {
  local url="$1" key="$2" secret="$3" file="$4" out="$5"
  if [[ "$client" == lrsctl ]]; then
    "$lrsctl" import --url "$url" --key "$key" --secret "$secret" "$file" >"$out" 2>"$out.client.log" ||
      die "lrsctl import failed: $(tail -5 "$out.client.log") $(head -c 500 "$out")"
  else
    local code
    # -T streams the file (--data-binary would read it all into curl first).
    code="$(curl -sS -u "$key:$secret" -X POST -T "$file" \
      -H 'Content-Type: application/vnd.learner-lrs.bundle+tar' -o "$out" -w '%{http_code}' "$url/me/import")" ||
      die "curl import failed (code $code)"
    [[ "$code" == 200 ]] || die "POST /me/import answered $code: $(head -c 500 "$out")"
  fi
}

# Samples lrsd's RssAnon and RssFile every 0.2 s into a file, to tell the
# heap from mapped files; the verdict uses VmHWM alone.
sample_rss() {
  local pid="$1" out="$2"
  while kill -0 "$pid" 2>/dev/null; do
    awk '$1 == "RssAnon:" { a = $2 } $1 == "RssFile:" { f = $2 } END { print a, f }' "/proc/$pid/status" 2>/dev/null || true
    sleep 0.2
  done >"$out"
}
sampled_max() { awk -v c="$2" 'BEGIN { m = 0 } $c > m { m = $c } END { print m }' "$1"; }

# Runs "$@" as the measured phase against server $pid; sets phase_before_kb,
# phase_peak_kb, phase_seconds, phase_anon_kb, phase_file_kb.
measure() {
  local pid="$1" name="$2"; shift 2
  sleep 10  # let flushes and compactions that the previous step started settle
  phase_before_kb="$(status_kb "$pid" VmRSS)"
  local before_anon before_file
  before_anon="$(status_kb "$pid" RssAnon)"
  before_file="$(status_kb "$pid" RssFile)"
  echo 5 >"/proc/$pid/clear_refs" || die "cannot reset the peak of $pid (clear_refs)"
  local hwm_reset
  hwm_reset="$(status_kb "$pid" VmHWM)"
  sample_rss "$pid" "$run/$name-rss.samples" &
  local sampler=$!
  local t0 t1
  t0="$(now)"
  "$@"
  t1="$(now)"
  phase_peak_kb="$(status_kb "$pid" VmHWM)"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  phase_seconds="$(elapsed "$t0" "$t1")"
  phase_anon_kb=$(( $(sampled_max "$run/$name-rss.samples" 1) - before_anon ))
  phase_file_kb=$(( $(sampled_max "$run/$name-rss.samples" 2) - before_file ))
  log "$name: VmRSS before $(mb "$phase_before_kb") MB (anon $(mb "$before_anon"), file $(mb "$before_file")), VmHWM after reset $(mb "$hwm_reset") MB, peak $(mb "$phase_peak_kb") MB, ${phase_seconds} s"
}

log "work dir $run; client $client; $(nproc) cores; lrsd $lrsd ${lrsd_config[*]-}"
if ((${#lrsd_config[@]})); then log "lrsd configuration: $(cat "${lrsd_config[1]}")"; fi
df -h "$work" | sed 's/^/  /' >&2

# 1. Source server and learner.
start_lrsd source
src_pid="$server_pid"; src_url="$server_url"; src_store_key="$server_key"
create_learner "$src_url" \
  "{\"name\":\"Bench Learner\",\"identities\":[{\"objectType\":\"Agent\",\"mbox\":\"$mbox\"}]}" "$run/source-learner.json" ||
  die "cannot create the source learner"
src_key="$learner_key"; src_secret="$learner_secret"
log "source learner $learner_id"

# 2. Load the statements, batches of 1000 posted $parallel at a time.
if [[ ! -f "$batches/.complete" ]]; then
  log "generating $count statements into $batches"
  rm -rf "$batches"
  python3 "$here/gen_statements.py" --count "$count" --batch 1000 --mbox "$mbox" --seed 1 --out-dir "$batches"
  touch "$batches/.complete"
fi
post_batch() {
  local code
  code="$(curl -sS -u "$BENCH_AUTH" -H 'X-Experience-API-Version: 1.0.3' -H 'Content-Type: application/json' \
    --data-binary "@$1" -o "$1.response.$$" -w '%{http_code}' "$BENCH_URL/xapi/statements")" || { echo "curl failed on $1" >&2; return 1; }
  if [[ "$code" != 200 ]]; then
    echo "POST /xapi/statements answered $code for $1: $(head -c 300 "$1.response.$$")" >&2
    rm -f "$1.response.$$"
    return 1
  fi
  rm -f "$1.response.$$"
}
export -f post_batch
log "loading $count statements ($parallel concurrent posts of 1000)"
t0="$(now)"
find "$batches" -name 'batch-*.json' -print0 | sort -z |
  BENCH_AUTH="$src_key:$src_secret" BENCH_URL="$src_url" xargs -0 -n 1 -P "$parallel" bash -c 'post_batch "$1"' _ ||
  die "loading failed"
load_seconds="$(elapsed "$t0" "$(now)")"
log "loaded in $load_seconds s; source VmRSS $(mb "$(status_kb "$src_pid" VmRSS)") MB, data $(du -sh "$run/source-data" | cut -f1)"

# 3. Export.
log "exporting"
measure "$src_pid" export export_bundle "$src_url" "$src_key" "$src_secret" "$run/source.bundle"
export_before_kb="$phase_before_kb"; export_peak_kb="$phase_peak_kb"; export_seconds="$phase_seconds"
export_anon_kb="$phase_anon_kb"; export_file_kb="$phase_file_kb"
bundle_bytes="$(stat -c %s "$run/source.bundle")"
exported="$(bundle_statements "$run/source.bundle")"
log "bundle $bundle_bytes bytes, $exported statements"
[[ "$exported" == "$count" ]] || die "the export holds $exported statements, $count were loaded"
# lrsctl export and import each verify the whole bundle on the client side
# (lrsd is idle meanwhile); timed here alone to tell the two apart.
verify_seconds="-"
if [[ -x "$lrsctl" ]] && "$lrsctl" --help 2>&1 | grep -q 'verify'; then
  t0="$(now)"
  "$lrsctl" verify "$run/source.bundle" --expect-key "$src_store_key" >"$run/source.verify.txt" 2>&1 ||
    die "lrsctl verify failed: $(tail -5 "$run/source.verify.txt")"
  verify_seconds="$(elapsed "$t0" "$(now)")"
  log "lrsctl verify: ${verify_seconds} s: $(tr '\n' ' ' <"$run/source.verify.txt")"
fi

# 4. Destination server (trusting the source's key), a learner with no
# identity yet, import.
start_lrsd dest --trust-store-key "$src_store_key"
dst_pid="$server_pid"; dst_url="$server_url"
if ! create_learner "$dst_url" '{"name":"Bench Learner"}' "$run/dest-learner.json"; then
  log "the admin API wants an identity: the destination learner gets $mbox"
  create_learner "$dst_url" "{\"name\":\"Bench Learner\",\"identities\":[{\"objectType\":\"Agent\",\"mbox\":\"$mbox\"}]}" \
    "$run/dest-learner.json" || die "cannot create the destination learner"
fi
dst_key="$learner_key"; dst_secret="$learner_secret"
log "destination learner $learner_id; importing"
measure "$dst_pid" import import_bundle "$dst_url" "$dst_key" "$dst_secret" "$run/source.bundle" "$run/import-summary.json"
import_before_kb="$phase_before_kb"; import_peak_kb="$phase_peak_kb"; import_seconds="$phase_seconds"
import_anon_kb="$phase_anon_kb"; import_file_kb="$phase_file_kb"
log "import summary: $(cat "$run/import-summary.json")"
imported="$(json_field "$run/import-summary.json" "['imported']['statements']")"
[[ "$imported" == "$count" ]] || die "the import stored $imported statements, $count were exported"

# 5. The destination's own export holds the same statements.
if ((keep == 0)); then rm -f "$run/source.bundle"; fi
export_bundle "$dst_url" "$dst_key" "$dst_secret" "$run/dest.bundle"
reexported="$(bundle_statements "$run/dest.bundle")"
[[ "$reexported" == "$count" ]] || die "the destination's export holds $reexported statements, $count were imported"
log "destination export: $reexported statements, $(stat -c %s "$run/dest.bundle") bytes"

# 6. Results.
export_growth_kb=$((export_peak_kb - export_before_kb))
import_growth_kb=$((import_peak_kb - import_before_kb))
limit_kb=$((limit_mb * 1024))
verdict=PASS
((export_growth_kb < limit_kb && import_growth_kb < limit_kb)) || verdict=FAIL
{
  echo
  echo "Portability benchmark: $count statements, client $client, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  if ((${#lrsd_config[@]})); then echo "lrsd configuration: $(tr -d '\n' <"${lrsd_config[1]}")"; fi
  printf '| %-10s | %-13s | %-9s | %-17s | %-9s | %-17s |\n' statements "bundle bytes" "export s" "export RSS +MB" "import s" "import RSS +MB"
  printf '|%s|%s|%s|%s|%s|%s|\n' ------------ --------------- ----------- ------------------- ----------- -------------------
  printf '| %-10s | %-13s | %-9s | %-17s | %-9s | %-17s |\n' "$count" "$bundle_bytes" "$export_seconds" \
    "$(mb "$export_growth_kb")" "$import_seconds" "$(mb "$import_growth_kb")"
  echo
  echo "load: ${load_seconds} s; lrsctl verify of the bundle alone: ${verify_seconds} s" \
    "(included in the export and import seconds when the client is lrsctl)"
  echo "export: VmRSS before $(mb "$export_before_kb") MB, VmHWM $(mb "$export_peak_kb") MB;" \
    "sampled growth: anon $(mb "$export_anon_kb") MB, file-backed $(mb "$export_file_kb") MB"
  echo "import: VmRSS before $(mb "$import_before_kb") MB, VmHWM $(mb "$import_peak_kb") MB;" \
    "sampled growth: anon $(mb "$import_anon_kb") MB, file-backed $(mb "$import_file_kb") MB"
  echo "import summary: $(cat "$run/import-summary.json")"
  echo "limit: growth < $limit_mb MB for each: $verdict"
  echo "logs and samples: $run"
} | tee "$run/result.txt"
[[ "$verdict" == PASS ]] || exit 1
