// Service configuration and purge endpoints of the api.fastly.com double, over the
// seeded services of ./fastly-data.mjs (hook ids and error bodies are documented there).
//
//   GET  /service?page=&per_page=&sort=&direction=   [ServiceListResponse]; Link header
//        (rel="first"/"prev"/"last"/"next", absolute https://api.fastly.com URLs, query
//        keys sorted) only when there is more than one page, as the real API. Defaults:
//        page 1, per_page 20, sort created, direction ascend. A page past the end is [].
//   GET  /service/{service_id}/details[?version=N]    ServiceDetail (active_version +
//        version objects with backends/domains; version defaults to the latest one)
//   GET  /service/{service_id}/version/{n}/generated_vcl   {content, service_id, version}
//   GET  /service/{service_id}/version/{n}/backend   [BackendResponse]
//   GET  /service/{service_id}/version/{n}/domain    [DomainResponse]
//   POST /service/{service_id}/purge/{surrogate_key} {"status":"ok","id":"<node>-<epoch>-<seq>"}
//   POST /service/{service_id}/purge_all             {"status":"ok"} (+ Fastly-RateLimit-* headers)
//
// Errors: unknown service 404 {"msg":"Record not found","detail":"Cannot find service '<id>'"},
// unknown version 404 {"msg":"Record not found","detail":"Cannot find version '<n>' of service '<id>'"},
// bad list parameters 400 {"msg":"Bad request","detail":"..."}.
import {
  SERVICES,
  answerHook,
  backends,
  decodeParam,
  domains,
  findService,
  findVersion,
  serviceDetail,
  serviceListItem,
  serviceNotFound,
  versionNotFound,
} from './fastly-data.mjs';
import { generatedVcl } from './fastly-vcl.mjs';
import { sendJson } from './http.mjs';

/** Base of the Link header URLs: the real API's own origin. */
const PUBLIC_BASE = 'https://api.fastly.com';
const MAX_PER_PAGE = 1000;
const SORTS = {
  created: (s) => s.created_at,
  updated: (s) => s.updated_at,
  name: (s) => s.name,
};

function badRequest(res, detail) {
  return sendJson(res, 400, { msg: 'Bad request', detail });
}

function positiveInt(raw, fallback) {
  if (raw === null) return fallback;
  return /^[1-9][0-9]{0,8}$/.test(raw) ? Number(raw) : NaN;
}

function linkHeader(query, page, last) {
  const url = (p) => {
    const params = new URLSearchParams({ ...query, page: String(p) });
    params.sort();
    return `<${PUBLIC_BASE}/service?${params.toString()}>`;
  };
  const links = [];
  if (page > 1) links.push(`${url(1)}; rel="first"`, `${url(Math.min(page - 1, last))}; rel="prev"`);
  links.push(`${url(last)}; rel="last"`);
  if (page < last) links.push(`${url(page + 1)}; rel="next"`);
  return links.join(', ');
}

/** Resolves {serviceId[, version]} for a per-service route; answers the error itself (returns null). */
function resolve(res, info, params) {
  const id = decodeParam(params.serviceId);
  const hook = answerHook(res, id);
  if (hook !== null) {
    info.resBytes = hook;
    info.notes.push(`hook=${id}`);
    return null;
  }
  const service = findService(id);
  if (!service) {
    info.resBytes = serviceNotFound(res, id);
    return null;
  }
  if (params.version === undefined) return { service };
  const version = findVersion(service, decodeParam(params.version));
  if (version === null) {
    info.resBytes = versionNotFound(res, id, decodeParam(params.version));
    return null;
  }
  return { service, version };
}

function rateLimitHeaders(ctx) {
  ctx.rateLimitRemaining = Math.max(0, (ctx.rateLimitRemaining ?? 1000) - 1);
  const hour = 3600;
  return {
    'fastly-ratelimit-remaining': String(ctx.rateLimitRemaining),
    'fastly-ratelimit-reset': String((Math.floor(Date.now() / 1000 / hour) + 1) * hour),
  };
}

