// The hostile-input suite: hundreds of malformed, oversized, forged and cross-session
// requests against the wasm under Viceroy with authentication on. Each must get the
// right status and JSON-RPC error; nothing may trap, answer 5xx, or leak a secret.
//
// Hostile clients also hang up: the raw-socket requests half-close (send, then FIN)
// without waiting for the answer. Viceroy 0.22 then sometimes panics on the host side
// (hyper drops the response channel; the guest's send finds it gone: downstream.rs:72
// "response receiver is open"). That is Viceroy's panic, not the guest's: the summary
// tells the two apart by their source (tests/lib/viceroy-log.mjs), fails on any guest
// trap or unclassified panic, and notes the host panics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { bearer, startSecureStack } from './lib/secure-stack.mjs';
import { describeHostPanics, settleAndStop } from './lib/viceroy-log.mjs';

let s;
const seen = []; // every exchange: { name, status, body }
// -v: Viceroy logs each guest run's start and end, which the summary waits on.
before(async () => { s = await startSecureStack({ extraArgs: ['-v'] }); });
after(async () => { await s?.stack.stop(); });

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const SHOP = '4kq2mVxR8TnWb6LpZ3dHsA';

/** One request with full control over bytes; resolves { status, headers, body, json }. */
function send({ method = 'POST', path = '/mcp', headers = {}, body, auth = true }) {
  const url = new URL(path, s.stack.base);
  const all = { ...HEADERS, ...(auth ? bearer(s.keys.operator.key) : {}), ...headers };
  for (const [k, v] of Object.entries(all)) if (v === undefined) delete all[k];
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: all }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

/**
 * Raw bytes on a socket (for what node:http refuses to send, e.g. CR/LF in headers), then
 * a hang-up: the socket is half-closed at once, as a hostile client does. Resolves
 * { status, body } when the server closes the connection (status 0: closed without an
 * answer); a server that neither answers nor closes within 30 s is a hang, reported as
 * status 'hang' (which no assertion accepts).
 */
function raw(bytes) {
  return new Promise((resolve) => {
    const socket = connect(s.stack.port, '127.0.0.1');
    const chunks = [];
    let hung = false;
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = hung ? 'hang' : Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text });
    });
    socket.setTimeout(30_000, () => {
      hung = true;
      socket.destroy();
    });
    socket.end(bytes);
  });
}

async function expect(name, options, status, code) {
  const res = await send(options);
  seen.push({ name, status: res.status, body: res.body });
  assert.equal(res.status, status, `${name}: ${res.body.slice(0, 300)}`);
  if (code !== undefined) {
    const error = Array.isArray(res.json) ? res.json[0]?.error : res.json?.error;
    assert.equal(error?.code, code, `${name}: ${res.body.slice(0, 300)}`);
    assert.equal((Array.isArray(res.json) ? res.json[0] : res.json).jsonrpc, '2.0', name);
  }
  return res;
}

const rpc = (method, params, id = 1) => ({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

test('malformed JSON: 400 -32700', async () => {
  const bodies = ['{', '}', '{"jsonrpc":"2.0",', '{"a":}', '{"a" 1}', "{'a':1}", '[1,2', 'nul', 'tru', '{"a":1,}', '[,]',
    '{"jsonrpc":"2.0","id":1,"method":"ping"}}', '{"jsonrpc":"2.0""id":1}', '\u0000', ' ', '', '"unterminated', '{"a":"\\x"}',
    '{"a":"\\u12"}', '{"a":01}', '{"a":1e}', '{"a":-}', '{"a":.5}', '{"a":NaN}', '{"a":Infinity}', '<xml/>', 'jsonrpc=2.0',
    '{"jsonrpc":"2.0","id":1,"method":"ping"} trailing', '{"a":[1,2,]}', '{"a":"\n"}', '\ufeff{"jsonrpc":"2.0","id":1,"method":"ping"}',
    '{"a":"\t"}', '{"a":1 "b":2}', '/* c */{}', '{"a":tru}', '[{"jsonrpc":"2.0"', '{"a":"b\\"}', '{{}}', '[[[[', '{"a":[}]'];
  for (const [i, body] of bodies.entries()) await expect(`malformed #${i}`, { body }, 400, -32700);
});

test('bad UTF-8: 400 -32700', async () => {
  const invalid = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x28, 0xa1], [0x80], [0xc3], [0xf0, 0x28, 0x8c, 0x28], [0xfe, 0xfe], [0xe0, 0x80, 0xaf]];
  for (const [i, bytes] of invalid.entries()) {
    const body = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"'), Buffer.from(bytes), Buffer.from('"}}')]);
    await expect(`bad utf-8 #${i}`, { body }, 400, -32700);
  }
});

