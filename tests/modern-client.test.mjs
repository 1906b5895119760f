// MCP 2026-07-28 end to end with the TypeScript SDK v2 client (@modelcontextprotocol/client,
// versionNegotiation 'auto'): discover, tools/list, a tool call, and a guarded write that
// the user confirms (or declines) through the client's elicitation handler, on the same
// /mcp endpoint the 2025 clients use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startStack } from './lib/stack.mjs';

const SHOP = '4kq2mVxR8TnWb6LpZ3dHsA';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.stop(); });

/** A v2 client in 'auto' mode; `answer` (when given) is its elicitation handler. */
async function connect(answer) {
  const capabilities = answer ? { elicitation: { form: {} } } : {};
  const client = new Client({ name: 'modern-test', version: '1.0.0' }, {
    capabilities, versionNegotiation: { mode: 'auto' },
  });
  const asked = [];
  if (answer) {
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params);
      return answer(request.params);
    });
  }
  await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcp)));
  return { client, asked };
}

async function purges() {
  const { requests } = await (await fetch(`${stack.apiDouble}/__double/requests`)).json();
  return requests.filter((r) => r.path.includes('purge')).map((r) => `${r.method} ${r.path}`);
}
const clearLog = () => fetch(`${stack.apiDouble}/__double/requests`, { method: 'DELETE' });

test('the v2 client negotiates 2026-07-28, discovers, lists and calls', async () => {
  const { client } = await connect();
  assert.equal(client.getProtocolEra(), 'modern');
  assert.equal(client.getNegotiatedProtocolVersion(), '2026-07-28');
  const discovered = await client.discover();
  assert.deepEqual(discovered.supportedVersions, ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);
  assert.equal(discovered._meta['io.modelcontextprotocol/serverInfo'].name, 'mcp-edge');
  const { tools } = await client.listTools();
  assert.ok(tools.some((t) => t.name === 'fastly_purge_all'));
  const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
  assert.equal(result.content[0].text, 'This is a simple text response for testing.');
  console.log(`v2 client: era ${client.getProtocolEra()} ${client.getNegotiatedProtocolVersion()}, discover ${JSON.stringify(discovered.supportedVersions)}, ${tools.length} tools, test_simple_text: ${result.content[0].text}`);
  await client.close();
});

test('a guarded write runs only after the user confirms it through elicitation', async () => {
  await clearLog();
  const { client, asked } = await connect(() => ({ action: 'accept', content: { confirm: true } }));
  const result = await client.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.notEqual(result.isError, true, JSON.stringify(result));
  assert.equal(asked.length, 1);
  assert.match(asked[0].message, new RegExp(`this changes data\\. Confirm to send:\\nPOST /service/${SHOP}/purge_all \\(backend api\\)`));
  assert.deepEqual(asked[0].requestedSchema.required, ['confirm']);
  assert.deepEqual(await purges(), [`POST /service/${SHOP}/purge_all`]);
  console.log(`confirmed: asked ${JSON.stringify(asked[0].message)}; backend saw ${JSON.stringify(await purges())}; result ${JSON.stringify(result.structuredContent ?? result.content[0].text)}`);
  await client.close();
});

test('a declined write sends nothing; a client that cannot ask gets today\'s behaviour', async () => {
  await clearLog();
  const { client: declining, asked } = await connect(() => ({ action: 'decline' }));
  const declined = await declining.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.equal(declined.isError, true);
  assert.match(declined.content[0].text, /^Not done: the user did not confirm this change, so nothing was sent/);
  assert.equal(asked.length, 1);
  assert.deepEqual(await purges(), []);
  await declining.close();

  // 2026-07-28 without elicitation, and the 2025 (v1) client: the write runs as before.
  const { client: silent } = await connect();
  const direct = await silent.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.notEqual(direct.isError, true, JSON.stringify(direct));
  await silent.close();
  const v1 = new ClientV1({ name: 'legacy-test', version: '1.0.0' }, { capabilities: { elicitation: {} } });
  await v1.connect(new TransportV1(new URL(stack.mcp)));
  const legacy = await v1.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.notEqual(legacy.isError, true, JSON.stringify(legacy));
  await v1.close();
  assert.deepEqual(await purges(), [`POST /service/${SHOP}/purge_all`, `POST /service/${SHOP}/purge_all`]);
  console.log(`declined: ${JSON.stringify(declined.content[0].text.split('\n')[0])}; then without elicitation (v2) and v1: backend saw ${JSON.stringify(await purges())}`);
});

test('2026-07-28 streams say X-Accel-Buffering: no, and removed methods are 404', async () => {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const post = (method, params, extra = {}) => fetch(stack.mcp, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...extra,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 5, method, params: { ...params, _meta: { ...meta, ...params._meta } } }),
  });
  const streamed = await post('tools/call', { name: 'test_tool_with_progress', _meta: { progressToken: 'p' } }, { 'mcp-name': 'test_tool_with_progress' });
  assert.equal(streamed.headers.get('content-type'), 'text/event-stream');
  assert.equal(streamed.headers.get('x-accel-buffering'), 'no');
  const events = (await streamed.text()).split('\n\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^event: message\ndata: /, '')));
  assert.deepEqual(events.map((e) => e.method ?? 'result'), ['notifications/progress', 'notifications/progress', 'notifications/progress', 'result']);
  assert.equal(events[3].result.resultType, 'complete');
  const ping = await post('ping', {});
  assert.equal(ping.status, 404);
  assert.equal((await ping.json()).error.code, -32601);
});

// bench_progress with pauses (10 x 1 s) leaves the service ten seconds in which to see the
// closed stream, on however loaded a machine.
test('a client that closes the response stream cancels its request (the service sees the closed stream)', async () => {
  const controller = new AbortController();
  const res = await fetch(stack.mcp, {
    method: 'POST',
    signal: controller.signal,
    headers: {
      'content-type': 'application/json', accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'bench_progress',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'cancel-me', method: 'tools/call', params: {
      name: 'bench_progress',
      arguments: { steps: 10, pause_ms: 1000 },
      _meta: {
        progressToken: 'c',
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    } }),
  });
  const reader = res.body.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  assert.match(first, /notifications\/progress/);
  controller.abort();
  const line = await stack.waitForLog(
    (logs) => logs.find((l) => l.includes('"tool":"bench_progress"') && l.includes('request cancelled')),
    { what: 'the log line of the cancelled request' },
  );
  // It stopped at a write after the close, far short of its 10 s of work (it writes once
  // a second: the margin is for a loaded machine, not a timing claim).
  const { duration_ms: ms } = JSON.parse(line.slice(line.indexOf('{')));
  assert.ok(ms < 9000, `ran ${ms} ms`);
  console.log(`cancelled: ${line.trim()}`);
});
