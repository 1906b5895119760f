#!/usr/bin/env node
// `make bench`: the same MCP workload against four servers on loopback, driven by wrk
// in a separate process; mcp-edge's latency as real client stacks see it (Node's fetch,
// the TS SDK client, Python's http.client) beside wrk's; then the legacy SSE round trip
// and a soak of held streams.
//
//   mcp-edge   this project's release wasm under Viceroy (tests/lib/stack.mjs: Pushpin,
//              the api double and Viceroy on free ports)
//   floor      an empty Fastly handler (bench/floor) under the same Viceroy: a fixed 200
//              reply of the size of a tools/call reply
//   floor-hostcalls  the floor plus the platform calls mcp-edge makes for a tools/call
//              (bench/floor/src/bin/floor-hostcalls.rs), without any MCP work
//   ts-sdk     the official TypeScript SDK, stateless Streamable HTTP (bench/ts-server)
//   rmcp       the official Rust SDK, stateless Streamable HTTP, native (bench/rmcp-server)
//
// Writes bench/results.md (the tables printed at the end) and bench/results.json (every
// number). Exits 1 when a row had errors, a legacy SSE check failed or the soak lost
// events. bench/README.md lists the knobs (BENCH_QUICK=1, durations, pinning).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort, spawnGroup, waitForPorts } from '../local/proc.mjs';
import { startStack } from '../tests/lib/stack.mjs';
import { runPinned } from './lib/child.mjs';
import { dataImage } from './lib/wasm-data.mjs';
import { roundTrips, sequentialPosts, soak } from './lib/legacy-sse.mjs';
import { summarize } from './lib/stats.mjs';
import { runWrk } from './lib/wrk.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const NODE = process.execPath;
const startedAt = performance.now();

// ---- knobs -------------------------------------------------------------------------
const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const DURATION = Number(env.BENCH_DURATION || (QUICK ? 2 : 8)); // s per main-matrix run
const SCALE_DURATION = Number(env.BENCH_SCALE_DURATION || (QUICK ? 1 : 4)); // s per scaling run
const WARMUP = Number(env.BENCH_WARMUP || (QUICK ? 1 : 2)); // s per target, not recorded
const CONCURRENCY = (env.BENCH_CONCURRENCY || '1,8,64').split(',').map(Number);
const SCALE_CONCURRENCY = 8;
const TOOL_COUNTS = (env.BENCH_TOOL_COUNTS || '10,100,1000').split(',').map(Number);
const SIZES = (env.BENCH_SIZES || '1024,8192,32768,61440').split(',').map(Number);
const RT_N = Number(env.BENCH_RT_N || (QUICK ? 50 : 200));
const SOAK_SESSIONS = Number(env.BENCH_SOAK_SESSIONS || (QUICK ? 200 : 1000));
const ONLY = env.BENCH_TARGETS ? new Set(env.BENCH_TARGETS.split(',')) : null;
// BENCH_SECTIONS: which parts run (comma list of main,clients,interleaved,config,large,scale,sizes,sse,soak;
// default all), e.g. `interleaved` alone to compare builds with BENCH_BASELINE_WASM.
const SECTIONS = env.BENCH_SECTIONS ? new Set(env.BENCH_SECTIONS.split(',')) : null;
const section = (name) => !SECTIONS || SECTIONS.has(name);
const NPROC = os.availableParallelism();
// Pinning: servers (this process and its children) on one core, wrk on the other, so
// the load generator does not steal the server's CPU and every server gets one core.
const PIN = env.BENCH_PIN !== '0' && NPROC >= 2;
const SERVER_CPU = env.BENCH_SERVER_CPU || '1';
const LOAD_CPU = PIN ? env.BENCH_LOAD_CPU || '0' : null;

const RMCP_BIN = path.join(BENCH, 'rmcp-server/target/release/bench-rmcp-server');
const FLOOR_WASM = path.join(BENCH, 'floor/target/wasm32-wasip1/release/bench-floor.wasm');
// mcp-edge with the `bench` catalog of 1,000 synthetic tools (bench/run.sh builds it with
// the bench-catalog feature): `bench_tools = N` serves its first N, through the same
// compiled-catalog path as the shipped catalogs.
const BENCH_CATALOG_WASM = path.join(ROOT, 'target/bench-catalog/wasm32-wasip1/release/mcp-edge.wasm');
const FLOOR_HOSTCALLS_WASM = path.join(BENCH, 'floor/target/wasm32-wasip1/release/floor-hostcalls.wasm');
// The floor's reply from mcp-edge's own module, every line kept (feature bench-floor;
// bench/run.sh builds it): what the module costs a request before any of its code runs.
const FLOOR_SIZED_WASM = path.join(ROOT, 'target/bench-floor/wasm32-wasip1/release/mcp-edge.wasm');
// floor-hostcalls from mcp-edge's own module (feature bench-floor-hostcalls): mcp-edge
// minus its MCP work, module and hostcalls kept.
const FLOOR_HOSTCALLS_SIZED_WASM = path.join(ROOT, 'target/bench-floor-hostcalls/wasm32-wasip1/release/mcp-edge.wasm');
// `core-cost configuration`: the configuration's cost per request, natively.
const CORE_COST_BIN = path.join(ROOT, 'target/release/examples/core-cost');
// How much slower the guest's code runs as wasm under Viceroy than natively, at most:
// `make profile` puts a whole tools/call at 4-9 samples of 10 us of guest time (hostcalls
// included), core-cost its code at ~21 us natively.
const WASM_FACTOR = 4;
const EDGE_WASM = env.WASM || path.join(ROOT, 'target/wasm32-wasip1/release/mcp-edge.wasm');
const VICEROY = env.VICEROY || 'viceroy';

const log = (line) => process.stderr.write(`bench: ${line}\n`);

if (PIN) {
  // All threads of this process; children (Viceroy, Pushpin, node, rmcp) inherit it.
  execFileSync('taskset', ['-a', '-p', '-c', SERVER_CPU, String(process.pid)], { stdio: 'ignore' });
}

// ---- the workload --------------------------------------------------------------------
const PROTOCOL = '2025-11-25';
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012';
/** The tail of diagnostics_payload's text for `bytes`, as it appears inside JSON. */
function payloadTail(bytes) {
  let text = '';
  for (let line = 0; text.length < bytes; line += 1) text += `${String(line).padStart(8, '0')}${LETTERS}\n`;
  text = text.slice(0, bytes);
  return JSON.stringify(text.slice(-48)).slice(1, -1);
}
const call = (name, args, meta) => ({
  jsonrpc: '2.0', id: 1, method: 'tools/call',
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
});
/** What every request pays (not in the main matrix: the configuration block uses it). */
const PING = {
  label: 'ping',
  body: { jsonrpc: '2.0', id: 1, method: 'ping' },
  expect: ['"result":{}'],
  contentType: 'application/json',
};
const SCENARIOS = {
  initialize: {
    label: 'initialize',
    body: { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'bench', version: '1.0' } } },
    expect: [`"protocolVersion":"${PROTOCOL}"`],
    contentType: 'application/json',
  },
  list: {
    label: 'tools/list',
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    expect: ['"diagnostics_payload"', '"bench_progress"'],
    contentType: 'application/json',
  },
  call: {
    label: 'tools/call 1 KB (JSON)',
    body: call('diagnostics_payload', { bytes: 1024 }),
    expect: ['"structuredContent":{"bytes":1024}', payloadTail(1024)],
    contentType: 'application/json',
  },
  // The same requests as MCP 2026-07-28 sends them: per-request _meta and the headers
  // that must match it (what the version checks, header checks and result fields cost).
  listModern: {
    // Only mcp-edge speaks 2026-07-28 (the TS SDK 1.x answers these with HTTP 400).
    edgeOnly: true,
    label: 'tools/list, MCP 2026-07-28',
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
    } } },
    headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    expect: ['"resultType":"complete"', '"ttlMs":', '"diagnostics_payload"', '"bench_progress"'],
    contentType: 'application/json',
  },
  callModern: {
    edgeOnly: true,
    label: 'tools/call 1 KB (JSON), MCP 2026-07-28',
    body: call('diagnostics_payload', { bytes: 1024 }, {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
    }),
    headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'diagnostics_payload' },
    expect: ['"resultType":"complete"', '"structuredContent":{"bytes":1024}', payloadTail(1024)],
    contentType: 'application/json',
  },
  progress: {
    label: 'tools/call + 3 progress (SSE)',
    body: call('bench_progress', { steps: 3 }, { progressToken: 'bench' }),
    expect: ['"progress":3', '"progressToken":"bench"', payloadTail(1024)],
    contentType: 'text/event-stream',
    progress: 3,
    // Without bench_progress: diagnostics_payload with a progressToken (a JSON reply).
    fallback: {
      label: 'tools/call + progressToken (JSON reply: no bench_progress tool)',
      body: call('diagnostics_payload', { bytes: 1024 }, { progressToken: 'bench' }),
      expect: [payloadTail(1024)],
      contentType: 'application/json',
    },
  },
};
const listScenario = (n) => ({
  label: `tools/list, ${n} (+2) tools`,
  body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  expect: ['"bench_progress"', `"bench_tool_${String(n - 1).padStart(4, '0')}"`],
  contentType: 'application/json',
});
const sizeScenario = (bytes) => ({
  label: `tools/call ${bytes} B (JSON)`,
  body: call('diagnostics_payload', { bytes }),
  expect: [`"structuredContent":{"bytes":${bytes}}`, payloadTail(bytes)],
  contentType: 'application/json',
});

