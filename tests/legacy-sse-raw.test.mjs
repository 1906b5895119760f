// The legacy SSE transport over raw HTTP: the endpoint event, keep-alives, Grip-Sig
// verification on Fanout's callback, session id checks, and publish failures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { openSse as openStream, sseEvent as event } from './lib/sse.mjs';
import { post, startStack } from './lib/stack.mjs';

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.stop(); });

async function openSession() {
  const stream = await openStream(stack.sse);
  assert.equal(stream.response.status, 200);
  assert.match(stream.response.headers.get('content-type'), /^text\/event-stream/);
  const first = event(await stream.next((b) => b.includes('event: endpoint')));
  assert.match(first.data, /^\/messages\?sessionId=l1\.[0-9a-f]+\.[0-9a-f]{32}\.[0-9a-f]{32}\.[0-9a-f]{64}$/);
  return { ...stream, endpoint: new URL(first.data, stack.base).toString(), sessionId: first.data.split('=')[1] };
}

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

test('GET /sse through Fanout: endpoint event first, replies on the stream', async () => {
  const session = await openSession();
  const accepted = await post(session.endpoint, { ...ping, id: 'p-1' });
  assert.equal(accepted.status, 202);
  const reply = event(await session.next((b) => b.includes('"p-1"')));
  assert.equal(reply.event, 'message');
  assert.deepEqual(JSON.parse(reply.data), { jsonrpc: '2.0', result: {}, id: 'p-1' });
  session.close();
});

test('idle streams get keep-alive comments, which the service asks of Fanout every 20 s at most', async () => {
  // What the service asks: its GRIP answer (to a genuine Grip-Sig, as Fanout calls it)
  // names the comment and the interval; the interval is the service's promise.
  const now = Math.floor(Date.now() / 1000);
  const grip = await fetch(`${stack.base}/sse`, {
    headers: { accept: 'text/event-stream', 'grip-sig': jwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'pushpin', exp: now + 60 }, process.env.MCP_GRIP_KEY) },
  });
  assert.equal(grip.status, 200);
  await grip.body.cancel();
  const keepAlive = /^(.*); format=cstring; timeout=(\d+)$/.exec(grip.headers.get('grip-keep-alive'));
  assert.ok(keepAlive, grip.headers.get('grip-keep-alive'));
  assert.equal(keepAlive[1], ':\\n\\n');
  const seconds = Number(keepAlive[2]);
  assert.ok(seconds >= 1 && seconds <= 20, `timeout=${seconds}`);
  // What Fanout (Pushpin) does with it: an idle stream gets exactly that comment. The
  // wait is bounded well past the interval so a loaded machine cannot fail it; how
  // punctual Pushpin's timer is is Pushpin's, not the service's, and only reported.
  const session = await openSession();
  const started = Date.now();
  const comment = await session.next((b) => b.startsWith(':'), (seconds + 30) * 1000);
  assert.equal(comment, ':');
  console.log(`keep-alive comment after ${((Date.now() - started) / 1000).toFixed(1)} s (asked: every ${seconds} s)`);
  session.close();
});

