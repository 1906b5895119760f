// In-memory model of what the Fastly CLI creates through the control plane of the api
// double (./control-plane.mjs, ./control-stores.mjs): services with numbered versions
// (domains, backends, resource links, log endpoints, package), enabled products, config
// stores with items, secret stores with entries (plaintext kept: this is a local test
// double), KV stores with keys, API tokens, and the account's Fanout entitlement.
//
// The serializers return the API's response shapes (field names from go-fastly's
// models and recorded fixtures: fastly/fixtures/services/compute/*.yaml, versions/*,
// backends/create.yaml, domains/create.yaml, resources/*.yaml, package/*.yaml).
import { CUSTOMER_ID } from './fastly-data.mjs';
import { newId, now } from './control-util.mjs';

export function createControlState({ fanoutEntitled = true, takenDomains = [], password } = {}) {
  return {
    fanoutEntitled,
    /** The account password `POST /sudo` expects (undefined: any non-empty password). */
    password,
    userId: newId(),
    /** Domains that answer "already taken by another customer" (exercises the CLI's retry prompt). */
    takenDomains: new Set(takenDomains),
    services: new Map(), // id -> service (deleted ones stay, with deleted_at set)
    configStores: new Map(), // id -> { id, name, created_at, updated_at, items: Map key -> item }
    secretStores: new Map(), // id -> { id, name, created_at, secrets: Map name -> secret }
    kvStores: new Map(), // id -> { id, name, location, created_at, updated_at, items: Map key -> { value: Buffer, metadata, generation, modified, expires } }
    tokens: [], // created with POST /tokens
    clientKeys: new Map(), // base64 public key -> { secretKey: Uint8Array, expires }
    events: [], // [{ time, what }] a readable history for rehearsal reports
  };
}

export function record(state, what) {
  state.events.push({ time: now(), what });
}

// ---- services and versions ----

export function createService(state, { name, type = 'vcl', comment = '' }) {
  const time = now();
  const service = { id: newId(), name, type, comment, created_at: time, updated_at: time, deleted_at: null, versions: [], products: new Map() };
  service.versions.push(newVersion(service, 1));
  state.services.set(service.id, service);
  record(state, `service ${service.id} created (name=${name}, type=${type})`);
  return service;
}

export function newVersion(service, number, from = null) {
  const time = now();
  return {
    number,
    active: false,
    locked: false,
    comment: from?.comment ?? '',
    created_at: time,
    updated_at: time,
    domains: structuredClone(from?.domains ?? []),
    backends: structuredClone(from?.backends ?? []),
    resources: (from?.resources ?? []).map((r) => ({ ...r, id: newId() })),
    logging: structuredClone(from?.logging ?? []),
    package: from?.package ?? null,
  };
}

/** A live (not deleted) service by id, or null. */
export function liveService(state, id) {
  const service = state.services.get(id);
  return service && !service.deleted_at ? service : null;
}

export const activeVersion = (service) => service.versions.find((v) => v.active) ?? null;
export const latestVersion = (service) => service.versions[service.versions.length - 1];

export function versionObject(service, v) {
  return {
    active: v.active,
    comment: v.comment,
    created_at: v.created_at,
    deleted_at: null,
    deployed: false,
    environments: v.active ? [{ name: 'production', service_id: service.id, active_version: v.number }] : [],
    locked: v.locked,
    number: v.number,
    service_id: service.id,
    staging: false,
    testing: false,
    updated_at: v.updated_at,
  };
}

export function serviceObject(service) {
  const active = activeVersion(service);
  return {
    comment: service.comment,
    created_at: service.created_at,
    customer_id: CUSTOMER_ID,
    deleted_at: service.deleted_at,
    environments: active ? [{ name: 'production', service_id: service.id, active_version: active.number }] : [],
    id: service.id,
    name: service.name,
    paused: false,
    publish_key: '',
    type: service.type,
    updated_at: service.updated_at,
    version: active ? active.number : 0,
    versions: service.versions.map((v) => versionObject(service, v)),
  };
}

function versionDetail(service, v) {
  return {
    ...versionObject(service, v),
    backends: v.backends.map((b) => backendObject(service, v, b)),
    domains: v.domains.map((d) => domainObject(service, v, d)),
    healthchecks: [],
  };
}

/** ServiceDetail: `version` is `number` (default the latest), `active_version` the active one or null. */
export function serviceDetail(service, number) {
  const { version: _active, ...rest } = serviceObject(service);
  const v = service.versions[(number ?? service.versions.length) - 1];
  const active = activeVersion(service);
  return { ...rest, version: versionDetail(service, v), active_version: active ? versionDetail(service, active) : null };
}

export function domainObject(service, v, d) {
  return { comment: d.comment, created_at: d.created_at, deleted_at: null, name: d.name, service_id: service.id, updated_at: d.updated_at, version: v.number };
}

/**
 * A backend as stored from the create form. As the API documents, port 443 / 80 set
 * use_ssl to true / false unless use_ssl is given.
 */
export function backendFromForm(form) {
  const time = now();
  const port = form.port === undefined ? 80 : Number(form.port);
  const flag = (value) => (value === undefined ? undefined : value === '1' || value === 'true');
  const useSsl = flag(form.use_ssl) ?? (port === 443 ? true : port === 80 ? false : false);
  return {
    name: form.name,
    address: form.address,
    port,
    override_host: form.override_host ?? null,
    ssl_cert_hostname: form.ssl_cert_hostname ?? null,
    ssl_sni_hostname: form.ssl_sni_hostname ?? null,
    use_ssl: useSsl,
    ssl_check_cert: flag(form.ssl_check_cert) ?? true,
    comment: form.comment ?? '',
    shield: form.shield ?? null,
    created_at: time,
    updated_at: time,
  };
}