// ---- targets -------------------------------------------------------------------------
function capture(name) {
  const lines = [];
  return {
    lines,
    onLine: (line) => {
      lines.push(`${name}| ${line}`);
      if (lines.length > 400) lines.shift();
    },
  };
}

async function startProcess(name, command, args, { port, extraEnv = {} }) {
  const out = capture(name);
  const proc = spawnGroup(command, args, { cwd: ROOT, env: { ...process.env, ...extraEnv }, onLine: out.onLine });
  try {
    await waitForPorts([port], { child: proc.child, name, timeoutMs: 30_000, describe: () => out.lines.join('\n') });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { proc, lines: out.lines };
}

/** Our server: the 2 benchmark tools only (diagnostics on, no other tool set), like the others. */
function edgeConfig(benchTools = 0) {
  return {
    conformance: 'off',
    diagnostics: 'on',
    tool_sets: '',
    ...(benchTools > 0 ? { bench_tools: String(benchTools), page_size: '5000' } : {}),
  };
}

/** A fixed-reply handler from bench/floor under Viceroy (tools/call scenario only). */
function floorTarget(key, label, wasm) {
  return {
    key,
    label,
    onlyMain: ['call'],
    fixedReply: true,
    async start() {
      const port = await freePort();
      const manifest = path.join(BENCH, 'floor/fastly.toml');
      const { proc, lines } = await startProcess(key, VICEROY, ['serve', '-C', manifest, '--addr', `127.0.0.1:${port}`, wasm], { port });
      return { url: `http://127.0.0.1:${port}/mcp`, stop: () => proc.stop(), logs: () => lines.join('\n') };
    },
  };
}

const TARGETS = [
  {
    key: 'mcp-edge',
    label: 'mcp-edge (wasm, Viceroy)',
    async start({ tools = 0 } = {}) {
      const stack = await startStack({ config: edgeConfig(tools), ...(tools > 0 ? { wasm: BENCH_CATALOG_WASM } : {}) });
      return { url: stack.mcp, base: stack.base, stack, stop: () => stack.stop(), logs: () => stack.logs.slice(-50).join('') };
    },
  },
  {
    // What `make serve` runs (fastly.toml's local config: conformance fixtures, the
    // fastly and backoffice catalogs, diagnostics: 39 tools), to show what the
    // configuration costs per request.
    key: 'mcp-edge-full',
    label: 'mcp-edge, fastly.toml local config (39 tools)',
    onlyMain: ['call'],
    async start() {
      const stack = await startStack();
      return { url: stack.mcp, base: stack.base, stack, stop: () => stack.stop(), logs: () => stack.logs.slice(-50).join('') };
    },
  },
  // BENCH_BASELINE_WASM=path: another build of mcp-edge (e.g. the commit before a
  // change), tools/call only, so the interleaved block compares before and after in
  // one run, turn by turn (runs minutes apart are not comparable on this VM).
  // BENCH_BASELINE_MANIFEST: that build's fastly.toml, when it reads its settings in
  // another layout than this checkout's.
  ...(env.BENCH_BASELINE_WASM ? [{
    key: 'mcp-edge-baseline',
    label: `mcp-edge baseline (${path.basename(path.dirname(path.dirname(path.dirname(path.dirname(env.BENCH_BASELINE_WASM)))))})`,
    onlyMain: ['call'],
    async start() {
      const manifest = env.BENCH_BASELINE_MANIFEST ? { manifestPath: env.BENCH_BASELINE_MANIFEST } : {};
      const stack = await startStack({ config: edgeConfig(), wasm: env.BENCH_BASELINE_WASM, ...manifest });
      return { url: stack.mcp, base: stack.base, stack, stop: () => stack.stop(), logs: () => stack.logs.slice(-50).join('') };
    },
  }] : []),
  floorTarget('floor', 'floor (empty Fastly handler, Viceroy)', FLOOR_WASM),
  // The floor plus the platform calls mcp-edge makes for a tools/call (headers, Config
  // Store keys, rate limiter, log line) and no MCP work: what those calls cost.
  floorTarget('floor-hostcalls', 'floor + mcp-edge\'s hostcalls (Viceroy)', FLOOR_HOSTCALLS_WASM),
  floorTarget('floor-sized', 'floor reply from mcp-edge\'s module (Viceroy)', FLOOR_SIZED_WASM),
  floorTarget('floor-hostcalls-sized', 'floor + mcp-edge\'s hostcalls from mcp-edge\'s module (Viceroy)', FLOOR_HOSTCALLS_SIZED_WASM),
  {
    key: 'ts-sdk',
    label: 'TypeScript SDK 1.32.2 (Node 22)',
    async start({ tools = 0 } = {}) {
      const port = await freePort();
      const { proc, lines } = await startProcess('ts-sdk', NODE, [path.join(BENCH, 'ts-server/server.mjs'), String(port)], { port, extraEnv: { BENCH_TOOLS: String(tools), NODE_ENV: 'production' } });
      return { url: `http://127.0.0.1:${port}/mcp`, stop: () => proc.stop(), logs: () => lines.join('\n') };
    },
  },
  {
    key: 'rmcp',
    label: 'rmcp 3.9.0 (native)',
    async start({ tools = 0 } = {}) {
      const port = await freePort();
      const { proc, lines } = await startProcess('rmcp', RMCP_BIN, [`127.0.0.1:${port}`], { port, extraEnv: { BENCH_TOOLS: String(tools) } });
      return { url: `http://127.0.0.1:${port}/mcp`, stop: () => proc.stop(), logs: () => lines.join('\n') };
    },
  },
].filter((t) => !ONLY || ONLY.has(t.key));

// ---- checks and runs -----------------------------------------------------------------
/** One request through fetch: status, content type, every expected substring, no error. */
async function preflight(url, scenario, { floor = false, timeoutMs = 30_000 } = {}) {
  const started = performance.now();
  let response;
  let text;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL, ...scenario.headers },
      body: JSON.stringify(scenario.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    return { ok: false, problems: [`request failed: ${err.message}`], bytes: 0, contentType: '', sample: '', ms: performance.now() - started };
  }
  const ms = performance.now() - started;
  const contentType = (response.headers.get('content-type') || '').split(';')[0].trim();
  const problems = [];
  if (response.status !== 200) problems.push(`HTTP ${response.status}`);
  if (!floor) {
    if (contentType !== scenario.contentType) problems.push(`content-type ${contentType}, expected ${scenario.contentType}`);
    for (const part of scenario.expect) if (!text.includes(part)) problems.push(`reply lacks ${JSON.stringify(part)}`);
    if (text.includes('"error":{')) problems.push('reply carries a JSON-RPC error');
    if (scenario.progress) {
      const seen = (text.match(/notifications\/progress/g) || []).length;
      if (seen !== scenario.progress) problems.push(`${seen} progress notifications, expected ${scenario.progress}`);
    }
  }
  return { ok: problems.length === 0, problems, bytes: Buffer.byteLength(text), contentType, sample: text.slice(0, 300), ms };
}

// A request slower than this is not load-tested (wrk would time out and the server would
// still be busy with the backlog during the next run): it is timed sequentially instead.
const SLOW_MS = Number(env.BENCH_SLOW_MS || 500);

async function sequential(url, scenario, count) {
  const samples = [];
  for (let i = 0; i < count; i += 1) {
    const check = await preflight(url, scenario, { timeoutMs: 120_000 });
    if (!check.ok) return { error: check.problems.join('; ') };
    samples.push(check.ms);
  }
  const s = summarize(samples);
  return { requests: s.n, rps: 1000 / s.mean_ms, p50_ms: s.p50_ms, p99_ms: s.p99_ms, mean_ms: s.mean_ms, max_ms: s.max_ms, errors: 0 };
}

async function measure(target, running, scenario, connections, seconds) {
  const row = { target: target.key, targetLabel: target.label, scenario: scenario.label, connections, seconds };
  let check = await preflight(running.url, scenario, { floor: Boolean(target.fixedReply), timeoutMs: 120_000 });
  if (!check.ok && scenario.fallback) {
    const fallback = await preflight(running.url, scenario.fallback);
    if (fallback.ok) {
      row.note = `fallback: ${scenario.fallback.label}`;
      row.fallback = true;
      scenario = scenario.fallback;
      check = fallback;
    }
  }
  row.contentType = check.contentType;
  if (!check.ok) {
    row.failed = true;
    row.error = `preflight: ${check.problems.join('; ')}; reply starts ${JSON.stringify(check.sample)}`;
    log(`${target.key} ${scenario.label} c=${connections}: FAILED ${row.error}`);
    return row;
  }
  // The first request after a start can be slow (caches, JIT): decide on a second one.
  if (check.ms > SLOW_MS) check = await preflight(running.url, scenario, { floor: Boolean(target.fixedReply), timeoutMs: 120_000 });
  row.preflight_ms = check.ms;
  row.body_bytes = check.bytes;
  if (check.ok && check.ms > SLOW_MS) {
    const result = await sequential(running.url, scenario, 3);
    if (result.error) {
      row.failed = true;
      row.error = result.error;
    } else {
      Object.assign(row, result, { connections: 1, slow: true });
      row.note = `${check.ms.toFixed(0)} ms for one request: timed sequentially (3 requests), no load run`;
    }
    log(`${target.key} ${scenario.label}: SLOW ${row.note}`);
    return row;
  }
  try {
    const result = await runWrk({
      url: running.url,
      body: scenario.body,
      headers: scenario.headers,
      expect: target.fixedReply ? ['"result"'] : scenario.expect,
      connections,
      seconds,
      cpu: LOAD_CPU,
    });
    Object.assign(row, result);
    row.failed = result.errors > 0 || result.requests === 0;
    if (row.failed) row.error = `errors: non-2xx ${result.non2xx}, socket ${JSON.stringify(result.socket)}, bad replies ${result.bad_body}`;
  } catch (err) {
    row.failed = true;
    row.error = err.message;
  }
  log(`${target.key} ${scenario.label} c=${connections}: ${row.failed ? `FAILED ${row.error}` : `${row.rps.toFixed(0)} req/s, p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms`}`);
  return row;
}

