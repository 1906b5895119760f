// Bad input over raw HTTP against the wasm under Viceroy: every client mistake gets the
// right HTTP status and JSON-RPC error, never a trap or a 500.
import { createHmac } from 'node:crypto';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MCP_HEADERS, post, startStack } from './lib/stack.mjs';
import { describeHostPanics, settleAndStop } from './lib/viceroy-log.mjs';

let stack;
// -v: Viceroy logs each guest run's start and end, which the last test waits on.
before(async () => { stack = await startStack({ extraArgs: ['-v'] }); });
after(async () => { await stack?.stop(); });

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

function assertError(res, status, code, id = null) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.json.jsonrpc, '2.0');
  assert.equal(res.json.error.code, code, res.text);
  assert.deepEqual(res.json.id, id);
  assert.ok(res.json.error.message.length > 0);
}

test('malformed JSON is -32700 with HTTP 400', async () => {
  for (const body of ['{"jsonrpc":', 'not json', '{"a":1,}', '\u0000']) {
    assertError(await post(stack.mcp, body), 400, -32700);
  }
});

test('a body that is not a JSON-RPC request is -32600 with HTTP 400', async () => {
  assertError(await post(stack.mcp, '42'), 400, -32600);
  assertError(await post(stack.mcp, '[]'), 400, -32600);
  assertError(await post(stack.mcp, { jsonrpc: '1.0', id: 7, method: 'ping' }), 400, -32600, 7);
  assertError(await post(stack.mcp, { jsonrpc: '2.0', id: 'x', method: 'ping', params: [1] }), 400, -32600, 'x');
  assertError(await post(stack.mcp, { jsonrpc: '2.0', id: null, method: 'ping' }), 400, -32600);
});

test('every JSON number id is answered with the same bytes (negative, fractional, beyond u64, exponents)', async () => {
  for (const id of ['-1', '1.5', '18446744073709551616', '1e3', '-0', '2.50', '1E+2', '-9223372036854775809']) {
    const ok = await post(stack.mcp, `{"jsonrpc":"2.0","id":${id},"method":"ping"}`);
    assert.equal(ok.status, 200, `${id}: ${ok.text}`);
    assert.equal(ok.text, `{"jsonrpc":"2.0","result":{},"id":${id}}`);
    const invalid = await post(stack.mcp, `{"jsonrpc":"1.0","id":${id},"method":"ping"}`);
    assert.equal(invalid.status, 400, id);
    assert.ok(invalid.text.endsWith(`,"id":${id}}`), invalid.text);
  }
  const batch = await post(stack.mcp, '[{"jsonrpc":"2.0","id":-1,"method":"ping"},{"jsonrpc":"2.0","id":1e3,"method":"ping"}]',
    { 'mcp-protocol-version': '2025-03-26' });
  assert.equal(batch.text, '[{"jsonrpc":"2.0","result":{},"id":-1},{"jsonrpc":"2.0","result":{},"id":1e3}]');
});

test('unknown methods are -32601, bad params and unknown tools -32602 (HTTP 200)', async () => {
  assertError(await post(stack.mcp, { jsonrpc: '2.0', id: 2, method: 'nope/nope' }), 200, -32601, 2);
  assertError(await post(stack.mcp, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: {} }), 200, -32602, 3);
  assertError(
    await post(stack.mcp, { jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'missing' } }),
    200, -32602, 4,
  );
  assertError(
    await post(stack.mcp, { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'test_simple_text', arguments: [1] } }),
    200, -32602, 5,
  );
  assertError(
    await post(stack.mcp, { jsonrpc: '2.0', id: 6, method: 'initialize', params: { capabilities: {} } }),
    200, -32602, 6,
  );
  assertError(
    await post(stack.mcp, { jsonrpc: '2.0', id: 7, method: 'logging/setLevel', params: { level: 'loud' } }),
    200, -32602, 7,
  );
});

test('an oversized body is 413', async () => {
  const huge = JSON.stringify({ ...ping, params: { pad: 'x'.repeat(1024 * 1024) } });
  assertError(await post(stack.mcp, huge), 413, -32600);
});

test('Accept and Content-Type are enforced (406, 415)', async () => {
  assertError(await post(stack.mcp, ping, { accept: 'application/json' }), 406, -32600);
  assertError(await post(stack.mcp, ping, { accept: 'text/event-stream' }), 406, -32600);
  assertError(await post(stack.mcp, ping, { 'content-type': 'text/plain' }), 415, -32600);
  const wildcard = await post(stack.mcp, ping, { accept: '*/*' });
  assert.equal(wildcard.status, 200);
});

test('MCP-Protocol-Version: absent is fine, unsupported is 400', async () => {
  assert.equal((await post(stack.mcp, ping)).status, 200);
  assert.equal((await post(stack.mcp, ping, { 'mcp-protocol-version': '2025-06-18' })).status, 200);
  const unsupported = await post(stack.mcp, ping, { 'mcp-protocol-version': '1999-01-01' });
  assert.deepEqual(unsupported.json.error.data, { requested: '1999-01-01', supported: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] });
  assertError(unsupported, 400, -32022);
});

