#!/usr/bin/env bash
# `make cpu-breakdown`: where Viceroy's CPU goes for one tools/call, per request.
# Builds the release wasm with its symbol names (like `make profile`; CPU_FEATURES picks
# cargo features, e.g. bench-floor-hostcalls for floor-hostcalls-sized), serves it with
# fastly.toml (the shipped configuration) on Viceroy pinned to CPU 1 with its JIT code
# named for perf (--profile=perfmap), loads it with wrk on CPU 0 (one connection) for
# CPU_SECONDS (default 10), records Viceroy with `perf record -g` and prints the CPU per
# request by category and the guest's time by the function `main` called
# (bench/cpu/breakdown.py), beside perf stat's page faults and context switches.
# CPU_SETTINGS replaces the settings item of fastly.toml's local Config Store (e.g. with
# `bench_tools = 1000` and CPU_FEATURES=bench-catalog: a call on a 1,000-tool server).
# CPU_CONNECTIONS: wrk's connections (default 1; `make bench` compares at 8).
# CPU_STACKS=FILE keeps perf script's stacks there, for a closer look. CPU_BODY and
# CPU_EXPECT: another request and a text its reply must hold (default: tools/call).
# Installs Debian's linux-perf if perf is missing. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh

SECONDS_RUN="${CPU_SECONDS:-10}"
FEATURES="${CPU_FEATURES:-}"
PORT="${CPU_PORT:-7694}"
CONNECTIONS="${CPU_CONNECTIONS:-1}"
need_command perf linux-perf
need_command wrk wrk
DIR="target/profile${FEATURES:+-${FEATURES}}"
build_named_wasm "${DIR}" "${FEATURES}"
MODULE="${DIR}/wasm32-wasip1/release/mcp-edge.wasm"
OUT="$(mktemp -d)"
trap stop_viceroy_and_clean EXIT

MANIFEST=fastly.toml
if [ -n "${CPU_SETTINGS:-}" ]; then
  MANIFEST="${OUT}/fastly.toml"
  SETTINGS="${CPU_SETTINGS}" python3 -c 'import os, re, sys
text = open("fastly.toml").read()
line = "settings = \"%s\"" % os.environ["SETTINGS"]
new, n = re.subn(r"(?m)^settings = \".*\"$", lambda m: line, text)
sys.exit("fastly.toml has no settings line") if n != 1 else open(sys.argv[1], "w").write(new)' "${MANIFEST}"
fi
taskset -c 1 "${VICEROY}" serve --profile=perfmap -C "${MANIFEST}" --addr "127.0.0.1:${PORT}" \
  "${MODULE}" >"${OUT}/viceroy.log" 2>&1 &
VICEROY_PID=$!
wait_for_port "${PORT}"
CALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"diagnostics_payload","arguments":{"bytes":1024}}}'
export BENCH_BODY="${CPU_BODY:-${CALL}}"
CALL_EXPECT='"structuredContent":{"bytes":1024}'
WHAT="tools/call"; [ -n "${CPU_BODY:-}" ] && WHAT="CPU_BODY"
export BENCH_EXPECT="${CPU_EXPECT:-${CALL_EXPECT}}"
URL="http://127.0.0.1:${PORT}/mcp"
taskset -c 0 wrk -t1 -c"${CONNECTIONS}" -d2s -s bench/lib/mcp.lua "${URL}" >/dev/null 2>&1 # warm-up
perf stat -x, -e page-faults,context-switches -p "${VICEROY_PID}" -o "${OUT}/stat.txt" &
STAT_PID=$!
perf record -F 2000 -g -p "${VICEROY_PID}" -o "${OUT}/perf.data" >/dev/null 2>&1 &
RECORD_PID=$!
sleep 0.5
RESULT="$(taskset -c 0 wrk -t1 -c"${CONNECTIONS}" -d"${SECONDS_RUN}"s -s bench/lib/mcp.lua "${URL}" 2>&1 | grep BENCH_RESULT)"
kill -INT "${RECORD_PID}" "${STAT_PID}"
wait "${RECORD_PID}" "${STAT_PID}" 2>/dev/null || true
REQUESTS="$(echo "${RESULT}" | grep -o '"requests":[0-9]*' | cut -d: -f2)"
BAD="$(echo "${RESULT}" | grep -o '"bad_body":[0-9]*' | cut -d: -f2)"
# No figures from a run that served nothing or answered wrongly.
if [ -z "${REQUESTS}" ] || [ "${REQUESTS}" -eq 0 ] || [ "${BAD:-1}" -ne 0 ]; then
  echo "cpu: the run failed (requests: ${REQUESTS:-none}, bad replies: ${BAD:-unknown}); Viceroy's log:" >&2
  tail -n 20 "${OUT}/viceroy.log" >&2
  exit 1
fi
echo "cpu: ${MODULE} ($(stat -c %s "${MODULE}") bytes), ${WHAT} at c=${CONNECTIONS}, ${SECONDS_RUN} s: ${REQUESTS} requests, ${BAD} bad replies"
awk -F, -v n="${REQUESTS}" '$3 ~ /page-faults|context-switches/ { printf "%s per request: %.2f\n", $3, $1 / n }' "${OUT}/stat.txt"
perf script -i "${OUT}/perf.data" 2>/dev/null >"${OUT}/stacks.txt"
python3 bench/cpu/breakdown.py "${OUT}/stacks.txt" "${REQUESTS}"
if [ -n "${CPU_STACKS:-}" ]; then cp "${OUT}/stacks.txt" "${CPU_STACKS}"; fi
