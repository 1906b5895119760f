// Config Store, Secret Store and KV Store endpoints of the api double's control plane
// (see ./control-plane.mjs), after go-fastly v17 fastly/config_store.go,
// config_store_item.go, secret_store.go, kv_store.go and their recorded fixtures.
//
//   POST|GET /resources/stores/config, GET|PUT|DELETE /resources/stores/config/{id}
//   GET  /resources/stores/config/{id}/info | /services | /items, PATCH .../items (batch)
//   POST /resources/stores/config/{id}/item, GET|PUT(upsert)|PATCH|DELETE .../item/{key}
//   POST /resources/stores/secret/client-key, GET /resources/stores/secret/signing-key
//   POST|GET /resources/stores/secret, GET|DELETE /resources/stores/secret/{id}
//   POST|PUT|PATCH|GET /resources/stores/secret/{id}/secrets, GET|DELETE .../secrets/{name}
//   POST|GET /resources/stores/kv, GET|DELETE /resources/stores/kv/{id}
//   GET  /resources/stores/kv/{id}/keys, PUT|GET|DELETE .../keys/{key}
//
// KV stores (fixtures fastly/fixtures/kv_store/*.yaml, resources/create-kv-store.yaml):
// create answers 201, list `{data, meta: {limit, total[, next_cursor]}}` (1000 a page
// unless `limit`; `fastly compute publish` and `fastly kv-store list` follow
// meta.next_cursor), delete 204 (409 while the store holds keys: the API reference). Store
// timestamps are written "2025-06-23 19:41:15", as the 2025 recordings have them (go-fastly
// parses both that and RFC 3339). Keys: raw bodies, an empty 200 on PUT (add, append,
// prepend, if-generation-match, metadata and time_to_live_sec honoured; 412 with no body
// when a condition fails), the value with `generation` and `metadata` headers on GET.
// The batch endpoint (PUT .../batch, `fastly kv-store-entry create --file`) is not served.
//
// Secrets: `fastly compute publish` ([setup.secret_stores]) sends the plaintext
// base64-encoded in `secret` without `client_key`; `fastly secret-store-entry create`
// encrypts client-side: it asks for a client key (an X25519 public key signed with
// Ed25519), checks the signing key against the one compiled into the CLI (the double has
// its own, so the CLI must run with FASTLY_USE_API_SIGNING_KEY=1), seals the secret in a
// libsodium sealed box, and sends `secret` (the box) and `client_key`. The double opens
// the box with the key pair it issued, so it knows every plaintext. Opening needs
// tweetnacl (X25519 + XSalsa20-Poly1305) and blakejs (the BLAKE2b-192 nonce), loaded
// from tests/node_modules only when a sealed secret arrives.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { record } from './control-state.mjs';
import { badRequest, conflict, newId, notFoundRecord, now, readForm, readJson } from './control-util.mjs';
import { readBody, sendJson } from './http.mjs';

const CLIENT_KEY_TTL_MS = 10 * 60_000;
const MAX_SECRET_BYTES = 64 * 1024;
const KV_LOCATIONS = new Set(['US', 'EU', 'ASIA', 'AUS']); // `fastly kv-store create --location`
const KV_PAGE = 1000; // list-store.yaml and cleanup.yaml: meta.limit without a `limit`

/** A KV store timestamp as the API writes it (fixtures/kv_store/create-store.yaml). */
const kvTime = () => now().replace('T', ' ').replace(/Z$/, '');

/** A key's generation marker: microseconds, like get-item-round-1.yaml's, never repeated. */
let lastGeneration = 0;
const kvGeneration = () => (lastGeneration = Math.max(lastGeneration + 1, Date.now() * 1000));

/** An opaque cursor (an offset here) and its page of `all`, as `meta`. */
function cursorPage(url, all, { defaultLimit, total = false }) {
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? defaultLimit) || defaultLimit, 1), defaultLimit);
  const start = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64').toString('utf8')) || 0;
  const page = all.slice(start, start + limit);
  const meta = { limit, ...(total ? { total: all.length } : {}), ...(start + limit < all.length ? { next_cursor: Buffer.from(String(start + limit)).toString('base64') } : {}) };
  return { page, meta };
}

