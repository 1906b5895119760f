// A stack with client authentication on (API keys and OAuth), shared by the security
// and hostile-input suites.
import { startStack } from './stack.mjs';
import { apiKey, authorizationServer } from './tokens.mjs';

export const ISSUER = 'https://auth.test.example';

/** extraArgs: more `viceroy serve` arguments (e.g. ['-v']). */
export async function startSecureStack({ extraArgs = [] } = {}) {
  const keys = {
    reader: apiKey('reader', ['fastly']),
    operator: apiKey('operator', ['fastly', 'backoffice', 'diagnostics', 'conformance'], ['fastly', 'backoffice']),
    other: apiKey('other-tenant', ['fastly']),
  };
  // The audience is derived from the request host: 127.0.0.1:<port>, known only once the
  // stack runs, so it is fixed in the configuration instead.
  const audience = 'http://mcp.test.example/mcp';
  const as = authorizationServer({ issuer: ISSUER, audience });
  const stack = await startStack({
    extraArgs,
    config: { auth: 'api_key,oauth', oauth_issuer: ISSUER, oauth_audience: audience, oauth_jwks: as.jwks },
    env: { MCP_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.entry)) },
  });
  return { stack, keys, as, audience };
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });
