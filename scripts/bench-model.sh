#!/usr/bin/env bash
# Benchmark: the in-process phases whose cost the tests bound by counts, not by time —
# printing (berth-model's emit) and schema validation (berth-loader's validate) of 500,
# 1000 and 2000 services: medians, and each size's ratio to the previous (about 2 while they
# stay linear).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --locked -q -p berth-model --bench emit
cargo bench --locked -q -p berth-loader --bench validate
