#!/usr/bin/env bash
# Every test: lint, host unit tests, then the integration suites (real MCP clients
# against the release wasm under Viceroy, and the official conformance suite).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== lint"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
# The edge adapter (src/edge/, main.rs) only builds for the wasm target.
cargo clippy --quiet --release --target wasm32-wasip1 --all-targets -- -D warnings
echo "== host unit tests"
cargo test --lib --quiet
# The edge adapter only builds for wasm32-wasip1: its tests run under `viceroy run`,
# against Viceroy's stores, secrets and backends (tests/edge.fastly.toml).
echo "== edge adapter unit tests (wasm32-wasip1, viceroy run)"
CARGO_TARGET_WASM32_WASIP1_RUNNER="viceroy run -C tests/edge.fastly.toml --" \
  cargo test --quiet --target wasm32-wasip1 --bin mcp-edge
echo "== fuzz (60 s)"
scripts/fuzz.sh 60
# Alone, first: its `fastly compute publish` runs a release build (minutes, both cores on
# a fresh machine), which would slow the other suites' Viceroy start-ups.
echo "== deploy rehearsal (the Fastly CLI against the API double; README: Deploying)"
"${NODE}" --test tests/deploy-rehearsal.test.mjs
echo "== integration tests (wasm under Viceroy)"
exec "${NODE}" --test --test-concurrency=2 $(ls tests/*.test.mjs | grep -v deploy-rehearsal)
