#!/usr/bin/env bash
# `make cold-wasm`: the protocol core's requests timed warm and with the caches emptied
# before each, natively and as wasm under Viceroy (`viceroy run`, pinned to one CPU),
# the same code (bench/core-cost's `cold` table). It shows what a request's MCP work
# costs as wasm when its code and data are cached, and which eviction reproduces what
# the same work takes under `viceroy serve` (bench/README.md, "What a cold request
# runs"). COLD_MB: the sizes of other memory written before each request (default
# "8 64": past the L2s, past the L3). Timings: this VM drifts by 10-40% between runs.
# Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
SIZES="${COLD_MB:-8 64}"
PIN=()
if [ "$(nproc)" -ge 2 ]; then PIN=(taskset -c 1); fi
cargo build --quiet --release --locked --example core-cost
cargo build --quiet --release --locked --example core-cost --target wasm32-wasip1
echo "native (x86_64, release)"
# shellcheck disable=SC2086
"${PIN[@]}" target/release/examples/core-cost cold ${SIZES}
echo
echo "wasm32-wasip1 under Viceroy ($("${VICEROY}" --version))"
# shellcheck disable=SC2086
"${PIN[@]}" "${VICEROY}" run target/wasm32-wasip1/release/examples/core-cost.wasm -- cold ${SIZES}
