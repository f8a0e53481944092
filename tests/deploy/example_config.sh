#!/usr/bin/env bash
# tests/deploy/example_config.sh - lrsd starts with deploy/lrsd.example.json,
# and deploy/lrsd-healthcheck (the container image's HEALTHCHECK) finds it
# healthy, then it stops cleanly on SIGTERM.
#
# Usage: tests/deploy/example_config.sh LRSD_BINARY CONFIG_FILE HEALTHCHECK
#   (ctest passes $<TARGET_FILE:lrsd>, deploy/lrsd.example.json and
#   deploy/lrsd-healthcheck)
#
# lrsd refuses a config file with an unknown key or a wrongly typed value, so
# an example that drifted from lrsd_main.cpp would stop a fresh install from
# starting: this catches it. --listen and --data (flags beat the file) put
# the server on a free loopback port with a temporary store.
set -uo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 LRSD_BINARY CONFIG_FILE HEALTHCHECK" >&2
  exit 2
fi
lrsd=$1
config=$2
healthcheck=$3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/example_config.XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

"$lrsd" --config "$config" --data "$tmp/data" --listen 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
pid=$!

port=
for _ in $(seq 1 300); do  # up to 30 s on a loaded machine
  port=$(sed -n 's#.*serving xAPI at http://127\.0\.0\.1:\([0-9]*\)/xapi.*#\1#p' "$tmp/err")
  [ -n "$port" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid"
    echo "FAIL: lrsd exited ($?) with $config:" >&2
    sed 's/^/  /' "$tmp/err" >&2
    pid=
    exit 1
  fi
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL: lrsd did not start serving within 30 s with $config:" >&2
  sed 's/^/  /' "$tmp/err" >&2
  exit 1
fi
echo "ok: lrsd accepted $config and serves on port $port"

status=0
if bash "$healthcheck" 127.0.0.1 "$port"; then
  echo "ok: $healthcheck reports healthy"
else
  echo "FAIL: $healthcheck 127.0.0.1 $port reported unhealthy" >&2
  status=1
fi

kill -TERM "$pid"
for _ in $(seq 1 200); do  # lrsd drains for up to 10 s
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "FAIL: lrsd still running 20 s after SIGTERM" >&2
  exit 1
fi
wait "$pid"
rc=$?
pid=
if [ $rc -ne 0 ]; then
  echo "FAIL: lrsd exited $rc after SIGTERM:" >&2
  sed 's/^/  /' "$tmp/err" >&2
  status=1
else
  echo "ok: lrsd stopped cleanly on SIGTERM"
fi

if [ $status -eq 0 ] && ! bash "$healthcheck" 127.0.0.1 "$port" 2>/dev/null; then
  echo "ok: $healthcheck reports unhealthy once lrsd is gone"
elif [ $status -eq 0 ]; then
  echo "FAIL: $healthcheck still reports healthy after lrsd stopped" >&2
  status=1
fi
exit $status