async function withTarget(target, options, fn) {
  let running;
  try {
    running = await target.start(options);
  } catch (err) {
    log(`${target.key}: did not start: ${err.message}`);
    return { startError: err.message };
  }
  try {
    return await fn(running);
  } finally {
    await running.stop();
  }
}

async function warmup(running, target) {
  if (WARMUP <= 0) return;
  await runWrk({ url: running.url, body: SCENARIOS.call.body, expect: [], connections: 8, seconds: WARMUP, cpu: LOAD_CPU }).catch((err) => log(`${target.key}: warm-up: ${err.message}`));
}

// ---- the run -------------------------------------------------------------------------
const results = {
  date: new Date().toISOString(),
  loadavg_before: os.loadavg().map((x) => +x.toFixed(2)),
  machine: machineInfo(),
  settings: { quick: QUICK, duration_s: DURATION, scale_duration_s: SCALE_DURATION, warmup_s: WARMUP, concurrency: CONCURRENCY, pinned: PIN, server_cpu: PIN ? SERVER_CPU : null, load_cpu: LOAD_CPU, protocol: PROTOCOL },
  versions: versions(),
  sizes: sizes(),
  main: [],
  toolsList: [],
  resultSize: [],
  legacySse: {},
  soak: null,
  problems: [],
  findings: [],
};
log(`${NPROC} cores; ${PIN ? `servers pinned to CPU ${SERVER_CPU}, wrk to CPU ${LOAD_CPU}` : 'no CPU pinning'}; ${DURATION} s per run${QUICK ? ' (BENCH_QUICK)' : ''}`);

for (const target of TARGETS.filter(() => section('main'))) {
  const outcome = await withTarget(target, {}, async (running) => {
    await warmup(running, target);
    for (const [key, scenario] of Object.entries(SCENARIOS)) {
      if (target.onlyMain && !target.onlyMain.includes(key)) continue;
      if (scenario.edgeOnly && !target.key.startsWith('mcp-edge')) continue;
      for (const c of CONCURRENCY) results.main.push({ scenarioKey: key, ...(await measure(target, running, scenario, c, DURATION)) });
    }
    if (target.key === 'mcp-edge') {
      // The streamed reply without load: back to back vs 100 ms apart (Nagle check).
      try {
        const body = SCENARIOS.progress.body;
        results.sseReplyPacing = {
          backToBack: await sequentialPosts(running.url, body, 40),
          paced100ms: await sequentialPosts(running.url, body, 20, { pauseMs: 100 }),
        };
      } catch (err) {
        results.sseReplyPacing = { error: err.message };
      }
    }
  });
  if (outcome?.startError) {
    results.problems.push(`${target.key} did not start: ${outcome.startError}`);
    for (const [key, scenario] of Object.entries(SCENARIOS)) {
      if (target.onlyMain && !target.onlyMain.includes(key)) continue;
      if (scenario.edgeOnly && !target.key.startsWith('mcp-edge')) continue;
      for (const c of CONCURRENCY) results.main.push({ scenarioKey: key, target: target.key, targetLabel: target.label, scenario: scenario.label, connections: c, failed: true, error: 'did not start' });
    }
  }
}

// Latency as clients see it: one request at a time on one keep-alive connection, timed
// by real client stacks beside wrk at c=1, on the same server instance, request kind by
// request kind (this VM drifts within minutes). The clients run as child processes
// pinned to the load generator's core like wrk: this process is pinned to the server's
// core, and a client measured in it would add its own CPU time to the server's core
// and to every request it times.
const CLIENT_N = Number(env.BENCH_CLIENT_N || (QUICK ? 60 : 300));
const CLIENT_WARMUP = QUICK ? 10 : 30;
const CLIENT_REQUESTS = {
  ping: { ...PING, resultExpect: ['"result":{}'] },
  call: { ...SCENARIOS.call, resultExpect: SCENARIOS.call.expect },
  // The SDK picks its own progressToken (the request id): only the result is compared.
  progress: { ...SCENARIOS.progress, resultExpect: [payloadTail(1024)] },
};
const CLIENT_STACKS = {
  'Node fetch': [NODE, path.join(BENCH, 'lib/client-latency.mjs'), 'fetch'],
  'TS SDK client': [NODE, path.join(BENCH, 'lib/client-latency.mjs'), 'sdk'],
  'Python http.client': ['python3', path.join(BENCH, 'lib/client_latency.py')],
};

/** Runs one client stack's child process on `request`; resolves its JSON line. */
async function runClient([command, ...args], config) {
  const { code, out, err } = await runPinned(command, args, { cpu: LOAD_CPU, input: JSON.stringify(config) });
  try {
    if (code !== 0) throw new Error(`exited ${code}`);
    return JSON.parse(out);
  } catch (e) {
    throw new Error(`${path.basename(args[0])}: ${e.message}: ${(err || out).slice(0, 300)}`);
  }
}

if ((!ONLY || ONLY.has('mcp-edge')) && section('clients')) {
  const target = TARGETS.find((t) => t.key === 'mcp-edge');
  const versions = {
    sdk: JSON.parse(readFileSync(path.join(ROOT, 'tests/node_modules/@modelcontextprotocol/sdk/package.json'), 'utf8')).version,
    python: execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim(),
  };
  results.clients = { target: target.key, targetLabel: target.label, n: CLIENT_N, warmup: CLIENT_WARMUP, wrk_seconds: DURATION, versions, rows: [] };
  const outcome = await withTarget(target, {}, async (running) => {
    await warmup(running, target);
    for (const [key, request] of Object.entries(CLIENT_REQUESTS)) {
      const base = { request: key, requestLabel: request.label };
      const rows = [];
      try {
        const w = await runWrk({ url: running.url, body: request.body, expect: request.expect, connections: 1, seconds: DURATION, cpu: LOAD_CPU });
        rows.push({ ...base, client: 'wrk c=1', n: w.requests, p50_ms: w.p50_ms, p99_ms: w.p99_ms, mean_ms: w.mean_ms, over_20ms_pct: w.over_20ms_pct, errors: w.errors });
      } catch (err) {
        rows.push({ ...base, client: 'wrk c=1', failed: true, error: err.message });
      }
      const config = { url: running.url, warmup: CLIENT_WARMUP, n: CLIENT_N, request: { body: request.body, expect: request.expect, resultExpect: request.resultExpect, progress: request.progress ?? 0 } };
      for (const [client, argv] of Object.entries(CLIENT_STACKS)) {
        try {
          const { samples, errors, errorSample, cpuMs } = await runClient(argv, config);
          const s = summarize(samples);
          rows.push({ ...base, client, n: s.n, p50_ms: s.p50_ms, p99_ms: s.p99_ms, mean_ms: s.mean_ms, over_20ms_pct: (100 * samples.filter((ms) => ms > 20).length) / (s.n || 1), client_cpu_ms: cpuMs / CLIENT_N, errors, errorSample });
        } catch (err) {
          rows.push({ ...base, client, failed: true, error: err.message });
        }
      }
      for (const row of rows) {
        row.failed = Boolean(row.failed || row.errors > 0 || !row.n);
        if (row.failed) results.problems.push(`clients: ${row.client} ${request.label}: ${row.error ?? `${row.errors} errors, ${row.n} good replies${row.errorSample?.length ? `: ${row.errorSample.join(' | ')}` : ''}`}`);
        log(`clients: ${request.label}, ${row.client}: ${row.failed ? 'FAILED' : `p50 ${row.p50_ms.toFixed(2)} ms, p99 ${row.p99_ms.toFixed(2)} ms, mean ${row.mean_ms.toFixed(2)} ms, ${row.over_20ms_pct.toFixed(0)}% over 20 ms`}`);
      }
      results.clients.rows.push(...rows);
    }
  });
  if (outcome?.startError) results.problems.push(`clients: mcp-edge did not start: ${outcome.startError}`);
}

// tools/list with N synthetic tools (+ the 2 benchmark tools), c=8.
// Interleaved tools/call: the goals are ratios, and this VM's speed drifts by 30% or
// more within minutes (the floor alone measured 3,967-5,881 req/s in one hour), so runs
// minutes apart are not comparable. Here the servers take turns, ROUNDS times. The
// Viceroy targets are started fresh for each turn and stopped after it: an idle Viceroy
// still burns ~20% of a core (measured from /proc), which would tax whoever runs on the
// shared pinned core. Node and rmcp idle at ~0% and stay up: started once and warmed on
// the same load for WARMUP_LONG seconds, since a JIT (Node) needs far longer than a
// 2 s warm-up to reach its speed (its first rounds ran at a third of the main matrix's).
const ROUNDS = Number(env.BENCH_ROUNDS || (QUICK ? 2 : 7));
// BENCH_INTERLEAVED=list: the servers take turns on tools/list instead of tools/call (a
// request without schema validation, where the protocol layer's own cost shows).
const [INTERLEAVED, INTERLEAVED_MODERN] = env.BENCH_INTERLEAVED === 'list'
  ? [SCENARIOS.list, SCENARIOS.listModern]
  : [SCENARIOS.call, SCENARIOS.callModern];
