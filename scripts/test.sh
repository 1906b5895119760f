#!/usr/bin/env bash
# Every test: lint, host unit tests, then the integration suites (real MCP clients
# against the release wasm under Viceroy, and the official conformance suite).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== lint"
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
echo "== host unit tests"
cargo test --lib --quiet
echo "== fuzz (60 s)"
scripts/fuzz.sh 60
echo "== integration tests (wasm under Viceroy)"
exec "${NODE}" --test --test-concurrency=2 tests/*.test.mjs
