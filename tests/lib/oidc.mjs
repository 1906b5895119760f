// A real OAuth 2.1 authorization server for the OAuth flow tests: oidc-provider on a free
// loopback port. It serves RFC 8414 metadata, its JWKS, dynamic client registration
// (what mcp-remote and the TS SDK do first), the authorization code grant with PKCE,
// client credentials, and RFC 8707 resource indicators: a token asked for a resource is
// a JWT access token (RFC 9068) whose `aud` is that resource. The login and consent
// interaction is approved automatically (user `test-user`, every scope asked for), so
// a "browser" only has to follow redirects and keep cookies (browse()).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './stack.mjs';

export const USER = 'test-user';

/**
 * startAuthorizationServer({ scopes, clients })
 *   scopes   the resource scopes tokens may carry (the server's scopes_supported)
 *   clients  pre-registered clients (e.g. a client-credentials one)
 * Returns { issuer, jwks (the public JWKS as JSON text), browse, requests, stop }.
 * `requests` logs each authorization and token request's resource and scope.
 */
export async function startAuthorizationServer({ scopes, clients = [] }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const requests = [];
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [{ ...rsa, kid: 'rs-1', alg: 'RS256', use: 'sig' }, { ...ec, kid: 'es-1', alg: 'ES256', use: 'sig' }] },
    // Dynamic registration sends the scopes it will ask for; the client schema only
    // accepts values listed here.
    scopes: ['openid', 'offline_access', ...scopes],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    cookies: { keys: [randomBytes(16).toString('hex')] },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, ClientCredentials: 600, Grant: 600, IdToken: 600, Interaction: 600, Session: 600, RefreshToken: 600 },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        // Any http(s) resource is a resource server taking these scopes; its tokens are
        // JWTs for exactly that resource (ES256, RS256 for /sse: both algorithms get used).
        getResourceServerInfo: (_ctx, resource) => ({
          scope: scopes.join(' '),
          audience: resource,
          accessTokenTTL: 600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: resource.endsWith('/sse') ? 'RS256' : 'ES256' } },
        }),
      },
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider:', err));
  const asList = (v) => (v === undefined ? [] : [v].flat());
  provider.on('authorization.accepted', (ctx) => {
    const { client_id, resource, scope } = ctx.oidc.params;
    requests.push({ endpoint: 'authorization', client_id, resource: asList(resource), scope });
  });
  provider.on('grant.success', (ctx) => {
    const { grant_type, resource, scope } = ctx.oidc.params;
    requests.push({ endpoint: 'token', grant_type, client_id: ctx.oidc.client?.clientId, resource: asList(resource), scope });
  });

  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname.startsWith('/interaction/')) {
      try {
        await approve(req, res);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
      return;
    }
    return callback(req, res);
  });

  // Login as USER, then consent to everything asked for.
  async function approve(req, res) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    let result;
    if (prompt.name === 'login') {
      result = { login: { accountId: USER } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      for (const [indicator, wanted] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, wanted.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }

  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const jwks = await (await fetch(`${issuer}/jwks`)).text();

  return {
    issuer,
    jwks,
    requests,
    browse: (url) => browse(url, issuer),
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

/**
 * A headless browser for the authorization step: follows redirects from `url`, keeping
 * the authorization server's cookies, until one leaves the authorization server (the
 * client's redirect_uri); returns that URL without loading it.
 */
export async function browse(url, issuer) {
  const jar = new Map();
  let next = new URL(url);
  for (let hop = 0; hop < 20; hop++) {
    if (next.origin !== new URL(issuer).origin) return next;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(next, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`authorization stopped at ${next} with HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`);
    await res.body?.cancel();
    next = new URL(location, next);
  }
  throw new Error('too many redirects');
}
