#!/usr/bin/env bash
# `make cold-code`: what one request runs when nothing of it is cached, counted exactly.
# Every request on Compute (and under Viceroy) runs in a fresh instance between the
# host's own work, so the lines of code and data it touches are mostly cache misses:
# its cost follows how much distinct code it runs more than how many instructions
# (bench/README.md, "What a cold request runs"). This builds bench/core-cost natively
# with symbols and runs one request of the shipped configuration (ping, tools/call,
# tools/list: `core-cost once KIND`, the first request of the process) under
# valgrind's callgrind with its cache simulator (32 KB L1s, 32 MB L3, 64-byte lines),
# and prints the request's instructions and the 64-byte lines of code and data it
# missed in the L3: lines nothing before it touched. Deterministic: the same build
# gives the same counts, where timings on this VM drift by 10-40%.
# COLD_TOP=N also prints the N functions holding the most missed code lines
# (inclusive) for tools/call. Installs Debian's valgrind if missing. Not part of
# `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
need_command valgrind valgrind
DIR=target/core-cost-named
CARGO_PROFILE_RELEASE_STRIP=false CARGO_PROFILE_RELEASE_DEBUG=1 \
  cargo build --quiet --release --locked --example core-cost --target-dir "${DIR}"
BIN="${DIR}/release/examples/core-cost"
OUT="$(mktemp -d)"
trap 'rm -rf "${OUT}"' EXIT
echo "one request, the first of its process, shipped settings (fastly.toml)"
echo "| request | instructions | code lines missed | data lines missed |"
echo "|---|--:|--:|--:|"
for kind in ping call list; do
  valgrind --tool=callgrind --cache-sim=yes --I1=32768,8,64 --D1=32768,8,64 \
    --LL=33554432,16,64 --toggle-collect='*serve_with*' \
    --callgrind-out-file="${OUT}/${kind}.out" "${BIN}" once "${kind}" >"${OUT}/${kind}.log" 2>&1
  label="${kind}"; [ "${kind}" = call ] && label="tools/call 1 KB"; [ "${kind}" = list ] && label="tools/list"
  awk -v k="${label}" '/I   refs/{ir=$4} /LLi misses/{lli=$4} /LLd misses/{lld=$4}
    END{printf "| %s | %s | %s | %s |\n", k, ir, lli, lld}' "${OUT}/${kind}.log"
done
if [ -n "${COLD_TOP:-}" ]; then
  echo
  echo "tools/call: the functions holding the most missed code lines (inclusive)"
  # Below the request (`serve_with`), without the process around it.
  callgrind_annotate --inclusive=yes --show=ILmr,Ir --sort=ILmr "${OUT}/call.out" 2>/dev/null \
    | awk -v n="${COLD_TOP}" '/^ *[0-9,]+ \(/ { if (on && shown < n) { print substr($0, 1, 160); shown++ }
        if ($0 ~ /core_cost::serve_with \[/) on = 1 }'
fi