let sodium = null;
/** { nacl, blake2b } from tests/node_modules; a clear error when they are not installed. */
function crypto() {
  if (sodium) return sodium;
  const require = createRequire(new URL('../../tests/package.json', import.meta.url));
  try {
    sodium = { nacl: require('tweetnacl'), blake2b: require('blakejs').blake2b };
  } catch (err) {
    throw Object.assign(new Error(`api double: client-side secret encryption needs the npm packages tweetnacl and blakejs in tests/node_modules (${err.message})`), { status: 500 });
  }
  return sodium;
}

/** libsodium crypto_box_seal_open: box = ephemeral pk (32) || crypto_box(nonce = BLAKE2b-192(epk || pk)). */
function openSealedBox(box, publicKey, secretKey) {
  const { nacl, blake2b } = crypto();
  if (box.length < 32 + 16) return null;
  const epk = box.subarray(0, 32);
  const nonce = blake2b(Buffer.concat([epk, publicKey]), undefined, 24);
  const plain = nacl.box.open(new Uint8Array(box.subarray(32)), nonce, new Uint8Array(epk), secretKey);
  return plain ? Buffer.from(plain) : null;
}

export function routes(ctx, route) {
  const state = ctx.controlPlane;
  const signing = generateKeyPairSync('ed25519');
  const signingKeyRaw = Buffer.from(signing.publicKey.export({ format: 'jwk' }).x, 'base64url');

  const configStore = (res, info, id) => {
    const store = state.configStores.get(id);
    if (!store) info.resBytes = notFoundRecord(res);
    return store ?? null;
  };
  const secretStore = (res, info, id) => {
    const store = state.secretStores.get(id);
    if (!store) info.resBytes = sendJson(res, 404, { msg: 'Record not found' });
    return store ?? null;
  };
  const kvStore = (res, info, id) => {
    const store = state.kvStores.get(id);
    if (!store) info.resBytes = notFoundRecord(res); // GUESS: the body of an unknown store id
    return store ?? null;
  };
  /** A live key of a KV store (an expired one is deleted first), or undefined. */
  const kvItem = (k, key) => {
    const item = k.items.get(key);
    if (item?.expires && item.expires <= Date.now()) k.items.delete(key);
    return k.items.get(key);
  };
  const kvJson = (k) => ({ id: k.id, name: k.name, created_at: k.created_at, updated_at: k.updated_at });
  const storeJson = (c) => ({ name: c.name, id: c.id, created_at: c.created_at, updated_at: c.updated_at, deleted_at: null });
  const itemJson = (c, i) => ({ item_key: i.item_key, item_value: i.item_value, created_at: i.created_at, updated_at: i.updated_at, deleted_at: null, store_id: c.id });
  const secretJson = (e) => ({ name: e.name, digest: e.digest, created_at: e.created_at, ...(e.recreated ? { recreated: true } : {}) });
  const linkedServices = (storeId) =>
    [...state.services.values()].filter((s) => !s.deleted_at && s.versions.some((v) => v.resources.some((r) => r.resource_id === storeId)));
  const duplicateName = (stores, name) => [...stores.values()].some((s) => s.name === name);

  function setItem(c, key, value) {
    const existing = c.items.get(key);
    const time = now();
    const item = existing ? Object.assign(existing, { item_value: value, updated_at: time }) : { item_key: key, item_value: value, created_at: time, updated_at: time };
    c.items.set(key, item);
    c.updated_at = time;
    record(state, `config store ${c.name} item ${key} ${existing ? 'updated' : 'created'}`);
    return item;
  }

  const CS = '/resources/stores/config/(?<storeId>[^/]+)';
  const SS = '/resources/stores/secret/(?<storeId>[^/]+)';
  const KV = '/resources/stores/kv/(?<storeId>[^/]+)';
  return [
    // ---- config stores ----
    route('POST', '/resources/stores/config', async ({ req, res, info }) => {
      const form = await readForm(req);
      if (!form.name) return void (info.resBytes = badRequest(res, 'name is required'));
      // GUESS: names are unique per account, answered like the KV store's 409 (fastly/cli#770).
      if (duplicateName(state.configStores, form.name)) return void (info.resBytes = conflict(res, `store with name '${form.name}' already exists`));
      const time = now();
      const c = { id: newId(), name: form.name, created_at: time, updated_at: time, items: new Map() };
      state.configStores.set(c.id, c);
      record(state, `config store ${c.name} (${c.id}) created`);
      info.resBytes = sendJson(res, 200, storeJson(c));
    }),
    route('GET', '/resources/stores/config', ({ res, url, info }) => {
      const name = url.searchParams.get('name');
      const list = [...state.configStores.values()].filter((c) => !name || c.name === name).sort((a, b) => (a.name < b.name ? -1 : 1));
      info.resBytes = sendJson(res, 200, list.map(storeJson));
    }),
    route('GET', CS, ({ res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (c) info.resBytes = sendJson(res, 200, storeJson(c));
    }),
    route('PUT', CS, async ({ req, res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (!c) return;
      const form = await readForm(req);
      if (form.name) c.name = form.name;
      c.updated_at = now();
      info.resBytes = sendJson(res, 200, storeJson(c));
    }),
    route('DELETE', CS, ({ res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (!c) return;
      state.configStores.delete(c.id);
      record(state, `config store ${c.name} (${c.id}) deleted`);
      info.resBytes = sendJson(res, 200, { status: 'ok' });
    }),
    route('GET', `${CS}/info`, ({ res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (c) info.resBytes = sendJson(res, 200, { item_count: c.items.size });
    }),
    route('GET', `${CS}/services`, ({ res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (c) info.resBytes = sendJson(res, 200, linkedServices(c.id).map((s) => ({ id: s.id, name: s.name, type: s.type })));
    }),
    route('GET', `${CS}/items`, ({ res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (c) info.resBytes = sendJson(res, 200, [...c.items.values()].map((i) => itemJson(c, i)));
    }),
    route('PATCH', `${CS}/items`, async ({ req, res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (!c) return;
      const { items = [] } = await readJson(req);
      for (const op of items) {
        if (op.op === 'delete') c.items.delete(op.item_key);
        else setItem(c, op.item_key, op.item_value);
      }
      info.resBytes = sendJson(res, 200, { status: 'ok' });
    }),
    route('POST', `${CS}/item`, async ({ req, res, params, info }) => {
      const c = configStore(res, info, params.storeId);
      if (!c) return;
      const form = await readForm(req);
      if (!form.item_key) return void (info.resBytes = badRequest(res, 'item_key is required'));
      // GUESS (status and text): creating an existing key is refused; update/upsert replace it.
      if (c.items.has(form.item_key)) return void (info.resBytes = conflict(res, `item with key '${form.item_key}' already exists`));
      info.resBytes = sendJson(res, 200, itemJson(c, setItem(c, form.item_key, form.item_value ?? '')));
    }),
    ...['GET', 'PUT', 'PATCH', 'DELETE'].map((method) =>
      route(method, `${CS}/item/(?<key>[^/]+)`, async ({ req, res, params, info }) => {
        const c = configStore(res, info, params.storeId);
        if (!c) return;
        const key = decodeURIComponent(params.key);
        const item = c.items.get(key);
        if (method === 'PUT') return void (info.resBytes = sendJson(res, 200, itemJson(c, setItem(c, key, (await readForm(req)).item_value ?? ''))));
        if (!item) return void (info.resBytes = notFoundRecord(res));
        if (method === 'GET') info.resBytes = sendJson(res, 200, itemJson(c, item));
        else if (method === 'PATCH') info.resBytes = sendJson(res, 200, itemJson(c, setItem(c, key, (await readForm(req)).item_value ?? '')));
        else {
          c.items.delete(key);
          record(state, `config store ${c.name} item ${key} deleted`);
          info.resBytes = sendJson(res, 200, { status: 'ok' });
        }
      }),
    ),

    // ---- secret stores: client-side encryption keys first (their paths look like store ids) ----
    route('POST', '/resources/stores/secret/client-key', ({ res, info }) => {
      const { nacl } = crypto();
      const pair = nacl.box.keyPair();
      const publicKey = Buffer.from(pair.publicKey);
      const expires = Date.now() + CLIENT_KEY_TTL_MS;
      state.clientKeys.set(publicKey.toString('base64'), { publicKey, secretKey: pair.secretKey, expires });
      info.resBytes = sendJson(res, 200, {
        public_key: publicKey.toString('base64'),
        signature: sign(null, publicKey, signing.privateKey).toString('base64'),
        expires_at: new Date(expires).toISOString(),
      });
    }),
    route('GET', '/resources/stores/secret/signing-key', ({ res, info }) => {
      info.resBytes = sendJson(res, 200, { signing_key: signingKeyRaw.toString('base64') });
    }),
    route('POST', '/resources/stores/secret', async ({ req, res, info }) => {
      const body = await readJson(req);
      if (!body.name) return void (info.resBytes = badRequest(res, 'name is required'));
      // GUESS: names are unique per account, answered like the KV store's 409 (fastly/cli#770).
      if (duplicateName(state.secretStores, body.name)) return void (info.resBytes = conflict(res, `store with name '${body.name}' already exists`));
      const s = { id: newId(), name: body.name, created_at: now(), secrets: new Map() };
      state.secretStores.set(s.id, s);
      record(state, `secret store ${s.name} (${s.id}) created`);
      info.resBytes = sendJson(res, 201, { id: s.id, name: s.name, created_at: s.created_at });
    }),
    route('GET', '/resources/stores/secret', ({ res, url, info }) => {
      const name = url.searchParams.get('name');
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 100) || 100, 1), 200);
      const all = [...state.secretStores.values()].filter((s) => !name || s.name === name);
      const start = Number(Buffer.from(url.searchParams.get('cursor') ?? '', 'base64').toString('utf8')) || 0;
      const page = all.slice(start, start + limit);
      const meta = { limit, ...(start + limit < all.length ? { next_cursor: Buffer.from(String(start + limit)).toString('base64') } : {}) };
      info.resBytes = sendJson(res, 200, { data: page.map((s) => ({ id: s.id, name: s.name, created_at: s.created_at })), meta });
    }),
    route('GET', SS, ({ res, params, info }) => {
      const s = secretStore(res, info, params.storeId);
      if (s) info.resBytes = sendJson(res, 200, { id: s.id, name: s.name, created_at: s.created_at });
    }),
    route('DELETE', SS, ({ res, params, info }) => {
      const s = secretStore(res, info, params.storeId);
      if (!s) return;
      state.secretStores.delete(s.id);
      record(state, `secret store ${s.name} (${s.id}) deleted`);
      res.writeHead(204);
      res.end();
    }),
    ...['POST', 'PUT', 'PATCH'].map((method) =>
      route(method, `${SS}/secrets`, async ({ req, res, params, info }) => {
        const s = secretStore(res, info, params.storeId);
        if (!s) return;
        const body = await readJson(req);
        if (!body.name) return void (info.resBytes = badRequest(res, 'name is required'));
        let plaintext = Buffer.from(String(body.secret ?? ''), 'base64');
        const clientEncrypted = Boolean(body.client_key);
        if (clientEncrypted) {
          const key = state.clientKeys.get(body.client_key);
          if (!key || key.expires < Date.now()) return void (info.resBytes = badRequest(res, 'unknown or expired client_key'));
          plaintext = openSealedBox(plaintext, key.publicKey, key.secretKey);
          if (!plaintext) return void (info.resBytes = badRequest(res, 'secret could not be decrypted with client_key'));
        }
        if (plaintext.length === 0) return void (info.resBytes = badRequest(res, 'secret is required'));
        if (plaintext.length > MAX_SECRET_BYTES) return void (info.resBytes = badRequest(res, 'secret exceeds 64KiB'));
        const exists = s.secrets.has(body.name);
        // fastly/cli#1507: POST on an existing name is "400 Bad Request (duplicate: name)".
        if (method === 'POST' && exists) return void (info.resBytes = sendJson(res, 400, { msg: 'Bad Request', detail: 'duplicate: name' }));
        if (method === 'PATCH' && !exists) return void (info.resBytes = sendJson(res, 404, { msg: 'Record not found', detail: `secret '${body.name}' does not exist` }));
        const entry = {
          name: body.name,
          plaintext,
          // An opaque digest that changes on every (re)creation, like the real one.
          digest: createHash('sha256').update(randomBytes(16)).update(plaintext).digest('base64'),
          created_at: now(),
          recreated: exists,
          clientEncrypted,
        };
        s.secrets.set(entry.name, entry);
        record(state, `secret store ${s.name} entry ${entry.name} ${exists ? 'recreated' : 'created'}${clientEncrypted ? ' (client-side encrypted)' : ''}`);
        info.resBytes = sendJson(res, 200, secretJson(entry));
      }),
    ),
    route('GET', `${SS}/secrets`, ({ res, params, info }) => {
      const s = secretStore(res, info, params.storeId);
      if (s) info.resBytes = sendJson(res, 200, { data: [...s.secrets.values()].map((e) => ({ name: e.name, digest: e.digest, created_at: e.created_at })), meta: { limit: 100 } });
    }),
    route('GET', `${SS}/secrets/(?<name>[^/]+)`, ({ res, params, info }) => {
      const s = secretStore(res, info, params.storeId);
      if (!s) return;
      const e = s.secrets.get(decodeURIComponent(params.name));
      info.resBytes = e ? sendJson(res, 200, { name: e.name, digest: e.digest, created_at: e.created_at }) : notFoundRecord(res);
    }),
    route('DELETE', `${SS}/secrets/(?<name>[^/]+)`, ({ res, params, info }) => {
      const s = secretStore(res, info, params.storeId);
      if (!s) return;
      const name = decodeURIComponent(params.name);
      if (!s.secrets.delete(name)) return void (info.resBytes = notFoundRecord(res));
      record(state, `secret store ${s.name} entry ${name} deleted`);
      res.writeHead(204);
      res.end();
    }),

    // ---- KV stores ----
    route('POST', '/resources/stores/kv', async ({ req, res, url, info }) => {
      const body = await readJson(req);
      if (!body.name) return void (info.resBytes = badRequest(res, 'name is required')); // GUESS (go-fastly refuses it first)
      const location = url.searchParams.get('location');
      if (location !== null && !KV_LOCATIONS.has(location)) return void (info.resBytes = badRequest(res, `invalid location '${location}'`)); // GUESS
      // fastly/cli#770: "409 Conflict: Conflict (store with name 'my-store' already exists)".
      if (duplicateName(state.kvStores, body.name)) return void (info.resBytes = conflict(res, `store with name '${body.name}' already exists`));
      const time = kvTime();
      const k = { id: newId(), name: body.name, location, created_at: time, updated_at: time, items: new Map() };
      state.kvStores.set(k.id, k);
      record(state, `kv store ${k.name} (${k.id}) created${location ? ` in ${location}` : ''}`);
      info.resBytes = sendJson(res, 201, kvJson(k));
    }),
    route('GET', '/resources/stores/kv', ({ res, url, info }) => {
      const name = url.searchParams.get('name');
      const all = [...state.kvStores.values()].filter((k) => !name || k.name === name);
      const { page, meta } = cursorPage(url, all, { defaultLimit: KV_PAGE, total: true });
      info.resBytes = sendJson(res, 200, { data: page.map(kvJson), meta });
    }),
    route('GET', KV, ({ res, params, info }) => {
      const k = kvStore(res, info, params.storeId);
      if (k) info.resBytes = sendJson(res, 200, kvJson(k));
    }),
    route('DELETE', KV, ({ res, params, info }) => {
      const k = kvStore(res, info, params.storeId);
      if (!k) return;
      // The API reference: "A KV store must be empty before it can be deleted ... 409". GUESS: the detail text.
      if ([...k.items.keys()].some((key) => kvItem(k, key))) return void (info.resBytes = conflict(res, `store '${k.id}' is not empty`));
      state.kvStores.delete(k.id);
      record(state, `kv store ${k.name} (${k.id}) deleted`);
      res.writeHead(204);
      res.end();
    }),
    route('GET', `${KV}/keys`, ({ res, url, params, info }) => {
      const k = kvStore(res, info, params.storeId);
      if (!k) return;
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...k.items.keys()].filter((key) => key.startsWith(prefix) && kvItem(k, key)).sort();
      const { page, meta } = cursorPage(url, keys, { defaultLimit: KV_PAGE });
      // cleanup.yaml echoes `consistency` in meta when it was asked for.
      const consistency = url.searchParams.get('consistency');
      info.resBytes = sendJson(res, 200, { data: page, meta: { ...meta, ...(consistency ? { consistency } : {}) } });
    }),
    route('PUT', `${KV}/keys/(?<key>[^/]+)`, async ({ req, res, url, params, info }) => {
      const k = kvStore(res, info, params.storeId);
      if (!k) return;
      const key = decodeURIComponent(params.key);
      const value = await readBody(req);
      const existing = kvItem(k, key);
      const flag = (name) => url.searchParams.get(name) === 'true';
      const match = req.headers['if-generation-match'];
      // insert-item-add-failure.yaml, insert-item-generation-match-failure.yaml: 412, empty body.
      if ((flag('add') && existing) || (match !== undefined && String(existing?.generation) !== match)) {
        res.writeHead(412, { 'content-length': 0 });
        return void res.end();
      }
      let data = value;
      if (existing && flag('append')) data = Buffer.concat([existing.value, value]);
      else if (existing && flag('prepend')) data = Buffer.concat([value, existing.value]);
      const ttl = Number(req.headers.time_to_live_sec ?? 0);
      const metadata = req.headers.metadata ?? existing?.metadata ?? '';
      k.items.set(key, { value: data, metadata, generation: kvGeneration(), modified: new Date(), expires: ttl > 0 ? Date.now() + ttl * 1000 : null });
      record(state, `kv store ${k.name} key ${key} ${existing ? 'updated' : 'created'}`);
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    }),
    route('GET', `${KV}/keys/(?<key>[^/]+)`, ({ res, params, info }) => {
      const k = kvStore(res, info, params.storeId);
      if (!k) return;
      const item = kvItem(k, decodeURIComponent(params.key));
      if (!item) {
        res.writeHead(404, { 'content-length': 0 }); // GUESS: like the 412s, no body
        return void res.end();
      }
      // get-item-round-1.yaml: the raw value and these headers.
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': item.value.length,
        generation: String(item.generation),
        metadata: item.metadata,
        'last-modified': item.modified.toUTCString(),
        'stored-content-length': String(item.value.length),
      });
      res.end(item.value);
      info.resBytes = item.value.length;
    }),
    route('DELETE', `${KV}/keys/(?<key>[^/]+)`, ({ req, res, url, params, info }) => {
      const k = kvStore(res, info, params.storeId);
      if (!k) return;
      const key = decodeURIComponent(params.key);
      const item = kvItem(k, key);
      const match = req.headers['if-generation-match'];
      // delete-item-generation-match-failure.yaml: 412; delete-item-nonexistent-suppress-error.yaml:
      // 204 for a missing key with force=true (without it, GUESS: 404 with no body).
      if (match !== undefined && String(item?.generation) !== match) {
        res.writeHead(412, { 'content-length': 0 });
        return void res.end();
      }
      if (!item && url.searchParams.get('force') !== 'true') {
        res.writeHead(404, { 'content-length': 0 });
        return void res.end();
      }
      if (item) {
        k.items.delete(key);
        record(state, `kv store ${k.name} key ${key} deleted`);
      }
      res.writeHead(204);
      res.end();
    }),
  ];
}