test('not JSON-RPC requests: 400 -32600', async () => {
  const bodies = [42, 'string', null, true, [], {}, { jsonrpc: '2.0' }, { jsonrpc: '1.0', id: 1, method: 'ping' }, { id: 1, method: 'ping' },
    { jsonrpc: 2, id: 1, method: 'ping' }, { jsonrpc: '2.0', id: 1, method: 5 }, { jsonrpc: '2.0', id: 1, method: null },
    { jsonrpc: '2.0', id: null, method: 'ping' }, { jsonrpc: '2.0', id: {}, method: 'ping' }, { jsonrpc: '2.0', id: [], method: 'ping' },
    { jsonrpc: '2.0', id: false, method: 'ping' }, { jsonrpc: '2.0', id: true, method: 'ping' }, { jsonrpc: '2.0', id: 1, method: 'ping', params: [1] },
    { jsonrpc: '2.0', id: 1, method: 'ping', params: 'x' }, { jsonrpc: '2.0', id: 1, method: 'ping', params: 7 },
    { jsonrpc: '2.0', id: 1, method: 'ping', extra: 1 }, { jsonrpc: '2.0', id: 1 }, { jsonrpc: '2.0', method: 'x', params: [1] },
    { jsonrpc: '2.0', id: 1, result: {}, method: 'ping' }];
  for (const [i, body] of bodies.entries()) await expect(`not json-rpc #${i}`, { body: JSON.stringify(body) }, 400, -32600);
});

test('wrong params per method: -32602 (HTTP 200)', async () => {
  const cases = [
    ['initialize', {}], ['initialize', { protocolVersion: 5 }], ['initialize', { protocolVersion: null }],
    ['tools/call', {}], ['tools/call', { name: 5 }], ['tools/call', { name: null }], ['tools/call', { name: [] }],
    ['tools/call', { name: 'fastly_get_service', arguments: 'x' }], ['tools/call', { name: 'fastly_get_service', arguments: [1] }],
    ['tools/call', { name: 'no_such_tool' }], ['tools/call', { name: '../../etc/passwd' }], ['tools/call', { name: 'x'.repeat(5000) }],
    ['tools/list', { cursor: 5 }], ['tools/list', { cursor: 'garbage' }], ['tools/list', { cursor: 'offset:-1' }], ['tools/list', { cursor: 'offset:99999' }],
    ['resources/read', {}], ['resources/read', { uri: 5 }], ['resources/subscribe', {}], ['resources/unsubscribe', { uri: [] }],
    ['resources/list', { cursor: {} }], ['resources/templates/list', { cursor: 'x' }],
    ['prompts/get', {}], ['prompts/get', { name: 'nope' }], ['prompts/get', { name: 'test_prompt_with_arguments' }],
    ['prompts/get', { name: 'test_prompt_with_arguments', arguments: { arg1: 1, arg2: 'b' } }],
    ['prompts/get', { name: 'test_prompt_with_arguments', arguments: 'x' }], ['prompts/list', { cursor: 1 }],
    ['logging/setLevel', {}], ['logging/setLevel', { level: 'loud' }], ['logging/setLevel', { level: 3 }],
    ['completion/complete', {}], ['completion/complete', { ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'a', value: 'b' } }],
    ['completion/complete', { ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'a', value: 'b' } }],
    ['completion/complete', { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'zz', value: '' } }],
    ['completion/complete', { ref: { type: 'ref/resource', uri: 'test://nope/{x}' }, argument: { name: 'x', value: '' } }],
    ['completion/complete', { ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' }, argument: { name: 'arg1' } }],
  ];
  for (const [i, [method, params]] of cases.entries()) {
    await expect(`params ${method} #${i}`, { body: rpc(method, params, i + 1) }, 200, -32602);
  }
  for (const [i, method] of ['nope', 'tools/delete', 'admin/shutdown', 'rpc.discover', '', ' ping', 'PING', 'sampling/createMessage'].entries()) {
    await expect(`unknown method #${i}`, { body: rpc(method, {}, 1) }, 200, -32601);
  }
  const missing = await expect('unknown resource', { body: rpc('resources/read', { uri: 'file:///etc/passwd' }) }, 200, -32002);
  assert.doesNotMatch(missing.body, /root:/);
});