export function routes(ctx) {
  let purgeSeq = 26_000;
  const SERVICE = '(?<serviceId>[^/]+)';
  const VERSION = `${SERVICE}/version/(?<version>[^/]+)`;
  return [
    {
      method: 'GET',
      pattern: /^\/service$/,
      auth: true,
      handler({ res, url, info }) {
        const q = url.searchParams;
        const page = positiveInt(q.get('page'), 1);
        const perPage = positiveInt(q.get('per_page'), 20);
        const sort = q.get('sort') ?? 'created';
        const direction = q.get('direction') ?? 'ascend';
        if (Number.isNaN(page)) return void (info.resBytes = badRequest(res, `Invalid value for page: '${q.get('page')}'`));
        if (Number.isNaN(perPage) || perPage > MAX_PER_PAGE) {
          return void (info.resBytes = badRequest(res, `Invalid value for per_page: '${q.get('per_page')}' (1-${MAX_PER_PAGE})`));
        }
        if (!SORTS[sort]) return void (info.resBytes = badRequest(res, `Invalid value for sort: '${sort}'`));
        if (direction !== 'ascend' && direction !== 'descend') {
          return void (info.resBytes = badRequest(res, `Invalid value for direction: '${direction}'`));
        }
        const key = SORTS[sort];
        const sorted = [...SERVICES].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        if (direction === 'descend') sorted.reverse();
        const last = Math.max(1, Math.ceil(sorted.length / perPage));
        const items = sorted.slice((page - 1) * perPage, page * perPage).map(serviceListItem);
        const headers = {};
        if (last > 1) {
          const query = { per_page: String(perPage) };
          if (q.has('sort')) query.sort = sort;
          if (q.has('direction')) query.direction = direction;
          headers.link = linkHeader(query, page, last);
        }
        info.notes.push(`page=${page}/${last}`);
        info.resBytes = sendJson(res, 200, items, headers);
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/service/${SERVICE}/details$`),
      auth: true,
      handler({ res, url, params, info }) {
        const found = resolve(res, info, params);
        if (!found) return;
        const { service } = found;
        let number = service.versions.length;
        if (url.searchParams.has('version')) {
          number = findVersion(service, url.searchParams.get('version'));
          if (number === null) return void (info.resBytes = versionNotFound(res, service.id, url.searchParams.get('version')));
        }
        info.resBytes = sendJson(res, 200, serviceDetail(service, number));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/service/${VERSION}/generated_vcl$`),
      auth: true,
      handler({ res, params, info }) {
        const found = resolve(res, info, params);
        if (!found) return;
        const { service, version } = found;
        info.resBytes = sendJson(res, 200, { content: generatedVcl(service, version), service_id: service.id, version });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/service/${VERSION}/backend$`),
      auth: true,
      handler({ res, params, info }) {
        const found = resolve(res, info, params);
        if (found) info.resBytes = sendJson(res, 200, backends(found.service, found.version));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/service/${VERSION}/domain$`),
      auth: true,
      handler({ res, params, info }) {
        const found = resolve(res, info, params);
        if (found) info.resBytes = sendJson(res, 200, domains(found.service, found.version));
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/service/${SERVICE}/purge/(?<key>[^/]+)$`),
      auth: true,
      handler({ req, res, params, info }) {
        const found = resolve(res, info, params);
        if (!found) return;
        purgeSeq += 1;
        const id = `19110-${Math.floor(Date.now() / 1000)}-${purgeSeq}`;
        const soft = req.headers['fastly-soft-purge'] === '1';
        info.notes.push(`purge key=${JSON.stringify(decodeParam(params.key))}${soft ? ' soft' : ''}`);
        info.resBytes = sendJson(res, 200, { status: 'ok', id }, { 'fastly-surrogate-key-count': '1' });
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/service/${SERVICE}/purge_all$`),
      auth: true,
      handler({ res, params, info }) {
        const found = resolve(res, info, params);
        if (!found) return;
        info.notes.push('purge_all');
        info.resBytes = sendJson(res, 200, { status: 'ok' }, rateLimitHeaders(ctx));
      },
    },
  ];
}
