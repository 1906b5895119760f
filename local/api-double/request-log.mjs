// In-memory log of every request that reached the double (any path, any outcome), so
// tests can assert what got to "the backend" — e.g. that `../`, `%2F` or CR/LF from a
// tool argument never arrived as such.
//
//   GET    /__double/requests[?since=SEQ]  (no auth; only the double has this path)
//          200 {"requests":[entry...], "dropped": N}
//          entry = {"seq", "time", "method", "url" (path + query exactly as received,
//                   percent-encoding and dot segments untouched), "path" (the raw part
//                   before '?'), "query" ({key: value|[values]}, decoded), "headers" (Node's lower-cased names; fastly-key,
//                   authorization, proxy-authorization and cookie values replaced by
//                   "[redacted]"), "body" (UTF-8 text, or null when empty), "bodyBase64"
//                   (only when the body is not UTF-8), "bodyBytes", "bodyTruncated",
//                   "status" (response status; null while in flight)}
//   DELETE /__double/requests   200 {"cleared": N}
//
// Requests to /__double/ itself are not logged. Keeps the last `limit` entries (default
// 2000; older ones are counted in `dropped`) and the first `bodyLimit` bytes of each body
// (default 256 KiB).
import { sendJson } from './http.mjs';

const REDACTED_HEADERS = new Set(['fastly-key', 'authorization', 'proxy-authorization', 'cookie']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export const DOUBLE_PREFIX = '/__double/';

export function createRequestLog({ limit = 2000, bodyLimit = 256 * 1024 } = {}) {
  let entries = [];
  let seq = 0;
  let dropped = 0;

  return {
    /** Adds an entry; returns it (set `status` on it when the response is done). */
    record({ method, url, headers, body }) {
      const mark = url.indexOf('?');
      const query = {};
      for (const [key, value] of new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1))) {
        if (key in query) query[key] = [].concat(query[key], value);
        else query[key] = value;
      }
      const safeHeaders = {};
      for (const [name, value] of Object.entries(headers)) {
        safeHeaders[name] = REDACTED_HEADERS.has(name) ? '[redacted]' : value;
      }
      const kept = body.subarray(0, bodyLimit);
      let text = null;
      let base64;
      if (kept.length > 0) {
        try {
          text = utf8.decode(kept);
        } catch {
          base64 = kept.toString('base64');
        }
      }
      seq += 1;
      const entry = {
        seq,
        time: new Date().toISOString(),
        method,
        url,
        path: mark < 0 ? url : url.slice(0, mark),
        query,
        headers: safeHeaders,
        body: text,
        ...(base64 === undefined ? {} : { bodyBase64: base64 }),
        bodyBytes: body.length,
        bodyTruncated: body.length > kept.length,
        status: null,
      };
      entries.push(entry);
      if (entries.length > limit) {
        dropped += entries.length - limit;
        entries = entries.slice(-limit);
      }
      return entry;
    },
    list({ since = 0 } = {}) {
      return entries.filter((e) => e.seq > since);
    },
    clear() {
      const n = entries.length;
      entries = [];
      dropped = 0;
      return n;
    },
    get dropped() {
      return dropped;
    },
  };
}

export function routes(ctx) {
  return [
    {
      method: 'GET',
      pattern: /^\/__double\/requests$/,
      auth: false,
      handler({ res, url, info }) {
        const since = Number(url.searchParams.get('since') ?? 0) || 0;
        info.resBytes = sendJson(res, 200, { requests: ctx.requestLog.list({ since }), dropped: ctx.requestLog.dropped });
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/__double\/requests$/,
      auth: false,
      handler({ res, info }) {
        info.resBytes = sendJson(res, 200, { cleared: ctx.requestLog.clear() });
      },
    },
  ];
}
