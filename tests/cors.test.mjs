// Browsers and CORS: Host and Origin are checked before authentication on every MCP
// route (/mcp, /, /sse, /messages), so a refused Origin is 403 whatever the credentials
// (2025-11-25), and every response to an allowed origin carries the CORS headers,
// whatever its status: a browser client reads a 401's WWW-Authenticate, and the /sse
// stream (the GRIP hold answer relayed by Fanout) opens cross-origin.
//
// Raw requests first (node:http, which can set Host), then a real browser: headless
// Chromium (tests/lib/browser.mjs) on a page served from an allowed origin,
// http://app.test:<port> (resolved to 127.0.0.1 inside the browser: a loopback origin
// would be allowed anyway in local mode), and from a refused one, http://evil.test:<port>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { launchBrowser } from './lib/browser.mjs';
import { bearer, startSecureStack } from './lib/secure-stack.mjs';
import { MCP_HEADERS, startStack } from './lib/stack.mjs';

let page; // the static server of the test pages
let secure; // API keys and OAuth on
let open; // no client authentication (local mode), for EventSource (it cannot send a key)
let APP;
let EVIL;

const PAGE = '<!doctype html><html><head><title>mcp-edge CORS test</title></head><body>test page</body></html>';

before(async () => {
  page = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGE);
  });
  await new Promise((resolve) => page.listen(0, '127.0.0.1', resolve));
  const port = page.address().port;
  APP = `http://app.test:${port}`;
  EVIL = `http://evil.test:${port}`;
  const config = { allowed_origins: APP };
  // One after the other: two Viceroys compiling the wasm at once on a busy 2-core
  // machine can miss the stack's start deadline.
  secure = await startSecureStack({ config });
  open = await startStack({ config });
});

after(async () => {
  await browserOnce?.then((b) => b.close(), () => {});
  await Promise.all([secure?.stack.stop(), open?.stop()]);
  await new Promise((resolve) => (page ? page.close(resolve) : resolve()));
});

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
const initialize = {
  jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cors-test', version: '1' } },
};

/**
 * A raw HTTP request (fetch() cannot set Host). With `stream`, resolves at the first
 * SSE block (then drops the connection); else at the end of the body.
 */
function raw(url, { method = 'POST', headers = {}, body, stream = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      const done = () => resolve({ status: res.statusCode, headers: res.headers, body: text });
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        if (stream && text.includes('\n\n')) {
          done();
          req.destroy();
        }
      });
      res.on('end', done);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: no answer in 15 s`)));
    req.on('error', (err) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const post = (url, body, headers = {}) => raw(url, { body, headers: { ...MCP_HEADERS, ...headers } });

/** A session id for /messages: from a real /sse stream of the secure stack. */
async function legacySession(key) {
  const first = await raw(secure.stack.sse, { method: 'GET', stream: true, headers: { accept: 'text/event-stream', ...bearer(key) } });
  const endpoint = first.body.match(/data: (\/messages\?sessionId=\S+)/);
  assert.ok(endpoint, first.body);
  return `${secure.stack.base}${endpoint[1]}`;
}

function assertCors(res, origin, what) {
  assert.equal(res.headers['access-control-allow-origin'], origin, `${what}: ${res.status} ${JSON.stringify(res.headers)}`);
  assert.equal(res.headers.vary, 'Origin', what);
  const exposed = res.headers['access-control-expose-headers'] ?? '';
  for (const name of ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Retry-After']) {
    assert.ok(exposed.includes(name), `${what}: ${name} not exposed (${exposed})`);
  }
}

test('raw: a 401 to an allowed origin carries the CORS headers, on /mcp, /, /sse and /messages', async () => {
  const messages = await legacySession(secure.keys.reader.key);
  const cases = [
    ['POST /mcp', () => post(secure.stack.mcp, ping, { origin: APP })],
    ['POST /', () => post(`${secure.stack.base}/`, ping, { origin: APP })],
    ['GET /sse', () => raw(secure.stack.sse, { method: 'GET', headers: { origin: APP, accept: 'text/event-stream' } })],
    ['POST /messages', () => post(messages, ping, { origin: APP })],
    ['POST /mcp, wrong key', () => post(secure.stack.mcp, ping, { origin: APP, ...bearer('mcpk_wrong') })],
  ];
  for (const [what, send] of cases) {
    const res = await send();
    assert.equal(res.status, 401, `${what}: ${res.body}`);
    assert.match(res.headers['www-authenticate'], /^Bearer /, what);
    assertCors(res, APP, what);
  }
  // No Origin (not a browser): no CORS headers.
  const plain = await post(secure.stack.mcp, ping);
  assert.equal(plain.status, 401);
  assert.equal(plain.headers['access-control-allow-origin'], undefined);
});

test('raw: a refused Origin or Host is 403 before authentication, on every MCP route', async () => {
  const messages = await legacySession(secure.keys.reader.key);
  const evil = 'https://evil.example';
  const routes = [
    ['POST /mcp', (h) => post(secure.stack.mcp, ping, h)],
    ['POST /', (h) => post(`${secure.stack.base}/`, ping, h)],
    ['GET /sse', (h) => raw(secure.stack.sse, { method: 'GET', headers: { accept: 'text/event-stream', ...h } })],
    ['POST /messages', (h) => post(messages, ping, h)],
    ['OPTIONS /mcp (preflight)', (h) => raw(secure.stack.mcp, { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST', ...h } })],
  ];
  const callers = [
    ['bad Origin, no credentials', { origin: evil }],
    ['bad Origin, wrong key', { origin: evil, ...bearer('mcpk_wrong') }],
    ['bad Origin, valid key', { origin: evil, ...bearer(secure.keys.reader.key) }],
    ['bad Host, no credentials', { host: 'evil.example' }],
    ['bad Host, allowed Origin, no credentials', { host: 'evil.example', origin: APP }],
  ];
  for (const [route, send] of routes) {
    for (const [caller, headers] of callers) {
      const res = await send(headers);
      assert.equal(res.status, 403, `${route}, ${caller}: ${res.status} ${res.body}`);
      assert.match(JSON.parse(res.body).error.message, /^Forbidden: this (Origin is not allowed|Host is not served here)/);
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${route}, ${caller}`);
      assert.equal(res.headers['www-authenticate'], undefined, `${route}, ${caller}`);
    }
  }
  // A forged Grip-Sig does not get a bad Origin past the check.
  const forged = await raw(secure.stack.sse, { method: 'GET', headers: { origin: evil, 'grip-sig': 'a.b.c' } });
  assert.equal(forged.status, 403, forged.body);
});