function jwt(header, claims, key) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64(header)}.${b64(claims)}`;
  if (!key) return `${unsigned}.`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

test('a GET /sse with a missing Fanout route or a forged Grip-Sig is never treated as Fanout', async () => {
  const now = Math.floor(Date.now() / 1000);
  const key = process.env.MCP_GRIP_KEY;
  assert.ok(key, 'the stack exports MCP_GRIP_KEY');
  const direct = (sig) => fetch(`${stack.base}/sse`, { headers: { accept: 'text/event-stream', 'grip-sig': sig } });
  const forged = {
    garbage: 'not-a-jwt',
    'wrong key': jwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'pushpin', exp: now + 60 }, 'not the key'),
    'alg none': jwt({ alg: 'none', typ: 'JWT' }, { iss: 'pushpin', exp: now + 60 }),
    expired: jwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'pushpin', exp: now - 3600 }, key),
    'wrong issuer': jwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'mallory', exp: now + 60 }, key),
    'no expiry': jwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'pushpin' }, key),
  };
  for (const [name, sig] of Object.entries(forged)) {
    const res = await direct(sig);
    assert.equal(res.status, 403, name);
    assert.equal(res.headers.get('grip-hold'), null, name);
    assert.equal((await res.json()).error.code, -32600, name);
  }
  // The same request with a genuine signature gets the GRIP answer.
  const genuine = await direct(jwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'pushpin', exp: now + 60 }, key));
  assert.equal(genuine.status, 200);
  assert.equal(genuine.headers.get('grip-hold'), 'stream');
  assert.match(genuine.headers.get('grip-channel'), /^mcp-[0-9a-f]{32}$/);
  assert.match(genuine.headers.get('grip-keep-alive'), /timeout=([1-9]|1[0-9]|20)$/);
  await genuine.body.cancel();
});

test('bad session ids: missing or malformed 400, unknown or tampered 404', async () => {
  const session = await openSession();
  session.close();
  const cases = [
    [`${stack.base}/messages`, 400],
    [`${stack.base}/messages?sessionId=`, 400],
    [`${stack.base}/messages?sessionId=abc`, 400],
    [`${stack.base}/messages?sessionId=${encodeURIComponent('l1.0.sse.00.<script>')}`, 400],
    [`${stack.base}/messages?sessionId=${session.sessionId.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`, 404],
    [`${stack.base}/messages?sessionId=${session.sessionId.replace(/^(l1\.[0-9a-f]+\.)([0-9a-f])/, (_, head, c) => head + (c === 'f' ? 'e' : 'f'))}`, 404],
  ];
  for (const [url, status] of cases) {
    const res = await post(url, ping);
    assert.equal(res.status, status, url);
    assert.equal(res.json.error.code, -32600, url);
  }
  // A Streamable HTTP session id is not a legacy session id.
  const init = await post(stack.mcp, {
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  const streamableId = init.headers.get('mcp-session-id');
  assert.equal((await post(`${stack.base}/messages?sessionId=${streamableId}`, ping)).status, 404);
});

test('bad bodies on /messages get HTTP errors, not silence', async () => {
  const session = await openSession();
  const parse = await post(session.endpoint, '{"jsonrpc":');
  assert.equal(parse.status, 400);
  assert.equal(parse.json.error.code, -32700);
  const invalid = await post(session.endpoint, { jsonrpc: '2.0', id: 9 });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json.error.code, -32600);
  assert.equal((await post(session.endpoint, ping, { 'content-type': 'text/plain' })).status, 415);
  const note = await post(session.endpoint, { jsonrpc: '2.0', method: 'notifications/initialized' });
  assert.equal(note.status, 202);
  session.close();
});

test('POST /sse is 405 so clients fall back; GET /messages is 405', async () => {
  const res = await post(stack.sse, ping);
  assert.equal(res.status, 405);
  assert.equal(res.json.error.code, -32600);
  const get = await fetch(`${stack.base}/messages?sessionId=x`);
  assert.equal(get.status, 405);
});

test('a failed publish reaches the client as HTTP 502 with a JSON-RPC error', async () => {
  const broken = await startStack({ servicePublishToken: 'not-the-token' });
  try {
    const stream = await openStream(broken.sse);
    const first = event(await stream.next((b) => b.includes('event: endpoint')));
    const res = await post(new URL(first.data, broken.base).toString(), { ...ping, id: 42 });
    assert.equal(res.status, 502);
    assert.equal(res.json.id, 42);
    assert.equal(res.json.error.code, -32603);
    assert.match(res.json.error.message, /rejected the service's token \(HTTP 401\)/);
    assert.doesNotMatch(res.text, /not-the-token/);
    stream.close();
  } finally {
    await broken.stop();
  }
});
