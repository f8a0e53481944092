#!/usr/bin/env bash
# tests/deploy/verify_unit.sh - checks the shipped systemd unit deploy/lrsd.service.
#
# Usage: tests/deploy/verify_unit.sh UNIT_FILE LRSD_BINARY
#   (ctest passes deploy/lrsd.service and $<TARGET_FILE:lrsd>)
#
# 1. Every hardening and lifecycle setting deploy/README.md promises is in the
#    unit, with its value (so deleting or weakening one fails this test).
# 2. `systemd-analyze verify` accepts the unit. verify checks that ExecStart's
#    binary exists, so it runs on a temporary copy whose ExecStart names the
#    built lrsd. Output about other units on this machine is ignored; any
#    line about lrsd.service, or a non-zero exit, fails.
# 3. `systemd-analyze security --offline` rates the sandbox no worse than 2.0
#    ("OK"); it is 1.5 as shipped.
#
# Needs systemd-analyze (Debian package "systemd", in tools/dev). Without it
# the test FAILS: a skipped check would let the unit rot unnoticed. It works
# without systemd running as PID 1 (in a container, in CI).
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 UNIT_FILE LRSD_BINARY" >&2
  exit 2
fi
unit=$1
lrsd=$2
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "FAIL: systemd-analyze is not installed, so deploy/lrsd.service cannot be verified." >&2
  echo "      Install it: apt-get install systemd   (tools/dev installs it)" >&2
  exit 1
fi
[ -r "$unit" ] || { echo "FAIL: cannot read unit file $unit" >&2; exit 1; }
[ -x "$lrsd" ] || { echo "FAIL: lrsd binary $lrsd is missing or not executable (build it first)" >&2; exit 1; }

# --- 1. The settings, each with its value ------------------------------------
# The unit's assignments, one "Key=value" a line: comments dropped, blanks
# around "=" and at the ends removed.
assignments=$(sed -E -e '/^[[:space:]]*[#;]/d' -e '/^[[:space:]]*\[/d' -e '/^[[:space:]]*$/d' \
                     -e 's/^[[:space:]]*([A-Za-z0-9]+)[[:space:]]*=[[:space:]]*/\1=/' \
                     -e 's/[[:space:]]+$//' "$unit")

# expect KEY VALUE_REGEX: KEY is set, and every assignment of it matches
# VALUE_REGEX (a later "Key=" or a second line cannot quietly undo it; for
# list settings, a second line would widen the list).
expect() {
  local key=$1 re=$2 v
  if [ -z "$(printf '%s\n' "$assignments" | grep -E "^$key=" || true)" ]; then
    fail "$unit has no $key= line (expected value matching /$re/)"
    return
  fi
  while IFS= read -r v; do
    if ! printf '%s\n' "$v" | grep -Eq "^($re)\$"; then
      fail "$unit: $key=$v, expected a value matching /$re/"
    fi
  done < <(printf '%s\n' "$assignments" | sed -n "s/^$key=//p")
}

expect Type 'exec|simple'
expect User 'lrsd'
expect Group 'lrsd'
expect StateDirectory 'lrsd'
expect StateDirectoryMode '0?700'
expect ExecStart '/usr/local/bin/lrsd --config /etc/lrsd/lrsd\.json'
expect EnvironmentFile '-/etc/lrsd/lrsd\.env'
expect Restart 'on-failure'
expect RestartSec '[0-9]+s?'
expect LimitNOFILE '[0-9]{5,}'
# lrsd drains for up to 10 s, then closes RocksDB: more than 10 s.
expect TimeoutStopSec '(1[1-9]|[2-9][0-9]|[1-9][0-9]{2,})s?|[1-9][0-9]*min'
expect ProtectSystem 'strict'
expect ProtectHome 'yes'
expect PrivateTmp 'yes'
expect PrivateDevices 'yes'
expect PrivateMounts 'yes'
expect NoNewPrivileges 'yes'
expect CapabilityBoundingSet ''
expect AmbientCapabilities ''
expect RestrictAddressFamilies 'AF_INET AF_INET6 AF_UNIX'
# @system-service, optionally narrowed further by deny lists ("~...").
expect SystemCallFilter '@system-service|~.+'
if ! printf '%s\n' "$assignments" | grep -qx 'SystemCallFilter=@system-service'; then
  fail "$unit has no SystemCallFilter=@system-service line"
fi
expect SystemCallArchitectures 'native'
expect MemoryDenyWriteExecute 'yes'
expect LockPersonality 'yes'
expect RestrictNamespaces 'yes'
expect RestrictRealtime 'yes'
expect RestrictSUIDSGID 'yes'
expect RemoveIPC 'yes'
expect ProtectKernelTunables 'yes'
expect ProtectKernelModules 'yes'
expect ProtectKernelLogs 'yes'
expect ProtectControlGroups 'yes'
expect ProtectClock 'yes'
expect ProtectHostname 'yes'
expect ProtectProc 'invisible'
expect UMask '0077'
expect WantedBy 'multi-user\.target'
# Only the data folder is writable: nothing else may be opened up.
if printf '%s\n' "$assignments" | grep -qE '^(ReadWritePaths|ReadWriteDirectories)='; then
  fail "$unit sets ReadWritePaths=; only the StateDirectory (/var/lib/lrsd) may be writable"
fi

# --- 2. systemd-analyze verify on a copy that runs the built binary ----------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/verify_unit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/lrsd.service"
lrsd_abs=$(cd "$(dirname "$lrsd")" && pwd)/$(basename "$lrsd")
sed -E "s#^([[:space:]]*ExecStart[[:space:]]*=[[:space:]]*)/usr/local/bin/lrsd#\1$lrsd_abs#" "$unit" >"$copy"
if ! grep -q "^ExecStart=$lrsd_abs " "$copy"; then
  fail "could not point the copy's ExecStart at $lrsd_abs"
fi

verify_out=$(systemd-analyze verify --man=no "$copy" 2>&1)
verify_rc=$?
# Lines about other units (a host's own unit files) are not this test's business.
ours=$(printf '%s\n' "$verify_out" | grep -E "lrsd\.service|$tmp" || true)
others=$(printf '%s\n' "$verify_out" | grep -vE "lrsd\.service|$tmp" | grep -v '^$' || true)
if [ -n "$others" ]; then
  echo "note: systemd-analyze verify said about other units (ignored):"
  printf '%s\n' "$others" | sed 's/^/  /'
fi
if [ -n "$ours" ] || [ $verify_rc -ne 0 ]; then
  fail "systemd-analyze verify (exit $verify_rc) on $unit (ExecStart pointed at $lrsd_abs):"
  printf '%s\n' "$verify_out" | sed 's/^/  /' >&2
else
  echo "ok: systemd-analyze verify found nothing to say about lrsd.service"
fi

# --- 3. Overall exposure as rated by systemd itself ---------------------------
security_out=$(systemd-analyze security --offline=yes --threshold=20 --no-pager "$copy" 2>&1)
security_rc=$?
level=$(printf '%s\n' "$security_out" | grep 'Overall exposure level' || true)
if [ $security_rc -ne 0 ]; then
  fail "systemd-analyze security rates the unit above 2.0: ${level:-no rating}"
  printf '%s\n' "$security_out" | grep '✗' >&2
else
  echo "ok: ${level#→ }"
fi

if [ $failures -ne 0 ]; then
  echo "verify_unit: $failures problem(s) with $unit" >&2
  exit 1
fi
echo "verify_unit: $unit passes"
