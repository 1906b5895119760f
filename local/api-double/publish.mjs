// Fanout publishing: POST /service/{service_id}/publish/ (trailing slash, as the real
// API), authenticated with the publish token (ctx.publishToken: in production an
// automation token with purge_select on this service; the tools' token is refused with
// 403, as a token without that scope is; any other token is 401). The body ({"items":[...]}, GRIP publish
// format) goes unchanged to Pushpin's HTTP publish endpoint, and Pushpin's status, body
// and content type come back to the caller (200 "Published" on success, even when no
// one is subscribed).
//
// Test endpoint (no token): POST /__double/unsubscribed {"channelPrefix":"mcp-call-","count":1}
// makes the next `count` publishes whose items all go to channels starting with the prefix
// behave as Fanout does for a channel nobody holds a stream on yet: 200 "Published",
// nothing delivered (they are not forwarded to Pushpin; the request log notes
// `delivered=none(not-subscribed-yet)`). It stands in for a publish that reaches Fanout
// before the stream it is meant for was subscribed (src/transport/held_stream.rs).
//
// Sizes are logged, not enforced: Fanout's ~64 KB per-message limit is the service's
// job (Pushpin 1.36 accepts larger messages, so a local run would not catch it).
import { request } from 'node:http';
import { checkToken } from './auth.mjs';
import { readBody, sendJson } from './http.mjs';
import { readJson } from './control-util.mjs';

/**
 * POSTs to Pushpin's publish endpoint with node:http (not fetch: undici's fetch costs
 * ~1-2 ms per call here). No agent: Pushpin 1.36's publish server closes every
 * connection after the response anyway. Resolves { status, contentType, body }.
 */
function postToPushpin(url, contentType, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': contentType, 'content-length': body.length }, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, contentType: res.headers['content-type'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('socket', (socket) => socket.setNoDelay(true));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TimeoutError' })));
    req.on('error', reject);
    req.end(body);
  });
}

/** Fanout's ~64 KB message limit, checked on each item as sent (JSON-escaped); it only
 * flags log lines, since Pushpin itself accepts larger items. */
const FANOUT_ITEM_LIMIT = 65536;

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
  const largest = Math.max(0, ...items.map((item) => Buffer.byteLength(JSON.stringify(item))));
  if (largest > FANOUT_ITEM_LIMIT) notes.push(`OVER_FANOUT_LIMIT(${largest}B>${FANOUT_ITEM_LIMIT}B)`);
  return notes;
}

/**
 * Tokens the control plane issued (`fastly auth-token create`) with the purge_select
 * scope on a service it holds: a service under Viceroy publishes as Viceroy's service id
 * (0000...), so the service the token names stands for it.
 */
function issuedPublishTokens(ctx) {
  const state = ctx.controlPlane;
  if (!state) return [];
  const live = new Set([...state.services.values()].filter((s) => !s.deleted_at).map((s) => s.id));
  return state.tokens
    .filter((t) => String(t.scope).split(' ').includes('purge_select') && t.services.some((id) => live.has(id)))
    .map((t) => t.access_token);
}

/** Whether every item of a publish body goes to a channel starting with `prefix`. */
function allOnChannels(buffer, prefix) {
  try {
    const items = JSON.parse(buffer.toString('utf8'))?.items;
    return Array.isArray(items) && items.length > 0 && items.every((item) => String(item?.channel).startsWith(prefix));
  } catch {
    return false;
  }
}

export function routes(ctx) {
  const unsubscribed = { prefix: null, count: 0 };
  return [
    {
      method: 'POST',
      pattern: /^\/__double\/unsubscribed$/,
      auth: false,
      async handler({ req, res, info }) {
        const body = await readJson(req);
        if (typeof body?.channelPrefix !== 'string' || !Number.isInteger(body?.count) || body.count < 0) {
          info.resBytes = sendJson(res, 400, { msg: 'expected {"channelPrefix": string, "count": integer >= 0}' });
          return;
        }
        Object.assign(unsubscribed, { prefix: body.channelPrefix, count: body.count });
        info.resBytes = sendJson(res, 200, unsubscribed);
      },
    },
    {
      method: 'POST',
      pattern: /^\/service\/(?<serviceId>[^/]+)\/publish\/$/,
      auth: (req) => {
        if (checkToken(req.headers, [...[].concat(ctx.publishToken ?? ctx.token), ...issuedPublishTokens(ctx)])) return null;
        if (checkToken(req.headers, ctx.token)) {
          return { status: 403, body: { msg: 'Forbidden', detail: 'This token does not have the purge_select scope for this service' } };
        }
        return { status: 401, body: { msg: 'Provided credentials are missing or invalid' } };
      },
      async handler({ req, res, params, info }) {
        const body = await readBody(req);
        info.reqBytes = body.length;
        if (params.serviceId !== ctx.serviceId) {
          info.resBytes = sendJson(res, 404, { msg: 'Record not found', detail: `Cannot find service '${params.serviceId}'` });
          return;
        }
        info.notes.push(...describeItems(body));
        if (unsubscribed.count > 0 && allOnChannels(body, unsubscribed.prefix)) {
          unsubscribed.count -= 1;
          info.notes.push('delivered=none(not-subscribed-yet)');
          const text = Buffer.from('Published\n');
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': text.length });
          res.end(text);
          info.resBytes = text.length;
          return;
        }
        if (!ctx.publishUrl) {
          info.resBytes = sendJson(res, 503, { msg: 'Service Unavailable', detail: 'local api double: no Pushpin publish URL configured' });
          return;
        }
        let upstream;
        try {
          upstream = await postToPushpin(ctx.publishUrl, req.headers['content-type'] || 'application/json', body);
        } catch (err) {
          const reason = err.code ?? err.name ?? err.message;
          info.notes.push(`pushpin=unreachable(${reason})`);
          info.resBytes = sendJson(res, 503, { msg: 'Service Unavailable', detail: `local api double: Pushpin publish endpoint unreachable (${reason})` });
          return;
        }
        const text = upstream.body;
        info.notes.push(`pushpin=${upstream.status}`);
        res.writeHead(upstream.status, {
          'content-type': upstream.contentType || 'text/plain',
          'content-length': text.length,
        });
        res.end(text);
        info.resBytes = text.length;
      },
    },
  ];
}