const ROUND_SECONDS = Number(env.BENCH_ROUND_SECONDS || (QUICK ? 1 : 3));
const WARMUP_LONG = Number(env.BENCH_WARMUP_LONG || (QUICK ? 2 : 20));
/**
 * Runs `targets` in turns on `defaultScenario` (a target may bring its own `scenario`),
 * ROUNDS times, c=8; the TS SDK and rmcp stay up (warmed WARMUP_LONG s), the Viceroy
 * targets start fresh for each turn. Returns the block as results keep it.
 */
async function interleave(targets, defaultScenario, rounds = ROUNDS) {
  const samples = new Map(targets.map((t) => [t.key, []]));
  const RESIDENT = ['ts-sdk', 'rmcp'];
  const resident = new Map();
  const turn = async (target, running, round) => {
    const row = await measure(target, running, target.scenario ?? defaultScenario, 8, ROUND_SECONDS);
    if (row.failed) results.problems.push(`interleaved ${target.key} (${defaultScenario.label}) round ${round + 1}: ${row.error}`);
    else samples.get(target.key).push({ round, rps: row.rps, p50_ms: row.p50_ms, p99_ms: row.p99_ms });
  };
  try {
    for (const target of targets.filter((t) => RESIDENT.includes(t.key))) {
      try {
        const running = await target.start({});
        resident.set(target.key, running);
        await runWrk({ url: running.url, body: defaultScenario.body, expect: [], connections: 8, seconds: WARMUP_LONG, cpu: LOAD_CPU });
      } catch (err) {
        results.problems.push(`interleaved: ${target.key} did not start: ${err.message}`);
      }
    }
    for (let round = 0; round < rounds; round += 1) {
      // Each round starts one target later: whoever runs first in a round follows the
      // resident servers' turns, and in two full runs the first row was the slowest of
      // the mcp-edge rows, below a variant doing strictly more work.
      const shift = round % targets.length;
      for (const target of [...targets.slice(shift), ...targets.slice(0, shift)]) {
        if (resident.has(target.key)) {
          await turn(target, resident.get(target.key), round);
          continue;
        }
        if (RESIDENT.includes(target.key)) continue; // it did not start
        const outcome = await withTarget(target, {}, async (running) => {
          await warmup(running, target);
          await turn(target, running, round);
        });
        if (outcome?.startError) results.problems.push(`interleaved: ${target.key} did not start: ${outcome.startError}`);
      }
    }
  } finally {
    for (const running of resident.values()) await running.stop();
  }
  const block = { scenario: defaultScenario.label, rounds, seconds: ROUND_SECONDS, warmup_long_s: WARMUP_LONG, connections: 8, targets: {} };
  for (const target of targets) {
    const list = samples.get(target.key);
    if (list.length === 0) continue;
    block.targets[target.key] = {
      label: target.label,
      rps_median: median(list.map((x) => x.rps)),
      rps_min: Math.min(...list.map((x) => x.rps)),
      rps_max: Math.max(...list.map((x) => x.rps)),
      p50_ms_median: median(list.map((x) => x.p50_ms)),
      p99_ms_median: median(list.map((x) => x.p99_ms)),
      rounds: list,
    };
  }
  return block;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `a` against `b` as the median, over the rounds both ran, of a's req/s over b's in the
 * same round. The two turns of a round are seconds apart, so the VM's drift (30% within
 * minutes, and whatever a neighbour does for a while) cancels out of each pair; the ratio
 * of the two medians keeps it (a run's medians can come from different minutes).
 * undefined for results written before rounds were numbered.
 */
function pairedRatio(a, b) {
  const theirs = new Map((b.rounds ?? []).filter((x) => x.round !== undefined).map((x) => [x.round, x.rps]));
  const ratios = (a.rounds ?? []).filter((x) => theirs.has(x.round)).map((x) => x.rps / theirs.get(x.round));
  return ratios.length ? median(ratios) : undefined;
}

const targetsNamed = (keys) => keys
  .filter((k) => (!ONLY || ONLY.has(k)) && TARGETS.some((t) => t.key === k))
  .map((k) => TARGETS.find((t) => t.key === k));

if (section('interleaved')) {
  const targets = targetsNamed(['mcp-edge', 'mcp-edge-full', 'mcp-edge-baseline', 'floor', 'floor-sized', 'floor-hostcalls', 'floor-hostcalls-sized', 'ts-sdk', 'rmcp']);
  // mcp-edge again, called as a 2026-07-28 client calls it.
  const edgeTarget = targets.find((t) => t.key === 'mcp-edge');
  if (edgeTarget) {
    targets.splice(1, 0, { ...edgeTarget, key: 'mcp-edge-2026', label: 'mcp-edge, MCP 2026-07-28 request', scenario: INTERLEAVED_MODERN });
  }
  results.interleaved = await interleave(targets, INTERLEAVED);
}

// The shipped configuration (fastly.toml's local config: both catalogs, conformance and
// diagnostics) against the minimal one, turn by turn, on tools/call, on what every
// request does (ping) and on listing. The shipped list is ~14x longer than the minimal
// one, and every byte costs under Viceroy (the result-size rows): so its listing is also
// run against the minimal configuration answering a reply of the same length, which
// leaves what the list costs beyond its bytes. CONFIG_ROUNDS, not ROUNDS: the goal is
// 5%, and in 7 rounds the paired ratio of the same code moved between 0.90x and 1.13x
// from run to run (2026-12-01); two targets take 15 rounds in ~3 minutes per request.
const CONFIG_ROUNDS = Number(env.BENCH_CONFIG_ROUNDS || (QUICK ? 2 : 15));
if (section('config')) {
  const targets = targetsNamed(['mcp-edge', 'mcp-edge-full']);
  results.configCost = [];
  for (const scenario of [SCENARIOS.call, PING, SCENARIOS.list]) {
    results.configCost.push(await interleave(targets, scenario, CONFIG_ROUNDS));
  }
  const [minimal, full] = targets;
  if (minimal?.key === 'mcp-edge' && full?.key === 'mcp-edge-full') {
    const sameSize = await replyAsLongAsShippedList(minimal, full);
    if (sameSize.problem) results.problems.push(`config: ${sameSize.problem}`);
    else {
      const block = await interleave([{ ...minimal, scenario: sameSize.scenario }, full], SCENARIOS.list, CONFIG_ROUNDS);
      results.configCost.push({ ...block, sameLength: true, scenario: `tools/list (shipped, ${sameSize.listBytes} bytes) vs a ${sameSize.bytes}-byte tools/call reply (minimal)` });
    }
    // The control: the minimal configuration against itself, the same way. What it
    // shows apart from 1.00x is this VM's resolution for the rows above.
    const again = { ...minimal, key: 'mcp-edge-again', label: 'mcp-edge again (the same configuration)' };
    results.configControl = await interleave([minimal, again], SCENARIOS.call, CONFIG_ROUNDS);
  }
  results.configNative = await nativeConfigurationCost();
}

/**
 * The same comparison without Viceroy (bench/core-cost, built by bench/run.sh): each
 * request from the settings item's text to the reply, natively, minimal and shipped
 * alternated. It holds everything the configuration can change in a request (the
 * hostcalls are the same for both), at a resolution the wrk rows cannot reach here.
 */
async function nativeConfigurationCost() {
  if (!existsSync(CORE_COST_BIN)) return { problem: `${CORE_COST_BIN} is missing (bench/run.sh builds it)` };
  const { code, out, err } = await runPinned(CORE_COST_BIN, ['configuration'], { env: { ...process.env, CORE_COST_N: QUICK ? '20000' : '200000' } });
  const rows = out.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  if (code !== 0 || rows.length === 0) {
    results.problems.push(`config: core-cost exited ${code}: ${err.slice(-500)}`);
    return { problem: `core-cost exited ${code}` };
  }
  log(`native configuration cost: ${rows.map((r) => `${r.request} +${((r.shipped_ns - r.minimal_ns) / 1000).toFixed(1)} us`).join(', ')}`);
  return { rows };
}

/** A diagnostics_payload call whose reply is as long as the shipped tools/list reply. */
async function replyAsLongAsShippedList(minimal, full) {
  const listed = await withTarget(full, {}, (running) => preflight(running.url, SCENARIOS.list));
  if (listed?.startError || !listed.ok) return { problem: `the shipped tools/list failed: ${listed?.startError ?? listed.problems.join(', ')}` };
  const scenarioOf = (bytes) => ({
    label: `tools/call ${bytes} bytes (JSON)`,
    body: call('diagnostics_payload', { bytes }),
    expect: [`"structuredContent":{"bytes":${bytes}}`, payloadTail(bytes)],
    contentType: 'application/json',
  });
  // The reply is the payload plus an envelope that grows a little with it (escaped new
  // lines): a correction or two lands on, or within a few bytes of, the list's length.
  return withTarget(minimal, {}, async (running) => {
    let bytes = listed.bytes - 200;
    for (let attempt = 0; ; attempt += 1) {
      const reply = await preflight(running.url, scenarioOf(bytes));
      if (!reply.ok) return { problem: `diagnostics_payload ${bytes}: ${reply.problems.join(', ')}` };
      if (reply.bytes === listed.bytes || attempt === 2) return { scenario: scenarioOf(bytes), bytes: reply.bytes, listBytes: listed.bytes };
      bytes += listed.bytes - reply.bytes;
    }
  });
}

// Large catalogs: a request should pay for the tool it calls and the page it lists, not
// for the whole catalog. The same build with 10 and with 1,000 catalog tools, turn by
// turn: tools/call, and tools/list at the default page size. As many rounds as the
// configuration comparison: with 7, two runs of the same build read 0.89x and 0.94x on
// tools/call, where perf counted 13 page faults per request for both and CPU within its
// run-to-run spread.
if (section('large') && (!ONLY || ONLY.has('mcp-edge'))) {
  const sized = (n) => ({
    key: `mcp-edge-${n}`,
    label: `mcp-edge, ${n} catalog tools`,
    async start() {
      const config = { ...edgeConfig(n) };
      delete config.page_size;
      const stack = await startStack({ config, wasm: BENCH_CATALOG_WASM });
      return { url: stack.mcp, base: stack.base, stack, stop: () => stack.stop(), logs: () => stack.logs.slice(-50).join('') };
    },
  });
  const listDefault = { ...SCENARIOS.list, label: 'tools/list, default page size' };
  results.largeCatalog = [];
  for (const scenario of [SCENARIOS.call, listDefault]) {
    results.largeCatalog.push(await interleave([sized(10), sized(1000)], scenario, CONFIG_ROUNDS));
  }
}

const SCALED = TARGETS.filter((t) => !t.onlyMain);
for (const target of SCALED.filter(() => section('scale'))) {
  for (const n of TOOL_COUNTS) {
    const outcome = await withTarget(target, { tools: n }, async (running) => {
      const scenario = listScenario(n);
      const check = await preflight(running.url, scenario);
      if (!check.ok && check.problems.every((problem) => problem.includes('bench_tool_'))) {
        const note = `no bench_tools knob in this build? (${check.problems.join('; ')})`;
        results.toolsList.push({ target: target.key, targetLabel: target.label, tools: n, scenario: scenario.label, skipped: true, note });
        log(`${target.key} tools/list ${n}: skipped: ${note}`);
        return;
      }
      if (check.ms <= SLOW_MS) await runWrk({ url: running.url, body: scenario.body, expect: [], connections: SCALE_CONCURRENCY, seconds: 1, cpu: LOAD_CPU }).catch(() => {});
      results.toolsList.push({ tools: n, ...(await measure(target, running, scenario, SCALE_CONCURRENCY, SCALE_DURATION)) });
    });
    if (outcome?.startError) results.toolsList.push({ target: target.key, targetLabel: target.label, tools: n, failed: true, error: 'did not start' });
  }
}

// Result size 1 KB .. 60 KB, c=8.
for (const target of SCALED.filter(() => section('sizes'))) {
  const outcome = await withTarget(target, {}, async (running) => {
    await warmup(running, target);
    for (const bytes of SIZES) results.resultSize.push({ bytes, ...(await measure(target, running, sizeScenario(bytes), SCALE_CONCURRENCY, SCALE_DURATION)) });
  });
  if (outcome?.startError) for (const bytes of SIZES) results.resultSize.push({ bytes, target: target.key, targetLabel: target.label, failed: true, error: 'did not start' });
}

// The soak: held legacy SSE sessions, one message each, nothing lost.
// The legacy HTTP+SSE round trip: POST /messages -> the reply published through the api
// double to Pushpin -> the event on the held stream. A latency chain through five
// processes (this client and the api double, Viceroy, Pushpin's handler and condure),
// which in production run on different machines: pinned to one core they would wait
// on each other's time slices (5-7 ms here instead of ~3), so this stack runs unpinned.
// Back to back, and paced (50 ms between round trips: every process wakes from idle).
if ((!ONLY || ONLY.has('mcp-edge')) && section('sse')) {
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', `0-${NPROC - 1}`, String(process.pid)], { stdio: 'ignore' });
  const outcome = await withTarget(TARGETS.find((t) => t.key === 'mcp-edge'), {}, async (running) => {
    const ping = (id) => ({ jsonrpc: '2.0', id, method: 'ping' });
    const toolCall = (id) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'diagnostics_payload', arguments: { bytes: 1024 } } });
    const variants = {
      ping: [ping, 0],
      'tools/call 1 KB': [toolCall, 0],
      'tools/call 1 KB, 50 ms pause between round trips': [toolCall, 50],
    };
    for (const [name, [build, pauseMs]] of Object.entries(variants)) {
      try {
        results.legacySse[name] = await roundTrips(running.base, RT_N, build, { pauseMs });
        const s = results.legacySse[name];
        log(`legacy SSE round trip (${name}): p50 ${s.p50_ms.toFixed(2)} ms, p99 ${s.p99_ms.toFixed(2)} ms, mean ${s.mean_ms.toFixed(2)} ms over ${s.n}`);
      } catch (err) {
        results.legacySse[name] = { error: err.message };
        results.problems.push(`legacy SSE round trip (${name}): ${err.message}`);
        log(`legacy SSE round trip (${name}): FAILED ${err.message}\n${running.logs()}`);
      }
    }
  });
  if (PIN) execFileSync('taskset', ['-a', '-p', '-c', SERVER_CPU, String(process.pid)], { stdio: 'ignore' });
  if (outcome?.startError) results.problems.push(`legacy SSE round trip: the stack did not start: ${outcome.startError}`);
}

