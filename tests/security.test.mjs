// Client authentication and authorization against the wasm under Viceroy: API keys
// (hashes in the Secret Store), OAuth bearer JWTs (JWKS in the Config Store), RFC 9728
// metadata, scopes mapped to tool sets, sessions bound to their principal, and the
// client's credential never reaching backend `api`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ROOT, post } from './lib/stack.mjs';
import { ISSUER, bearer, startSecureStack } from './lib/secure-stack.mjs';
import { settle } from './lib/viceroy-log.mjs';

let s;
// -v: Viceroy logs each guest run's start and end (tests/lib/viceroy-log.mjs settle()).
before(async () => { s = await startSecureStack({ extraArgs: ['-v'] }); });
after(async () => { await s?.stack.stop(); });

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
const call = (name, args = {}, id = 2) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });
const SHOP = '4kq2mVxR8TnWb6LpZ3dHsA';

async function sdkClient(token) {
  const client = new Client({ name: 'auth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(s.stack.mcp), { requestInit: { headers: bearer(token) } }));
  return client;
}

test('no credentials: 401 with a WWW-Authenticate pointing at the metadata and naming the scopes', async () => {
  const metadata = await (await fetch(`${s.stack.base}/.well-known/oauth-protected-resource/mcp`)).json();
  const scope = metadata.scopes_supported.join(' ');
  assert.match(scope, /mcp:fastly mcp:fastly:write/);
  // Each endpoint names its own metadata; /messages belongs to /sse.
  for (const [url, metadataSuffix] of [[s.stack.mcp, '/mcp'], [`${s.stack.base}/`, ''], [`${s.stack.base}/messages?sessionId=x`, '/sse']]) {
    const res = await post(url, ping);
    assert.equal(res.status, 401, url);
    assert.equal(res.json.error.code, -32600);
    const challenge = res.headers.get('www-authenticate');
    assert.equal(challenge.match(/^Bearer resource_metadata="([^"]+)", scope="[^"]+"$/)?.[1], `${s.stack.base}/.well-known/oauth-protected-resource${metadataSuffix}`, url);
    assert.equal(challenge.match(/scope="([^"]+)"/)[1], scope);
  }
  const sse = await fetch(s.stack.sse, { headers: { accept: 'text/event-stream' } });
  assert.equal(sse.status, 401);
});

test('RFC 9728 metadata at the root, /mcp and /sse path forms (oauth_audience overrides the resource)', async () => {
  for (const suffix of ['', '/mcp', '/sse']) {
    const res = await fetch(`${s.stack.base}/.well-known/oauth-protected-resource${suffix}`);
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.equal(doc.resource, s.audience);
    assert.deepEqual(doc.authorization_servers, [ISSUER]);
    assert.ok(doc.scopes_supported.includes('mcp:fastly'));
    assert.ok(doc.scopes_supported.includes('mcp:fastly:write'));
    assert.deepEqual(doc.bearer_methods_supported, ['header']);
  }
});

test('API keys: the right key works, grants decide the tools', async () => {
  const reader = await sdkClient(s.keys.reader.key);
  const { tools } = await reader.listTools();
  const names = tools.map((t) => t.name);
  assert.ok(names.includes('fastly_get_service'));
  assert.ok(!names.some((n) => n.startsWith('backoffice_') || n.startsWith('test_')), names.join(','));
  assert.ok(!names.includes('fastly_purge_all'), 'no write grant');
  const details = await reader.callTool({ name: 'fastly_get_service', arguments: { service_id: SHOP } });
  assert.equal(details.structuredContent.name, 'shop-frontend');
  const denied = await reader.callTool({ name: 'backoffice_staff_role', arguments: { crew_id: 'c-1001' } });
  assert.equal(denied.isError, true);
  assert.match(denied.content[0].text, /not permitted for this client/);
  const noWrite = await reader.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.match(noWrite.content[0].text, /not permitted for this client: .* change data with tool set 'fastly'/);
  await reader.close();

  const operator = await sdkClient(s.keys.operator.key);
  const purge = await operator.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } });
  assert.deepEqual(purge.structuredContent, { status: 'ok' });
  await operator.close();
});

