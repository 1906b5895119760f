// Config Store and Secret Store endpoints of the api double's control plane (see
// ./control-plane.mjs), after go-fastly v17 fastly/config_store.go,
// config_store_item.go, secret_store.go and their recorded fixtures.
//
//   POST|GET /resources/stores/config, GET|PUT|DELETE /resources/stores/config/{id}
//   GET  /resources/stores/config/{id}/info | /services | /items, PATCH .../items (batch)
//   POST /resources/stores/config/{id}/item, GET|PUT(upsert)|PATCH|DELETE .../item/{key}
//   POST /resources/stores/secret/client-key, GET /resources/stores/secret/signing-key
//   POST|GET /resources/stores/secret, GET|DELETE /resources/stores/secret/{id}
//   POST|PUT|PATCH|GET /resources/stores/secret/{id}/secrets, GET|DELETE .../secrets/{name}
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
import { sendJson } from './http.mjs';

const CLIENT_KEY_TTL_MS = 10 * 60_000;
const MAX_SECRET_BYTES = 64 * 1024;

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
  ];
}