test('hostile tool arguments: isError results, nothing hostile reaches the backend', async () => {
  await fetch(`${s.stack.apiDouble}/__double/requests`, { method: 'DELETE' });
  const cases = [
    { service_id: '../../service' }, { service_id: '..' }, { service_id: '.' }, { service_id: '' }, { service_id: 'a/b' },
    { service_id: 'a%2Fb' }, { service_id: 'a\r\nX-Injected: 1' }, { service_id: 'a\u0000b' }, { service_id: 'a b' },
    { service_id: 'x'.repeat(65) }, { service_id: 7 }, { service_id: null }, { service_id: {} }, { service_id: [] },
    { service_id: SHOP, extra: 'x' }, { service_id: 'ü' }, {}, { service_id: SHOP, version: -1 }, { service_id: SHOP, version: 'six' },
    { service_id: SHOP, version: 1e300 },
  ];
  for (const [i, args] of cases.entries()) {
    const name = 'version' in args ? 'fastly_list_backends' : 'fastly_get_service';
    const res = await expect(`tool args #${i}`, { body: rpc('tools/call', { name, arguments: args }) }, 200);
    assert.equal(res.json.result?.isError, true, `tool args #${i}: ${res.body.slice(0, 200)}`);
    assert.match(res.json.result.content[0].text, /^Invalid arguments: /);
  }
  const backoffice = [
    ['backoffice_register_hours', { crew_id: 'c-1', date: '2026-13-01', hours: 8 }],
    ['backoffice_register_hours', { crew_id: 'c-1', date: '01/02/2026', hours: 8 }],
    ['backoffice_register_hours', { crew_id: 'c-1', date: '2026-01-01', hours: 24.5 }],
    ['backoffice_register_hours', { crew_id: 'c-1', date: '2026-01-01', hours: '8' }],
    ['backoffice_register_hours', { crew_id: 'c-1', date: '2026-01-01', hours: 8, note: 'x'.repeat(501) }],
    ['backoffice_register_hours', { crew_id: '../c-1', date: '2026-01-01', hours: 8 }],
    ['backoffice_register_hours', { crew_id: 'c-1\r\n', date: '2026-01-01', hours: 8 }],
    ['backoffice_register_hours', { crew_id: 'c-1', date: '2026-01-01', hours: 8, admin: true }],
    ['backoffice_work_summary', { crew_id: 'c-1001', from: 'yesterday', to: '2026-01-01' }],
    ['backoffice_work_summary', { crew_id: 'c-1001', from: '2026-01-01' }],
    ['backoffice_work_summary', { crew_id: 'c-1001%2F..', from: '2026-01-01', to: '2026-01-02' }],
    ['backoffice_staff_role', { crew_id: 'C-1001' }],
    ['backoffice_staff_role', { crew_id: 'c-' }],
    ['backoffice_staff_role', { crew_id: 'c-123456789' }],
    ['backoffice_staff_role', {}],
    ['fastly_get_stats', { service_id: SHOP, from: '' }],
    ['fastly_get_stats', { service_id: SHOP, from: 'x'.repeat(65) }],
    ['fastly_get_stats', { service_id: SHOP, from: 'now', region: 'mars' }],
    ['fastly_list_services', { per_page: 0 }],
    ['fastly_list_services', { page: -3 }],
    ['fastly_get_generated_vcl', { service_id: SHOP, offset: -1 }],
    ['fastly_purge_surrogate_key', { service_id: SHOP, surrogate_key: '' }],
    ['fastly_purge_surrogate_key', { service_id: SHOP, surrogate_key: 'k'.repeat(1025) }],
    ['fastly_purge_surrogate_key', { service_id: SHOP }],
  ];
  for (const [i, [name, args]] of backoffice.entries()) {
    const res = await expect(`tool args ${name} #${i}`, { body: rpc('tools/call', { name, arguments: args }) }, 200);
    assert.equal(res.json.result?.isError, true, `${name} #${i}: ${res.body.slice(0, 200)}`);
    assert.match(res.json.result.content[0].text, /^Invalid arguments: /);
  }
  const log = (await (await fetch(`${s.stack.apiDouble}/__double/requests`)).json()).requests;
  assert.deepEqual(log, [], 'invalid arguments never reach the backend');
});

