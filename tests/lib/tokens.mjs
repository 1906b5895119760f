// Credentials for the auth tests: an ES256 authorization server key (its JWKS goes in
// the Config Store), JWTs signed with it or forged, and API keys with their hashes.
import { createHash, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export function authorizationServer({ issuer, audience, kid = 'test-key' }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  const jwks = JSON.stringify({ keys: [jwk] });
  const now = () => Math.floor(Date.now() / 1000);

  /** A JWT; `claims` and `header` override the defaults, `key` signs instead. */
  function token({ scope = '', claims = {}, header = {}, key = privateKey } = {}) {
    const head = { alg: 'ES256', typ: 'JWT', kid, ...header };
    const body = { iss: issuer, aud: audience, sub: 'agent-under-test', iat: now(), exp: now() + 300, scope, ...claims };
    const unsigned = `${b64(head)}.${b64(body)}`;
    const signature = sign('sha256', Buffer.from(unsigned), { key, dsaEncoding: 'ieee-p1363' });
    return `${unsigned}.${signature.toString('base64url')}`;
  }

  /** Tokens that must all be refused. */
  function forged() {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const unsignedNone = `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64({ iss: issuer, aud: audience, exp: now() + 300, scope: 'mcp:fastly' })}`;
    const hsUnsigned = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64({ iss: issuer, aud: audience, exp: now() + 300, scope: 'mcp:fastly' })}`;
    return {
      'wrong key': token({ scope: 'mcp:fastly', key: other }),
      'wrong audience': token({ scope: 'mcp:fastly', claims: { aud: 'https://other.example.com/mcp' } }),
      'wrong issuer': token({ scope: 'mcp:fastly', claims: { iss: 'https://evil.example.com' } }),
      expired: token({ scope: 'mcp:fastly', claims: { iat: now() - 7200, exp: now() - 3600 } }),
      'not yet valid': token({ scope: 'mcp:fastly', claims: { nbf: now() + 3600 } }),
      'no expiry': token({ scope: 'mcp:fastly', claims: { exp: undefined } }),
      'alg none': `${unsignedNone}.`,
      'alg confusion (HS256 keyed with the JWKS)': `${hsUnsigned}.${createHmac('sha256', jwks).update(hsUnsigned).digest('base64url')}`,
      'unknown kid': token({ scope: 'mcp:fastly', header: { kid: 'other-key' } }),
      'truncated signature': token({ scope: 'mcp:fastly' }).slice(0, -10),
      garbage: 'a.b.c',
    };
  }

  return { jwks, token, forged };
}

/** A random API key and the api_keys entry storing only its hash. */
export function apiKey(name, toolSets, writeSets = []) {
  const key = `mcpk_${randomBytes(24).toString('base64url')}`;
  const sha256 = createHash('sha256').update(key).digest('hex');
  return { key, entry: { name, sha256, tool_sets: toolSets, write_sets: writeSets } };
}