if ((!ONLY || ONLY.has('mcp-edge')) && section('soak')) {
  const outcome = await withTarget(TARGETS.find((t) => t.key === 'mcp-edge'), {}, async (running) => {
    log(`soak: opening ${SOAK_SESSIONS} legacy SSE sessions`);
    try {
      results.soak = await soak(running.base, { sessions: SOAK_SESSIONS });
      const s = results.soak;
      log(`soak: ${s.opened}/${s.sessions} opened in ${s.openSeconds.toFixed(1)} s, ${s.received} replies received, lost ${s.lost}, delivered in ${s.deliverySeconds.toFixed(1)} s`);
      if (s.lost > 0) {
        results.problems.push(`soak lost ${s.lost} of ${s.sessions} (open errors ${s.openErrors}: ${s.openErrorSample.join(' | ')}; post errors ${s.postErrors}: ${s.postErrorSample.join(' | ')})`);
        log(running.logs());
      }
    } catch (err) {
      results.soak = { sessions: SOAK_SESSIONS, error: err.message };
      results.problems.push(`soak: ${err.message}`);
    }
  });
  if (outcome?.startError) results.problems.push(`soak: the stack did not start: ${outcome.startError}`);
}

{
  const edgeCall = results.main.find((x) => x.target === 'mcp-edge' && x.scenarioKey === 'call' && x.body_bytes);
  const floorCall = results.main.find((x) => x.target === 'floor' && x.body_bytes);
  if (edgeCall && floorCall && edgeCall.body_bytes !== floorCall.body_bytes) {
    results.findings.push(`the floor's fixed reply is ${floorCall.body_bytes} bytes, mcp-edge's tools/call reply ${edgeCall.body_bytes}: update bench/floor/reply.json`);
  }
}
results.elapsed_s = (performance.now() - startedAt) / 1000;
results.loadavg_after = os.loadavg().map((x) => +x.toFixed(2));
for (const row of [...results.main, ...results.toolsList, ...results.resultSize]) {
  if (row.failed) results.problems.push(`${row.target} ${row.scenario} c=${row.connections}: ${row.error}`);
}