test('raw: success, 403 insufficient_scope and preflights to an allowed origin carry the CORS headers', async () => {
  const init = await post(secure.stack.mcp, initialize, { origin: APP, ...bearer(secure.keys.reader.key) });
  assert.equal(init.status, 200, init.body);
  assert.ok(init.headers['mcp-session-id']);
  assertCors(init, APP, 'initialize');

  const token = secure.as.token({ scope: 'mcp:fastly' });
  const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'fastly_purge_all', arguments: { service_id: 'SU1Z0isxPaozGVKXdv0eY' } } };
  const scope = await post(secure.stack.mcp, call, { origin: APP, ...bearer(token) });
  assert.equal(scope.status, 403, scope.body);
  assert.match(scope.headers['www-authenticate'], /error="insufficient_scope"/);
  assertCors(scope, APP, '403 insufficient_scope');

  for (const url of [secure.stack.mcp, secure.stack.sse, `${secure.stack.base}/messages`]) {
    const preflight = await raw(url, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(preflight.status, 204, url);
    assert.match(preflight.headers['access-control-allow-headers'], /Authorization/);
    assertCors(preflight, APP, `preflight ${url}`);
  }
});

test('raw: the /sse stream (the GRIP hold answer relayed by Fanout) carries the CORS headers', async () => {
  const stream = await raw(secure.stack.sse, {
    method: 'GET', stream: true, headers: { origin: APP, accept: 'text/event-stream', ...bearer(secure.keys.reader.key) },
  });
  assert.equal(stream.status, 200, stream.body);
  assert.match(stream.headers['content-type'], /^text\/event-stream/);
  assert.match(stream.body, /^event: endpoint\ndata: \/messages\?sessionId=/);
  assertCors(stream, APP, 'GET /sse stream');
  for (const name of Object.keys(stream.headers)) assert.doesNotMatch(name, /^grip-/, 'Fanout strips the GRIP headers');
});

// --- the browser -------------------------------------------------------------------

let browserOnce;
const browser = () => (browserOnce ??= launchBrowser({ hosts: ['app.test', 'evil.test'] }));

/** In the page: a fetch, and what the page can read of its answer (a CORS failure is a TypeError). */
async function pageFetch(url, init) {
  try {
    const response = await fetch(url, init);
    const headers = Object.fromEntries(response.headers);
    return { status: response.status, headers, body: await response.text() };
  } catch (err) {
    return { error: `${err.name}: ${err.message}` };
  }
}

/** In the page: the first SSE block of a fetched stream. */
async function pageFirstEvent(url, init) {
  try {
    const response = await fetch(url, init);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return { status: response.status, contentType: response.headers.get('content-type'), first: text };
  } catch (err) {
    return { error: `${err.name}: ${err.message}` };
  }
}

