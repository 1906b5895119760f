// Seed data of the api.fastly.com double: three VCL services with several versions
// (one active each), their backends and domains, plus the error hooks and the error
// bodies shared by ./services.mjs and ./stats.mjs.
//
// Field names follow the real API's models (fastly-js docs ServiceListResponse,
// ServiceDetail, SchemasVersionResponse, BackendResponse, DomainResponse) and go-fastly's
// recorded fixtures (fastly/fixtures/services/*.yaml, backends/list.yaml,
// domains/list.yaml).
//
// Hook service ids (not listed by GET /service; every per-service endpoint of
// ./services.mjs and ./stats.mjs answers for them, after the token check):
//   Svc429RateLimited00000  429 {"msg":"You have exceeded your hourly rate limit. ..."}
//                           with Retry-After: 30, Fastly-RateLimit-Remaining: 0,
//                           Fastly-RateLimit-Reset: <now + 30, epoch seconds>
//   Svc500Broken0000000000  500 {"msg":"An error occurred while connecting to the fastly API, please try your request again."}
import { sendJson } from './http.mjs';

export const CUSTOMER_ID = '2bQ7xNcVh4LpT9mWk3RzYd';
export const HOOK_RATE_LIMITED = 'Svc429RateLimited00000';
export const HOOK_BROKEN = 'Svc500Broken0000000000';

// The real 429 body (as surfaced by go-fastly / the Fastly CLI: fastly/terraform-provider-fastly#313,
// fastly/cli#1836) and the generic legacy message (fastly/fastly-ruby#34).
export const RATE_LIMIT_MSG = 'You have exceeded your hourly rate limit. Please contact support@fastly.com if you think this is a mistake.';
export const SERVER_ERROR_MSG = 'An error occurred while connecting to the fastly API, please try your request again.';

