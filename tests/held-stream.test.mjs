// Server->client requests for 2025 clients on a stateless edge (src/transport/held.rs):
// the TypeScript SDK v1 client over Streamable HTTP, and mcp-remote --transport sse-only
// (as LibreChat runs it) on the legacy SSE transport, call tools that elicit and sample,
// their own handlers answering; the stream is held by Fanout (Pushpin here), the answer
// arrives at another instance and what follows is published to that stream. A forged
// continuation is refused and publishes nothing (the api double's publish log).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateMessageRequestSchema, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { ROOT, post, startStack } from './lib/stack.mjs';
import { openSse, sseEvent } from './lib/sse.mjs';

const SHOP = '4kq2mVxR8TnWb6LpZ3dHsA';

let stack;
let client;
let transport;
let viaSse;
const asked = [];

/** A client that declares elicitation and sampling, and whose handlers answer. */
function answeringClient(name) {
  const c = new Client({ name, version: '1.0.0' }, { capabilities: { elicitation: {}, sampling: {} } });
  c.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params);
    const confirm = request.params.requestedSchema?.properties?.confirm;
    return { action: 'accept', content: confirm ? { confirm: true } : { response: 'from the handler' } };
  });
  c.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    asked.push(request.params);
    return { role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model', stopReason: 'endTurn' };
  });
  return c;
}

before(async () => {
  stack = await startStack();
  client = answeringClient('held-test');
  transport = new StreamableHTTPClientTransport(new URL(stack.mcp));
  await client.connect(transport);
  viaSse = answeringClient('held-test-sse');
  await viaSse.connect(new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js'), stack.sse, '--transport', 'sse-only'],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'mcp-remote-')) },
    stderr: 'pipe',
  }));
});

after(async () => {
  await client?.close();
  await viaSse?.close();
  await stack?.stop();
});

async function requests() {
  const { requests } = await (await fetch(`${stack.apiDouble}/__double/requests`)).json();
  return requests;
}
const publishes = async () => (await requests()).filter((r) => r.path.endsWith('/publish/')).length;

test('a tool that elicits and one that samples finish with the v1 client\'s answers', async () => {
  const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Your name?' } });
  assert.equal(elicited.content[0].text, 'User response: action=accept, content={"response":"from the handler"}');
  const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital of France?' } });
  assert.equal(sampled.content[0].text, 'LLM response: Paris');
  assert.equal(asked[0].message, 'Your name?');
  assert.equal(asked[1].messages[0].content.text, 'Capital of France?');
  console.log(`held: ${JSON.stringify(elicited.content[0].text)}; ${JSON.stringify(sampled.content[0].text)}; ${await publishes()} publishes`);
});

test('mcp-remote --transport sse-only: the same tools, answered through the legacy SSE session', async () => {
  const before = asked.length;
  const elicited = await viaSse.callTool({ name: 'test_elicitation', arguments: { message: 'Over SSE?' } });
  assert.equal(elicited.content[0].text, 'User response: action=accept, content={"response":"from the handler"}');
  const sampled = await viaSse.callTool({ name: 'test_sampling', arguments: { prompt: 'And over SSE?' } });
  assert.equal(sampled.content[0].text, 'LLM response: Paris');
  assert.deepEqual(asked.slice(before).map((p) => p.message ?? p.messages[0].content.text), ['Over SSE?', 'And over SSE?']);
  console.log(`legacy SSE: ${JSON.stringify(elicited.content[0].text)}; ${JSON.stringify(sampled.content[0].text)}`);
});

test('a call that lets its connection go is resumed by the v1 client with Last-Event-ID', async () => {
  const result = await client.callTool({ name: 'test_reconnection', arguments: {} });
  assert.match(result.content[0].text, /^Reconnection test completed successfully/);
  // The GET that resumed it: its log line is written after its response, so wait for it.
  await stack.waitForLog(
    (logs) => logs.some((l) => /"http_method":"GET","path":"\/mcp","mcp_method":"tools\/call"/.test(l)),
    { what: 'the log line of the GET with Last-Event-ID' },
  );
  console.log(`resumed: ${JSON.stringify(result.content[0].text.slice(0, 40))}`);
});

test('a guarded write is confirmed through the v1 client\'s elicitation handler', async () => {
  await fetch(`${stack.apiDouble}/__double/requests`, { method: 'DELETE' });
  const result = await client.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.notEqual(result.isError, true, JSON.stringify(result));
  assert.match(asked.at(-1).message, new RegExp(`POST /service/${SHOP}/purge_all`));
  const seen = (await requests()).map((r) => `${r.method} ${r.path}`);
  assert.ok(seen.includes(`POST /service/${SHOP}/purge_all`), seen.join(', '));
  console.log(`confirmed by the v1 client: backend saw ${JSON.stringify(seen)}`);
});

