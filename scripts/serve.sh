#!/usr/bin/env bash
# Serves the whole local stack with `fastly compute serve`:
#   Viceroy (the service)           http://127.0.0.1:7676   (ADDR)
#   Pushpin (the local Fanout)      http://127.0.0.1:7677   client port, Fanout hand-off target
#                                   http://127.0.0.1:5561/publish/
#   api.fastly.com double           http://127.0.0.1:7678   fastly.toml backend `api`
# Pushpin and the double run in the background (local/dev-deps.mjs) and stop with this
# script. Their ports are the ones fastly.toml's [local_server.backends] name.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
ADDR="${ADDR:-127.0.0.1:7676}"
VICEROY_PORT="${ADDR##*:}"
PUSHPIN_HTTP_PORT=7677
PUSHPIN_PUBLISH_PORT=5561
API_DOUBLE_PORT=7678
RUN_DIR="$PWD/.local"
READY="${RUN_DIR}/dev-deps.ready"
mkdir -p "${RUN_DIR}"
rm -f "${READY}"

DEPS_PID=""
SERVE_PID=""
stop_pid() { # stop_pid PID SIGNAL: signal a child of this script and wait for it
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "-$2" "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  trap - INT TERM HUP
  stop_pid "${SERVE_PID}" INT # the Fastly CLI stops Viceroy on SIGINT/SIGTERM
  stop_pid "${DEPS_PID}" TERM # Pushpin and the api double
  rm -f "${READY}"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

"${NODE}" local/dev-deps.mjs --viceroy-port "${VICEROY_PORT}" \
  --pushpin-http-port "${PUSHPIN_HTTP_PORT}" --pushpin-publish-port "${PUSHPIN_PUBLISH_PORT}" \
  --api-port "${API_DOUBLE_PORT}" --run-dir "${RUN_DIR}" --ready-file "${READY}" &
DEPS_PID=$!
for _ in $(seq 1 300); do
  [ -e "${READY}" ] && break
  if ! kill -0 "${DEPS_PID}" 2>/dev/null; then
    echo "serve: Pushpin / the api double did not start (see above)" >&2
    exit 1
  fi
  sleep 0.1
done
[ -e "${READY}" ] || { echo "serve: Pushpin / the api double did not start within 30 s" >&2; exit 1; }

cat <<INFO

  MCP server (local mode, conformance profile on)
    Streamable HTTP:  http://${ADDR}/mcp   (also http://${ADDR}/)
    Legacy HTTP+SSE:  http://${ADDR}/sse   (2024-11-05 transport, held by Pushpin)

  Client config (Claude Desktop, Cursor, ...; paste into mcpServers):
    {
      "mcpServers": {
        "fastly-edge": { "type": "streamable-http", "url": "http://${ADDR}/mcp" }
      }
    }
  MCP Inspector:  npx @modelcontextprotocol/inspector  -> Streamable HTTP, URL http://${ADDR}/mcp

  LibreChat (librechat.yaml; SSE only, through mcp-remote over stdio):
    mcpServers:
      fastly-edge:
        command: npx
        args: ["-y", "mcp-remote", "http://${ADDR}/sse", "--transport", "sse-only"]

  Local Fanout: Pushpin http://127.0.0.1:${PUSHPIN_HTTP_PORT} (route self -> ${ADDR}),
    publish http://127.0.0.1:${PUSHPIN_PUBLISH_PORT}/publish/; api.fastly.com double
    http://127.0.0.1:${API_DOUBLE_PORT}; Pushpin log .local/pushpin/pushpin.log

INFO
# In the background + wait, so a signal to this script is handled at once (the traps
# above), not only after the CLI has exited.
"${FASTLY}" compute serve --skip-build --file "${WASM}" \
  --viceroy-path "${VICEROY}" --addr "${ADDR}" \
  --viceroy-args="--local-pushpin-proxy-port ${PUSHPIN_HTTP_PORT}" &
SERVE_PID=$!
status=0
wait "${SERVE_PID}" || status=$?
SERVE_PID=""
exit "${status}"