// versions: [created_at, updated_at, comment]; `active` is the one active version;
// versions up to the active one are locked, later ones are drafts.
// backends/domains: `since` (first version holding it), optional `until` (last one).
const SEED = [
  {
    id: '4kq2mVxR8TnWb6LpZ3dHsA',
    name: 'shop-frontend',
    comment: 'Storefront (www.example.com)',
    created_at: '2023-04-12T09:14:37Z',
    updated_at: '2024-11-05T16:02:11Z',
    active: 6,
    versions: [
      ['2023-04-12T09:14:37Z', '2023-04-12T09:31:02Z', 'Initial configuration'],
      ['2023-05-02T13:40:19Z', '2023-05-02T13:52:44Z', 'Add apex domain'],
      ['2023-08-21T08:05:51Z', '2023-08-21T08:20:13Z', 'Add secondary origin and shielding'],
      ['2024-01-15T11:27:09Z', '2024-01-15T11:45:30Z', 'Redirect table for the catalogue move'],
      ['2024-06-03T15:10:42Z', '2024-06-03T15:33:18Z', 'Retire legacy app backend; add shop domain'],
      ['2024-11-05T15:48:27Z', '2024-11-05T16:02:11Z', 'Tighten cache TTLs for /api/cart'],
      ['2025-02-18T10:22:05Z', '2025-02-18T10:22:05Z', ''],
    ],
    backends: [
      { name: 'origin_primary', address: 'origin-1.example.com', port: 443, override_host: 'www.example.com', shield: 'iad-va-us', since: 1 },
      { name: 'legacy_app', address: '203.0.113.10', port: 80, since: 1, until: 4 },
      { name: 'origin_secondary', address: 'origin-2.example.com', port: 443, override_host: 'www.example.com', shield: 'iad-va-us', since: 3, comment: 'Failover origin' },
    ],
    domains: [
      { name: 'www.example.com', since: 1, comment: '' },
      { name: 'example.com', since: 2, comment: 'Apex, redirected to www' },
      { name: 'shop.example.com', since: 5, comment: '' },
    ],
    vcl: { size: 'large' },
  },
  {
    id: '6TfRk1YwQz9NcL2vXb8MhJ',
    name: 'api-gateway',
    comment: 'Public JSON API',
    created_at: '2023-09-28T14:03:12Z',
    updated_at: '2023-09-28T14:03:12Z',
    active: 4,
    versions: [
      ['2023-09-28T14:03:12Z', '2023-09-28T14:20:55Z', 'Initial configuration'],
      ['2023-10-10T09:12:40Z', '2023-10-10T09:18:03Z', 'Add auth service backend'],
      ['2024-03-19T17:44:26Z', '2024-03-19T17:59:41Z', 'EU hostname'],
      ['2024-09-09T07:31:58Z', '2024-09-09T07:40:22Z', 'Raise first byte timeout'],
    ],
    backends: [
      { name: 'api_origin', address: 'api-origin.example.com', port: 443, override_host: 'api-origin.example.com', since: 1 },
      { name: 'auth_service', address: 'auth.example.com', port: 443, since: 2, comment: 'Token introspection' },
    ],
    domains: [
      { name: 'api.example.com', since: 1, comment: '' },
      { name: 'api-eu.example.com', since: 3, comment: 'EU customers' },
    ],
    vcl: { size: 'small' },
  },
  {
    id: '1PnD7sGx3KwVq5ZrT0bYcE',
    name: 'static-assets',
    comment: '',
    created_at: '2024-02-07T12:55:03Z',
    updated_at: '2024-07-22T08:16:47Z',
    active: 2,
    versions: [
      ['2024-02-07T12:55:03Z', '2024-02-07T13:09:26Z', 'Initial configuration'],
      ['2024-07-22T08:01:14Z', '2024-07-22T08:16:47Z', 'Image origin and img domain'],
      ['2025-03-03T19:27:36Z', '2025-03-03T19:27:36Z', 'Draft: longer TTL for fonts'],
    ],
    backends: [
      { name: 's3_bucket', address: 'example-assets.s3.us-east-1.amazonaws.com', port: 443, override_host: 'example-assets.s3.us-east-1.amazonaws.com', since: 1 },
      { name: 'image_origin', address: 'images-origin.example.net', port: 443, since: 2 },
    ],
    domains: [
      { name: 'static.example.net', since: 1, comment: '' },
      { name: 'img.example.net', since: 2, comment: '' },
    ],
    vcl: { size: 'small' },
  },
];

for (const s of SEED) {
  if (!/^[A-Za-z0-9]{22}$/.test(s.id)) throw new Error(`api double: bad seeded service id ${s.id}`);
}

const inRange = (item, number) => number >= item.since && (item.until === undefined || number <= item.until);

function versionObject(s, number) {
  const [created_at, updated_at, comment] = s.versions[number - 1];
  const active = number === s.active;
  return {
    active,
    comment,
    created_at,
    deleted_at: null,
    deployed: false,
    environments: active ? [{ name: 'production', service_id: s.id, active_version: number }] : [],
    locked: number <= s.active,
    number,
    service_id: s.id,
    staging: false,
    testing: false,
    updated_at,
  };
}

function backendObject(s, number, b) {
  const created = s.versions[number - 1][0];
  const ssl = b.port === 443;
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(b.address);
  return {
    address: b.address,
    auto_loadbalance: false,
    between_bytes_timeout: 10000,
    client_cert: null,
    comment: b.comment ?? '',
    connect_timeout: 1000,
    created_at: created,
    deleted_at: null,
    error_threshold: 0,
    first_byte_timeout: s.name === 'api-gateway' && number >= 4 ? 30000 : 15000,
    healthcheck: null,
    hostname: isIp ? null : b.address,
    ipv4: isIp ? b.address : null,
    ipv6: null,
    keepalive_time: null,
    locked: number <= s.active,
    max_conn: 200,
    max_tls_version: null,
    min_tls_version: ssl ? '1.2' : null,
    name: b.name,
    override_host: b.override_host ?? null,
    port: b.port,
    prefer_ipv6: false,
    request_condition: '',
    service_id: s.id,
    share_key: null,
    shield: b.shield ?? null,
    ssl_ca_cert: null,
    ssl_cert_hostname: ssl ? b.address : null,
    ssl_check_cert: ssl,
    ssl_ciphers: null,
    ssl_client_cert: null,
    ssl_client_key: null,
    ssl_hostname: null,
    ssl_sni_hostname: ssl ? b.address : null,
    tcp_keepalive_enable: null,
    tcp_keepalive_interval: null,
    tcp_keepalive_probes: null,
    tcp_keepalive_time: null,
    updated_at: created,
    use_ssl: ssl,
    version: number,
    weight: 100,
  };
}

