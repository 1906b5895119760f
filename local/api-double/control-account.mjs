// Account-level endpoints of the api double's control plane (./control-plane.mjs):
// product enablement, API tokens, and the test endpoints under /__double/.
//
// Products follow go-fastly's internal/productcore and the recorded fixtures in
// fastly/products/fanout/fixtures (GET before enablement: 400 "no product on service").
// Tokens follow go-fastly token.go: CreateToken POSTs the form to /sudo (with the
// password) and then to /tokens; `fastly auth-token create --password ... --scope
// purge_select --services SID` is the CLI's way to make a service-scoped token.
import * as S from './control-state.mjs';
import { badRequest, newId, notFoundRecord, now, readForm, readJson } from './control-util.mjs';
import { SERVICES } from './fastly-data.mjs';
import { readBody, sendJson } from './http.mjs';

const SEEDED_IDS = new Set(SERVICES.map((s) => s.id));
// The products the CLI knows (pkg/commands/products ProductEnablementOptions, plus the
// ones only [setup.products] enables).
const PRODUCTS = new Set(['api_discovery', 'bot_management', 'brotli_compression', 'ddos_protection', 'domain_inspector', 'fanout', 'image_optimizer', 'log_explorer_insights', 'ngwaf', 'origin_inspector', 'websockets']);

/** Products and tokens; `route` and `service` are ./control-plane.mjs helpers. */
export function accountRoutes({ state, route, service }) {
  const SID = '(?<serviceId>[^/]+)';
  return [
    // ---- products (go-fastly internal/productcore; fixtures fastly/products/fanout/fixtures) ----
    ...['GET', 'PUT', 'DELETE'].map((method) =>
      route(method, `/enabled-products/v1/(?<product>[a-z_]+)/services/${SID}`, async ({ req, res, params, info }) => {
        await readBody(req);
        const s = service(res, info, params);
        if (!s) return;
        const product = params.product;
        const problem = (status, title) => sendJson(res, status, { type: '', title, status, errors: null, detail: '' });
        if (!PRODUCTS.has(product)) return void (info.resBytes = problem(404, 'unknown product'));
        const enabled = { product: { id: product, object: 'product' }, service: { id: s.id, object: 'service' }, _links: { self: `/enabled-products/v1/${product}/services/${s.id}` } };
        if (method === 'GET') {
          info.resBytes = s.products.has(product) ? sendJson(res, 200, enabled) : problem(400, 'no product on service');
        } else if (method === 'PUT') {
          // GUESS (exact title): an account without the entitlement gets 400 with a title
          // containing "not entitled to enable" (terraform-provider-fastly matches that text).
          if (product === 'fanout' && !state.fanoutEntitled) {
            S.record(state, `fanout enable refused on service ${s.id} (not entitled)`);
            info.notes.push('fanout=not-entitled');
            return void (info.resBytes = problem(400, `not entitled to enable product '${product}'`));
          }
          if (product === 'fanout' && s.type !== 'wasm') return void (info.resBytes = problem(400, 'product cannot be enabled on this service type'));
          if (!s.products.has(product)) s.products.set(product, { enabled_at: now() });
          S.record(state, `product ${product} enabled on service ${s.id}`);
          info.resBytes = sendJson(res, 200, enabled);
        } else {
          s.products.delete(product);
          S.record(state, `product ${product} disabled on service ${s.id}`);
          res.writeHead(204);
          res.end();
        }
      }),
    ),

    // ---- API tokens (go-fastly token.go: CreateToken POSTs /sudo, then /tokens) ----
    route('POST', '/sudo', async ({ req, res, info }) => {
      const form = await readForm(req);
      const expected = state.password;
      if (!form.password || (expected !== undefined && form.password !== expected)) {
        return void (info.resBytes = sendJson(res, 401, { msg: 'Provided credentials are missing or invalid' }));
      }
      state.sudoUntil = Date.now() + 5 * 60_000;
      info.resBytes = sendJson(res, 200, { expiry_time: new Date(state.sudoUntil).toISOString().replace(/\.\d{3}Z$/, '+00:00') });
    }),
    route('POST', '/tokens', async ({ req, res, info }) => {
      const form = await readForm(req);
      if (!(state.sudoUntil > Date.now()) && !form.password) return void (info.resBytes = sendJson(res, 403, { msg: 'Sudo mode required' }));
      const services = [].concat(form.services ?? []);
      const unknown = services.filter((id) => !S.liveService(state, id) && !SEEDED_IDS.has(id));
      if (unknown.length) return void (info.resBytes = badRequest(res, `Unknown service id(s): ${unknown.join(', ')}`));
      const token = {
        id: newId(),
        name: form.name ?? '',
        scope: form.scope ?? 'global',
        services,
        access_token: newId(32),
        user_id: state.userId,
        customer_id: null,
        created_at: now(),
        updated_at: now(),
        expires_at: form.expires_at ?? null,
        service_id: null,
      };
      state.tokens.push(token);
      S.record(state, `token ${token.id} created (name=${token.name}, scope=${token.scope}, services=${services.join(',') || 'all'})`);
      info.resBytes = sendJson(res, 200, token);
    }),
    route('GET', '/tokens', ({ res, info }) => {
      info.resBytes = sendJson(res, 200, state.tokens.map(({ access_token: _t, ...t }) => t));
    }),
    route('GET', '/tokens/self', ({ res, info }) => {
      info.resBytes = sendJson(res, 200, { id: 'ControlToken0000000000', name: 'control token (api double)', scope: 'global', services: [], user_id: state.userId, created_at: null, expires_at: null });
    }),
    route('DELETE', '/tokens/(?<tokenId>[^/]+)', ({ res, params, info }) => {
      const before = state.tokens.length;
      state.tokens = state.tokens.filter((t) => t.id !== params.tokenId);
      if (state.tokens.length === before) return void (info.resBytes = notFoundRecord(res));
      res.writeHead(204);
      res.end();
    }),
  ];
}

/** GET /__double/state, POST /__double/fanout, GET /__double/package/{sid}/{n} (no token). */
export function testRoutes(state) {
  return [
    {
      method: 'GET',
      pattern: /^\/__double\/state$/,
      auth: false,
      handler({ res, info }) {
        info.resBytes = sendJson(res, 200, S.snapshot(state));
      },
    },
    {
      method: 'POST',
      pattern: /^\/__double\/fanout$/,
      auth: false,
      async handler({ req, res, info }) {
        const body = await readJson(req);
        if (typeof body.entitled !== 'boolean') return void (info.resBytes = badRequest(res, 'expected {"entitled": true|false}'));
        state.fanoutEntitled = body.entitled;
        S.record(state, `fanout entitlement set to ${body.entitled}`);
        info.resBytes = sendJson(res, 200, { entitled: state.fanoutEntitled });
      },
    },
    {
      method: 'GET',
      pattern: /^\/__double\/package\/(?<serviceId>[^/]+)\/(?<version>[0-9]+)$/,
      auth: false,
      handler({ res, params, info }) {
        const v = state.services.get(params.serviceId)?.versions[Number(params.version) - 1];
        if (!v?.package) return void (info.resBytes = notFoundRecord(res));
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': v.package.bytes.length });
        res.end(v.package.bytes);
        info.resBytes = v.package.bytes.length;
      },
    },
  ];
}
