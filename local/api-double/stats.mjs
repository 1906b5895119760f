// Historical stats of the api.fastly.com double:
//
//   GET /stats/service/{service_id}?from=&to=&by=minute|hour|day&region=
//   200 {"status":"success","meta":{"from","to","by","region"},"msg":null,"data":[{...}]}
//
// Shape from the real API's recorded responses (go-fastly fixtures stats/service_stats.yaml,
// stats/aggregate.yaml): meta times as "YYYY-MM-DD HH:MM:SS UTC", region "all" when not
// given; each data item carries the stats fields plus start_time (epoch seconds, aligned
// to the bucket) and service_id. Buckets start at the first boundary at or after `from`
// and run while start_time < min(to, now); values are deterministic (same query, same
// numbers).
//
// from/to accept: unix seconds, "now", "today", "yesterday", "N minutes|hours|days|weeks|
// months|years ago" (digits or one..twelve, "a"/"an"), YYYY-MM-DD[ HH:MM[:SS]], ISO 8601,
// M/D/YYYY. Defaults as documented: to = now; from = 30 minutes (by=minute), 1 day
// (hour) or 1 month (day) before `to`; by defaults to day.
// Errors: 400 {"status":"error","msg":"<why>"} (the Historical model's status/msg fields)
// for an unparsable time, from after to, an unknown by/region, or more than 1000 buckets.
// Unknown service 404 and the hook ids as ./fastly-data.mjs.
import { answerHook, decodeParam, findService, serviceNotFound } from './fastly-data.mjs';
import { sendJson } from './http.mjs';

const STEP = { minute: 60, hour: 3600, day: 86400 };
const DEFAULT_SPAN = { minute: 1800, hour: 86400, day: 30 * 86400 };
const MAX_BUCKETS = 1000;
const REGIONS = {
  usa: 0.38, europe: 0.27, asia: 0.12, anzac: 0.05, asia_india: 0.04, asia_southkorea: 0.02,
  africa_std: 0.02, southamerica_std: 0.04, latam: 0.03, south_africa: 0.01, mexico: 0.02,
};
const UNIT = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };
const WORDS = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
// Per-service traffic profile: requests per second at peak, cache hit ratio, mean body size.
const PROFILE = {
  'shop-frontend': { rps: 140, hit: 0.93, body: 38_000 },
  'api-gateway': { rps: 45, hit: 0.41, body: 2_400 },
  'static-assets': { rps: 90, hit: 0.985, body: 96_000 },
};

const midnight = (t) => Math.floor(t / 86400) * 86400;

/** Epoch seconds for a from/to value, or null when it cannot be parsed. */
export function parseTime(raw, now) {
  const v = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^\d{1,12}$/.test(v)) return Number(v);
  if (v === 'now') return now;
  if (v === 'today') return midnight(now);
  if (v === 'yesterday') return midnight(now) - 86400;
  let m = /^(\d{1,6}|[a-z]+) (second|minute|hour|day|week|month|year)s? ago$/.exec(v);
  if (m) {
    const n = /^\d+$/.test(m[1]) ? Number(m[1]) : WORDS[m[1]];
    return n === undefined ? null : now - n * UNIT[m[2]];
  }
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[ t](\d{2}):(\d{2})(?::(\d{2}))?)?( utc|z)?$/.exec(v);
  if (m) return utc(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (m) return utc(+m[3], +m[1], +m[2], 0, 0, 0);
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|z)$/.test(v)) {
    const t = Date.parse(v.toUpperCase());
    return Number.isNaN(t) ? null : Math.floor(t / 1000);
  }
  return null;
}

function utc(y, mo, d, h, mi, s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(t).getUTCDate() === d ? t / 1000 : null;
}