test('deep nesting, huge strings and arrays, oversized bodies and batches', async () => {
  for (const depth of [33, 40, 64, 100, 127, 128, 129, 500, 5000, 50000]) {
    const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const res = await expect(`depth ${depth}`, { body: `{"jsonrpc":"2.0","id":1,"method":"ping","params":${nested}}` }, 400);
    assert.ok([-32600, -32700].includes(res.json.error.code), `depth ${depth}`);
  }
  for (const depth of [33, 200, 3000]) {
    const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    await expect(`array depth ${depth}`, { body: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":${arrays}}}` }, 400);
  }
  for (const size of [256 * 1024 + 1, 300 * 1024, 900 * 1024]) {
    await expect(`string ${size}`, { body: rpc('ping', { s: 'x'.repeat(size) }) }, 400, -32600);
  }
  await expect('array 10001', { body: rpc('ping', { a: new Array(10001).fill(0) }) }, 400, -32600);
  await expect('key 300 KB', { body: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"${'k'.repeat(300 * 1024)}":1}}` }, 400, -32600);
  for (const size of [1024 * 1024 + 1, 2 * 1024 * 1024, 8 * 1024 * 1024]) {
    await expect(`body ${size}`, { body: Buffer.alloc(size, 0x20) }, 413, -32600);
  }
  const batch = Array.from({ length: 21 }, (_, i) => rpc('ping', undefined, i));
  await expect('batch of 21', { body: batch, headers: { 'mcp-protocol-version': '2025-03-26' } }, 400, -32600);
  await expect('batch on 2025-11-25', { body: [rpc('ping')], headers: { 'mcp-protocol-version': '2025-11-25' } }, 400, -32600);
  await expect('batch with initialize', { body: [rpc('initialize', { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } })], headers: { 'mcp-protocol-version': '2025-03-26' } }, 200, -32600);
});

test('wrong HTTP methods, content types, accept headers and versions', async () => {
  for (const path of ['/mcp', '/', '/messages?sessionId=x', '/sse']) {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      await expect(`${method} ${path}`, { method, path, body: '' }, 405, -32600);
    }
  }
  await expect('GET /mcp', { method: 'GET' }, 405, -32600);
  await expect('GET /messages', { method: 'GET', path: '/messages?sessionId=x' }, 405, -32600);
  await expect('POST /sse', { path: '/sse', body: rpc('ping') }, 405, -32600);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml', 'application/jsonx', 'json', undefined]) {
    await expect(`content-type ${type}`, { body: rpc('ping'), headers: { 'content-type': type } }, 415, -32600);
  }
  for (const accept of ['application/json', 'text/event-stream', 'text/html', 'application/json;q=0, text/event-stream', undefined]) {
    await expect(`accept ${accept}`, { body: rpc('ping'), headers: { accept } }, 406, -32600);
  }
  // UnsupportedProtocolVersion (-32022, 2026-07-28), naming the versions spoken.
  for (const version of ['1999-01-01', '2026-99-99', 'latest', '', '2025-11-25, 2025-06-18']) {
    await expect(`version ${version}`, { body: rpc('ping'), headers: { 'mcp-protocol-version': version } }, 400, -32022);
  }
  for (const host of ['evil.example.com', 'localhost.evil.example.com', '127.0.0.1.nip.io']) {
    await expect(`host ${host}`, { body: rpc('ping'), headers: { host } }, 403, -32600);
  }
  for (const origin of ['http://evil.example.com', 'null', 'file://', 'http://127.0.0.1.evil.com']) {
    await expect(`origin ${origin}`, { body: rpc('ping'), headers: { origin } }, 403, -32600);
  }
});

// The edge reads each header's values into a 512-byte buffer first, then again at the
// length the host asks for (edge::request::read_header): values past the first read,
// several values split over reads, and one past the 16 KB limit (dropped, so unheard).
test('long, repeated and oversized header values', async () => {
  const ok = async (name, headers, url = '/mcp') => {
    const res = await send({ path: url, body: rpc('ping'), headers });
    seen.push({ name, status: res.status, body: res.body });
    assert.equal(res.status, 200, `${name}: ${res.body.slice(0, 300)}`);
    assert.deepEqual(res.json?.result, {}, name);
  };
  const pad = (tag, n) => `${tag}/${'a'.repeat(n)}`;
  await ok('Accept of 3 KB', { accept: `${pad('x', 3000)}, application/json, text/event-stream` });
  await ok('Accept in two values', { accept: ['application/json', 'text/event-stream'] });
  await ok('Accept in two values of 400 bytes each', {
    accept: [`${pad('x', 400)}, application/json`, `${pad('y', 400)}, text/event-stream`],
  });
  await ok('Accept in 40 values', { accept: [...Array.from({ length: 38 }, (_, i) => pad(`v${i}`, 30)), 'application/json', 'text/event-stream'] });
  await ok('URL of 2 KB', {}, `/mcp?${'q'.repeat(2000)}=1`);
  // Past the limit the value is dropped: a 17 KB Accept is no Accept (406), a 17 KB
  // credential is no credential (401).
  await expect('Accept of 17 KB', { body: rpc('ping'), headers: { accept: `${pad('x', 17000)}, application/json, text/event-stream` } }, 406, -32600);
  await expect('Authorization of 17 KB', { body: rpc('ping'), headers: { authorization: `Bearer ${'a'.repeat(17000)}` } }, 401);
});

test('CR/LF and control characters in headers and ids', async () => {
  for (const [i, header] of ['X-A: a\rb', 'X-A: a\nX-B: b', 'Authorization: Bearer a\r\n b', 'Mcp-Session-Id: a\u0000b'].entries()) {
    const bytes = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${header}\r\nContent-Length: 2\r\n\r\n{}`;
    const res = await raw(bytes);
    seen.push({ name: `raw header #${i}`, status: res.status, body: res.body });
    assert.ok(res.status === 0 || (res.status >= 400 && res.status < 500), `raw header #${i}: ${res.status}`);
  }
  for (const id of ['a\r\nb', '\u0000', 'x'.repeat(1000), '<script>', '"; DROP']) {
    const res = await expect(`id ${JSON.stringify(id).slice(0, 20)}`, { body: rpc('ping', undefined, id) }, 200);
    assert.equal(res.json.id, id);
  }
  for (const session of ['garbage', 's1.x', 's1.0.2025-11-25.00.00', 'l1.0.x.00.00', '../../etc', 'x'.repeat(300)]) {
    await expect(`session ${session.slice(0, 16)}`, { body: rpc('ping'), headers: { 'mcp-session-id': session } }, 404, -32600);
  }
});

test('forged and expired credentials on every route: 401', async () => {
  const routes = [
    { path: '/mcp', body: rpc('ping') },
    { path: '/', body: rpc('tools/list') },
    { path: '/sse', method: 'GET', headers: { accept: 'text/event-stream' } },
    { path: '/messages?sessionId=x', body: rpc('ping') },
  ];
  const tokens = { ...s.as.forged(), 'unknown key': 'mcpk_unknown', 'key hash': s.keys.reader.entry.sha256, empty: '' };
  for (const route of routes) {
    for (const [name, token] of Object.entries(tokens)) {
      await expect(`${name} on ${route.path}`, { ...route, auth: false, headers: { ...route.headers, authorization: `Bearer ${token}` } }, 401, -32600);
    }
    await expect(`no credentials on ${route.path}`, { ...route, auth: false }, 401, -32600);
    await expect(`basic auth on ${route.path}`, { ...route, auth: false, headers: { ...route.headers, authorization: 'Basic YTpi' } }, 401, -32600);
  }
});

test('forged Grip-Sig and cross-session /messages', async () => {
  const sigs = ['x', 'a.b.c', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"pushpin","exp":9999999999}').toString('base64url')}.`,
    s.as.token({ scope: 'x' }), 'eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo'];
  for (const [i, sig] of sigs.entries()) {
    const res = await expect(`grip-sig #${i}`, { method: 'GET', path: '/sse', headers: { accept: 'text/event-stream', 'grip-sig': sig } }, 403, -32600);
    assert.equal(res.headers['grip-hold'], undefined);
  }
  const stream = await fetch(s.stack.sse, { headers: { accept: 'text/event-stream', ...bearer(s.keys.reader.key) } });
  const reader = stream.body.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  const path = /data: (\S+)/.exec(text)[1];
  await expect('cross-session: other key', { path, body: rpc('ping'), auth: false, headers: bearer(s.keys.other.key) }, 403, -32600);
  await expect('cross-session: operator key', { path, body: rpc('ping') }, 403, -32600);
  await expect('cross-session: oauth', { path, body: rpc('ping'), auth: false, headers: bearer(s.as.token({ scope: 'mcp:fastly' })) }, 403, -32600);
  await expect('tampered session', { path: path.replace(/.$/, (c) => (c === '0' ? '1' : '0')), body: rpc('ping'), auth: false, headers: bearer(s.keys.reader.key) }, 404, -32600);
  await expect('own session', { path, body: rpc('ping'), auth: false, headers: bearer(s.keys.reader.key) }, 202);
  await reader.cancel();
});

