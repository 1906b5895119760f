// A local double of api.fastly.com: a plain Node http server (no dependencies) that
// the service reaches through its `api` backend when it runs under Viceroy.
//
// Endpoints live in their own modules (./publish.mjs, ...). Each module exports
// `routes(ctx)` returning [{ method, pattern, auth, handler }]; `pattern` is a RegExp
// matched against the path (without the query string) whose named groups become
// `params`; `auth: true` runs the token check first, like the real API (which
// authenticates before it looks the service up). To add an endpoint, write a module and
// list it in ENDPOINT_MODULES.
//
// Responses follow the real API's shapes: JSON bodies with `msg` (and `detail`).
// Logging: one line per request to the `log` function (stderr by default): method,
// path, status, request/response sizes, plus what a handler adds. Tokens are never logged.
import { createServer } from 'node:http';
import { checkToken } from './auth.mjs';
import { notFound, readBody, sendJson } from './http.mjs';
import * as publish from './publish.mjs';

/** The service id Viceroy gives the guest (FASTLY_SERVICE_ID). */
export const LOCAL_SERVICE_ID = '0000000000000000000000';

const ENDPOINT_MODULES = [publish];

/**
 * Creates (does not start) the double.
 * options: { token, serviceId = LOCAL_SERVICE_ID, publishUrl, log }
 *   token      the expected API token (Fastly-Key or Authorization: Bearer)
 *   publishUrl Pushpin's publish endpoint, e.g. http://127.0.0.1:5561/publish/
 *   log        (line) => void, default: stderr
 */
export function createApiDouble({ token, serviceId = LOCAL_SERVICE_ID, publishUrl, log = (line) => process.stderr.write(`${line}\n`) }) {
  if (!token) throw new Error('api double: an expected token is required');
  const ctx = { token, serviceId, publishUrl, log };
  const table = ENDPOINT_MODULES.flatMap((module) => module.routes(ctx));

  const server = createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url, 'http://api.double.invalid');
    const info = { reqBytes: 0, resBytes: 0, notes: [] };
    try {
      const route = table.find((r) => r.method === req.method && r.pattern.test(url.pathname));
      if (!route) {
        // Drain the body so the connection can be reused.
        info.reqBytes = (await readBody(req)).length;
        info.resBytes = notFound(res);
      } else if (route.auth && !checkToken(req.headers, token)) {
        info.reqBytes = (await readBody(req)).length;
        info.resBytes = sendJson(res, 401, { msg: 'Provided credentials are missing or invalid' });
      } else {
        const params = url.pathname.match(route.pattern).groups ?? {};
        await route.handler({ req, res, url, params, info, ctx });
      }
    } catch (err) {
      if (!res.headersSent) {
        const status = err.status ?? 500;
        info.resBytes = sendJson(res, status, { msg: status === 413 ? 'Request entity too large' : 'Internal server error', detail: err.message });
      } else {
        res.destroy(err);
      }
      info.notes.push(`error=${JSON.stringify(err.message)}`);
    } finally {
      // Never the headers (they carry the token), never the query string.
      const extra = info.notes.length ? ` ${info.notes.join(' ')}` : '';
      log(`api-double: ${req.method} ${url.pathname} ${res.statusCode} req=${info.reqBytes}B res=${info.resBytes}B ${Date.now() - started}ms${extra}`);
    }
  });
  return server;
}

/**
 * Creates and starts the double on 127.0.0.1:port (0 = any free port).
 * Returns { url, port, server, close() }.
 */
export async function startApiDouble({ port = 0, host = '127.0.0.1', ...options }) {
  const server = createApiDouble(options);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
