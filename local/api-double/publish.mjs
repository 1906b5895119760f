// Fanout publishing: POST /service/{service_id}/publish/ (trailing slash, as the real
// API), authenticated with the API token. The body ({"items":[...]}, GRIP publish
// format) goes unchanged to Pushpin's HTTP publish endpoint, and Pushpin's status, body
// and content type come back to the caller (200 "Published" on success, even when no
// one is subscribed).
//
// Sizes are logged, not enforced: Fanout's ~64 KB per-message limit is the service's
// job (Pushpin 1.36 accepts larger messages, so a local run would not catch it).
import { readBody, sendJson } from './http.mjs';

/** Fanout's documented per-message content limit, only used to flag log lines. */
const FANOUT_CONTENT_LIMIT = 65536;

/** Sizes (bytes) of each item's payloads, for the log line. */
function describeItems(buffer) {
  let parsed;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    return ['body=not-json'];
  }
  const items = Array.isArray(parsed?.items) ? parsed.items : null;
  if (!items) return ['items=missing'];
  const sizes = items.map((item) => {
    const formats = item?.formats ?? {};
    const content = [
      formats['http-stream']?.content,
      formats['http-response']?.body,
      formats['ws-message']?.content,
    ].filter((value) => typeof value === 'string');
    return Math.max(0, ...content.map((value) => Buffer.byteLength(value)));
  });
  const channels = [...new Set(items.map((item) => item?.channel).filter((c) => typeof c === 'string'))];
  const notes = [`items=${items.length}`, `channels=${channels.length}`, `content=${sizes.join(',')}B`];
  if (sizes.some((size) => size > FANOUT_CONTENT_LIMIT)) notes.push(`OVER_FANOUT_LIMIT(${FANOUT_CONTENT_LIMIT}B)`);
  return notes;
}

export function routes(ctx) {
  return [
    {
      method: 'POST',
      pattern: /^\/service\/(?<serviceId>[^/]+)\/publish\/$/,
      auth: true,
      async handler({ req, res, params, info }) {
        const body = await readBody(req);
        info.reqBytes = body.length;
        if (params.serviceId !== ctx.serviceId) {
          info.resBytes = sendJson(res, 404, { msg: 'Record not found', detail: `Cannot find service '${params.serviceId}'` });
          return;
        }
        info.notes.push(...describeItems(body));
        if (!ctx.publishUrl) {
          info.resBytes = sendJson(res, 503, { msg: 'Service Unavailable', detail: 'local api double: no Pushpin publish URL configured' });
          return;
        }
        let upstream;
        try {
          upstream = await fetch(ctx.publishUrl, {
            method: 'POST',
            headers: { 'content-type': req.headers['content-type'] || 'application/json' },
            body,
            signal: AbortSignal.timeout(10_000),
          });
        } catch (err) {
          const reason = err.cause?.code ?? err.name ?? err.message;
          info.notes.push(`pushpin=unreachable(${reason})`);
          info.resBytes = sendJson(res, 503, { msg: 'Service Unavailable', detail: `local api double: Pushpin publish endpoint unreachable (${reason})` });
          return;
        }
        const text = Buffer.from(await upstream.arrayBuffer());
        info.notes.push(`pushpin=${upstream.status}`);
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') || 'text/plain',
          'content-length': text.length,
        });
        res.end(text);
        info.resBytes = text.length;
      },
    },
  ];
}