export function backendObject(service, v, b) {
  const isIp = /^[0-9.]+$|:/.test(b.address ?? '');
  return {
    address: b.address,
    auto_loadbalance: false,
    between_bytes_timeout: 10000,
    client_cert: null,
    comment: b.comment,
    connect_timeout: 1000,
    created_at: b.created_at,
    deleted_at: null,
    error_threshold: 0,
    first_byte_timeout: 15000,
    healthcheck: null,
    hostname: isIp ? null : b.address,
    ipv4: isIp ? b.address : null,
    ipv6: null,
    keepalive_time: null,
    max_conn: 200,
    max_tls_version: null,
    min_tls_version: null,
    name: b.name,
    override_host: b.override_host,
    port: b.port,
    prefer_ipv6: false,
    request_condition: '',
    service_id: service.id,
    share_key: null,
    shield: b.shield,
    ssl_ca_cert: null,
    ssl_cert_hostname: b.ssl_cert_hostname,
    ssl_check_cert: b.ssl_check_cert,
    ssl_ciphers: null,
    ssl_client_cert: null,
    ssl_client_key: null,
    ssl_hostname: null,
    ssl_sni_hostname: b.ssl_sni_hostname,
    tcp_keepalive_enable: null,
    tcp_keepalive_interval: null,
    tcp_keepalive_probes: null,
    tcp_keepalive_time: null,
    updated_at: b.updated_at,
    use_ssl: b.use_ssl,
    version: v.number,
    weight: 100,
  };
}

export function resourceObject(service, v, r) {
  return {
    created_at: r.created_at,
    deleted_at: null,
    href: null,
    id: r.id,
    name: r.name,
    resource_id: r.resource_id,
    resource_type: r.resource_type,
    service_id: service.id,
    updated_at: r.updated_at,
    version: v.number,
  };
}

const LOGGING_INTS = new Set(['format_version', 'period', 'gzip_level', 'request_max_bytes', 'request_max_entries', 'port']);

export function loggingObject(service, v, l) {
  const fields = {};
  for (const [key, value] of Object.entries(l.fields)) fields[key] = LOGGING_INTS.has(key) && /^\d+$/.test(value) ? Number(value) : value;
  return {
    format_version: 2,
    placement: null,
    response_condition: '',
    ...fields,
    name: l.name,
    service_id: service.id,
    version: v.number,
    created_at: l.created_at,
    updated_at: l.updated_at,
    deleted_at: null,
  };
}

export function packageObject(service, v) {
  const p = v.package;
  return {
    id: p.id,
    service_id: service.id,
    version: v.number,
    metadata: p.metadata,
    created_at: p.created_at,
    updated_at: p.created_at,
    deleted_at: null,
  };
}

// ---- the snapshot served at GET /__double/state ----

export function snapshot(state) {
  const storeName = (id) => state.configStores.get(id)?.name ?? state.secretStores.get(id)?.name ?? state.kvStores.get(id)?.name ?? null;
  const services = [...state.services.values()].map((s) => ({
    id: s.id,
    name: s.name,
    type: s.type,
    created_at: s.created_at,
    deleted_at: s.deleted_at,
    active_version: activeVersion(s)?.number ?? null,
    products: Object.fromEntries([...s.products].map(([id, p]) => [id, { enabled: true, enabled_at: p.enabled_at }])),
    versions: s.versions.map((v) => ({
      number: v.number,
      active: v.active,
      locked: v.locked,
      comment: v.comment,
      domains: v.domains.map((d) => d.name),
      backends: v.backends.map((b) => ({
        name: b.name,
        address: b.address,
        port: b.port,
        override_host: b.override_host,
        ssl_cert_hostname: b.ssl_cert_hostname,
        ssl_sni_hostname: b.ssl_sni_hostname,
        use_ssl: b.use_ssl,
      })),
      resource_links: v.resources.map((r) => ({ id: r.id, name: r.name, resource_id: r.resource_id, resource_type: r.resource_type, store_name: storeName(r.resource_id) })),
      log_endpoints: v.logging.map((l) => ({ provider: l.provider, name: l.name, ...l.fields })),
      package: v.package
        ? { id: v.package.id, sha256: v.package.sha256, size: v.package.size, files_hash: v.package.metadata.files_hash, files: v.package.files }
        : null,
    })),
  }));
  return {
    fanout_entitled: state.fanoutEntitled,
    services,
    config_stores: [...state.configStores.values()].map((c) => ({
      id: c.id,
      name: c.name,
      created_at: c.created_at,
      items: Object.fromEntries([...c.items.values()].map((i) => [i.item_key, i.item_value])),
    })),
    secret_stores: [...state.secretStores.values()].map((s) => ({
      id: s.id,
      name: s.name,
      created_at: s.created_at,
      entries: Object.fromEntries([...s.secrets.values()].map((e) => [e.name, e.plaintext.toString('utf8')])),
      entry_details: [...s.secrets.values()].map((e) => ({ name: e.name, created_at: e.created_at, client_encrypted: e.clientEncrypted, recreated: e.recreated })),
    })),
    kv_stores: [...state.kvStores.values()].map((k) => ({
      id: k.id,
      name: k.name,
      location: k.location,
      created_at: k.created_at,
      keys: [...k.items.entries()].filter(([, i]) => !i.expires || i.expires > Date.now()).map(([key]) => key).sort(),
    })),
    tokens: state.tokens.map((t) => ({ id: t.id, name: t.name, scope: t.scope, services: t.services, access_token: t.access_token, created_at: t.created_at, expires_at: t.expires_at })),
    events: state.events,
  };
}
