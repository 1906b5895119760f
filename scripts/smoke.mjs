#!/usr/bin/env node
// Smoke check of a deployed service (README: Deploying), a line per check:
//
//   node scripts/smoke.mjs https://NAME.edgecompute.app KEY [--tool NAME] [--arguments JSON]
//   make smoke URL=https://NAME.edgecompute.app KEY=...
//
// 1. RFC 9728 metadata at /.well-known/oauth-protected-resource (no credentials);
// 2. POST /mcp without a key: 401 with a Bearer challenge (naming the metadata when OAuth
//    is on);
// 3. initialize, tools/list and one read-only tool over /mcp (Streamable HTTP);
// 4. GET /sse: the `endpoint` event (Fanout held the stream and called the service back);
// 5. one round trip over legacy SSE: initialize and the same tool POSTed to /messages,
//    each answered 202, each reply arriving on the stream.
// The tool is the first read-only one that needs no arguments, unless --tool names one.
// Exits 0 when every check passed, 1 otherwise. The key is never printed.
import { parseArgs } from 'node:util';

const TIMEOUT_MS = 20_000;
const PROTOCOL = '2025-06-18';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tool: { type: 'string' }, arguments: { type: 'string', default: '{}' } },
});
const [base, key] = positionals;
if (!base || !key || !/^https?:\/\/[^/]+\/?$/.test(base)) {
  console.error('usage: smoke.mjs https://HOST KEY [--tool NAME] [--arguments JSON]');
  process.exit(2);
}
const origin = base.replace(/\/$/, '');
const auth = { authorization: `Bearer ${key}` };
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
let failures = 0;

/** Runs one check: prints `ok   name: detail` or `FAIL name: reason`; returns its value. */
async function check(name, fn) {
  try {
    const detail = await fn();
    console.log(`ok   ${name}: ${detail.text ?? detail}`);
    return detail;
  } catch (err) {
    failures++;
    console.log(`FAIL ${name}: ${err.message.replaceAll(key, '<key>')}`);
    return null;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** The JSON-RPC message of a reply that is JSON or an SSE stream ending in the response. */
function rpcReply(contentType, text) {
  if (!contentType?.includes('text/event-stream')) return JSON.parse(text);
  const events = text.split(/\n\n/).map((block) => block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n'));
  const messages = events.filter(Boolean).map((data) => JSON.parse(data));
  return messages.find((m) => 'result' in m || 'error' in m);
}

let sessionId;
async function rpc(id, method, params) {
  const headers = { ...mcpHeaders, ...auth, 'mcp-protocol-version': PROTOCOL };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  const res = await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  expect(res.status === 200, `${method}: HTTP ${res.status} ${text.slice(0, 200)}`);
  const reply = rpcReply(res.headers.get('content-type'), text);
  expect(reply && !reply.error, `${method}: ${JSON.stringify(reply?.error ?? text.slice(0, 200))}`);
  sessionId ??= res.headers.get('mcp-session-id') ?? undefined;
  return reply.result;
}

function toolSummary(result) {
  expect(result.isError !== true, `the tool answered isError: ${JSON.stringify(result.content).slice(0, 300)}`);
  const text = result.content?.find((c) => c.type === 'text')?.text ?? '';
  return `${text.length} characters: ${JSON.stringify(text.slice(0, 60))}...`;
}

const initialize = { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'mcp-edge-smoke', version: '1' } };

console.log(`smoke check of ${origin}`);

await check('metadata', async () => {
  const res = await fetch(`${origin}/.well-known/oauth-protected-resource`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  expect(res.status === 200, `HTTP ${res.status}`);
  const body = await res.json();
  expect(typeof body.resource === 'string', 'no "resource" member');
  return `200, resource ${body.resource}`;
});

await check('no key', async () => {
  const res = await fetch(`${origin}/mcp`, {
    method: 'POST',
    headers: mcpHeaders,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: initialize }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const challenge = res.headers.get('www-authenticate') ?? '';
  expect(res.status === 401, `HTTP ${res.status}, expected 401`);
  expect(/^Bearer( |$)/.test(challenge), `challenge "${challenge}"`);
  return `401, WWW-Authenticate: ${challenge}`;
});

const init = await check('initialize over /mcp', async () => {
  const result = await rpc(1, 'initialize', initialize);
  return `protocol ${result.protocolVersion}, server ${result.serverInfo?.name} ${result.serverInfo?.version}`;
});

let tool;
await check('tools/list over /mcp', async () => {
  expect(init, 'skipped: initialize failed');
  const { tools } = await rpc(2, 'tools/list', {});
  tool = values.tool
    ? tools.find((t) => t.name === values.tool)
    : tools.find((t) => t.annotations?.readOnlyHint === true && !(t.inputSchema?.required?.length > 0));
  expect(tool, values.tool ? `no tool named ${values.tool}` : 'no read-only tool without required arguments');
  return `${tools.length} tools`;
});

const args = JSON.parse(values.arguments);
await check(`tools/call over /mcp`, async () => {
  expect(tool, 'skipped: no tool');
  return `${tool.name}: ${toolSummary(await rpc(3, 'tools/call', { name: tool.name, arguments: args }))}`;
});

/** Reads an SSE response body event by event. */
function eventReader(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async function next(predicate, deadline) {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, '')).join('\n');
        if (data && predicate(event, data)) return { event, data };
        continue;
      }
      const chunk = await Promise.race([
        reader.read(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out waiting for an event')), deadline - Date.now())),
      ]);
      if (chunk.done) throw new Error('the stream ended');
      buffer += decoder.decode(chunk.value, { stream: true }).replaceAll('\r\n', '\n');
    }
  };
}

const stream = new AbortController();
let next;
let messages;
await check('GET /sse', async () => {
  const res = await fetch(`${origin}/sse`, { headers: { accept: 'text/event-stream', ...auth }, signal: stream.signal });
  if (res.status !== 200) throw new Error(`HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  next = eventReader(res.body);
  const endpoint = await next((event) => event === 'endpoint', Date.now() + TIMEOUT_MS);
  messages = new URL(endpoint.data, origin).toString();
  return `endpoint event ${endpoint.data.replace(/sessionId=.*/, 'sessionId=...')}`;
});

async function roundTrip(id, method, params) {
  expect(messages, 'skipped: no endpoint event');
  const started = Date.now();
  const res = await fetch(messages, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  expect(res.status === 202, `POST /messages: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  const reply = await next((event, data) => event === 'message' && JSON.parse(data).id === id, started + TIMEOUT_MS);
  const message = JSON.parse(reply.data);
  expect(!message.error, JSON.stringify(message.error));
  return { result: message.result, ms: Date.now() - started };
}

await check('initialize over /sse', async () => {
  const { result, ms } = await roundTrip(11, 'initialize', { ...initialize, protocolVersion: '2024-11-05' });
  return `202, reply on the stream ${ms} ms after the POST (protocol ${result.protocolVersion})`;
});
await check('tools/call over /sse', async () => {
  expect(tool, 'skipped: no tool');
  const { result, ms } = await roundTrip(12, 'tools/call', { name: tool.name, arguments: args });
  return `${tool.name}: 202, reply on the stream ${ms} ms after the POST, ${toolSummary(result)}`;
});
stream.abort();

console.log(failures === 0 ? 'smoke check passed' : `smoke check FAILED: ${failures} check(s)`);
process.exit(failures === 0 ? 0 : 1);