/** In the page: EventSource on /sse, initialize POSTed to its endpoint, the reply read from the stream. */
function pageEventSource(sse, initialize) {
  return new Promise((resolve) => {
    const seen = [];
    const source = new EventSource(sse);
    const end = (result) => {
      clearTimeout(timer);
      source.close();
      resolve({ ...result, seen });
    };
    const timer = setTimeout(() => end({ error: 'no reply within 15 s' }), 15_000);
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) end({ error: 'EventSource failed (closed)' });
    });
    source.addEventListener('endpoint', async (event) => {
      seen.push(`endpoint ${event.data.replace(/sessionId=.*/, 'sessionId=...')}`);
      try {
        const response = await fetch(new URL(event.data, sse), {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(initialize),
        });
        seen.push(`POST /messages ${response.status}`);
      } catch (err) {
        end({ error: `POST /messages: ${err.name}: ${err.message}` });
      }
    });
    source.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      seen.push(`message id=${message.id}`);
      end({ message });
    });
  });
}

test('browser: a page on an allowed origin reads a 401 and its WWW-Authenticate', async (t) => {
  const tab = await (await browser()).open(`${APP}/`);
  const res = await tab.run(pageFetch, secure.stack.mcp, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(ping),
  });
  t.diagnostic(`page ${APP} POST /mcp without a key: ${JSON.stringify(res.error ?? { status: res.status, 'www-authenticate': res.headers['www-authenticate'] })}`);
  assert.equal(res.error, undefined, 'the browser blocked the 401 (no CORS headers)');
  assert.equal(res.status, 401);
  assert.match(res.headers['www-authenticate'] ?? '', /^Bearer resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource\/mcp"/);
  assert.equal(JSON.parse(res.body).error.code, -32600);
  await tab.close();
});

test('browser: a page on an allowed origin initializes with an API key', async (t) => {
  const tab = await (await browser()).open(`${APP}/`);
  const res = await tab.run(pageFetch, secure.stack.mcp, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${secure.keys.reader.key}` },
    body: JSON.stringify(initialize),
  });
  t.diagnostic(`page ${APP} initialize with a key: ${JSON.stringify(res.error ?? { status: res.status, 'mcp-session-id': res.headers['mcp-session-id'] ? 'present' : 'absent', protocolVersion: JSON.parse(res.body).result?.protocolVersion })}`);
  assert.equal(res.error, undefined);
  assert.equal(res.status, 200, res.body);
  assert.ok(res.headers['mcp-session-id'], 'Mcp-Session-Id readable by the page');
  assert.equal(JSON.parse(res.body).result.protocolVersion, '2025-11-25');
  await tab.close();
});

test('browser: a page on a refused origin gets nothing (403 without CORS headers)', async (t) => {
  const tab = await (await browser()).open(`${EVIL}/`);
  const results = {
    preflighted: await tab.run(pageFetch, secure.stack.mcp, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secure.keys.reader.key}` }, body: JSON.stringify(ping),
    }),
    // No preflight (a CORS-safelisted request): the request reaches the server, and the
    // browser still hides the answer.
    simple: await tab.run(pageFetch, secure.stack.mcp, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(ping) }),
    sse: await tab.run(pageFetch, open.sse, {}),
  };
  t.diagnostic(`page ${EVIL}: ${JSON.stringify(results)}`);
  for (const [what, res] of Object.entries(results)) assert.match(res.error ?? '', /^TypeError: Failed to fetch/, what);
  await tab.close();
});

test('browser: EventSource on /sse from an allowed origin gets the endpoint and the reply', async (t) => {
  const tab = await (await browser()).open(`${APP}/`);
  const res = await tab.run(pageEventSource, open.sse, initialize);
  t.diagnostic(`page ${APP} EventSource ${open.sse}: ${JSON.stringify({ error: res.error, seen: res.seen })}`);
  assert.equal(res.error, undefined, JSON.stringify(res.seen));
  assert.equal(res.message.id, 1);
  assert.equal(res.message.result.serverInfo.name.length > 0, true);
  await tab.close();
});

test('browser: fetch on /sse with a key from an allowed origin reads the endpoint event', async (t) => {
  const tab = await (await browser()).open(`${APP}/`);
  const res = await tab.run(pageFirstEvent, secure.stack.sse, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${secure.keys.reader.key}` },
  });
  t.diagnostic(`page ${APP} GET /sse with a key: ${JSON.stringify(res.error ?? { status: res.status, first: res.first.replace(/sessionId=.*/, 'sessionId=...') })}`);
  assert.equal(res.error, undefined);
  assert.equal(res.status, 200);
  assert.match(res.first, /^event: endpoint\ndata: \/messages\?sessionId=/);
  await tab.close();
});

test('Viceroy saw no trap or panic', () => {
  for (const logs of [secure.stack.logs, open.logs]) {
    assert.doesNotMatch(logs.join(''), /panicked|wasm trap|RUST_BACKTRACE/i);
  }
});
