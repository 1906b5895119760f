// The legacy HTTP+SSE transport end to end, the way LibreChat uses it: mcp-remote
// --transport sse-only, spawned as a stdio server by the TS SDK's StdioClientTransport,
// against the wasm under Viceroy with Pushpin holding the streams.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { openSse, sseEvent } from './lib/sse.mjs';
import { ROOT, post, startStack } from './lib/stack.mjs';
import { payload } from './lib/payload.mjs';

const MCP_REMOTE = path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js');

let stack;
const clients = [];

async function connectViaMcpRemote(name) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP_REMOTE, stack.sse, '--transport', 'sse-only'],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'mcp-remote-')) },
    stderr: 'pipe',
  });
  const stderr = [];
  transport.stderr?.on('data', (d) => stderr.push(d.toString()));
  const client = new Client({ name, version: '1.0.0' });
  client.stderr = stderr;
  await client.connect(transport);
  clients.push(client);
  return client;
}

before(async () => { stack = await startStack(); });
after(async () => {
  for (const client of clients) await client.close().catch(() => {});
  await stack?.stop();
});

test('mcp-remote sse-only: initialize, tools/list, a tool call, ping, an error', async () => {
  const client = await connectViaMcpRemote('librechat-like');
  assert.equal(client.getServerVersion().name, 'mcp-edge');

  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'test_simple_text'));

  const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
  console.log('mcp-remote tools/call test_simple_text ->', JSON.stringify(result));
  assert.deepEqual(result.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);

  assert.deepEqual(await client.ping(), {});

  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (err) => {
    assert.equal(err.code, -32602);
    assert.match(err.message, /unknown tool 'no_such_tool'/);
    return true;
  });
  const failed = await client.callTool({ name: 'test_error_handling', arguments: {} });
  assert.equal(failed.isError, true);
});

test('progress notifications travel on the stream before the result: the raw stream', async () => {
  // What the service sent through Fanout, read off the SSE stream itself: after the
  // endpoint event, one event per notification, in order, then the result.
  const stream = await openSse(stack.sse);
  try {
    assert.equal(stream.response.status, 200);
    const endpoint = sseEvent(await stream.next((b) => sseEvent(b).event === 'endpoint'));
    const accepted = await post(new URL(endpoint.data, stack.base).toString(), {
      jsonrpc: '2.0', id: 'progress-raw', method: 'tools/call',
      params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'tok-9' } },
    });
    assert.equal(accepted.status, 202, accepted.text);
    const blocks = await stream.until((b) => b.includes('"id":"progress-raw"'));
    const events = blocks.map(sseEvent).filter((e) => !e.comment); // keep-alives may fall anywhere
    assert.deepEqual(events.map((e) => e.event), Array(4).fill('message'));
    assert.deepEqual(events.map((e) => JSON.parse(e.data)), [
      ...[0, 50, 100].map((progress) => ({
        jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok-9', progress, total: 100 },
      })),
      { jsonrpc: '2.0', id: 'progress-raw', result: { content: [{ type: 'text', text: 'Progress test completed' }] } },
    ]);
  } finally {
    stream.close();
  }
});

test('progress notifications through mcp-remote: the result, and never a progress out of order', async () => {
  // mcp-remote relays the stream to the TS SDK client over stdio, whose transport parses
  // a whole stdout chunk in one synchronous loop: a progress notification's handler is
  // queued as a microtask, the result in the same chunk is handled at once and removes
  // the request's progress handler, so the SDK drops every notification that shares a
  // chunk with the result (how many do depends on pipe timing). What the service sent is
  // checked on the raw stream above; here: the result, and the notifications the SDK did
  // deliver are the first ones the service sent, in order.
  const client = await connectViaMcpRemote('progress');
  const seen = [];
  const result = await client.callTool(
    { name: 'test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => seen.push([p.progress, p.total]) },
  );
  assert.deepEqual(result.content, [{ type: 'text', text: 'Progress test completed' }]);
  assert.deepEqual(seen, [[0, 100], [50, 100], [100, 100]].slice(0, seen.length));
});

test('two sessions in parallel never see each other\'s messages', async () => {
  const [a, b] = await Promise.all([connectViaMcpRemote('a'), connectViaMcpRemote('b')]);
  const logs = { a: [], b: [] };
  a.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.a.push(n.params.data));
  b.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.b.push(n.params.data));
  const calls = [];
  for (let i = 0; i < 5; i += 1) {
    calls.push(a.callTool({ name: 'test_tool_with_logging', arguments: {} }));
    calls.push(b.callTool({ name: 'test_structured_output', arguments: { message: `b-${i}` } }));
  }
  const results = await Promise.all(calls);
  for (let i = 0; i < 5; i += 1) {
    assert.equal(results[2 * i].content[0].text, 'Tool with logging executed successfully');
    assert.deepEqual(results[2 * i + 1].structuredContent, { message: `b-${i}`, length: 3 });
  }
  assert.equal(logs.a.length, 15);
  assert.deepEqual(logs.b, []);
});

