// OAuth end to end with a real authorization server (oidc-provider, tests/lib/oidc.mjs)
// and real clients: the TS SDK's own OAuth client code (its transports call auth() with
// an OAuthClientProvider on a 401: RFC 9728 discovery from the challenge, RFC 8414
// metadata, dynamic registration, authorization code + PKCE with an RFC 8707 resource
// indicator, the code exchange) on /mcp and the bare /, mcp-remote (the same code,
// bundled) on /sse, and client credentials. Each endpoint is its own resource: its
// metadata names the URL the client was given, and tokens for it work.
// Also: production never takes the resource from the Host header, and OAuth without an
// issuer or resource base is refused with 503 and a log warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ROOT, post, startStack } from './lib/stack.mjs';
import { USER, startAuthorizationServer } from './lib/oidc.mjs';

const SETS = ['fastly', 'backoffice', 'diagnostics', 'conformance'];
const SCOPES = SETS.flatMap((set) => [`mcp:${set}`, `mcp:${set}:write`]);
const SHOP = '4kq2mVxR8TnWb6LpZ3dHsA';
const CI_CLIENT = { client_id: 'ci-bot', client_secret: 'ci-bot-secret-0123456789abcdef', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], token_endpoint_auth_method: 'client_secret_basic' };

let as;
let local; // the local stack, its resource base where it runs (known once its port is)
before(async () => {
  as = await startAuthorizationServer({ scopes: SCOPES, clients: [CI_CLIENT] });
  local = await startStack({ config: ({ base }) => ({ auth: 'oauth', oauth_issuer: as.issuer, oauth_jwks: as.jwks, oauth_resource_base: base }) });
});
after(async () => {
  await local?.stop();
  await as?.stop();
});

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

/** An OAuthClientProvider keeping everything in memory (what mcp-remote keeps on disk). */
class MemoryProvider {
  constructor() {
    this.redirectUrl = 'http://127.0.0.1:9/oauth/callback';
    this.clientMetadata = { client_name: 'oauth-test', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  clientInformation() { return this.client; }
  saveClientInformation(info) { this.client = info; }
  tokens() { return this.saved; }
  saveTokens(tokens) { this.saved = tokens; }
  redirectToAuthorization(url) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  saveDiscoveryState(state) { this.discovery = state; }
  discoveryState() { return this.discovery; }
}

const transportFor = (url, authProvider) => (new URL(url).pathname === '/sse'
  ? new SSEClientTransport(new URL(url), { authProvider })
  : new StreamableHTTPClientTransport(new URL(url), { authProvider }));

/**
 * The whole flow a client configured with `url` goes through: connect, 401, the SDK's
 * auth() (discovery, registration, authorization redirect), the user approving in a
 * browser, the code exchange, connect again and call a tool. Returns what it saw.
 */
async function authorizationCodeFlow(url) {
  const provider = new MemoryProvider();
  const first = transportFor(url, provider);
  await assert.rejects(new Client({ name: 'oauth-test', version: '1.0.0' }).connect(first), UnauthorizedError);
  const authorization = provider.authorizationUrl;
  assert.ok(authorization, 'the SDK asked for an authorization');
  const callback = await as.browse(authorization);
  await first.finishAuth(callback.searchParams.get('code'));
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(transportFor(url, provider));
  const service = await client.callTool({ name: 'fastly_get_service', arguments: { service_id: SHOP } });
  await client.close();
  return { provider, authorization, service, token: claims(provider.tokens().access_token) };
}

for (const [label, suffix, resourceSuffix] of [['/mcp', '/mcp', '/mcp'], ['the bare /', '/', ''], ['/sse (the SDK SSE transport)', '/sse', '/sse']]) {
  test(`TS SDK auth(): authorization code + PKCE against ${label} with oidc-provider`, async () => {
    const url = `${local.base}${suffix}`;
    const resource = `${local.base}${resourceSuffix}`;
    const { authorization, service, token } = await authorizationCodeFlow(url);
    const metadata = await (await fetch(`${local.base}/.well-known/oauth-protected-resource${resourceSuffix}`)).json();
    assert.equal(metadata.resource, resource);
    assert.deepEqual(metadata.authorization_servers, [as.issuer]);
    assert.equal(authorization.searchParams.get('resource'), resource, 'RFC 8707 resource indicator');
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(token.aud, resource);
    assert.equal(token.iss, as.issuer);
    assert.equal(token.sub, USER);
    assert.equal(service.structuredContent.name, 'shop-frontend');
    console.log(`${label}: resource ${resource}, token aud ${token.aud}, sub ${token.sub}, scope "${token.scope}"`);
  });
}

test('mcp-remote on /sse: discovery, registration, browser sign-in, token, tool call', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcp-remote-oauth-'));
  const browser = path.join(dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'tests/lib/headless-browser.mjs')}" "$1"\n`);
  chmodSync(browser, 0o755);
  const before = as.requests.length;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js'), `${local.base}/sse`, '--transport', 'sse-only'],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: dir, BROWSER: browser, DISPLAY: '', WAYLAND_DISPLAY: '' },
    stderr: 'pipe',
  });
  const stderr = [];
  transport.stderr?.on('data', (chunk) => stderr.push(chunk.toString()));
  const client = new Client({ name: 'librechat-oauth', version: '1.0.0' });
  try {
    await client.connect(transport);
    const result = await client.callTool({ name: 'fastly_get_service', arguments: { service_id: SHOP } });
    assert.equal(result.structuredContent.name, 'shop-frontend');
  } catch (err) {
    throw new Error(`${err.message}\nmcp-remote stderr:\n${stderr.join('').slice(-4000)}`);
  } finally {
    await client.close();
  }
  const seen = as.requests.slice(before);
  const authorization = seen.find((r) => r.endpoint === 'authorization');
  const exchange = seen.find((r) => r.endpoint === 'token' && r.grant_type === 'authorization_code');
  assert.deepEqual(authorization?.resource, [`${local.base}/sse`], JSON.stringify(seen));
  assert.deepEqual(exchange?.resource, [`${local.base}/sse`], JSON.stringify(seen));
  console.log(`mcp-remote /sse: ${JSON.stringify(seen)}`);
});