function domainObject(s, number, d) {
  const created = s.versions[number - 1][0];
  return { comment: d.comment, created_at: created, deleted_at: null, name: d.name, service_id: s.id, updated_at: created, version: number };
}

/** The seeded services (raw seed records), in creation order. */
export const SERVICES = SEED;

export function findService(id) {
  return SEED.find((s) => s.id === id) ?? null;
}

/** Version number for a path segment, or null when the service has no such version. */
export function findVersion(s, segment) {
  if (!/^[1-9][0-9]{0,8}$/.test(String(segment))) return null;
  const number = Number(segment);
  return number <= s.versions.length ? number : null;
}

export const versions = (s) => s.versions.map((_, i) => versionObject(s, i + 1));
export const backends = (s, n) => s.backends.filter((b) => inRange(b, n)).map((b) => backendObject(s, n, b));
export const domains = (s, n) => s.domains.filter((d) => inRange(d, n)).map((d) => domainObject(s, n, d));

/** ServiceListResponse (GET /service items; `version` is the active version number). */
export function serviceListItem(s) {
  const active = versionObject(s, s.active);
  return {
    comment: s.comment,
    created_at: s.created_at,
    customer_id: CUSTOMER_ID,
    deleted_at: null,
    environments: active.environments,
    id: s.id,
    name: s.name,
    paused: false,
    type: 'vcl',
    updated_at: s.updated_at,
    version: s.active,
    versions: versions(s),
  };
}

/** ServiceVersionDetail: a version plus the configuration it holds. */
export function versionDetail(s, n) {
  return {
    ...versionObject(s, n),
    acls: [],
    backends: backends(s, n),
    cache_settings: [],
    conditions: [],
    dictionaries: [],
    directors: [],
    domains: domains(s, n),
    gzips: [],
    headers: [],
    healthchecks: [],
    request_settings: [],
    response_objects: [],
    snippets: [],
    vcls: [],
    wordpress: [],
    settings: {
      'general.default_host': '',
      'general.default_pci': 0,
      'general.default_ttl': 3600,
      'general.stale_if_error': false,
      'general.stale_if_error_ttl': 43200,
    },
  };
}

/** ServiceDetail (GET /service/{id}/details); `version` defaults to the latest version. */
export function serviceDetail(s, n = s.versions.length) {
  const { version: _active, ...rest } = serviceListItem(s);
  return { ...rest, publish_key: '', active_version: versionDetail(s, s.active), version: versionDetail(s, n) };
}

export function serviceNotFound(res, id) {
  return sendJson(res, 404, { msg: 'Record not found', detail: `Cannot find service '${id}'` });
}

export function versionNotFound(res, id, version) {
  return sendJson(res, 404, { msg: 'Record not found', detail: `Cannot find version '${version}' of service '${id}'` });
}

/** Answers for the hook service ids; returns the bytes sent, or null when `id` is not a hook. */
export function answerHook(res, id) {
  if (id === HOOK_RATE_LIMITED) {
    return sendJson(res, 429, { msg: RATE_LIMIT_MSG }, {
      'retry-after': '30',
      'fastly-ratelimit-remaining': '0',
      'fastly-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30),
    });
  }
  if (id === HOOK_BROKEN) return sendJson(res, 500, { msg: SERVER_ERROR_MSG });
  return null;
}

/** Decodes a path parameter like the real API's router would (%2F -> '/'); raw on bad escapes. */
export function decodeParam(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
