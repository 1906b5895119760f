// Control plane of the api.fastly.com double: what `fastly compute publish` and the
// commands around it call, so the real Fastly CLI can run against the double and a test
// can read back what it created. Enabled with the `controlPlane` option of
// createApiDouble/startApiDouble (./server.mjs); the state model is ./control-state.mjs,
// the config/secret/KV store endpoints ./control-stores.mjs, products, tokens and the test
// endpoints ./control-account.mjs.
//
// Paths, methods, bodies and status codes follow go-fastly v17 (fastly/*.go, the
// recorded fixtures in fastly/fixtures/) as the CLI v16 calls them. All routes except
// the OpenID metadata and /__double/* need the control token (`controlToken`, sent as
// Fastly-Key). Per-service routes answer only for services this module created; the
// seeded services of ./fastly-data.mjs stay with ./services.mjs (GET /service lists both).
//
//   GET  /realms/fastly/.well-known/openid-configuration   (the CLI's auth preflight, no token)
//   GET  /service, POST /service, GET|DELETE /service/{sid}, GET /service/{sid}/details
//   GET|POST /service/{sid}/version, GET|PUT /service/{sid}/version/{n}
//   PUT  .../version/{n}/clone|activate|deactivate|lock, GET .../version/{n}/validate
//   GET|POST .../version/{n}/domain, GET|PUT|DELETE .../domain/{name}
//   GET|POST .../version/{n}/backend, GET|PUT|DELETE .../backend/{name}
//   GET|POST .../version/{n}/resource, GET|PUT|DELETE .../resource/{link_id}
//            (links to config, secret and KV stores: resource_type config-store,
//            secret-store, object-store)
//   GET|POST .../version/{n}/logging/{provider}, GET|PUT|DELETE .../logging/{provider}/{name}
//   GET|PUT  .../version/{n}/package   (multipart field `package`; bytes kept)
//   GET|PUT|DELETE /enabled-products/v1/{product}/services/{sid}
//   POST /sudo, POST|GET /tokens, GET /tokens/self, DELETE /tokens/{id}
//
// Test endpoints (no token; /__double/* is not in the request log):
//   GET  /__double/state                    everything recorded (./control-state.mjs snapshot)
//   POST /__double/fanout {"entitled":bool} switch the account's Fanout entitlement
//   GET  /__double/package/{sid}/{n}        the uploaded package bytes (application/gzip)
//
// Where the real answer is not recorded anywhere public, the double's choice is marked
// GUESS below.
import { createHash } from 'node:crypto';
import { checkToken } from './auth.mjs';
import { createControlState } from './control-state.mjs';
import * as S from './control-state.mjs';
import { accountRoutes, testRoutes } from './control-account.mjs';
import { routes as storeRoutes } from './control-stores.mjs';
import { badRequest, conflict, filesHash, newId, notFoundRecord, now, readForm, readMultipart, tarGzFiles } from './control-util.mjs';
import { SERVICES, serviceListItem } from './fastly-data.mjs';
import { sendJson } from './http.mjs';

const UNAUTHORIZED = { status: 401, body: { msg: 'Provided credentials are missing or invalid' } };
const SEEDED_IDS = new Set(SERVICES.map((s) => s.id));
const SORTS = { created: (s) => s.created_at, updated: (s) => s.updated_at, name: (s) => s.name };

/** Creates the control-plane state for ctx (called by ./server.mjs when `controlPlane` is set). */
export function createControlPlane(options = {}) {
  return createControlState(options);
}

