# `make serve` and `make test` install what is missing first (scripts/setup.sh).
.PHONY: setup build serve test lint clean

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

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --release --target wasm32-wasip1 -- -D warnings

clean:
	cargo clean
