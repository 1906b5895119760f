// A legacy SSE session outlives session_ttl_seconds (README: "A legacy session lives as
// long as its stream"): Fanout keeps the stream open for as long as the client stays, and
// a legacy client never learns a new endpoint, so an expiring sessionId would leave it
// posting into 404s on a stream that looks healthy. Here the lifetime is 10 s: a
// Streamable HTTP session from the same moment is gone after it (404, so that client
// re-initializes), while mcp-remote --transport sse-only keeps working on its session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ROOT, post, startStack } from './lib/stack.mjs';

const MCP_REMOTE = path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js');
const TTL = 10;

let stack;
let client;
before(async () => { stack = await startStack({ config: { session_ttl_seconds: String(TTL) } }); });
after(async () => {
  await client?.close().catch(() => {});
  await stack?.stop();
});

test(`a legacy session keeps working past session_ttl_seconds (${TTL} s); a Streamable HTTP one expires`, async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP_REMOTE, stack.sse, '--transport', 'sse-only'],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'mcp-remote-')) },
    stderr: 'pipe',
  });
  client = new Client({ name: 'long-lived', version: '1.0.0' });
  await client.connect(transport);
  const call = () => client.callTool({ name: 'test_simple_text', arguments: {} }, undefined, { timeout: 20_000 });
  assert.equal((await call()).content[0].text, 'This is a simple text response for testing.');

  const init = await post(stack.mcp, {
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'short', version: '1' } },
  });
  const sessionId = init.headers.get('mcp-session-id');
  assert.ok(sessionId, 'initialize issues an Mcp-Session-Id');
  const streamablePing = () => post(stack.mcp, { jsonrpc: '2.0', id: 2, method: 'ping' },
    { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' });
  assert.equal((await streamablePing()).status, 200);

  const started = Date.now();
  await sleep((TTL + 3) * 1000);
  const expired = await streamablePing();
  const late = await call();
  console.log(`after ${((Date.now() - started) / 1000).toFixed(1)} s (session_ttl_seconds ${TTL}): `
    + `Streamable HTTP session HTTP ${expired.status}, legacy session call: ${JSON.stringify(late.content)}`);
  assert.equal(expired.status, 404, 'the Streamable HTTP session expired');
  assert.equal(late.content[0].text, 'This is a simple text response for testing.');
  assert.deepEqual(await client.ping(), {});
});