test('summary: nothing trapped, nothing 5xx, no secret in any body or log', async (t) => {
  // Every guest run has ended and all of Viceroy's output is read (the stack is stopped).
  const { hostPanics, guestTraps, unclassifiedPanics } = await settleAndStop(s.stack);
  const logs = s.stack.logs.join('');
  assert.deepEqual(guestTraps, [], 'guest traps');
  assert.deepEqual(unclassifiedPanics, [], 'panics that are not Viceroy\'s own');
  for (const note of describeHostPanics(hostPanics)) {
    t.diagnostic(`note: Viceroy host panic (not the guest; a hostile client hung up): ${note}`);
  }
  const byClass = {};
  for (const { status } of seen) byClass[status === 0 ? 'closed' : `${String(status)[0]}xx`] = (byClass[status === 0 ? 'closed' : `${String(status)[0]}xx`] ?? 0) + 1;
  const byStatus = {};
  for (const { status } of seen) byStatus[status] = (byStatus[status] ?? 0) + 1;
  console.log(`hostile requests: ${seen.length}; by class ${JSON.stringify(byClass)}; by status ${JSON.stringify(byStatus)}`);
  assert.ok(seen.length >= 300, `${seen.length} requests`);
  assert.equal(byClass['5xx'] ?? 0, 0);
  const secrets = {
    ...Object.fromEntries(Object.entries(s.keys).map(([n, k]) => [`api key ${n}`, k.key])),
    'api token': s.stack.secrets.apiToken,
    'grip key': s.stack.secrets.gripKey,
    'session key': s.stack.secrets.sessionKey,
    'backoffice token': s.stack.secrets.backofficeToken,
  };
  let leaks = 0;
  for (const [name, secret] of Object.entries(secrets)) {
    const inBodies = seen.filter((x) => x.body.includes(secret)).length;
    const inLogs = logs.includes(secret) ? 1 : 0;
    leaks += inBodies + inLogs;
    assert.equal(inBodies + inLogs, 0, `${name} leaked`);
  }
  console.log(`hostile: 0 traps, ${hostPanics.length} Viceroy host panics, ${leaks} leaks of ${Object.keys(secrets).length} secrets checked in ${seen.length} bodies and ${logs.length} bytes of logs`);
});
