#!/usr/bin/env bash
# `make bench` (after `make build`): installs and builds what the benchmark needs, skipping
# what is already there, then runs bench/run.mjs. Not part of `make test`.
#   wrk                     Debian's package (the load generator)
#   python3                 Debian's package, if missing (a client stack of the `clients` section)
#   bench/floor             the empty Fastly handler and floor-hostcalls, wasm32-wasip1, same toolchain/profile
#   bench/rmcp-server       rmcp, native release build (first build: ~3 minutes)
#   core-cost               bench/core-cost, native release build (the `config` section's native rows)
#   bench/ts-server         the TypeScript SDK (npm, bench/ts-server/package-lock.json)
# Knobs (environment): BENCH_QUICK=1 for a short run; see bench/README.md for the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

need_command wrk wrk

# Python's http.client is one of the client stacks of the `clients` section.
need_command python3 python3

echo "bench: building mcp-edge with the bench catalog (1,000 synthetic tools; target/bench-catalog)"
cargo build --quiet --release --locked --target wasm32-wasip1 --bin mcp-edge --features bench-catalog --target-dir target/bench-catalog
echo "bench: building the floor's reply into mcp-edge's module (target/bench-floor)"
cargo build --quiet --release --locked --target wasm32-wasip1 --bin mcp-edge --features bench-floor --target-dir target/bench-floor
echo "bench: building floor-hostcalls into mcp-edge's module (target/bench-floor-hostcalls)"
cargo build --quiet --release --locked --target wasm32-wasip1 --bin mcp-edge --features bench-floor-hostcalls --target-dir target/bench-floor-hostcalls
echo "bench: building core-cost (native, release: the configuration's cost without Viceroy)"
cargo build --quiet --release --locked --example core-cost
echo "bench: building the floor handlers (wasm32-wasip1, release)"
(cd bench/floor && cargo build --quiet --release --locked --target wasm32-wasip1)
echo "bench: building the rmcp server (native, release)"
(cd bench/rmcp-server && cargo build --quiet --release --locked)
if [ ! -d bench/ts-server/node_modules/@modelcontextprotocol/sdk ] \
  || [ bench/ts-server/package-lock.json -nt bench/ts-server/node_modules/.package-lock.json ]; then
  echo "bench: installing the TypeScript SDK (bench/ts-server)"
  (cd bench/ts-server && PATH="$(dirname "${NODE}"):${PATH}" npm install --no-audit --no-fund)
fi

# The soak holds ~1000 SSE streams: each is a socket in this client, in Viceroy (both
# ways) and in Pushpin.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true

exec "${NODE}" bench/run.mjs "$@"
