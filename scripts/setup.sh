#!/usr/bin/env bash
# Installs whatever the build, the local stack and the tests need, skipping what is
# already there: the pinned Rust toolchain and its wasm target, Viceroy (a ~23 minute
# build, done once per machine), Pushpin (Debian's package, the local stand-in for
# Fanout, with condure and zurl), Chromium (Debian's package, for the browser test), and
# the npm packages pinned in tests/package-lock.json (Fastly CLI, Node 22, the MCP
# clients and the conformance suite).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if ! rustup toolchain list | grep -q "^${TOOLCHAIN}"; then
  echo "setup: installing Rust ${TOOLCHAIN}"
  rustup toolchain install "${TOOLCHAIN}" --profile minimal
fi
if ! rustup target list --installed --toolchain "${TOOLCHAIN}" | grep -qx wasm32-wasip1; then
  echo "setup: adding the wasm32-wasip1 target"
  rustup target add wasm32-wasip1 --toolchain "${TOOLCHAIN}"
fi

if ! "${VICEROY}" --version 2>/dev/null | grep -q "${VICEROY_VERSION}"; then
  echo "setup: building Viceroy ${VICEROY_VERSION} (about 23 minutes, once per machine)"
  cargo "+${TOOLCHAIN}" install viceroy --version "${VICEROY_VERSION}" --locked
fi

if ! command -v pushpin >/dev/null 2>&1 || ! command -v condure >/dev/null 2>&1 \
  || ! command -v zurl >/dev/null 2>&1; then
  echo "setup: installing Pushpin (apt-get; the local stand-in for Fanout)"
  apt_install pushpin
fi

# The browser of tests/cors.test.mjs (driven over the DevTools protocol; no browser
# download from anywhere else).
if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium (apt-get; the browser of tests/cors.test.mjs)"
  apt_install chromium
fi

if [ ! -x tests/node_modules/.bin/fastly ] || [ ! -x "${NODE}" ] \
  || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (tests/package-lock.json)"
  # `npm install` honours the lockfile; `npm ci` refuses it on machines whose npmrc sets
  # omit-lockfile-registry-resolved (the lock then lacks other platforms' optional
  # @fastly/cli-* entries).
  (cd tests && npm install --no-audit --no-fund)
fi

# The fuzz target (scripts/fuzz.sh) builds with cargo-fuzz, which needs a nightly
# toolchain (unstable coverage-instrumentation flags); cargo-fuzz itself builds on the
# pinned one.
if ! rustup toolchain list | grep -q '^nightly-'; then
  echo "setup: installing the nightly Rust toolchain (for cargo-fuzz)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz 0.13.2"
  cargo "+${TOOLCHAIN}" install cargo-fuzz --version 0.13.2 --locked
fi