test('client credentials (TS SDK ClientCredentialsProvider) against the bare /; sub is the client', async () => {
  const provider = new ClientCredentialsProvider({ clientId: CI_CLIENT.client_id, clientSecret: CI_CLIENT.client_secret, expectedIssuer: as.issuer, scope: 'mcp:fastly' });
  const client = new Client({ name: 'ci-bot', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${local.base}/`), { authProvider: provider }));
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  assert.ok(names.includes('fastly_get_service'));
  assert.ok(!names.some((n) => n.startsWith('backoffice_')), 'only the scope asked for');
  await client.close();
  const token = claims(provider.tokens().access_token);
  assert.equal(token.aud, local.base);
  assert.equal(token.client_id, 'ci-bot');
});

test('a token oidc-provider issued for another resource is refused on every endpoint', async () => {
  const res = await fetch(`${as.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CI_CLIENT.client_id}:${CI_CLIENT.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mcp:fastly', resource: 'http://other.example/mcp' }),
  });
  const { access_token: token } = await res.json();
  assert.equal(claims(token).aud, 'http://other.example/mcp');
  for (const url of [`${local.base}/mcp`, `${local.base}/`, `${local.base}/messages?sessionId=x`]) {
    const refused = await post(url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { authorization: `Bearer ${token}` });
    assert.equal(refused.status, 401, url);
    assert.match(refused.headers.get('www-authenticate'), /error="invalid_token"/);
  }
});

test('challenges name the metadata of the endpoint asked (/messages belongs to /sse)', async () => {
  const expected = [['/mcp', '/mcp'], ['/', ''], ['/messages?sessionId=x', '/sse']];
  for (const [suffix, metadata] of expected) {
    const res = await post(`${local.base}${suffix}`, { jsonrpc: '2.0', id: 1, method: 'ping' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate'), new RegExp(`resource_metadata="${local.base}/\\.well-known/oauth-protected-resource${metadata}"`), suffix);
  }
  const sse = await fetch(`${local.base}/sse`, { headers: { accept: 'text/event-stream' } });
  assert.equal(sse.status, 401);
  assert.match(sse.headers.get('www-authenticate'), new RegExp(`resource_metadata="${local.base}/\\.well-known/oauth-protected-resource/sse"`));
});

/** A request with a Host header of its own (fetch sends the URL's). */
function withHost(url, host, { method = 'GET', body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' } }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the resource comes from oauth_resource_base, never from the Host header', async () => {
  const spoofed = await withHost(`${local.base}/.well-known/oauth-protected-resource/mcp`, 'evil.example');
  assert.equal(spoofed.status, 200);
  console.log(`metadata asked with Host: evil.example names ${JSON.parse(spoofed.text).resource}`);
  assert.equal(JSON.parse(spoofed.text).resource, `${local.base}/mcp`);
  const ping = { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' };
  // A foreign Host never reaches authentication on an MCP route: the Host check is first.
  const foreign = await withHost(`${local.base}/mcp`, 'evil.example', ping);
  assert.equal(foreign.status, 403);
  // An allowed Host other than the base's (loopback by name): the challenge still names
  // the configured base, not what the client sent.
  const other = `localhost:${new URL(local.base).port}`;
  const challenge = await withHost(`${local.base}/mcp`, other, ping);
  assert.equal(challenge.status, 401);
  assert.match(challenge.headers['www-authenticate'], new RegExp(`resource_metadata="${local.base}/\\.well-known/oauth-protected-resource/mcp"`));
  assert.doesNotMatch(challenge.headers['www-authenticate'], /localhost/);
});

test('production: OAuth without oauth_issuer or oauth_resource_base is refused (503 and a log warning)', async () => {
  // One stack (each takes a while to start): no issuer is reported first; the missing
  // base has the unit tests (auth::resource).
  const cases = [[{ oauth_resource_base: 'https://mcp.example.com' }, /oauth_issuer is not configured/]];
  for (const [settings, reason] of cases) {
    const prod = await startStack({ config: { mode: '', auth: 'oauth', oauth_jwks: as.jwks, ...settings } });
    try {
      const requests = [
        ['metadata', () => fetch(`${prod.base}/.well-known/oauth-protected-resource/mcp`)],
        ['/mcp', () => fetch(prod.mcp, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' })],
        ['/sse', () => fetch(prod.sse, { headers: { accept: 'text/event-stream' } })],
      ];
      for (const [name, send] of requests) {
        const res = await send();
        const text = await res.text();
        assert.equal(res.status, 503, `${name}: ${res.status} ${text}`);
        assert.match(text, reason, name);
        assert.equal(res.headers.get('www-authenticate'), null, name);
      }
      await new Promise((r) => setTimeout(r, 200));
      const lines = prod.logs.join('').split('\n').filter((l) => l.includes('"request_id"')).map((l) => JSON.parse(l.slice(l.indexOf('{'))));
      assert.ok(lines.some((l) => l.status === 503 && l.warnings?.some((w) => reason.test(w))), JSON.stringify(lines.slice(-3)));
    } finally {
      await prod.stop();
    }
  }
});
