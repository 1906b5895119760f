// A local double of api.fastly.com: a plain Node http server (no dependencies) that
// the service reaches through its `api` backend when it runs under Viceroy.
//
// Endpoints live in their own modules (./publish.mjs, ./services.mjs, ./stats.mjs,
// ./backoffice.mjs, ./request-log.mjs). Each module exports `routes(ctx)` returning
// [{ method, pattern, auth, handler }]; `pattern` is a RegExp matched against the path
// (without the query string) whose named groups become `params`; `auth: true` runs the
// API token check first, like the real API (which authenticates before it looks the
// service up); `auth` may also be a function (req) => null | { status, body, headers }
// for another scheme (the back-office bearer token); an optional `when(params)` lets a
// route pass a request on to the next matching one (the control plane answers only for
// the services it created). To add an endpoint, write a module and list it in
// ENDPOINT_MODULES.
//
// With the `controlPlane` option the double also models what the Fastly CLI creates
// (services, versions, stores, products, tokens; see ./control-plane.mjs); its routes
// come first and take the control token.
//
// Every request except /__double/* is recorded (headers with tokens redacted, body) in
// ctx.requestLog, served at GET /__double/requests (see ./request-log.mjs); the server
// reads the body up front for that, and readBody() hands the handlers the same buffer.
//
// Responses follow the real API's shapes: JSON bodies with `msg` (and `detail`).
// Logging: one line per request to the `log` function (stderr by default): method,
// path, status, request/response sizes, plus what a handler adds. Tokens are never logged.
import { createServer } from 'node:http';
import { checkToken } from './auth.mjs';
import * as backoffice from './backoffice.mjs';
import * as controlPlane from './control-plane.mjs';
import { notFound, readBody, sendJson } from './http.mjs';
import * as publish from './publish.mjs';
import * as requestLog from './request-log.mjs';
import * as services from './services.mjs';
import * as stats from './stats.mjs';

/** The service id Viceroy gives the guest (FASTLY_SERVICE_ID). */
export const LOCAL_SERVICE_ID = '0000000000000000000000';

const ENDPOINT_MODULES = [publish, services, stats, backoffice, requestLog];

/**
 * Creates (does not start) the double.
 * options: { token, publishToken, backofficeToken, serviceId = LOCAL_SERVICE_ID, publishUrl, log,
 *            requestLogLimit, controlPlane, controlToken }
 *   token           the expected API token (Fastly-Key or Authorization: Bearer), or an
 *                   array of accepted tokens
 *   publishToken    the token the publish endpoint expects (./publish.mjs; default: token)
 *   backofficeToken the bearer token of the /backoffice/ example API (optional; without
 *                   it those routes answer 503)
 *   publishUrl      Pushpin's publish endpoint, e.g. http://127.0.0.1:5561/publish/
 *   log             (line) => void, default: stderr
 *   requestLogLimit entries kept by the request log (default 2000)
 *   controlPlane    enables the control plane (./control-plane.mjs): true or
 *                   { fanoutEntitled = true, takenDomains = [], password }
 *   controlToken    the token (or array) its routes accept, e.g. the Fastly CLI's
 *                   FASTLY_API_TOKEN (default: token)
 * The returned server has `requestLog` (see ./request-log.mjs) and `controlPlane` (the
 * state of ./control-state.mjs, or null).
 */
export function createApiDouble({
  token,
  publishToken,
  backofficeToken,
  serviceId = LOCAL_SERVICE_ID,
  publishUrl,
  log = (line) => process.stderr.write(`${line}\n`),
  requestLogLimit,
  controlPlane: controlOptions,
  controlToken,
}) {
  const tokens = [].concat(token ?? []).filter(Boolean);
  if (tokens.length === 0) throw new Error('api double: an expected token is required');
  const ctx = {
    token: Array.isArray(token) ? tokens : token,
    tokens,
    publishToken,
    backofficeToken,
    serviceId,
    publishUrl,
    log,
    requestLog: requestLog.createRequestLog({ limit: requestLogLimit }),
    controlPlane: controlOptions ? controlPlane.createControlPlane(controlOptions === true ? {} : controlOptions) : null,
    controlToken: [].concat(controlToken ?? tokens).filter(Boolean),
  };
  const table = [controlPlane, ...ENDPOINT_MODULES].flatMap((module) => module.routes(ctx));

  const server = createServer(async (req, res) => {
    const started = Date.now();
    const url = new URL(req.url, 'http://api.double.invalid');
    const info = { reqBytes: 0, resBytes: 0, notes: [] };
    let entry = null;
    try {
      if (!url.pathname.startsWith(requestLog.DOUBLE_PREFIX)) {
        // Read the body up front (also drains it so the connection can be reused).
        const record = (body) => ctx.requestLog.record({ method: req.method, url: req.url, headers: req.headers, body });
        try {
          req.bufferedBody = await readBody(req);
        } catch (err) {
          entry = record(Buffer.alloc(0));
          entry.bodyTruncated = true;
          throw err;
        }
        info.reqBytes = req.bufferedBody.length;
        entry = record(req.bufferedBody);
      }
      const route = table.find((r) => r.method === req.method && r.pattern.test(url.pathname) && (!r.when || r.when(url.pathname.match(r.pattern).groups ?? {})));
      const denied = typeof route?.auth === 'function' ? route.auth(req) : null;
      if (!route) {
        // Drain the body so the connection can be reused.
        info.reqBytes = (await readBody(req)).length;
        info.resBytes = notFound(res);
      } else if (route.auth === true && !checkToken(req.headers, tokens)) {
        info.reqBytes = (await readBody(req)).length;
        info.resBytes = sendJson(res, 401, { msg: 'Provided credentials are missing or invalid' });
      } else if (denied) {
        info.reqBytes = (await readBody(req)).length;
        info.resBytes = sendJson(res, denied.status, denied.body, denied.headers);
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
      if (entry) entry.status = res.statusCode;
      // Never the headers (they carry the token), never the query string.
      const extra = info.notes.length ? ` ${info.notes.join(' ')}` : '';
      log(`api-double: ${req.method} ${url.pathname} ${res.statusCode} req=${info.reqBytes}B res=${info.resBytes}B ${Date.now() - started}ms${extra}`);
    }
  });
  server.requestLog = ctx.requestLog;
  server.controlPlane = ctx.controlPlane;
  return server;
}

/**
 * Creates and starts the double on 127.0.0.1:port (0 = any free port).
 * Returns { url, port, server, requestLog, controlPlane, close() }.
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
    requestLog: server.requestLog,
    controlPlane: server.controlPlane,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
