# `make serve` and `make test` install what is missing first (scripts/setup.sh).
.PHONY: setup build serve test lint clean bench bench-core profile cpu-breakdown cold-code cold-wasm guest-cost deploy-rehearsal api-key smoke

WASM := target/wasm32-wasip1/release/mcp-edge.wasm

setup:
	@scripts/setup.sh

build: setup
	cargo build --bin mcp-edge --release --target wasm32-wasip1
	@ls -l $(WASM) | awk '{print "release wasm: " $$5 " bytes"}'

serve: build
	@scripts/serve.sh

test: build
	@scripts/test.sh

# `fastly compute publish` rehearsed with the real Fastly CLI against a local double of
# the Fastly API, then the uploaded package smoke-checked (also part of `make test`).
deploy-rehearsal: build
	@. scripts/env.sh && "$${NODE}" scripts/deploy-rehearsal.mjs

# A client API key for a deployed service: make api-key NAME=librechat [SETS=fastly]
# [WRITES=] [FILE=api_keys.json] (README: Deploying).
api-key:
	@node scripts/api-key.mjs --name "$(NAME)" --tool-sets "$(or $(SETS),fastly)" --write-sets "$(WRITES)" --file "$(or $(FILE),api_keys.json)"

# Smoke check of a deployed service: make smoke URL=https://NAME.edgecompute.app KEY=...
smoke:
	@node scripts/smoke.mjs "$(URL)" "$(KEY)"

# Not part of `make test`: mcp-edge vs an empty handler, the TS SDK and rmcp (bench/README.md).
bench: build
	@bench/run.sh

# The protocol layer's cost per request, natively (no Viceroy): 2025-11-25 vs 2026-07-28
# requests through the Streamable HTTP transport, the revision checks alone, the shipped
# vs the minimal configuration, and the shipped requests with caches warm and emptied.
bench-core: setup
	cargo run --quiet --release --example core-cost

# Where a tools/call's guest time goes: the release wasm with symbol names under Viceroy's
# guest profiler (PROFILE_BODY, PROFILE_N and PROFILE_CONFIG=full: bench/profile.mjs).
PROFILE_DIR := target/profile
profile: setup
	@. scripts/env.sh && build_named_wasm $(PROFILE_DIR) && "$${NODE}" bench/profile.mjs $(PROFILE_DIR)/wasm32-wasip1/release/mcp-edge.wasm $${PROFILE_N:-200} $${PROFILE_CONFIG:-}

# Where Viceroy's CPU goes per tools/call (perf): the guest, the epoch thread, instance
# set-up and teardown, page faults, and the guest by phase (bench/cpu/run.sh says its
# knobs: CPU_FEATURES, CPU_CONNECTIONS, CPU_SETTINGS, CPU_BODY, CPU_STACKS...).
cpu-breakdown: setup
	@bench/cpu/run.sh

# What one cold request runs, counted exactly (valgrind's cache simulator): instructions,
# code and data lines missed, for ping, tools/call and tools/list (COLD_TOP=N: where).
cold-code: setup
	@bench/cold/run.sh

# The same core timed warm and with the caches emptied, natively and as wasm under
# Viceroy (COLD_MB: the eviction sizes): what a cold request costs as wasm.
cold-wasm: setup
	@bench/cold/wasm.sh

# The MCP work of ping, tools/call and tools/list timed inside the guest under
# `viceroy serve`: cold (in the request's fresh instance) and again warm.
guest-cost: setup
	@bench/cold/serve.sh

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --release --target wasm32-wasip1 --all-targets -- -D warnings

clean:
	cargo clean