const metaTime = (t) => `${new Date(t * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** Small deterministic hash -> [0, 1). */
function noise(...parts) {
  let h = 2166136261;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

function bucket(service, start, step, region) {
  const p = PROFILE[service.name] ?? { rps: 20, hit: 0.9, body: 10_000 };
  const share = region === 'all' ? 1 : REGIONS[region];
  // Diurnal curve (peak ~19:00 UTC) and a weekly dip; averaged for day buckets.
  const hourOfDay = step >= 86400 ? 12 : ((start % 86400) / 3600 + step / 7200) % 24;
  const diurnal = step >= 86400 ? 0.62 : 0.35 + 0.65 * (0.5 + 0.5 * Math.cos(((hourOfDay - 19) / 24) * 2 * Math.PI));
  const weekday = new Date(start * 1000).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.8 : 1;
  const jitter = 0.85 + 0.3 * noise(service.id, start, step, region);
  const requests = Math.round(p.rps * step * diurnal * weekly * jitter * share);
  const hitRatio = Math.min(0.999, p.hit + (noise(service.id, start, 'hit') - 0.5) * 0.04);
  const pass = Math.round(requests * (1 - p.hit) * 0.25);
  const hits = Math.min(requests - pass, Math.round(requests * hitRatio));
  const miss = Math.max(0, requests - hits - pass);
  const status5xx = Math.round(requests * 0.0004 * (0.5 + noise(service.id, start, '5xx')));
  const status4xx = Math.round(requests * 0.011 * (0.5 + noise(service.id, start, '4xx')));
  const status3xx = Math.round(requests * (service.name === 'shop-frontend' ? 0.06 : 0.015));
  const status304 = Math.round(status3xx * 0.55);
  const status2xx = Math.max(0, requests - status5xx - status4xx - status3xx);
  const status404 = Math.round(status4xx * 0.7);
  const status429 = Math.round(status4xx * 0.04);
  const status503 = Math.round(status5xx * 0.6);
  const header = Math.round(requests * 410);
  const body = Math.round(status2xx * p.body * (0.9 + 0.2 * noise(service.id, start, 'body')));
  const reqHeader = Math.round(requests * 780);
  const http2 = Math.round(requests * 0.71);
  return {
    requests, hits, miss, pass, synth: status3xx - status304 > 0 ? Math.round((status3xx - status304) * 0.3) : 0,
    errors: status5xx, hit_ratio: requests ? Number((hits / (hits + miss || 1)).toFixed(4)) : null,
    bandwidth: header + body, body_size: body, header_size: header,
    req_header_bytes: reqHeader, req_body_bytes: Math.round(requests * (service.name === 'api-gateway' ? 320 : 12)),
    resp_header_bytes: header, resp_body_bytes: body,
    edge_requests: requests, edge_hit_requests: hits, edge_miss_requests: miss,
    edge_resp_header_bytes: header, edge_resp_body_bytes: body,
    origin_fetches: miss + pass, origin_fetch_resp_body_bytes: Math.round((miss + pass) * p.body * 0.8),
    shield: Math.round(miss * 0.6), shield_fetches: Math.round(miss * 0.6),
    hits_time: Number((hits * 0.00009).toFixed(6)), miss_time: Number((miss * 0.041).toFixed(6)), pass_time: Number((pass * 0.087).toFixed(6)),
    http2, ipv6: Math.round(requests * 0.23), tls: requests, tls_v12: Math.round(requests * 0.18), tls_v13: requests - Math.round(requests * 0.18),
    status_1xx: 0, status_2xx: status2xx, status_200: status2xx - Math.round(status2xx * 0.02), status_204: Math.round(status2xx * 0.02), status_206: 0,
    status_3xx: status3xx, status_301: status3xx - status304 - Math.round((status3xx - status304) * 0.2), status_302: Math.round((status3xx - status304) * 0.2), status_304: status304,
    status_4xx: status4xx, status_400: Math.round(status4xx * 0.08), status_401: Math.round(status4xx * 0.1), status_403: Math.round(status4xx * 0.06),
    status_404: status404, status_416: 0, status_429: status429,
    status_5xx: status5xx, status_500: status5xx - status503, status_501: 0, status_502: 0, status_503: status503, status_504: 0, status_505: 0,
    compute_requests: 0, waf_blocked: 0, waf_logged: 0, waf_passed: 0,
    start_time: start,
    service_id: service.id,
  };
}

function statsError(res, msg) {
  return sendJson(res, 400, { status: 'error', msg });
}

export function routes() {
  return [
    {
      method: 'GET',
      pattern: /^\/stats\/service\/(?<serviceId>[^/]+)$/,
      auth: true,
      handler({ res, url, params, info }) {
        const id = decodeParam(params.serviceId);
        const hook = answerHook(res, id);
        if (hook !== null) {
          info.notes.push(`hook=${id}`);
          return void (info.resBytes = hook);
        }
        const service = findService(id);
        if (!service) return void (info.resBytes = serviceNotFound(res, id));

        const q = url.searchParams;
        const by = q.get('by') ?? 'day';
        if (!STEP[by]) return void (info.resBytes = statsError(res, `Invalid value for by: '${by}'. Must be one of minute, hour, day`));
        const region = q.get('region') ?? 'all';
        if (region !== 'all' && REGIONS[region] === undefined) {
          return void (info.resBytes = statsError(res, `Invalid value for region: '${region}'`));
        }
        const now = Math.floor(Date.now() / 1000);
        const to = q.has('to') ? parseTime(q.get('to'), now) : now;
        if (to === null) return void (info.resBytes = statsError(res, `Could not parse 'to' value: '${q.get('to')}'`));
        const from = q.has('from') ? parseTime(q.get('from'), now) : to - DEFAULT_SPAN[by];
        if (from === null) return void (info.resBytes = statsError(res, `Could not parse 'from' value: '${q.get('from')}'`));
        if (from > to) return void (info.resBytes = statsError(res, "'from' must be before 'to'"));

        const step = STEP[by];
        const first = Math.ceil(from / step) * step;
        const end = Math.min(to, now);
        const count = end > first ? Math.ceil((end - first) / step) : 0;
        if (count > MAX_BUCKETS) {
          return void (info.resBytes = statsError(res, `Query too large: ${count} ${by} samples requested (at most ${MAX_BUCKETS}); narrow from/to or use a coarser 'by'`));
        }
        const data = [];
        for (let i = 0; i < count; i++) data.push(bucket(service, first + i * step, step, region));
        info.notes.push(`buckets=${count}`);
        info.resBytes = sendJson(res, 200, {
          status: 'success',
          meta: { from: metaTime(from), to: metaTime(to), by, region },
          msg: null,
          data,
        });
      },
    },
  ];
}
