#!/usr/bin/env node
// One client stack timing one MCP request, sequentially, on one keep-alive connection:
// a child process of bench/run.mjs (the `clients` section), pinned to the load
// generator's core like wrk, so its own CPU time does not land on the server's core.
//
//   node client-latency.mjs fetch|sdk < {"url", "warmup", "n", "request"}
//
// fetch  Node's built-in fetch (undici, keep-alive by default), the whole body read
// sdk    the official TypeScript SDK's Client + StreamableHTTPClientTransport (what
//        agents use): connected once (initialize, notifications/initialized,
//        tools/list), then client.ping() or client.callTool()
//
// request: { body, expect: [substrings of the raw reply], resultExpect: [substrings of
// the JSON result], progress: notifications expected }. Prints one JSON line:
// { samples: [ms], errors, errorSample: [...], cpuMs: this process's CPU time over the
// recorded requests }; a request with a non-2xx status, a JSON-RPC error or missing
// content is an error, not a sample.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// The SDK the tests use (tests/node_modules, where the bench's Node comes from too).
const SDK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tests/node_modules/@modelcontextprotocol/sdk/dist/esm');
const PROTOCOL = '2025-11-25';
const TIMEOUT_MS = 10_000;

const [stack] = process.argv.slice(2);
const { url, warmup, n, request } = JSON.parse(await new Response(process.stdin).text());

/** Problems with a raw reply: what preflight and mcp.lua check. */
function rawProblems(status, text) {
  const problems = [];
  if (status < 200 || status > 299) problems.push(`HTTP ${status}`);
  for (const part of request.expect) if (!text.includes(part)) problems.push(`reply lacks ${JSON.stringify(part)}`);
  if (text.includes('"error":{')) problems.push('reply carries a JSON-RPC error');
  const seen = (text.match(/notifications\/progress/g) || []).length;
  if (seen !== (request.progress ?? 0)) problems.push(`${seen} progress notifications, expected ${request.progress ?? 0}`);
  return problems;
}

/** fetch: returns one request as an async function resolving to its problems. */
async function fetchStack() {
  const body = JSON.stringify(request.body);
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': PROTOCOL };
  return async () => {
    const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return rawProblems(response.status, await response.text());
  };
}

/** The SDK: connects once, returns one request as an async function resolving to its problems. */
async function sdkStack() {
  const { Client } = await import(`${SDK}/client/index.js`);
  const { StreamableHTTPClientTransport } = await import(`${SDK}/client/streamableHttp.js`);
  const client = new Client({ name: 'bench-client-latency', version: '1.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  // An agent lists the tools before calling one (the SDK then validates structuredContent).
  await client.listTools();
  const { method, params } = request.body;
  return async () => {
    let seen = 0;
    const options = { timeout: TIMEOUT_MS, ...(request.progress ? { onprogress: () => { seen += 1; } } : {}) };
    const result = method === 'ping'
      ? await client.ping(options)
      : await client.callTool({ name: params.name, arguments: params.arguments }, undefined, options);
    const text = JSON.stringify({ result });
    const problems = request.resultExpect.filter((part) => !text.includes(part)).map((part) => `result lacks ${JSON.stringify(part)}`);
    if (result.isError) problems.push('tool result isError');
    if (seen !== (request.progress ?? 0)) problems.push(`${seen} progress notifications, expected ${request.progress ?? 0}`);
    return problems;
  };
}

const once = await (stack === 'sdk' ? sdkStack() : fetchStack());
const samples = [];
const errorSample = [];
let errors = 0;
let cpuStart;
for (let i = 0; i < warmup + n; i += 1) {
  if (i === warmup) cpuStart = process.cpuUsage();
  const start = performance.now();
  let problems;
  try {
    problems = await once();
  } catch (err) {
    problems = [err.message];
  }
  const ms = performance.now() - start;
  if (problems.length > 0) {
    errors += 1; // warm-up requests included: every failure counts
    if (errorSample.length < 3) errorSample.push(problems.join('; '));
  } else if (i >= warmup) samples.push(ms);
}
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(`${JSON.stringify({ samples, errors, errorSample, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
// The SDK's transport may hold a GET stream open: do not wait for it.
process.exit(0);