test('large results arrive intact and in order (10 KB, 200 KB)', async () => {
  const client = await connectViaMcpRemote('large');
  for (const bytes of [10 * 1024, 200 * 1024]) {
    const started = process.hrtime.bigint();
    const result = await client.callTool({ name: 'diagnostics_payload', arguments: { bytes } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const text = result.content[0].text;
    assert.equal(text.length, bytes);
    assert.equal(text, payload(bytes), 'content differs: parts lost or out of order');
    console.log(`legacy SSE diagnostics_payload ${bytes} bytes: intact, ${ms.toFixed(1)} ms`);
  }
});

test('a result over the publish budget becomes a JSON-RPC error for that id', async () => {
  const client = await connectViaMcpRemote('too-large');
  await assert.rejects(
    client.callTool({ name: 'diagnostics_payload', arguments: { bytes: 1024 * 1024 } }),
    (err) => {
      assert.equal(err.code, -32603);
      assert.match(err.message, /Result too large for the SSE transport/);
      return true;
    },
  );
  // The session still works afterwards.
  assert.deepEqual(await client.ping(), {});
});

test('20 parallel calls on one session: no reply is ever interleaved with another', async () => {
  // LLM clients issue parallel tool calls and mcp-remote forwards them concurrently, so
  // replies split over several Fanout items are published while others are. Sizes differ
  // per call (200 KB + i, 30 KB + i), so each result also proves it went to its own id.
  const client = await connectViaMcpRemote('parallel');
  await fetch(`${stack.apiDouble}/__double/requests`, { method: 'DELETE' });
  const calls = [];
  for (let i = 0; i < 20; i += 1) {
    const kind = ['200k', '30k', 'ping', '30k'][i % 4];
    const bytes = kind === '200k' ? 200_000 + i : 30_000 + i;
    const started = process.hrtime.bigint();
    const call = kind === 'ping'
      ? client.ping({ timeout: 30_000 }).then((result) => ({ result }))
      : client.callTool({ name: 'diagnostics_payload', arguments: { bytes } }, undefined, { timeout: 30_000 })
        .then((result) => ({ result, bytes }));
    calls.push(call.then((out) => ({ ...out, i, kind, ms: Number(process.hrtime.bigint() - started) / 1e6 })));
  }
  const started = process.hrtime.bigint();
  const settled = await Promise.allSettled(calls);
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
  const failed = settled.filter((s) => s.status === 'rejected');
  const done = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value);
  let intact = 0;
  let bytesReceived = 0;
  for (const { result, bytes, kind, i } of done) {
    if (kind === 'ping') {
      assert.deepEqual(result, {}, `ping ${i}`);
    } else {
      const text = result.content[0].text;
      assert.equal(text.length, bytes, `call ${i} got a reply of another size: not its own`);
      assert.equal(text, payload(bytes), `call ${i}: content differs`);
      bytesReceived += bytes;
    }
    intact += 1;
  }
  const kinds = (k) => settled.filter((_, i) => ['200k', '30k', 'ping', '30k'][i % 4] === k).length;
  console.log(`legacy SSE 20 parallel calls on one session (${kinds('200k')} x 200 KB, ${kinds('30k')} x 30 KB, ${kinds('ping')} pings): `
    + `${intact} intact, ${failed.length} failed (${[...new Set(failed.map((f) => f.reason?.message))].join('; ')}), `
    + `${(bytesReceived / 1024).toFixed(0)} KB of results, ${totalMs.toFixed(0)} ms`);
  // What reached the publish API: one request per reply, large ones as several items,
  // none over Fanout's message limit.
  const publishes = (await (await fetch(`${stack.apiDouble}/__double/requests`)).json()).requests
    .filter((r) => r.path.endsWith('/publish/'));
  assert.ok(publishes.every((r) => r.status === 200 && !r.bodyTruncated));
  const items = publishes.map((r) => JSON.parse(r.body).items);
  const largest = Math.max(...items.flat().map((item) => Buffer.byteLength(JSON.stringify(item))));
  console.log(`  ${publishes.length} publish requests, items per request: ${items.map((i) => i.length).join(',')}; largest item ${largest} bytes`);
  assert.equal(publishes.length, 20, 'one publish request per reply');
  assert.ok(Math.max(...items.map((i) => i.length)) > 1, 'the 200 KB replies travel as several items');
  assert.ok(largest < 65_536, 'every item fits Fanout\'s message limit');
  assert.equal(failed.length, 0, 'every reply must arrive');
  assert.equal(intact, 20);
  // The session still works afterwards.
  assert.deepEqual(await client.ping(), {});
});
