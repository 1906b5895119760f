#!/usr/bin/env bash
# Fuzzes the MCP dispatcher (fuzz/fuzz_targets/dispatcher.rs: arbitrary POST bodies
# through Streamable HTTP, with invariants on every reply) for SECONDS (default 60).
# Needs the nightly toolchain and cargo-fuzz (scripts/setup.sh installs both). Runs on a
# copy of fuzz/corpus/dispatcher in a temp dir, so a run adds no files to the tree; a
# crashing input is kept in fuzz/artifacts/dispatcher/ (ignored by git), the script
# prints how to replay it and exits non-zero.
#
# FUZZ_TARGET_DIR: where the instrumented build goes; by default a per-machine cache
# outside the work tree, so a fresh clone (CI) rebuilds only what changed (about a
# minute after a change in src/) rather than everything (3.5 minutes on two cores),
# and nothing big lands in the tree.
# FUZZ_SANITIZER: cargo-fuzz's sanitizer, `none` by default: the code under test is safe
# Rust and the checks are the target's own invariants (debug assertions and overflow
# checks stay on). `address` (ASan) also finds memory errors in unsafe dependencies, but
# runs about 5x fewer inputs per second and takes twice as long to build.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${1:-60}"
TARGET=dispatcher
ARTIFACTS="fuzz/artifacts/${TARGET}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}"
FUZZ_TARGET_DIR="${FUZZ_TARGET_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/mcp-edge/fuzz-target}"
case "${DURATION}" in
  '' | *[!0-9]*)
    echo "usage: scripts/fuzz.sh [SECONDS]" >&2
    exit 2
    ;;
esac
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: needs the nightly toolchain and cargo-fuzz; run scripts/setup.sh" >&2
  exit 1
fi
FUZZ=(cargo +nightly fuzz)
OPTIONS=(--fuzz-dir fuzz --target-dir "${FUZZ_TARGET_DIR}" --sanitizer "${FUZZ_SANITIZER}")

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT
cp -R "fuzz/corpus/${TARGET}" "${WORK}/corpus"
mkdir -p "${ARTIFACTS}"
touch "${WORK}/start"

# Built apart from the run so the compile time shows.
built_at=$(date +%s)
"${FUZZ[@]}" build "${OPTIONS[@]}" "${TARGET}"
echo "fuzz: ${TARGET} built in $(($(date +%s) - built_at)) s"

# -timeout: an input running 10 s is a hang (a failure), not a slow unit.
# -rss_limit_mb: libFuzzer's default, stated; a body is at most -max_len bytes.
LOG="${WORK}/fuzz.log"
started_at=$(date +%s)
status=0
"${FUZZ[@]}" run "${OPTIONS[@]}" "${TARGET}" "${WORK}/corpus" -- \
  -max_total_time="${DURATION}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -dict=fuzz/dispatcher.dict -print_final_stats=1 >"${LOG}" 2>&1 || status=$?
elapsed=$(($(date +%s) - started_at))

executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "${LOG}" | tail -n1)"
if [ -z "${executions}" ]; then
  # No final stats (killed hard): the last status line's count.
  executions="$(grep -oE '^#[0-9]+' "${LOG}" | tail -n1 | tr -d '#')"
fi
crashes="$(find "${ARTIFACTS}" -maxdepth 1 -type f -newer "${WORK}/start" \
  \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)"
if [ "${status}" -ne 0 ] && [ "${crashes}" -eq 0 ]; then
  crashes=1 # failed without writing an input (e.g. the target could not start)
fi

if [ "${status}" -ne 0 ]; then
  echo "fuzz: ${TARGET} failed (exit ${status})"
  grep -A 6 -m 1 "panicked at" "${LOG}" || true
  echo "fuzz: the end of libFuzzer's output:"
  tail -n 60 "${LOG}"
  find "${ARTIFACTS}" -maxdepth 1 -type f -newer "${WORK}/start" | while read -r input; do
    echo "fuzz: reproducer ${input}; replay it with"
    echo "  ${FUZZ[*]} run ${OPTIONS[*]} ${TARGET} ${input}"
  done
else
  grep -E '^(INFO: Seed|#[0-9]+[[:space:]]+(INITED|DONE))|^stat::' "${LOG}" || true
fi
echo "fuzz: ${TARGET} ${executions:-0} executions in ${elapsed} s, ${crashes} crashes"
[ "${status}" -eq 0 ]
