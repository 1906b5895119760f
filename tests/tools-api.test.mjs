// The Fastly API tools and the example back-office tools, through the wasm under Viceroy
// against the local api.fastly.com double: over Streamable HTTP with the TS SDK client
// and over legacy SSE with mcp-remote. The double records every request it got, so the
// tests can check what reached the backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ROOT, startStack } from './lib/stack.mjs';

const SHOP = '4kq2mVxR8TnWb6LpZ3dHsA';
const GATEWAY = '6TfRk1YwQz9NcL2vXb8MhJ';
const RATE_LIMITED = 'Svc429RateLimited00000';
const BROKEN = 'Svc500Broken0000000000';

let stack;
let http;
let sse;

async function connectHttp(url) {
  const client = new Client({ name: 'tools-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

before(async () => {
  stack = await startStack();
  http = await connectHttp(stack.mcp);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js'), stack.sse, '--transport', 'sse-only'],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'mcp-remote-')) },
    stderr: 'pipe',
  });
  sse = new Client({ name: 'tools-test-sse', version: '1.0.0' });
  await sse.connect(transport);
});

after(async () => {
  await http?.close();
  await sse?.close();
  await stack?.stop();
});

const text = (result) => result.content.map((c) => c.text ?? '').join('\n');
const short = (value) => {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 160 ? `${s.slice(0, 160)}...` : s;
};

async function backendRequests() {
  const res = await fetch(`${stack.apiDouble}/__double/requests`);
  return (await res.json()).requests;
}

test('tools/list shows the Fastly and back-office tools with their schemas', async () => {
  const { tools } = await http.listTools();
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  for (const name of [
    'fastly_list_services', 'fastly_get_service', 'fastly_get_generated_vcl', 'fastly_get_stats',
    'fastly_list_backends', 'fastly_list_domains', 'fastly_purge_surrogate_key', 'fastly_purge_all',
    'backoffice_register_hours', 'backoffice_work_summary', 'backoffice_staff_role',
  ]) {
    const tool = byName[name];
    assert.ok(tool, `missing ${name}`);
    assert.equal(tool.inputSchema.type, 'object');
    assert.ok(tool.description.length > 40, name);
    assert.equal(typeof tool.annotations.readOnlyHint, 'boolean');
  }
  assert.equal(byName.fastly_purge_all.annotations.destructiveHint, true);
  assert.deepEqual(byName.fastly_get_service.inputSchema.required, ['service_id']);
  assert.equal(byName.backoffice_register_hours.inputSchema.properties.date.format, 'date');
});

for (const transport of ['streamable-http', 'legacy-sse']) test(`every tool returns data from the double (${transport})`, async () => {
  const client = transport === 'streamable-http' ? http : sse;
  const calls = [
    ['fastly_list_services', { per_page: 2 }],
    ['fastly_get_service', { service_id: SHOP }],
    ['fastly_get_generated_vcl', { service_id: GATEWAY }],
    ['fastly_get_stats', { service_id: SHOP, from: '3 days ago', to: 'now', by: 'day' }],
    ['fastly_list_backends', { service_id: SHOP }],
    ['fastly_list_domains', { service_id: SHOP, version: 2 }],
    ['fastly_purge_surrogate_key', { service_id: SHOP, surrogate_key: 'product-42' }],
    ['fastly_purge_all', { service_id: GATEWAY }],
    ['backoffice_register_hours', { crew_id: 'c-1004', date: '2026-11-20', hours: 7.5, note: 'dock 3' }],
    ['backoffice_work_summary', { crew_id: 'c-1001', from: '2025-09-01', to: '2025-09-30' }],
    ['backoffice_staff_role', { crew_id: 'c-1002' }],
  ];
  const results = {};
  for (const [name, args] of calls) {
    const result = await client.callTool({ name, arguments: args });
    assert.notEqual(result.isError, true, `${name}: ${text(result)}`);
    results[name] = result;
    console.log(`[${transport}] ${name} ${JSON.stringify(args)} -> ${short(result.structuredContent ?? text(result))}`);
  }
  assert.equal(results.fastly_list_services.structuredContent.items.length, 2);
  assert.equal(results.fastly_get_service.structuredContent.name, 'shop-frontend');
  assert.equal(results.fastly_get_service.structuredContent.active_version.number, 6);
  assert.match(results.fastly_get_generated_vcl.content[0].text, /sub vcl_recv/);
  assert.ok(results.fastly_get_stats.structuredContent.items.length >= 1);
  assert.ok('requests' in results.fastly_get_stats.structuredContent.items[0]);
  assert.ok(results.fastly_list_backends.structuredContent.items.every((b) => b.version === 6));
  assert.equal(results.fastly_purge_surrogate_key.structuredContent.status, 'ok');
  assert.equal(results.backoffice_register_hours.structuredContent.hours, 7.5);
  assert.equal(results.backoffice_work_summary.structuredContent.total_hours, 169.5);
  assert.equal(results.backoffice_staff_role.structuredContent.crew_id, 'c-1002');

  // The token went to the API as Fastly-Key / Bearer; the double saw the resolved version.
  const seen = await backendRequests();
  assert.ok(seen.some((r) => r.path === `/service/${SHOP}/version/6/backend`));
  assert.ok(seen.filter((r) => r.path.startsWith('/service')).every((r) => r.headers['fastly-key'] === '[redacted]'));
});

for (const transport of ['streamable-http', 'legacy-sse']) test(`invalid arguments are refused before any backend call (${transport})`, async () => {
  const client = transport === 'streamable-http' ? http : sse;
  await fetch(`${stack.apiDouble}/__double/requests`, { method: 'DELETE' });
  const cases = [
    ['fastly_get_service', {}, /"service_id" is a required property/],
    ['fastly_get_service', { service_id: '../admin' }, /'service_id'/],
    ['fastly_list_services', { per_page: 1000 }, /'per_page': 1000 is greater than the maximum of 100/],
    ['fastly_get_stats', { service_id: SHOP, from: 'now', by: 'week' }, /'by'/],
    ['backoffice_register_hours', { crew_id: 'c-1001', date: '2026-02-30', hours: 8 }, /'date'/],
    ['backoffice_register_hours', { crew_id: 'c-1001', date: '2026-02-03', hours: -1 }, /'hours'/],
    ['backoffice_staff_role', { crew_id: 'c-1001', extra: true }, /Additional properties/],
  ];
  for (const [name, args, pattern] of cases) {
    const result = await client.callTool({ name, arguments: args });
    assert.equal(result.isError, true, name);
    assert.match(text(result), /^Invalid arguments: /);
    assert.match(text(result), pattern, `${name}: ${text(result)}`);
  }
  // Only the legacy transport's own publishes reached the API, no tool call.
  assert.deepEqual((await backendRequests()).filter((r) => !r.path.endsWith('/publish/')), []);
});

for (const transport of ['streamable-http', 'legacy-sse']) test(`upstream 401, 404, 429 and 500 become isError results with status and message (${transport})`, async () => {
  const client = transport === 'streamable-http' ? http : sse;
  const notFound = await client.callTool({ name: 'fastly_get_service', arguments: { service_id: 'NoSuchService000000000' } });
  assert.equal(notFound.isError, true);
  assert.match(text(notFound), /^HTTP 404: Not found/);
  assert.match(text(notFound), /Cannot find service 'NoSuchService000000000'/);

  const limited = await client.callTool({ name: 'fastly_get_stats', arguments: { service_id: RATE_LIMITED, from: '1 day ago' } });
  assert.match(text(limited), /^HTTP 429: Rate limited by the API: retry after 30 seconds/);
  assert.equal(limited.structuredContent, undefined);

  const broken = await client.callTool({ name: 'fastly_list_domains', arguments: { service_id: BROKEN, version: 1 } });
  assert.match(text(broken), /^HTTP 500: The API failed/);

  const missingCrew = await client.callTool({ name: 'backoffice_staff_role', arguments: { crew_id: 'c-9999' } });
  assert.match(text(missingCrew), /HTTP 404.*crew member not found/);

  if (transport === 'legacy-sse') return; // 401 needs a stack of its own; one transport suffices
  const wrongToken = await startStack({ serviceApiToken: 'not-the-token' });
  try {
    const client = await connectHttp(wrongToken.mcp);
    const denied = await client.callTool({ name: 'fastly_list_services', arguments: {} });
    assert.equal(denied.isError, true);
    assert.match(text(denied), /^HTTP 401: The API refused this server's credentials/);
    assert.match(text(denied), /Provided credentials are missing or invalid/);
    assert.doesNotMatch(JSON.stringify(denied), /not-the-token/);
    await client.close();
  } finally {
    await wrongToken.stop();
  }
});

test('results over the size cap are cut with a note and can be paged', async () => {
  const first = await http.callTool({ name: 'fastly_get_generated_vcl', arguments: { service_id: SHOP } });
  assert.equal(first.content[0].text.length, 16384);
  const note = first.content[1].text;
  const match = /bytes 0-16384 of (\d+)\. Call again with offset=16384/.exec(note);
  assert.ok(match, note);
  const total = Number(match[1]);
  const rest = await http.callTool({ name: 'fastly_get_generated_vcl', arguments: { service_id: SHOP, offset: 16384 } });
  assert.equal(first.content[0].text.length + rest.content[0].text.length, total);

  const stats = await http.callTool({ name: 'fastly_get_stats', arguments: { service_id: SHOP, from: '12 hours ago', by: 'minute' } });
  assert.equal(stats.structuredContent.truncated, true);
  assert.ok(stats.structuredContent.items.length < stats.structuredContent.total);
  assert.match(text(stats), /Cut to fit: showing the first \d+ of \d+ items/);
  console.log(`size cap: VCL ${total} bytes paged 16384 + ${rest.content[0].text.length}; stats ${stats.structuredContent.items.length} of ${stats.structuredContent.total} buckets`);
});

test('path traversal and header injection never reach the backend as such', async () => {
  await fetch(`${stack.apiDouble}/__double/requests`, { method: 'DELETE' });
  const hostile = ['../../service', 'a/../../b', 'x%2Fy', 'k\r\nFastly-Key: stolen', 'k\nX-Injected: 1'];
  for (const key of hostile) {
    const result = await http.callTool({ name: 'fastly_purge_surrogate_key', arguments: { service_id: SHOP, surrogate_key: key } });
    assert.notEqual(result.isError, true, text(result));
  }
  const seen = await backendRequests();
  assert.equal(seen.length, hostile.length);
  for (const request of seen) {
    assert.match(request.url, new RegExp(`^/service/${SHOP}/purge/[^/]+$`), request.url);
    assert.doesNotMatch(request.url, /\.\.\/|\r|\n/);
    assert.equal(request.headers['x-injected'], undefined);
  }
  assert.ok(seen.some((r) => r.url.endsWith('/purge/..%2F..%2Fservice')));
  assert.ok(seen.some((r) => r.url.endsWith('/purge/x%252Fy')));
  // Arguments cannot reach headers at all; a CR/LF in a path-bound id is refused.
  const refused = await http.callTool({ name: 'fastly_get_service', arguments: { service_id: 'abc\r\nX-Injected: 1' } });
  assert.equal(refused.isError, true);
});

test('guarded writes are refused with a clear message when not enabled', async () => {
  const readOnly = await startStack({ config: { allow_writes: '' } });
  try {
    const client = await connectHttp(readOnly.mcp);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    assert.ok(!names.includes('fastly_purge_all') && !names.includes('backoffice_register_hours'));
    assert.ok(names.includes('fastly_get_service'));
    const refused = await client.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /disabled on this server: it changes data, and writes for tool set 'fastly' are off/);
    const log = await (await fetch(`${readOnly.apiDouble}/__double/requests`)).json();
    assert.ok(!log.requests.some((r) => r.path.includes('purge')));
    await client.close();
  } finally {
    await readOnly.stop();
  }
});

test('each catalog reaches its own backend with its own credential, never the other\'s', async () => {
  const doubles = { api: stack.apiDouble, backoffice: stack.backofficeDouble };
  for (const url of Object.values(doubles)) await fetch(`${url}/__double/requests`, { method: 'DELETE' });
  for (const client of [http, sse]) {
    for (const [name, args] of [['fastly_list_services', {}], ['backoffice_staff_role', { crew_id: 'c-1002' }]]) {
      const result = await client.callTool({ name, arguments: args });
      assert.notEqual(result.isError, true, `${name}: ${text(result)}`);
    }
  }
  const seen = {};
  for (const [name, url] of Object.entries(doubles)) {
    seen[name] = (await (await fetch(`${url}/__double/requests`)).json()).requests;
  }
  const summary = (requests) => requests.map((r) => `${r.method} ${r.path} ${r.status} [${Object.keys(r.headers).filter((h) => ['fastly-key', 'authorization'].includes(h))}]`);
  console.log(`backend api saw: ${summary(seen.api).join('; ')}`);
  console.log(`backend backoffice saw: ${summary(seen.backoffice).join('; ')}`);
  // The Fastly API: the tool calls with Fastly-Key (the double answers 401 to any other
  // token), the legacy SSE replies as publishes, and never a back-office request or token.
  const apiCalls = seen.api.filter((r) => !r.path.endsWith('/publish/'));
  assert.equal(apiCalls.length, 2);
  assert.ok(apiCalls.every((r) => r.path === '/service' && r.status === 200 && r.headers['fastly-key'] && !r.headers.authorization));
  assert.ok(seen.api.some((r) => r.path.endsWith('/publish/')), 'Fanout publishes go to the Fastly API');
  // The back-office API: its two calls with its bearer token, nothing else at all.
  assert.equal(seen.backoffice.length, 2);
  assert.ok(seen.backoffice.every((r) => r.path.startsWith('/backoffice/') && r.status === 200 && r.headers.authorization && !r.headers['fastly-key']));
});