export function routes(ctx) {
  const state = ctx.controlPlane;
  if (!state) return [];
  const controlAuth = (req) => (checkToken(req.headers, ctx.controlToken) ? null : UNAUTHORIZED);
  const anyAuth = (req) => (checkToken(req.headers, [...ctx.controlToken, ...ctx.tokens]) ? null : UNAUTHORIZED);
  const SID = '(?<serviceId>[^/]+)';
  const VER = `${SID}/version/(?<version>[^/]+)`;
  const notSeeded = (params) => !SEEDED_IDS.has(params.serviceId);

  /** Route helper: control token, per-service routes skip seeded ids. */
  const route = (method, path, handler, extra = {}) => ({
    method,
    pattern: new RegExp(`^${path}$`),
    auth: controlAuth,
    ...(path.includes('(?<serviceId>') ? { when: notSeeded } : {}),
    handler,
    ...extra,
  });

  /** The live service of the path, or answers 404 and returns null. */
  function service(res, info, params) {
    const found = S.liveService(state, params.serviceId);
    if (!found) info.resBytes = notFoundRecord(res, `Cannot find service '${params.serviceId}'`);
    return found;
  }

  /** { service, version } of the path, or answers 404 and returns null. */
  function version(res, info, params) {
    const s = service(res, info, params);
    if (!s) return null;
    const v = /^[1-9][0-9]{0,8}$/.test(params.version) ? s.versions[Number(params.version) - 1] : undefined;
    if (!v) {
      info.resBytes = notFoundRecord(res, `Cannot find version '${params.version}' of service '${s.id}'`);
      return null;
    }
    return { s, v };
  }

  /** Like version(), and also refuses a locked version (GUESS: the real detail text). */
  function editable(res, info, params) {
    const found = version(res, info, params);
    if (found && found.v.locked) {
      info.resBytes = badRequest(res, `Version ${found.v.number} of service '${found.s.id}' is locked and cannot be modified (clone it first)`);
      return null;
    }
    return found;
  }

  const touch = (s, v) => {
    const time = now();
    v.updated_at = time;
    s.updated_at = time;
  };

  /** CRUD routes for one kind of versioned object (domain, backend, resource, logging). */
  function versioned({ path, field, list = (v) => v[field], key, keyParam, fromForm, update, toJson, describe, sameKind = () => true }) {
    const one = `${path}/(?<${keyParam}>[^/]+)`;
    const find = (v, params) => list(v, params).find((item) => item[key] === decodeURIComponent(params[keyParam]));
    return [
      route('GET', path, ({ res, params, info }) => {
        const f = version(res, info, params);
        if (f) info.resBytes = sendJson(res, 200, list(f.v, params).map((item) => toJson(f.s, f.v, item)));
      }),
      route('POST', path, async ({ req, res, params, info }) => {
        const f = editable(res, info, params);
        if (!f) return;
        const form = await readForm(req);
        const item = await fromForm(form, f, res, info, params);
        if (!item) return;
        if (!item.name) return void (info.resBytes = badRequest(res, 'Name is required'));
        if (f.v[field].some((x) => x.name === item.name && sameKind(x, item))) {
          return void (info.resBytes = conflict(res, `Duplicate record: '${item.name}' already exists in version ${f.v.number}`));
        }
        f.v[field].push(item);
        touch(f.s, f.v);
        S.record(state, `${describe(item)} created on service ${f.s.id} version ${f.v.number}`);
        info.resBytes = sendJson(res, 200, toJson(f.s, f.v, item));
      }),
      route('GET', one, ({ res, params, info }) => {
        const f = version(res, info, params);
        if (!f) return;
        const item = find(f.v, params);
        info.resBytes = item ? sendJson(res, 200, toJson(f.s, f.v, item)) : notFoundRecord(res);
      }),
      route('PUT', one, async ({ req, res, params, info }) => {
        const f = editable(res, info, params);
        if (!f) return;
        const item = find(f.v, params);
        if (!item) return void (info.resBytes = notFoundRecord(res));
        update(item, await readForm(req));
        item.updated_at = now();
        touch(f.s, f.v);
        info.resBytes = sendJson(res, 200, toJson(f.s, f.v, item));
      }),
      route('DELETE', one, ({ res, params, info }) => {
        const f = editable(res, info, params);
        if (!f) return;
        const item = find(f.v, params);
        if (!item) return void (info.resBytes = notFoundRecord(res));
        f.v[field] = f.v[field].filter((x) => x !== item);
        touch(f.s, f.v);
        S.record(state, `${describe(item)} deleted from service ${f.s.id} version ${f.v.number}`);
        info.resBytes = sendJson(res, 200, { status: 'ok' });
      }),
    ];
  }

  const stamp = (obj) => ({ ...obj, created_at: now(), updated_at: now() });

  return [
    // ---- the CLI's auth preflight (global flag --account http://127.0.0.1:PORT) ----
    {
      method: 'GET',
      pattern: /^\/realms\/fastly\/\.well-known\/openid-configuration$/,
      auth: false,
      handler({ req, res, info }) {
        const base = `http://${req.headers.host}/realms/fastly`;
        info.resBytes = sendJson(res, 200, {
          issuer: base,
          authorization_endpoint: `${base}/protocol/openid-connect/auth`,
          token_endpoint: `${base}/protocol/openid-connect/token`,
          jwks_uri: `${base}/protocol/openid-connect/certs`,
          userinfo_endpoint: `${base}/protocol/openid-connect/userinfo`,
          end_session_endpoint: `${base}/protocol/openid-connect/logout`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
        });
      },
    },

    // ---- services ----
    {
      method: 'GET',
      pattern: /^\/service$/,
      auth: anyAuth,
      handler({ res, url, info }) {
        const q = url.searchParams;
        const page = Number(q.get('page') ?? 1);
        const perPage = Number(q.get('per_page') ?? 20);
        const sort = q.get('sort') ?? 'created';
        const direction = q.get('direction') ?? 'ascend';
        if (!(page >= 1) || !(perPage >= 1 && perPage <= 1000) || !SORTS[sort] || !['ascend', 'descend'].includes(direction)) {
          return void (info.resBytes = badRequest(res, 'Invalid list parameters'));
        }
        const all = [
          ...SERVICES.map(serviceListItem),
          ...[...state.services.values()].filter((s) => !s.deleted_at).map((s) => {
            const { publish_key: _p, ...item } = S.serviceObject(s);
            return item;
          }),
        ];
        const key = SORTS[sort];
        all.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        if (direction === 'descend') all.reverse();
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const headers = {};
        if (last > 1) {
          const link = (p) => `<https://api.fastly.com/service?direction=${direction}&page=${p}&per_page=${perPage}&sort=${sort}>`;
          const links = [];
          if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(Math.min(page - 1, last))}; rel="prev"`);
          links.push(`${link(last)}; rel="last"`);
          if (page < last) links.push(`${link(page + 1)}; rel="next"`);
          headers.link = links.join(', ');
        }
        info.resBytes = sendJson(res, 200, all.slice((page - 1) * perPage, page * perPage), headers);
      },
    },
    route('POST', '/service', async ({ req, res, info }) => {
      const form = await readForm(req);
      if (!form.name) return void (info.resBytes = badRequest(res, "Name can't be blank"));
      if (form.type && !['vcl', 'wasm'].includes(form.type)) return void (info.resBytes = badRequest(res, "Valid values for 'type' are: 'vcl', 'wasm'"));
      const s = S.createService(state, form);
      info.notes.push(`created service ${s.id}`);
      info.resBytes = sendJson(res, 200, S.serviceObject(s));
    }),
    route('GET', `/service/${SID}`, ({ res, params, info }) => {
      const s = service(res, info, params);
      if (s) info.resBytes = sendJson(res, 200, S.serviceObject(s));
    }),
    route('DELETE', `/service/${SID}`, ({ res, params, info }) => {
      const s = service(res, info, params);
      if (!s) return;
      // GUESS (detail text): the API refuses to delete a service with an active version;
      // `fastly service delete --force` deactivates it first.
      if (S.activeVersion(s)) return void (info.resBytes = badRequest(res, 'Service must be deactivated before it can be deleted'));
      s.deleted_at = now();
      S.record(state, `service ${s.id} deleted`);
      info.resBytes = sendJson(res, 200, { status: 'ok' });
    }),
    route('GET', `/service/${SID}/details`, ({ res, url, params, info }) => {
      const s = service(res, info, params);
      if (!s) return;
      let number;
      if (url.searchParams.has('version')) {
        number = Number(url.searchParams.get('version'));
        if (!s.versions[number - 1]) return void (info.resBytes = notFoundRecord(res, `Cannot find version '${url.searchParams.get('version')}' of service '${s.id}'`));
      }
      info.resBytes = sendJson(res, 200, S.serviceDetail(s, number));
    }),

    // ---- versions ----
    route('GET', `/service/${SID}/version`, ({ res, params, info }) => {
      const s = service(res, info, params);
      if (s) info.resBytes = sendJson(res, 200, s.versions.map((v) => S.versionObject(s, v)));
    }),
    route('POST', `/service/${SID}/version`, async ({ req, res, params, info }) => {
      const s = service(res, info, params);
      if (!s) return;
      const form = await readForm(req);
      const v = S.newVersion(s, s.versions.length + 1);
      v.comment = form.comment ?? '';
      s.versions.push(v);
      info.resBytes = sendJson(res, 200, S.versionObject(s, v));
    }),
    route('GET', `/service/${VER}`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (f) info.resBytes = sendJson(res, 200, S.versionObject(f.s, f.v));
    }),
    route('PUT', `/service/${VER}`, async ({ req, res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      const form = await readForm(req);
      if (form.comment !== undefined) f.v.comment = form.comment;
      touch(f.s, f.v);
      info.resBytes = sendJson(res, 200, S.versionObject(f.s, f.v));
    }),
    route('PUT', `/service/${VER}/clone`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      const v = S.newVersion(f.s, f.s.versions.length + 1, f.v);
      f.s.versions.push(v);
      S.record(state, `service ${f.s.id} version ${f.v.number} cloned to ${v.number}`);
      info.resBytes = sendJson(res, 200, S.versionObject(f.s, v));
    }),
    route('GET', `/service/${VER}/validate`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      const errors = f.s.type === 'wasm' && !f.v.package ? ['No package uploaded for this version'] : [];
      info.resBytes = sendJson(res, 200, { status: errors.length ? 'error' : 'ok', msg: errors[0] ?? null, errors, warnings: [] });
    }),
    route('PUT', `/service/${VER}/activate`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      // GUESS (detail text): a Compute version cannot be activated without a package.
      if (f.s.type === 'wasm' && !f.v.package) return void (info.resBytes = badRequest(res, 'A Compute service version needs a package before it can be activated'));
      for (const other of f.s.versions) other.active = false;
      f.v.active = true;
      f.v.locked = true;
      touch(f.s, f.v);
      S.record(state, `service ${f.s.id} version ${f.v.number} activated`);
      info.resBytes = sendJson(res, 200, S.versionObject(f.s, f.v));
    }),
    route('PUT', `/service/${VER}/deactivate`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      f.v.active = false;
      touch(f.s, f.v);
      S.record(state, `service ${f.s.id} version ${f.v.number} deactivated`);
      info.resBytes = sendJson(res, 200, S.versionObject(f.s, f.v));
    }),
    route('PUT', `/service/${VER}/lock`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      f.v.locked = true;
      info.resBytes = sendJson(res, 200, S.versionObject(f.s, f.v));
    }),

    // ---- domains, backends, resource links, log endpoints ----
    ...versioned({
      path: `/service/${VER}/domain`,
      field: 'domains',
      key: 'name',
      keyParam: 'name',
      describe: (d) => `domain ${d.name}`,
      async fromForm(form, f, res, info) {
        const name = form.name;
        if (name && state.takenDomains.has(name)) {
          info.resBytes = badRequest(res, `'${name}' is already taken by another customer`);
          return null;
        }
        const elsewhere = name && [...state.services.values()].some((s) => s !== f.s && !s.deleted_at && s.versions.some((v) => v.domains.some((d) => d.name === name)));
        if (elsewhere) {
          info.resBytes = conflict(res, `Domain '${name}' is already in use by another service`);
          return null;
        }
        return stamp({ name, comment: form.comment ?? '' });
      },
      update: (d, form) => Object.assign(d, form.name ? { name: form.name } : {}, form.comment !== undefined ? { comment: form.comment } : {}),
      toJson: S.domainObject,
    }),
    ...versioned({
      path: `/service/${VER}/backend`,
      field: 'backends',
      key: 'name',
      keyParam: 'name',
      describe: (b) => `backend ${b.name} (${b.address}:${b.port})`,
      fromForm: (form) => S.backendFromForm(form),
      update(b, form) {
        const next = S.backendFromForm({ ...b, port: String(b.port), use_ssl: String(b.use_ssl), ...form });
        Object.assign(b, { ...next, created_at: b.created_at });
      },
      toJson: S.backendObject,
    }),
    ...versioned({
      path: `/service/${VER}/resource`,
      field: 'resources',
      key: 'id',
      keyParam: 'linkId',
      describe: (r) => `resource link ${r.name} -> ${r.resource_type} ${r.resource_id}`,
      fromForm(form, f, res, info) {
        const id = form.resource_id;
        // A KV store's links say `object-store`, as recorded in go-fastly's
        // fixtures/resources/{create,get,list}.yaml (the KV Store's name before 2023).
        const [store, type] = state.configStores.has(id)
          ? [state.configStores.get(id), 'config-store']
          : state.secretStores.has(id)
            ? [state.secretStores.get(id), 'secret-store']
            : [state.kvStores.get(id), 'object-store'];
        if (!store) {
          info.resBytes = badRequest(res, `resource_id '${id ?? ''}' does not match any resource`);
          return null;
        }
        return stamp({ id: newId(), name: form.name ?? store.name, resource_id: id, resource_type: type });
      },
      update: (r, form) => form.name !== undefined && (r.name = form.name),
      toJson: S.resourceObject,
    }),
    ...versioned({
      path: `/service/${VER}/logging/(?<provider>[a-z0-9_]+)`,
      field: 'logging',
      list: (v, params) => v.logging.filter((l) => l.provider === params.provider),
      key: 'name',
      keyParam: 'name',
      sameKind: (x, item) => x.provider === item.provider,
      describe: (l) => `log endpoint ${l.name} (${l.provider})`,
      fromForm(form, f, res, info, params) {
        const { name, ...fields } = form;
        return stamp({ provider: params.provider, name, fields });
      },
      update(l, form) {
        const { name, ...fields } = form;
        if (name) l.name = name;
        Object.assign(l.fields, fields);
      },
      toJson: S.loggingObject,
    }),

    // ---- package ----
    route('GET', `/service/${VER}/package`, ({ res, params, info }) => {
      const f = version(res, info, params);
      if (!f) return;
      info.resBytes = f.v.package ? sendJson(res, 200, S.packageObject(f.s, f.v)) : notFoundRecord(res, `No package for version ${f.v.number} of service '${f.s.id}'`);
    }),
    route('PUT', `/service/${VER}/package`, async ({ req, res, params, info }) => {
      const f = editable(res, info, params);
      if (!f) return;
      const part = (await readMultipart(req)).find((p) => p.name === 'package');
      if (!part) return void (info.resBytes = badRequest(res, "Missing multipart field 'package'"));
      let files;
      try {
        files = tarGzFiles(part.data);
      } catch (err) {
        return void (info.resBytes = badRequest(res, `Invalid package: ${err.message}`));
      }
      const manifest = files.find((file) => /(^|\/)fastly\.toml$/.test(file.name))?.data.toString('utf8') ?? '';
      const top = manifest.split(/^\s*\[/m)[0];
      const str = (key) => new RegExp(`^\\s*${key}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm').exec(top)?.[1] ?? null;
      const authors = /^\s*authors\s*=\s*\[([^\]]*)\]/m.exec(top)?.[1].match(/"((?:[^"\\]|\\.)*)"/g)?.map((a) => a.slice(1, -1)) ?? [];
      f.v.package = {
        id: newId(),
        bytes: part.data,
        sha256: createHash('sha256').update(part.data).digest('hex'),
        size: part.data.length,
        files: files.map((file) => ({ name: file.name, size: file.data.length })),
        created_at: now(),
        metadata: {
          name: str('name'),
          description: str('description'),
          authors,
          language: str('language'),
          size: part.data.length,
          hashsum: createHash('sha512').update(part.data).digest('hex'),
          files_hash: filesHash(files),
        },
      };
      touch(f.s, f.v);
      S.record(state, `package uploaded to service ${f.s.id} version ${f.v.number} (${part.data.length} bytes)`);
      info.resBytes = sendJson(res, 200, S.packageObject(f.s, f.v));
    }),

    ...accountRoutes({ state, route, service }),

    ...storeRoutes(ctx, route),

    ...testRoutes(state),
  ];
}