test('a forged continuation is refused and nothing is published', async () => {
  const before = await publishes();
  for (const id of ['k1.forged.AAAA', 'k1.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'k1.']) {
    const res = await fetch(stack.mcp, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25', 'mcp-session-id': transport.sessionId,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id, result: { action: 'accept', content: { response: 'forged' } } }),
    });
    assert.equal(res.status, 400, id);
    assert.match((await res.json()).error.message, /answers no request of this server/);
  }
  // The same on a legacy SSE session's POST /messages.
  const stream = await openSse(stack.sse);
  const endpoint = sseEvent(await stream.next((b) => b.includes('event: endpoint'))).data;
  const forged = { jsonrpc: '2.0', id: 'k1.e30.AAAA', result: { action: 'accept', content: {} } };
  const res = await post(new URL(endpoint, stack.base).toString(), forged);
  stream.close();
  assert.equal(res.status, 400);
  assert.match(res.json.error.message, /answers no request of this server/);
  assert.equal(await publishes(), before);
  console.log(`forged: 3 x HTTP 400 on /mcp, 1 x HTTP 400 on /messages, publishes before ${before}, after ${await publishes()}`);
});

test('an answer published before Fanout subscribed the held stream still brings the result', async () => {
  // The first publish to a call's channel goes nowhere, as when POST #2 reaches Fanout
  // before the stream it answers was subscribed (the api double's "not subscribed yet").
  const knob = await fetch(`${stack.apiDouble}/__double/unsubscribed`, {
    method: 'POST', body: JSON.stringify({ channelPrefix: 'mcp-call-', count: 1 }),
  });
  assert.equal(knob.status, 200);
  const started = Date.now();
  const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Late?' } });
  const elapsed = Date.now() - started;
  assert.equal(elicited.content[0].text, 'User response: action=accept, content={"response":"from the handler"}');
  assert.equal(asked.at(-1).message, 'Late?');
  const dropped = stack.logs.filter((l) => l.includes('delivered=none(not-subscribed-yet)'));
  assert.equal(dropped.length, 1, 'exactly one publish was lost');
  // Fanout fetched the kept result from the next link, whose log line follows its response.
  await stack.waitForLog(
    (logs) => logs.some((l) => /"http_method":"GET","path":"\/held\/mcp-call-[0-9a-f]+","mcp_method":null,"tool":null,"status":200/.test(l)),
    { what: 'the log line of Fanout fetching the held stream\'s next link' },
  );
  console.log(`late subscription: publish lost (${dropped.length}), result fetched from the next link after ${elapsed} ms: ${JSON.stringify(elicited.content[0].text)}`);
});

test('a held stream that broke before the answer resumes through Fanout with Last-Event-ID', async () => {
  const headers = {
    'content-type': 'application/json', accept: 'application/json, text/event-stream',
    'mcp-protocol-version': '2025-11-25', 'mcp-session-id': transport.sessionId,
  };
  const call = { jsonrpc: '2.0', id: 'broken-1', method: 'tools/call', params: { name: 'test_elicitation', arguments: { message: 'Still there?' } } };
  const first = await openSse(stack.mcp, { method: 'POST', headers, body: JSON.stringify(call) });
  const question = sseEvent(await first.next((b) => b.includes('elicitation/create')));
  first.close();
  assert.match(question.id, /^h1\./);
  const asked = JSON.parse(question.data);
  // The client answers while it has no stream: the publish reaches no subscriber.
  const answer = { jsonrpc: '2.0', id: asked.id, result: { action: 'accept', content: { response: 'back again' } } };
  const posted = await fetch(stack.mcp, { method: 'POST', headers, body: JSON.stringify(answer) });
  assert.equal(posted.status, 202);
  // It reconnects from the question's event id, at any instance, and gets the result.
  const resumed = await openSse(stack.mcp, { headers: { ...headers, 'last-event-id': question.id } });
  assert.equal(resumed.response.status, 200);
  const result = JSON.parse(sseEvent(await resumed.next((b) => b.includes('"broken-1"'))).data);
  resumed.close();
  assert.equal(result.result.content[0].text, 'User response: action=accept, content={"response":"back again"}');
  // A forged event id is refused.
  const forged = await fetch(stack.mcp, { headers: { ...headers, 'last-event-id': `${question.id}x` } });
  assert.equal(forged.status, 400);
  console.log(`resumed through Fanout: ${JSON.stringify(result.result.content[0].text)}; forged Last-Event-ID HTTP ${forged.status}`);
});
