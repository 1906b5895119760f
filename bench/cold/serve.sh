#!/usr/bin/env bash
# `make guest-cost`: what the MCP work of a request costs inside the guest under
# `viceroy serve`, cold (first run in the request's fresh instance) and warm (the same
# work again), for ping, tools/call 1 KB and tools/list with the shipped configuration
# (fastly.toml). Builds the wasm with the feature `bench-guest-cost`
# (src/edge/bench_guest.rs, target/bench-guest-cost/), serves it on Viceroy pinned to
# CPU 1, sends each request with wrk from CPU 0 at one connection for GUEST_SECONDS
# (default 4) after a 1 s warm-up, and prints the medians, p75 and the runs an epoch
# tick reached, from the lines the guest prints (bench/cold/guest_cost.py). Hostcalls
# are in none of the figures. Goal 2 of `make bench` leaves the MCP
# work ~10% of the floor-hostcalls row's time per request (~0.03 ms); this tells how
# far the work is from that without the VM's drift in throughput rows.
# Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
need_command wrk wrk
SECONDS_RUN="${GUEST_SECONDS:-4}"
PORT="${GUEST_PORT:-7693}"
DIR=target/bench-guest-cost
cargo build --quiet --release --locked --target wasm32-wasip1 --bin mcp-edge \
  --features bench-guest-cost --target-dir "${DIR}"
MODULE="${DIR}/wasm32-wasip1/release/mcp-edge.wasm"
OUT="$(mktemp -d)"
trap stop_viceroy_and_clean EXIT
PIN_SERVER=(); PIN_LOAD=()
if [ "$(nproc)" -ge 2 ]; then PIN_SERVER=(taskset -c 1); PIN_LOAD=(taskset -c 0); fi
"${PIN_SERVER[@]}" "${VICEROY}" serve -C fastly.toml --addr "127.0.0.1:${PORT}" "${MODULE}" \
  >"${OUT}/viceroy.log" 2>&1 &
VICEROY_PID=$!
wait_for_port "${PORT}"
URL="http://127.0.0.1:${PORT}/mcp"
echo "guest-cost: ${MODULE} ($(stat -c %s "${MODULE}") bytes), the shipped configuration, c=1, ${SECONDS_RUN} s per request"
echo "Cold: the first run in the request's fresh instance; warm: the same work again; spin:"
echo "pure arithmetic of about the warm tools/call's length. Medians (p75); 'ticks': the share"
echo "of runs more than 20 us over their median, and by how much (median): runs that a"
echo "Viceroy epoch tick (every 50 us, each a yield of the guest: bench/README.md) reached."
echo "| request | requests | cold us | warm us | cold - warm us | spin us | cold runs with a tick | spin runs with a tick |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
run() {
  local label="$1" body="$2" expect="$3"
  export BENCH_BODY="${body}" BENCH_EXPECT="${expect}"
  "${PIN_LOAD[@]}" wrk -t1 -c1 -d1s -s bench/lib/mcp.lua "${URL}" >/dev/null 2>&1
  local from
  from=$(wc -l <"${OUT}/viceroy.log")
  local result
  result=$("${PIN_LOAD[@]}" wrk -t1 -c1 -d"${SECONDS_RUN}"s -s bench/lib/mcp.lua "${URL}" 2>&1 | grep BENCH_RESULT || true)
  sleep 0.2
  local bad
  bad=$(echo "${result}" | grep -o '"bad_body":[0-9]*' | cut -d: -f2)
  if [ -z "${result}" ] || [ "${bad:-1}" -ne 0 ]; then
    echo "guest-cost: ${label}: the run failed (${result:-no result}); Viceroy's log:" >&2
    tail -n 20 "${OUT}/viceroy.log" >&2
    exit 1
  fi
  tail -n +"$((from + 1))" "${OUT}/viceroy.log" | LABEL="${label}" python3 bench/cold/guest_cost.py
}
run ping '{"jsonrpc":"2.0","id":1,"method":"ping"}' '"result":{}'
run "tools/call 1 KB" '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"diagnostics_payload","arguments":{"bytes":1024}}}' '"structuredContent":{"bytes":1024}'
run tools/list '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' '"tools":['
