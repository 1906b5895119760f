// API token check, like api.fastly.com: the token comes in `Fastly-Key: <token>` or
// `Authorization: Bearer <token>`. Compared in constant time; never logged.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value) {
  return createHash('sha256').update(String(value)).digest();
}

function same(a, b) {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * True when the request headers (Node's lower-cased object) carry the expected token, or
 * one of them when `expected` is an array.
 */
export function checkToken(headers, expected) {
  const accepted = (Array.isArray(expected) ? expected : [expected]).filter((t) => typeof t === 'string' && t.length > 0);
  const candidates = [];
  const key = headers['fastly-key'];
  if (typeof key === 'string' && key.length > 0) candidates.push(key.trim());
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) candidates.push(match[1]);
  }
  // Evaluate every pair (no early exit) so timing does not tell which header or token matched.
  let ok = false;
  for (const candidate of candidates) {
    for (const token of accepted) ok = same(candidate, token) || ok;
  }
  return ok;
}

/** True when the headers carry `Authorization: Bearer <expected>` (only that header). */
export function checkBearer(headers, expected) {
  const authorization = headers.authorization;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return same(match ? match[1] : '', expected) && match !== null;
}