test('notifications and client responses are 202 with no body', async () => {
  const note = await post(stack.mcp, { jsonrpc: '2.0', method: 'notifications/initialized' });
  assert.equal(note.status, 202);
  assert.equal(note.text, '');
  const cancelled = await post(stack.mcp, { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
  assert.equal(cancelled.status, 202);
  const response = await post(stack.mcp, { jsonrpc: '2.0', id: 'srv-1', result: {} });
  assert.equal(response.status, 202);
});

test('batches follow the protocol version', async () => {
  const batch = [ping, { ...ping, id: 2 }, { jsonrpc: '2.0', method: 'notifications/initialized' }];
  const old = await post(stack.mcp, batch, { 'mcp-protocol-version': '2025-03-26' });
  assert.equal(old.status, 200);
  assert.deepEqual(old.json.map((r) => r.id), [1, 2]);
  assertError(await post(stack.mcp, batch, { 'mcp-protocol-version': '2025-11-25' }), 400, -32600);
});

test('GET and DELETE are 405 with Allow, unknown paths 404', async () => {
  for (const method of ['GET', 'DELETE', 'PUT']) {
    const res = await fetch(stack.mcp, { method, headers: { accept: 'text/event-stream' } });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'POST, OPTIONS');
    assert.equal((await res.json()).error.code, -32600);
  }
  const missing = await fetch(`${stack.base}/nope`);
  assert.equal(missing.status, 404);
});

async function sessionFor(protocolVersion) {
  const init = await post(stack.mcp, {
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } },
  });
  assert.equal(init.status, 200, init.text);
  const id = init.headers.get('mcp-session-id');
  assert.ok(id, 'initialize issues a session id');
  return id;
}

/** A session id signed with this stack's key, issued two days ago (the TTL is one day). */
function expiredSessionId() {
  const issued = Math.floor(Date.now() / 1000) - 2 * 86400;
  const claims = `s1.${issued.toString(16)}.2025-11-25.${'07'.repeat(16)}`;
  const mac = createHmac('sha256', stack.secrets.sessionKey).update(claims).digest('hex');
  return `${claims}.${mac}`;
}

test('GET and DELETE with a forged or expired Mcp-Session-Id are 404, with a live one 405', async () => {
  const live = await sessionFor('2025-11-25');
  const forged = live.slice(0, -1) + (live.endsWith('0') ? '1' : '0');
  for (const method of ['GET', 'DELETE']) {
    for (const dead of [forged, expiredSessionId()]) {
      const res = await fetch(stack.mcp, { method, headers: { accept: 'text/event-stream', 'mcp-session-id': dead } });
      assert.equal(res.status, 404, `${method} ${dead}`);
      assert.equal((await res.json()).error.code, -32600);
    }
    const res = await fetch(stack.mcp, { method, headers: { accept: 'text/event-stream', 'mcp-session-id': live } });
    assert.equal(res.status, 405, method);
    await res.body?.cancel();
  }
});

test('without MCP-Protocol-Version, the session id\'s version decides batching', async () => {
  const batch = [ping, { ...ping, id: 2 }];
  const newer = await post(stack.mcp, batch, { 'mcp-session-id': await sessionFor('2025-11-25') });
  assertError(newer, 400, -32600);
  const older = await post(stack.mcp, batch, { 'mcp-session-id': await sessionFor('2025-03-26') });
  assert.equal(older.status, 200, older.text);
  assert.deepEqual(older.json.map((r) => r.id), [1, 2]);
});

test('Host and Origin allowlist (403) and CORS for allowed origins', async () => {
  const init = {
    jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  // fetch() cannot override Host; a raw HTTP request can.
  const { request } = await import('node:http');
  const raw = (headers) => new Promise((resolve, reject) => {
    const req = request(stack.mcp, { method: 'POST', headers: { ...MCP_HEADERS, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(init));
  });
  const evilHost = await raw({ host: 'evil.example.com', origin: 'http://evil.example.com' });
  assert.equal(evilHost.status, 403);
  assert.equal(JSON.parse(evilHost.body).error.code, -32600);
  const evilOrigin = await raw({ origin: 'http://evil.example.com' });
  assert.equal(evilOrigin.status, 403);
  assert.equal(evilOrigin.headers['access-control-allow-origin'], undefined);

  const allowed = await raw({ origin: 'http://localhost:6274' });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:6274');
  assert.match(allowed.headers['access-control-expose-headers'], /Mcp-Session-Id/);

  const preflight = await fetch(stack.mcp, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflight.status, 204);
  const allowHeaders = preflight.headers.get('access-control-allow-headers');
  for (const h of ['MCP-Protocol-Version', 'Mcp-Session-Id', 'Authorization', 'Last-Event-ID']) {
    assert.ok(allowHeaders.includes(h), h);
  }
});

test('Viceroy saw no trap or panic', async (t) => {
  // Every guest run has ended and all of Viceroy's output is read (the stack is stopped).
  const { hostPanics, guestTraps, unclassifiedPanics } = await settleAndStop(stack);
  assert.deepEqual(guestTraps, [], 'guest traps');
  assert.deepEqual(unclassifiedPanics, [], 'panics that are not Viceroy\'s own');
  for (const note of describeHostPanics(hostPanics)) t.diagnostic(`note: Viceroy host panic (not the guest): ${note}`);
});