const markdown = render(results);
// A partial run (BENCH_SECTIONS, BENCH_TARGETS) writes next to the full results, never
// over them: bench/results-partial.{md,json} (ignored by git).
const OUT = SECTIONS || ONLY ? 'results-partial' : 'results';
writeFileSync(path.join(BENCH, `${OUT}.md`), markdown);
writeFileSync(path.join(BENCH, `${OUT}.json`), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\n${markdown}`);
log(`wrote bench/${OUT}.md and bench/${OUT}.json in ${results.elapsed_s.toFixed(0)} s`);
process.exit(results.problems.length > 0 ? 1 : 0);

// ---- helpers -------------------------------------------------------------------------
function machineInfo() {
  let cpu = '';
  try {
    cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) || [])[1] || '';
  } catch {
    // not Linux
  }
  return { nproc: NPROC, cpu, memory_gib: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release() };
}

function versions() {
  const read = (fn) => {
    try {
      return fn();
    } catch {
      return null;
    }
  };
  return {
    viceroy: read(() => execFileSync(VICEROY, ['--version'], { encoding: 'utf8' }).trim()),
    node: process.version,
    wrk: read(() => execFileSync('wrk', ['-v'], { encoding: 'utf8' }).split('\n')[0]) ?? read(() => execFileSync('sh', ['-c', 'wrk -v 2>&1 || true'], { encoding: 'utf8' }).split('\n')[0]),
    ts_sdk: read(() => JSON.parse(readFileSync(path.join(BENCH, 'ts-server/node_modules/@modelcontextprotocol/sdk/package.json'), 'utf8')).version),
    rmcp: read(() => /name = "rmcp"\nversion = "([^"]+)"/.exec(readFileSync(path.join(BENCH, 'rmcp-server/Cargo.lock'), 'utf8'))[1]),
    rustc: read(() => execFileSync('rustc', ['--version'], { cwd: ROOT, encoding: 'utf8' }).trim()),
  };
}

function sizes() {
  const size = (file) => (existsSync(file) ? statSync(file).size : null);
  return {
    mcp_edge_wasm: size(EDGE_WASM),
    mcp_edge_data: existsSync(EDGE_WASM) ? dataImage(EDGE_WASM) : null,
    floor_wasm: size(FLOOR_WASM),
    floor_sized_wasm: size(FLOOR_SIZED_WASM),
    rmcp_binary: size(RMCP_BIN),
  };
}

function fmt(value, digits = 2) {
  if (value === undefined || value === null || Number.isNaN(value)) return '-';
  return value.toFixed(digits);
}

function ratio(row, reference) {
  if (!reference || reference.failed || row.failed || !reference.rps) return '-';
  return `${(row.rps / reference.rps).toFixed(2)}x`;
}

function status(row) {
  if (row.skipped) return `skipped: ${row.note}`;
  if (row.failed) return `FAIL: ${row.error}`;
  return row.note ? `ok (${row.note})` : 'ok';
}

function render(r) {
  const lines = [];
  const kb = (n) => (n === null ? '-' : `${n} bytes (${(n / 1024).toFixed(0)} KiB)`);
  lines.push('# mcp-edge benchmark', '');
  lines.push(`${r.date}; ${r.machine.nproc} cores (nproc), ${r.machine.cpu}, ${r.machine.memory_gib} GiB; ${r.elapsed_s.toFixed(0)} s for the whole run.`);
  lines.push(`All on loopback. Load: wrk (separate process, -t min(c,2), --latency, Lua POST bodies, headers Accept: application/json, text/event-stream; MCP-Protocol-Version: ${PROTOCOL}), ${r.settings.duration_s} s per run (scaling runs ${r.settings.scale_duration_s} s, c=${SCALE_CONCURRENCY}), after a ${r.settings.warmup_s} s warm-up per server.`);
  lines.push(r.settings.pinned
    ? `CPU pinning: every server (and Pushpin) on CPU ${r.settings.server_cpu}, wrk on CPU ${r.settings.load_cpu}: each server gets one core.`
    : 'No CPU pinning: servers and wrk share every core.');
  lines.push(`Every reply is checked (status 2xx, the expected content, no JSON-RPC error); a row with any error fails. Versions: ${r.versions.viceroy}, Node ${r.versions.node}, TS SDK ${r.versions.ts_sdk}, rmcp ${r.versions.rmcp}, ${r.versions.rustc}, ${r.versions.wrk}.`);
  lines.push(`Load average (1/5/15 min) before the run: ${r.loadavg_before.join(' / ')}; after: ${r.loadavg_after.join(' / ')} (the run itself adds about 2).`);
  if (r.loadavg_before[0] > 1) lines.push('', `**The machine was busy before the run (load ${r.loadavg_before[0]}): other work competed for the cores, numbers are noisy.**`);
  if (r.settings.quick) lines.push('', '**BENCH_QUICK=1: short runs, numbers are indicative only.**');
  const data = r.sizes.mcp_edge_data;
  const image = data ? ` (its data image ${kb(data.bytes)} from 0x${data.start.toString(16)}: ${data.windows} windows of 64 KB, a page fault each that a request reads)` : '';
  lines.push('', `Release wasm: mcp-edge ${kb(r.sizes.mcp_edge_wasm)}${image}; floor ${kb(r.sizes.floor_wasm)}. rmcp server binary: ${kb(r.sizes.rmcp_binary)}.`);

  // a against b: the paired ratio (`pairedRatio`), which goals are judged on, and the
  // ratio of the medians beside it.
  const versus = (a, b) => {
    const medians = a.rps_median / b.rps_median;
    const paired = pairedRatio(a, b);
    const x = paired ?? medians;
    const text = paired === undefined ? `${medians.toFixed(2)}x` : `${paired.toFixed(2)}x (medians ${medians.toFixed(2)}x)`;
    return { x, text, verdict: (bar) => (x >= bar ? 'met' : 'missed') };
  };

  if (r.interleaved) {
    const t = r.interleaved.targets;
    const edge = t['mcp-edge'];
    lines.push('', `## ${r.interleaved.scenario ?? 'tools/call 1 KB (JSON)'}, c=8, interleaved (${r.interleaved.rounds} rounds; each round every server in turn for ${r.interleaved.seconds} s; Viceroy targets started fresh for each turn with a ${r.settings.warmup_s} s warm-up, the TS SDK and rmcp started once and warmed ${r.interleaved.warmup_long_s} s)`, '');
    lines.push('Ratios: the median over rounds of the two targets\' req/s in the same round (paired: the VM drifts by 30% within minutes, bench/README.md), then the ratio of the two medians.', '');
    lines.push('| target | median req/s | range req/s | median p50 ms | median p99 ms | mcp-edge vs target |');
    lines.push('|---|--:|--:|--:|--:|--:|');
    for (const [key, row] of Object.entries(t)) {
      const vs = edge && key !== 'mcp-edge' ? versus(edge, row).text : '-';
      lines.push(`| ${row.label} | ${fmt(row.rps_median, 0)} | ${fmt(row.rps_min, 0)}-${fmt(row.rps_max, 0)} | ${fmt(row.p50_ms_median)} | ${fmt(row.p99_ms_median)} | ${vs} |`);
    }
    if (edge && t.floor) {
      const v = versus(edge, t.floor);
      lines.push('', `Goal: mcp-edge >= 0.8x the floor: ${v.text} (${v.verdict(0.8)}).`);
    }
    if (edge && t.floor && t['floor-hostcalls']) {
      const ms = (row) => 1000 / row.rps_median;
      lines.push(`What bounds it: the floor takes ${fmt(ms(t.floor), 3)} ms per request on the pinned core, the floor with mcp-edge's hostcalls ${fmt(ms(t['floor-hostcalls']), 3)} ms (${versus(t['floor-hostcalls'], t.floor).text} the floor's throughput before any MCP work), mcp-edge ${fmt(ms(edge), 3)} ms: its JSON-RPC/MCP work is ${fmt(ms(edge) - ms(t['floor-hostcalls']), 3)} ms.`);
    }
    if (edge && t['ts-sdk']) {
      const v = versus(edge, t['ts-sdk']);
      lines.push(`Goal: mcp-edge >= 2x the TS SDK: ${v.text} (${v.verdict(2)}).`);
    }
    const full = t['mcp-edge-full'];
    if (full && t.floor) lines.push(`The shipped configuration: ${versus(full, t.floor).text} the floor.`);
    if (full && t['floor-hostcalls']) {
      const v = versus(full, t['floor-hostcalls']);
      lines.push(`Goal, where the hostcalls cap it: the shipped configuration within 10% of the floor with mcp-edge's hostcalls: ${v.text} (${v.verdict(0.9)}).`);
    }
    const sized = t['floor-hostcalls-sized'];
    if (full && sized && t['floor-hostcalls']) {
      const ms = (row) => 1000 / row.rps_median;
      lines.push(`Where the rest goes: the same hostcalls from mcp-edge's module (no MCP work) take ${fmt(ms(sized), 3)} ms per request, ${versus(sized, t['floor-hostcalls']).text} the floor with hostcalls (the module's ${fmt(ms(sized) - ms(t['floor-hostcalls']), 3)} ms); the shipped configuration is ${versus(full, sized).text} of that row, its MCP work ${fmt(ms(full) - ms(sized), 3)} ms per request.`);
    }
    const base = t['mcp-edge-baseline'];
    if (edge && base) lines.push(`Against the baseline build, same configuration: mcp-edge ${versus(edge, base).text} ${base.label}.`);
    if (t.floor && t['floor-sized']) {
      const ms = (row) => 1000 / row.rps_median;
      const mb = (n) => (n ? `${(n / 1e6).toFixed(1)} MB` : '?');
      lines.push(`Module size: the same fixed reply from mcp-edge's module (${mb(r.sizes.floor_sized_wasm)}) takes ${fmt(ms(t['floor-sized']), 3)} ms per request, from the floor's (${mb(r.sizes.floor_wasm)}) ${fmt(ms(t.floor), 3)} ms: ${versus(t['floor-sized'], t.floor).text} the floor's throughput, ${fmt(ms(t['floor-sized']) - ms(t.floor), 3)} ms per request before any of its code runs.`);
    }
  }

  // The shipped configuration against the minimal one, per request kind.
  const configRows = [];
  // tools/call from the config section's own rounds when it ran it, else the block above.
  const ownCall = (r.configCost ?? []).some((b) => b.scenario === r.interleaved?.scenario);
  if (r.interleaved?.targets['mcp-edge'] && r.interleaved.targets['mcp-edge-full'] && !ownCall) configRows.push(r.interleaved);
  configRows.push(...(r.configCost ?? []).filter((b) => b.targets['mcp-edge'] && b.targets['mcp-edge-full']));
  if (configRows.length > 0) {
    lines.push('', `## The shipped configuration vs the minimal one, interleaved (c=8, ${configRows[0].rounds} rounds of ${configRows[0].seconds} s each)`, '');
    lines.push('Minimal: conformance off, diagnostics on, no catalog (2 tools). Shipped: fastly.toml\'s local config, as `make serve` runs it (both catalogs, conformance and diagnostics).', '');
    lines.push('| request | minimal median req/s (range) | shipped median req/s (range) | shipped vs minimal | minimal ms/request | shipped ms/request |');
    lines.push('|---|--:|--:|--:|--:|--:|');
    const ratios = [];
    for (const block of configRows) {
      const [min, full] = [block.targets['mcp-edge'], block.targets['mcp-edge-full']];
      const v = versus(full, min);
      ratios.push([block, v]);
      lines.push(`| ${block.scenario} | ${fmt(min.rps_median, 0)} (${fmt(min.rps_min, 0)}-${fmt(min.rps_max, 0)}) | ${fmt(full.rps_median, 0)} (${fmt(full.rps_min, 0)}-${fmt(full.rps_max, 0)}) | ${v.text} | ${fmt(1000 / min.rps_median, 3)} | ${fmt(1000 / full.rps_median, 3)} |`);
    }
    const plain = ratios.filter(([block]) => !block.sameLength);
    const [worstBlock, worst] = plain.reduce((a, b) => (b[1].x < a[1].x ? b : a));
    lines.push('', `Goal: the shipped configuration within 5% of the minimal one on each: worst ${worst.text}, ${worstBlock.scenario} (${worst.verdict(0.95)}).`);
    const sameSize = ratios.find(([block]) => block.sameLength);
    if (sameSize) lines.push(`The shipped tools/list against the minimal configuration answering a reply of the same length: ${sameSize[1].text}, what listing costs beyond the bytes of its longer page (within 5%: ${sameSize[1].x >= 0.95 ? 'yes' : 'no'}).`);
    const control = r.configControl?.targets;
    if (control?.['mcp-edge'] && control['mcp-edge-again']) {
      const v = versus(control['mcp-edge-again'], control['mcp-edge']);
      lines.push(`Control: the minimal configuration against itself, the same way (${r.configControl.scenario}, ${r.configControl.rounds} rounds): ${v.text}. How far that is from 1.00x is what this VM resolves; a row above that is no further from 1.00x shows no cost of the configuration.`);
    }
  }
  const native = r.configNative?.rows;
  if (native) {
    // Viceroy's ms per request for the minimal configuration, by request.
    const viceroyMs = new Map(configRows.filter((b) => !b.sameLength).map((b) => [b.scenario, 1000 / b.targets['mcp-edge'].rps_median]));
    lines.push('', `### The same, natively (bench/core-cost, ${native[0].requests} requests per run, median of 5 runs, minimal and shipped alternated)`, '');
    lines.push(`Each request from the settings item's text to the reply (the settings parsed, the tool sets the method needs, dispatch and the reply) without the hostcalls, which do not depend on the configuration, and without Viceroy. Minimal: ${native[0].minimal_tools} tools, shipped: ${native[0].shipped_tools}. As wasm under Viceroy the same code runs up to ${WASM_FACTOR}x slower (\`make profile\`: tools/call's whole guest time is 4-9 samples of 10 us), so the share of a request is taken at ${WASM_FACTOR}x the native difference.`, '');
    lines.push('| request | minimal us | shipped us | shipped - minimal us | reply bytes (minimal / shipped) | x' + WASM_FACTOR + ', share of a minimal request under Viceroy |');
    lines.push('|---|--:|--:|--:|--:|--:|');
    const shares = [];
    for (const row of native) {
      const extraUs = (row.shipped_ns - row.minimal_ns) / 1000;
      const ms = viceroyMs.get(row.request);
      const share = ms ? (WASM_FACTOR * extraUs) / (1000 * ms) : undefined;
      if (share !== undefined && row.minimal_bytes === row.shipped_bytes) shares.push([row.request, share]);
      lines.push(`| ${row.request} | ${fmt(row.minimal_ns / 1000, 1)} | ${fmt(row.shipped_ns / 1000, 1)} | ${extraUs >= 0 ? '+' : ''}${fmt(extraUs, 1)} | ${row.minimal_bytes} / ${row.shipped_bytes} | ${share === undefined ? '-' : `${fmt(100 * share, 1)}%`} |`);
    }
    if (shares.length > 0) {
      const [worstRequest, worst] = shares.reduce((a, b) => (b[1] > a[1] ? b : a));
      lines.push('', `Goal, on the requests whose reply is the same in both (a longer tools/list page is work the shipped catalog asks for; the same-length row above covers it): what the shipped configuration adds to a request's own work, ${WASM_FACTOR}x for wasm: worst ${fmt(100 * worst, 1)}% of a request, ${worstRequest} (${worst <= 0.05 ? 'met' : 'missed'}).`);
    }
  } else if (r.configNative?.problem) {
    lines.push('', `Native configuration cost: not measured (${r.configNative.problem}).`);
  }

  const edgeMain = (row) => r.main.find((x) => x.target === 'mcp-edge' && x.scenarioKey === row.scenarioKey && x.connections === row.connections);
  lines.push('', '## Streamable HTTP: target x scenario x concurrency', '');
  lines.push('| target | scenario | c | req/s | p50 ms | p99 ms | req/s vs mcp-edge | status |');
  lines.push('|---|---|--:|--:|--:|--:|--:|---|');
  const order = ['initialize', 'list', 'call', 'progress'];
  const mainRows = [...r.main].sort((a, b) => order.indexOf(a.scenarioKey) - order.indexOf(b.scenarioKey) || a.connections - b.connections);
  for (const row of mainRows) {
    lines.push(`| ${row.targetLabel} | ${row.scenario} | ${row.connections} | ${fmt(row.rps, 0)} | ${fmt(row.p50_ms)} | ${fmt(row.p99_ms)} | ${ratio(row, edgeMain(row))} | ${status(row)} |`);
  }

  if (r.clients) {
    const c = r.clients;
    lines.push('', `## Latency as clients see it (${c.targetLabel})`, '');
    lines.push(`One request at a time on one keep-alive connection: wrk at c=1 for ${c.wrk_seconds} s, then each client stack for ${c.n} requests after ${c.warmup} unrecorded ones, every reply checked (status, content, progress notifications), each in its own process${r.settings.pinned ? ` on wrk's CPU ${r.settings.load_cpu}` : ''}: Node ${r.versions.node}'s fetch; the TS SDK ${c.versions.sdk} client (connected once, then \`ping()\` / \`callTool()\`, with \`onprogress\` for the progress call); ${c.versions.python}'s http.client. "> 20 ms": the share of requests slower than half of Linux's 40 ms delayed ACK, i.e. that waited on a timer. "client CPU": the client process's CPU time over the recorded requests, per request (wrk: not measured).`, '');
    lines.push('| request | client | n | p50 ms | p99 ms | mean ms | > 20 ms | client CPU ms/request | status |');
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|---|');
    for (const row of c.rows) {
      const state = row.failed ? `FAIL: ${row.error ?? `${row.errors} errors${row.errorSample?.length ? `: ${row.errorSample[0]}` : ''}`}` : 'ok';
      lines.push(`| ${row.requestLabel} | ${row.client} | ${row.n ?? '-'} | ${fmt(row.p50_ms)} | ${fmt(row.p99_ms)} | ${fmt(row.mean_ms)} | ${row.over_20ms_pct === undefined ? '-' : `${fmt(row.over_20ms_pct, 0)}%`} | ${fmt(row.client_cpu_ms)} | ${state} |`);
    }
    // The main matrix's c=1 rows ran on another instance, minutes apart: beside, not in, the table.
    const mainC1 = r.main.filter((x) => x.target === c.target && x.connections === 1 && !x.failed && c.rows.some((y) => y.request === x.scenarioKey));
    if (mainC1.length) lines.push('', `The main matrix at c=1 (wrk, another server instance, earlier in the run): ${mainC1.map((x) => `${x.scenario} p50 ${fmt(x.p50_ms)} ms, p99 ${fmt(x.p99_ms)} ms, ${fmt(x.over_20ms_pct, 0)}% over 20 ms`).join('; ')}.`);
    // Where the stacks disagree by more than 2x at p50, say which of the two known causes it is.
    const notes = [];
    for (const key of new Set(c.rows.map((x) => x.request))) {
      const rows = c.rows.filter((x) => x.request === key && !x.failed);
      if (rows.length < 2) continue;
      const sorted = [...rows].sort((a, b) => a.p50_ms - b.p50_ms);
      const [lo, hi] = [sorted[0], sorted[sorted.length - 1]];
      if (hi.p50_ms <= 2 * lo.p50_ms) continue;
      const spread = `${lo.requestLabel}: p50 ${fmt(lo.p50_ms)} ms (${lo.client}) to ${fmt(hi.p50_ms)} ms (${hi.client})`;
      notes.push(rows.some((x) => x.over_20ms_pct >= 5)
        ? `${spread}. Bimodal: ${rows.map((x) => `${x.client} ${fmt(x.over_20ms_pct, 0)}%`).join(', ')} of requests took more than 20 ms: replies Viceroy wrote in more than one write, the second held by Nagle until the client's delayed ACK (~40 ms). The p50 lands on either side of the gap with that share, which changes from run to run; the means (${rows.map((x) => `${fmt(x.mean_ms)}`).join(', ')} ms) are the cost each client paid. Viceroy's, not the service's: bench/README.md, "Latency as clients see it".`
        : `${spread}, none over 20 ms: the same server work (but for the SDK's session-id check), the difference is the client stack's own work per request (its CPU time: ${rows.filter((x) => x.client_cpu_ms !== undefined).map((x) => `${x.client} ${fmt(x.client_cpu_ms)} ms`).join(', ')}; bench/README.md, "Latency as clients see it").`);
    }
    if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  }

  lines.push('', `## tools/list with N synthetic tools (c=${SCALE_CONCURRENCY})`, '');
  lines.push('Each server lists the 2 benchmark tools plus N synthetic ones (mcp-edge: config `bench_tools = N`, one page: `page_size = 5000`).', '');
  lines.push('| target | N | req/s | p50 ms | p99 ms | reply body bytes | req/s vs mcp-edge | status |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|---|');
  for (const row of [...r.toolsList].sort((a, b) => a.tools - b.tools)) {
    const ref = r.toolsList.find((x) => x.target === 'mcp-edge' && x.tools === row.tools);
    lines.push(`| ${row.targetLabel} | ${row.tools} | ${fmt(row.rps, 0)} | ${fmt(row.p50_ms)} | ${fmt(row.p99_ms)} | ${row.body_bytes ?? '-'} | ${ratio(row, ref)} | ${status(row)} |`);
  }

  if (r.largeCatalog?.length) {
    lines.push('', `## A large catalog: 10 vs 1,000 catalog tools, interleaved (c=8, ${r.largeCatalog[0].rounds} rounds of ${r.largeCatalog[0].seconds} s)`, '');
    lines.push('The same build (the bench-catalog feature) with `bench_tools = 10` and `= 1000`; default page size.', '');
    lines.push('| request | 10 tools median req/s (range) | 1,000 tools median req/s (range) | 1,000 vs 10 | ms/request with 1,000 |');
    lines.push('|---|--:|--:|--:|--:|');
    for (const block of r.largeCatalog) {
      const [small, large] = [block.targets['mcp-edge-10'], block.targets['mcp-edge-1000']];
      if (!small || !large) continue;
      lines.push(`| ${block.scenario} | ${fmt(small.rps_median, 0)} (${fmt(small.rps_min, 0)}-${fmt(small.rps_max, 0)}) | ${fmt(large.rps_median, 0)} (${fmt(large.rps_min, 0)}-${fmt(large.rps_max, 0)}) | ${versus(large, small).text} | ${fmt(1000 / large.rps_median, 3)} |`);
    }
    const callBlock = r.largeCatalog.find((b) => b.scenario === SCENARIOS.call.label);
    if (callBlock?.targets['mcp-edge-10'] && callBlock.targets['mcp-edge-1000']) {
      const v = versus(callBlock.targets['mcp-edge-1000'], callBlock.targets['mcp-edge-10']);
      lines.push('', `Goal: tools/call on a 1,000-tool server within 10% of a 10-tool one: ${v.text} (${v.verdict(0.9)}).`);
    }
    const listBlock = r.largeCatalog.find((b) => b.scenario !== SCENARIOS.call.label);
    const onePage = r.toolsList.find((x) => x.target === 'mcp-edge' && x.tools === 1000 && !x.failed && !x.skipped);
    const listMs = [listBlock?.targets['mcp-edge-1000'] && ['default page', 1000 / listBlock.targets['mcp-edge-1000'].rps_median], onePage && ['one page of 1,000', 1000 / onePage.rps]].filter(Boolean);
    if (listMs.length) lines.push(`Goal: tools/list with 1,000 tools <= 5 ms of server time per request: ${listMs.map(([what, ms]) => `${what} ${fmt(ms, 2)} ms`).join(', ')} (${listMs.every(([, ms]) => ms <= 5) ? 'met' : 'missed'}).`);
  }

  lines.push('', `## Result size: diagnostics_payload bytes (c=${SCALE_CONCURRENCY})`, '');
  lines.push('| target | bytes | req/s | p50 ms | p99 ms | reply body bytes | req/s vs mcp-edge | status |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|---|');
  for (const row of [...r.resultSize].sort((a, b) => a.bytes - b.bytes)) {
    const ref = r.resultSize.find((x) => x.target === 'mcp-edge' && x.bytes === row.bytes);
    lines.push(`| ${row.targetLabel} | ${row.bytes} | ${fmt(row.rps, 0)} | ${fmt(row.p50_ms)} | ${fmt(row.p99_ms)} | ${row.body_bytes ?? '-'} | ${ratio(row, ref)} | ${status(row)} |`);
  }

  lines.push('', '## Legacy HTTP+SSE round trip (mcp-edge)', '');
  lines.push('One session (GET /sse held by Pushpin); sequential POST /messages -> 202 -> the reply published through the api double to Pushpin -> the event on the held stream.', '');
  lines.push('| message | n | p50 ms | p99 ms | mean ms | min ms | max ms | POST -> 202 p50 ms |');
  lines.push('|---|--:|--:|--:|--:|--:|--:|--:|');
  for (const [name, s] of Object.entries(r.legacySse)) {
    if (s.error) lines.push(`| ${name} | - | - | - | - | - | - | FAIL: ${s.error} |`);
    else lines.push(`| ${name} | ${s.n} | ${fmt(s.p50_ms)} | ${fmt(s.p99_ms)} | ${fmt(s.mean_ms)} | ${fmt(s.min_ms)} | ${fmt(s.max_ms)} | ${fmt(s.post?.p50_ms)} |`);
  }
  const rtCall = r.legacySse['tools/call 1 KB'];
  if (rtCall && !rtCall.error) lines.push('', `Goal: legacy SSE round trip median < 5 ms (tools/call 1 KB, back to back): ${fmt(rtCall.p50_ms)} ms (${rtCall.p50_ms < 5 ? 'met' : 'missed'}).`);

  lines.push('', '## Soak: concurrent legacy SSE sessions held by Pushpin', '');
  if (!r.soak) lines.push('not run');
  else if (r.soak.error) lines.push(`FAIL: ${r.soak.error}`);
  else {
    const s = r.soak;
    lines.push('| sessions | opened | POSTs accepted | replies received | lost | open all (s) | POST all (s) | all delivered (s) |');
    lines.push('|--:|--:|--:|--:|--:|--:|--:|--:|');
    lines.push(`| ${s.sessions} | ${s.opened} | ${s.posted} | ${s.received} | **${s.lost}** | ${fmt(s.openSeconds, 1)} | ${fmt(s.postSeconds, 1)} | ${fmt(s.deliverySeconds, 1)} |`);
    lines.push('', `Goal: 0 lost in the soak: ${s.lost} lost (${s.lost === 0 ? 'met' : 'missed'}).`);
  }

  lines.push('', '## Findings', '');
  const findings = [...r.findings];
  const cpuMs = (row) => (row && !row.failed && row.rps ? 1000 / row.rps : null);
  for (const row of r.main.filter((x) => x.target === 'mcp-edge-full' && !x.failed)) {
    const lean = r.main.find((x) => x.target === 'mcp-edge' && x.scenarioKey === row.scenarioKey && x.connections === row.connections);
    if (!lean || lean.failed || row.connections !== 8) continue;
    const extra = cpuMs(row) - cpuMs(lean);
    findings.push(`Configuration cost: mcp-edge ${row.scenario} at c=8 takes ${fmt(cpuMs(lean))} ms of server time per request with the 2 benchmark tools and ${fmt(cpuMs(row))} ms with fastly.toml's local config (39 tools, 2 catalogs): ${Math.abs(extra) < 0.25 * cpuMs(lean) ? 'no difference beyond run-to-run noise (+-25%)' : `${fmt(extra)} ms more per request with the catalogs (each request is a fresh wasm instance)`}. (Server time = 1 / req/s on the one pinned core.)`);
  }
  for (const n of TOOL_COUNTS) {
    const row = r.toolsList.find((x) => x.target === 'mcp-edge' && x.tools === n && !x.failed && !x.skipped);
    if (row) findings.push(`tools/list with ${n} (+2) tools: mcp-edge spends ~${fmt(row.slow ? row.mean_ms : cpuMs(row), 1)} ms per request${row.slow ? ' (sequential)' : ' (1 / req/s at c=8)'}, reply ${row.body_bytes} bytes; Fastly Compute allows 50 ms of CPU per request (Viceroy's wasmtime is not the production runtime: indicative).`);
  }
  const sse1 = r.main.find((x) => x.target === 'mcp-edge' && x.scenarioKey === 'progress' && x.connections === 1 && !x.failed);
  const json1 = r.main.find((x) => x.target === 'mcp-edge' && x.scenarioKey === 'call' && x.connections === 1 && !x.failed);
  if (sse1 && json1) {
    const pacing = r.sseReplyPacing && !r.sseReplyPacing.error ? r.sseReplyPacing : null;
    const measured = pacing ? ` One client, one connection: p50 ${fmt(pacing.backToBack.p50_ms)} ms / max ${fmt(pacing.backToBack.max_ms)} ms back to back, p50 ${fmt(pacing.paced100ms.p50_ms)} ms / max ${fmt(pacing.paced100ms.max_ms)} ms when 100 ms apart.` : '';
    findings.push(`mcp-edge streamed (SSE) reply at c=1 under wrk: p50 ${fmt(sse1.p50_ms)} ms vs ${fmt(json1.p50_ms)} ms for the JSON reply.${measured} Viceroy 0.22 serves with hyper 0.14 defaults (no TCP_NODELAY), so the reply's several small writes can wait on Nagle + the client's delayed ACK (~40 ms) when requests come back to back: a local-runtime artifact, not the service's cost (rmcp showed 48 ms p50 on this scenario until its listener set TCP_NODELAY).`);
  }
  const paced = r.legacySse['tools/call 1 KB, 50 ms pause between round trips'];
  const b2b = r.legacySse['tools/call 1 KB'];
  if (paced && b2b && !paced.error && !b2b.error) {
    findings.push(`Legacy SSE round trip: p50 ${fmt(b2b.p50_ms)} ms back to back, ${fmt(paced.p50_ms)} ms with a 50 ms pause between round trips (POST -> 202 alone: ${fmt(b2b.post.p50_ms)} ms). Paced, each of the five processes on the path wakes from idle (~0.7 ms each on this VM); Pushpin runs with message_rate=0, without its 25 ms publish batching (bench/README.md).`);
  }
  for (const f of findings) lines.push(`- ${f}`);
  if (findings.length === 0) lines.push('none');

  lines.push('', '## Problems', '');
  if (r.problems.length === 0) lines.push('none');
  for (const p of r.problems) lines.push(`- ${p}`);
  lines.push('');
  return lines.join('\n');
}