test('wrong, hashed or malformed API keys are 401 invalid_token', async () => {
  for (const token of ['mcpk_wrong', s.keys.reader.entry.sha256, `${s.keys.reader.key}x`]) {
    const res = await post(s.stack.mcp, ping, bearer(token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
    assert.doesNotMatch(res.text, new RegExp(token.slice(0, 12)));
  }
  const basic = await post(s.stack.mcp, ping, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
  assert.equal(basic.status, 401);
});

test('OAuth: a valid token works; scopes map to tool sets; missing scope is 403 insufficient_scope', async () => {
  const token = s.as.token({ scope: 'mcp:fastly mcp:backoffice' });
  const client = await sdkClient(token);
  const role = await client.callTool({ name: 'backoffice_staff_role', arguments: { crew_id: 'c-1001' } });
  assert.equal(role.structuredContent.name, 'Ana Ortiz');
  await client.close();

  const res = await post(s.stack.mcp, call('fastly_purge_all', { service_id: SHOP }, 7), bearer(token));
  assert.equal(res.status, 403);
  assert.equal(res.json.id, 7);
  const challenge = res.headers.get('www-authenticate');
  assert.match(challenge, /error="insufficient_scope"/);
  // Every scope the token has plus the one needed: a step-up must not lose the others.
  assert.match(challenge, /scope="mcp:fastly mcp:backoffice mcp:fastly:write"/);
  assert.match(challenge, /resource_metadata="/);
});

test('OAuth step-up with the TS SDK asks for the scopes the token had plus the one needed', async () => {
  const token = s.as.token({ scope: 'mcp:fastly mcp:backoffice' });
  // The authorization server only exists as this metadata: the SDK stops at the redirect,
  // where the scope it asks for can be read.
  const asMetadata = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/authorize`,
    token_endpoint: `${ISSUER}/token`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  };
  const fetchFn = (url, init) => (String(url).startsWith(ISSUER)
    ? Promise.resolve(new Response(JSON.stringify(asMetadata), { headers: { 'content-type': 'application/json' } }))
    : fetch(url, init));
  const redirects = [];
  const provider = {
    redirectUrl: 'http://127.0.0.1:9/callback',
    clientMetadata: { client_name: 'step-up-test', redirect_uris: ['http://127.0.0.1:9/callback'] },
    clientInformation: () => ({ client_id: 'step-up-test' }),
    saveClientInformation: () => {},
    tokens: () => ({ access_token: token, token_type: 'Bearer' }),
    saveTokens: () => {},
    saveCodeVerifier: () => {},
    codeVerifier: () => 'v',
    redirectToAuthorization: (url) => { redirects.push(url); },
    // The secure stack's audience is a fixed URL, not the 127.0.0.1 one the client uses.
    validateResourceURL: async () => undefined,
  };
  const client = new Client({ name: 'step-up', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(s.stack.mcp), { authProvider: provider, fetch: fetchFn }));
  const role = await client.callTool({ name: 'backoffice_staff_role', arguments: { crew_id: 'c-1001' } });
  assert.equal(role.structuredContent.name, 'Ana Ortiz');
  await assert.rejects(client.callTool({ name: 'fastly_purge_all', arguments: { service_id: SHOP } }));
  assert.equal(redirects.length, 1, 'one step-up authorization');
  assert.equal(redirects[0].searchParams.get('scope'), 'mcp:fastly mcp:backoffice mcp:fastly:write');
  await client.close();
});

test('OAuth: forged, expired, foreign-audience tokens are 401 invalid_token', async () => {
  for (const [name, token] of Object.entries(s.as.forged())) {
    const res = await post(s.stack.mcp, ping, bearer(token));
    assert.equal(res.status, 401, name);
    assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/, name);
  }
});

test('tokens without sub are their client: one client cannot post into another\'s legacy SSE session', async () => {
  const tokenOf = (client) => s.as.token({ scope: 'mcp:fastly', claims: { sub: undefined, client_id: client } });
  const stream = await fetch(s.stack.sse, { headers: { accept: 'text/event-stream', ...bearer(tokenOf('client-a')) } });
  assert.equal(stream.status, 200);
  const reader = stream.body.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  const endpoint = new URL(/data: (\S+)/.exec(text)[1], s.stack.base).toString();
  const other = await post(endpoint, ping, bearer(tokenOf('client-b')));
  console.log(`client-b posting into client-a's session: HTTP ${other.status}`);
  assert.equal(other.status, 403);
  assert.match(other.json.error.message, /belongs to another client/);
  const own = await post(endpoint, ping, bearer(tokenOf('client-a')));
  assert.equal(own.status, 202);
  await reader.cancel();
});

test('a token naming neither a subject nor a client is 401 invalid_token', async () => {
  const token = s.as.token({ scope: 'mcp:fastly', claims: { sub: undefined } });
  const res = await post(s.stack.mcp, ping, bearer(token));
  console.log(`token without sub and client_id: HTTP ${res.status} ${res.headers.get('www-authenticate')}`);
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate'), /error="invalid_token", error_description="token names neither a subject \(sub\) nor a client \(client_id\)"/);
});

test('API key entries sharing a name are refused (each has a warning in its log line); the others work', async () => {
  for (const twin of [s.keys.twinA, s.keys.twinB]) {
    const res = await post(s.stack.mcp, ping, bearer(twin.key));
    console.log(`key of a duplicated name: HTTP ${res.status}`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
  }
  assert.equal((await post(s.stack.mcp, ping, bearer(s.keys.reader.key))).status, 200);
  await new Promise((r) => setTimeout(r, 200));
  const lines = s.stack.logs.join('').split('\n').filter((l) => l.includes('"request_id"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))));
  assert.ok(lines.some((l) => l.status === 401 && l.warnings?.includes('api_keys has entries with the same (or an empty) name: those keys are refused')), JSON.stringify(lines.slice(-3)));
});

test('the client credential is never forwarded to backend api', async () => {
  await fetch(`${s.stack.apiDouble}/__double/requests`, { method: 'DELETE' });
  const token = s.as.token({ scope: 'mcp:fastly' });
  const res = await post(s.stack.mcp, call('fastly_list_services', {}), bearer(token));
  assert.equal(res.status, 200);
  assert.notEqual(res.json.result.isError, true, res.text);
  const log = (await (await fetch(`${s.stack.apiDouble}/__double/requests`)).json()).requests;
  assert.equal(log.length, 1);
  // The double accepted the server's own api_token (a client token would be 401) and
  // saw no Authorization header at all.
  assert.equal(log[0].status, 200);
  assert.equal(log[0].headers.authorization, undefined);
});

test('legacy SSE sessions are bound to the principal that opened them', async () => {
  const stream = await fetch(s.stack.sse, { headers: { accept: 'text/event-stream', ...bearer(s.keys.reader.key) } });
  assert.equal(stream.status, 200);
  const reader = stream.body.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  const endpoint = new URL(/data: (\S+)/.exec(text)[1], s.stack.base).toString();
  await fetch(`${s.stack.apiDouble}/__double/requests`, { method: 'DELETE' });

  const other = await post(endpoint, ping, bearer(s.keys.other.key));
  assert.equal(other.status, 403);
  assert.match(other.json.error.message, /belongs to another client/);
  const oauth = await post(endpoint, ping, bearer(s.as.token({ scope: 'mcp:fastly' })));
  assert.equal(oauth.status, 403);
  const tampered = await post(endpoint.replace(/.$/, (c) => (c === '0' ? '1' : '0')), ping, bearer(s.keys.reader.key));
  assert.equal(tampered.status, 404);
  const log = (await (await fetch(`${s.stack.apiDouble}/__double/requests`)).json()).requests;
  assert.equal(log.filter((r) => r.path.endsWith('/publish/')).length, 0, 'nothing was published');

  const own = await post(endpoint, ping, bearer(s.keys.reader.key));
  assert.equal(own.status, 202);
  await reader.cancel();
});

test('mcp-remote with an API key header works end to end (LibreChat with auth)', async () => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js'), s.stack.sse, '--transport', 'sse-only',
      '--header', `Authorization: Bearer ${s.keys.reader.key}`],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'mcp-remote-')) },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'librechat-auth', version: '1.0.0' });
  await client.connect(transport);
  const result = await client.callTool({ name: 'fastly_get_service', arguments: { service_id: SHOP } });
  assert.equal(result.structuredContent.name, 'shop-frontend');
  await client.close();
});

