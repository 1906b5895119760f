// A stack with client authentication on (API keys and OAuth), shared by the security
// and hostile-input suites.
import { startStack } from './stack.mjs';
import { apiKey, authorizationServer } from './tokens.mjs';

export const ISSUER = 'https://auth.test.example';

/**
 * config: more Config Store settings (e.g. { allowed_origins: '...' });
 * extraArgs: more `viceroy serve` arguments (e.g. ['-v']).
 */
export async function startSecureStack({ config = {}, extraArgs = [] } = {}) {
  const keys = {
    reader: apiKey('reader', ['fastly']),
    operator: apiKey('operator', ['fastly', 'backoffice', 'diagnostics', 'conformance'], ['fastly', 'backoffice']),
    other: apiKey('other-tenant', ['fastly']),
    // Two entries sharing a name: a name is an identity, so both are refused.
    twinA: apiKey('twin', ['fastly']),
    twinB: apiKey('twin', ['fastly', 'backoffice']),
  };
  // One fixed audience (the oauth_audience override) that is not where the stack runs;
  // the metadata is where it runs (oauth_resource_base, known once its port is).
  const audience = 'http://mcp.test.example/mcp';
  const as = authorizationServer({ issuer: ISSUER, audience });
  const stack = await startStack({
    extraArgs,
    config: ({ base }) => ({ auth: 'api_key,oauth', oauth_issuer: ISSUER, oauth_audience: audience, oauth_resource_base: base, oauth_jwks: as.jwks, ...config }),
    env: { MCP_API_KEYS: JSON.stringify(Object.values(keys).map((k) => k.entry)) },
  });
  return { stack, keys, as, audience };
}

export const bearer = (token) => ({ authorization: `Bearer ${token}` });
