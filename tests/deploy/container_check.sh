#!/usr/bin/env bash
# tests/deploy/container_check.sh - builds deploy/Containerfile and checks
# the image does what deploy/README.md says: lrsd runs as the unprivileged
# `lrsd` user with its data in the volume, answers with the credential from
# the environment and refuses without it, reports healthy, stops cleanly on
# SIGTERM, and a new container on the same volume finds what the first one
# stored.
#
# Usage: tests/deploy/container_check.sh   (from anywhere; needs curl)
#   CONTAINER_ENGINE  docker or podman (default: podman if present, else docker)
#   BUILD_FLAGS       extra flags for `ENGINE build` (e.g. --pull=never)
#   PORT              the loopback port the containers serve on (default 18080)
#
# Not part of ctest: it needs a container engine, which CI's machine does
# not run. The containers use the host's network with LRS_LISTEN set to a
# loopback port, so no port publishing (and no bridge network) is needed;
# everything else is the image as built. Exits 0 only if every check passed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
engine=${CONTAINER_ENGINE:-$(command -v podman >/dev/null && echo podman || echo docker)}
port=${PORT:-18080}
image=lrsd-check:$$
volume=lrsd-check-data-$$
name=lrsd-check-$$
key=check-admin
secret=check-admin-secret-$RANDOM$RANDOM
url=http://127.0.0.1:$port/xapi
failures=0

cleanup() {
  "$engine" rm -f "$name" >/dev/null 2>&1
  "$engine" volume rm -f "$volume" >/dev/null 2>&1
  "$engine" rmi -f "$image" >/dev/null 2>&1
}
trap cleanup EXIT

ok() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
expect() {  # expect DESCRIPTION WANT GOT
  if [ "$2" = "$3" ]; then ok "$1 ($3)"; else fail "$1: want '$2', got '$3'"; fi
}

start_container() {
  "$engine" run -d --name "$name" --network host \
    -e LRS_LISTEN="127.0.0.1:$port" -e LRS_ADMIN_KEY="$key" -e LRS_ADMIN_SECRET="$secret" \
    -v "$volume:/var/lib/lrsd" "$image" >/dev/null || return 1
  for _ in $(seq 1 300); do  # up to 30 s
    "$engine" exec "$name" /usr/local/bin/lrsd-healthcheck 2>/dev/null && return 0
    sleep 0.1
  done
  "$engine" logs "$name" >&2
  return 1
}

stop_container() {  # prints the container's exit code
  "$engine" stop -t 30 "$name" >/dev/null
  "$engine" inspect --format '{{.State.ExitCode}}' "$name"
  "$engine" rm "$name" >/dev/null
}

echo "building with $engine (context $root)"
# podman writes OCI images by default, which drop HEALTHCHECK (docker's
# format keeps it), and reads an ignore file only when named; BuildKit finds
# Containerfile.dockerignore beside the Containerfile by itself.
podman_flags=()
[ "$(basename "$engine")" = podman ] &&
  podman_flags=(--format docker --ignorefile "$root/deploy/Containerfile.dockerignore")
if ! "$engine" build "${podman_flags[@]}" ${BUILD_FLAGS:-} -f "$root/deploy/Containerfile" \
    -t "$image" "$root"; then
  echo "FAIL: the image did not build" >&2
  exit 1
fi
ok "the image builds"
expect "image user" "lrsd:lrsd" "$("$engine" image inspect --format '{{.Config.User}}' "$image")"
expect "image health check" "[CMD /usr/local/bin/lrsd-healthcheck]" \
  "$("$engine" image inspect --format '{{.Config.Healthcheck.Test}}' "$image")"

"$engine" volume create "$volume" >/dev/null
if ! start_container; then
  echo "FAIL: lrsd in the container did not become healthy within 30 s" >&2
  exit 1
fi
ok "lrsd-healthcheck reports healthy"
expect "uid of PID 1 (lrsd)" 999 \
  "$("$engine" exec "$name" sh -c "awk '/^Uid:/ {print \$2}' /proc/1/status")"
expect "PID 1 is lrsd" lrsd "$("$engine" exec "$name" cat /proc/1/comm)"
expect "data folder owner and mode" "lrsd 700" \
  "$("$engine" exec "$name" stat -c '%U %a' /var/lib/lrsd)"
if "$engine" exec "$name" sh -c 'touch /usr/local/bin/x' 2>/dev/null; then
  fail "the lrsd user can write to /usr/local/bin"
else
  ok "the lrsd user cannot write to /usr/local/bin"
fi

v='X-Experience-API-Version: 1.0.3'
id=$(cat /proc/sys/kernel/random/uuid)
statement="{\"id\":\"$id\",\"actor\":{\"mbox\":\"mailto:container@example.org\"},\
\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/completed\"},\
\"object\":{\"id\":\"http://example.org/container-check\"}}"
expect "GET /xapi/about without a credential" 200 \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$v" "$url/about")"
expect "GET /xapi/statements without a credential" 401 \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$v" "$url/statements")"
expect "GET /xapi/statements with a wrong secret" 401 \
  "$(curl -s -o /dev/null -w '%{http_code}' -u "$key:wrong" -H "$v" "$url/statements")"
expect "POST a statement with the admin credential from the environment" 200 \
  "$(curl -s -o /dev/null -w '%{http_code}' -u "$key:$secret" -H "$v" \
     -H 'Content-Type: application/json' -d "$statement" "$url/statements")"

expect "exit code after SIGTERM (docker/podman stop)" 0 "$(stop_container)"

if ! start_container; then
  echo "FAIL: a second container on the same volume did not become healthy" >&2
  exit 1
fi
got=$(curl -s -u "$key:$secret" -H "$v" "$url/statements?statementId=$id")
case $got in
  *"\"$id\""*container-check*) ok "a new container on the volume returns the stored statement" ;;
  *) fail "a new container on the volume did not return statement $id: $got" ;;
esac
expect "exit code after the second stop" 0 "$(stop_container)"

if [ $failures -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all container checks passed"