test('one structured log line per request, without secrets', async () => {
  // Earlier tests made the same call; their lines must all be in before this one's is
  // told apart by counting (a line comes through Viceroy's stdout after the response).
  const mine = (logs) => logs.filter((l) => l.includes('"request_id"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))))
    .filter((e) => e.tool === 'fastly_get_service' && e.principal === 'reader');
  await settle(s.stack);
  const earlier = mine(s.stack.logs).length;
  await post(s.stack.mcp, call('fastly_get_service', { service_id: SHOP }, 99), bearer(s.keys.reader.key));
  const entry = await s.stack.waitForLog((logs) => mine(logs)[earlier], { what: 'the request log line of this fastly_get_service call' });
  assert.equal(entry.mcp_method, 'tools/call');
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.duration_ms, 'number');
  assert.match(entry.request_id, /^[0-9a-f]{16}$/);
});

test('every route writes its log line: metadata, unknown paths, refusals', async () => {
  const lines = (logs) => logs.filter((l) => l.includes('"request_id"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))));
  const cases = [
    ['/.well-known/oauth-protected-resource/mcp', {}, 200],
    ['/no-such-path', {}, 404],
    ['/mcp', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' }, 401],
  ];
  for (const [path, init, status] of cases) {
    const res = await fetch(`${s.stack.base}${path}`, init);
    assert.equal(res.status, status, path);
    const entry = await s.stack.waitForLog((logs) => lines(logs).find((e) => e.path === path && e.status === status),
      { what: `the log line of ${path}` });
    assert.equal(entry.principal ?? null, null, `${path}: nobody was authenticated`);
  }
});
