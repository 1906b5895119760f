// A small back-office example API (crew members and their working hours), served by the
// same double under /backoffice/ so it coexists with the api.fastly.com paths. It is not
// a Fastly API; its contract is this file:
//
// Auth: `Authorization: Bearer <backofficeToken>` (a second secret, separate from the
// Fastly token; CLI --backoffice-token or env MCP_BACKOFFICE_TOKEN). Missing/wrong ->
// 401 {"error":"missing or invalid bearer token"} + WWW-Authenticate; no token configured
// on the double -> 503 {"error":"backoffice token not configured on the double"}.
//
//   POST /backoffice/v1/crew/{crew_id}/hours   body {"date":"YYYY-MM-DD","hours":0-24,"note"?:string}
//        201 {"entry_id","crew_id","date","hours","note","recorded_at"} (note null when absent)
//        400 {"error":"request body is not valid JSON","field":null}
//        422 {"error":"...","field":"date"|"hours"|"note"|"<unknown key>"|null}
//   GET  /backoffice/v1/crew/{crew_id}/summary?from=YYYY-MM-DD&to=YYYY-MM-DD (both required,
//        from <= to, at most 366 days)
//        200 {"crew_id","name","from","to","total_hours","days_worked","entries":[{"entry_id",
//             "date","hours","note","recorded_at"}]}  (seeded + POSTed entries, by date)
//        422 {"error","field":"from"|"to"}
//   GET  /backoffice/v1/crew/{crew_id}/role   200 {"crew_id","name","role","team","since"}
// Unknown crew -> 404 {"error":"crew member not found"}; other /backoffice/ paths -> 404
// {"error":"not found"}.
//
// Seed: c-1001..c-1003 have one entry per weekday in September-October 2025 (hours from
// a fixed pattern); c-1004 has none. E.g. c-1001 2025-09-01..2025-09-30: 22 days.
//
// Odd 2xx fixtures: four crew ids whose answers are 2xx but not in the documented shapes,
// for clients that must cope with an API that says "ok" in another shape (e.g. tools with
// an outputSchema; tests/output-schema.test.mjs). Auth is checked as for any crew id, the
// request is recorded and logged (note `fixture=odd-2xx`), and the body is not validated:
//   POST /backoffice/v1/crew/c-9201/hours  201, no Content-Type, empty body
//   POST /backoffice/v1/crew/c-9202/hours  200 text/html `<html>saved</html>` (not JSON)
//   GET  /backoffice/v1/crew/c-9203/role   200 application/json `"Stage Manager"` (a bare
//                                          JSON string, not an object)
//   GET  /backoffice/v1/crew/c-9204/role   200 application/json `{"crew_id":"c-9204"}`
//                                          (name, role, team and since missing)
// Their other paths (summary, and role/hours where not listed) are 404 "crew member not
// found", as for any unknown crew id.
import { checkBearer } from './auth.mjs';
import { readBody, sendJson } from './http.mjs';

const CREW = [
  { crew_id: 'c-1001', name: 'Ana Ortiz', role: 'Stage Manager', team: 'Production', since: '2019-03-11' },
  { crew_id: 'c-1002', name: 'Ben Okafor', role: 'Lighting Technician', team: 'Lighting', since: '2021-08-02' },
  { crew_id: 'c-1003', name: 'Chen Wei', role: 'Sound Engineer', team: 'Audio', since: '2020-01-20' },
  { crew_id: 'c-1004', name: 'Dana Kowalski', role: 'Rigger', team: 'Rigging', since: '2025-10-27' },
];
/** The odd 2xx fixtures (see the header): `${method} ${crew_id}/${endpoint}` -> answer. */
const ODD_2XX = {
  'POST c-9201/hours': { status: 201, type: null, body: '' },
  'POST c-9202/hours': { status: 200, type: 'text/html', body: '<html>saved</html>' },
  'GET c-9203/role': { status: 200, type: 'application/json', body: '"Stage Manager"' },
  'GET c-9204/role': { status: 200, type: 'application/json', body: '{"crew_id":"c-9204"}' },
};
const PATTERN = { 'c-1001': [8, 7.5, 8, 9, 6], 'c-1002': [10, 4, 8.5, 8, 7], 'c-1003': [6, 6.5, 12, 8, 5.25] };
const NOTES = { 3: 'Load-in', 11: 'Tech rehearsal', 17: 'Double show day', 29: 'Strike' };
const MAX_NOTE = 500;
const MAX_RANGE_DAYS = 366;

function seedEntries() {
  const entries = [];
  let seq = 0;
  for (const [crewId, hours] of Object.entries(PATTERN)) {
    for (let t = Date.UTC(2025, 8, 1), i = 0; t <= Date.UTC(2025, 9, 31); t += 86400000) {
      const day = new Date(t).getUTCDay();
      if (day === 0 || day === 6) continue;
      const date = new Date(t).toISOString().slice(0, 10);
      seq += 1;
      entries.push({
        entry_id: `e-${String(seq).padStart(6, '0')}`,
        crew_id: crewId,
        date,
        hours: hours[i % hours.length],
        note: NOTES[i] ?? null,
        recorded_at: `${date}T18:${String(10 + (i % 40)).padStart(2, '0')}:00Z`,
      });
      i += 1;
    }
  }
  return { entries, seq };
}

/** A real calendar date in YYYY-MM-DD form. */
function isDate(value) {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

const invalid = (res, error, field) => sendJson(res, 422, { error, field });

function validateHours(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['request body must be a JSON object', null];
  for (const key of Object.keys(body)) {
    if (!['date', 'hours', 'note'].includes(key)) return [`unknown field '${key}'`, key];
  }
  if (body.date === undefined) return ['date is required', 'date'];
  if (!isDate(body.date)) return ['date must be a calendar date in YYYY-MM-DD form', 'date'];
  if (body.hours === undefined) return ['hours is required', 'hours'];
  if (typeof body.hours !== 'number' || !Number.isFinite(body.hours)) return ['hours must be a number', 'hours'];
  if (body.hours < 0 || body.hours > 24) return ['hours must be between 0 and 24', 'hours'];
  if (body.note !== undefined && body.note !== null) {
    if (typeof body.note !== 'string') return ['note must be a string', 'note'];
    if (body.note.length > MAX_NOTE) return [`note must be at most ${MAX_NOTE} characters`, 'note'];
  }
  return null;
}

export function routes(ctx) {
  const store = seedEntries();
  const auth = (req) => {
    if (!ctx.backofficeToken) return { status: 503, body: { error: 'backoffice token not configured on the double' } };
    if (checkBearer(req.headers, ctx.backofficeToken)) return null;
    return { status: 401, body: { error: 'missing or invalid bearer token' }, headers: { 'www-authenticate': 'Bearer realm="backoffice"' } };
  };
  const crewOf = (res, info, params) => {
    const crew = CREW.find((c) => c.crew_id === params.crewId);
    if (!crew) info.resBytes = sendJson(res, 404, { error: 'crew member not found' });
    return crew ?? null;
  };
  const CREW_PATH = '^/backoffice/v1/crew/(?<crewId>[^/]+)';
  const catchAll = (method) => ({
    method,
    pattern: /^\/backoffice(\/|$)/,
    auth,
    async handler({ req, res, info }) {
      info.reqBytes = (await readBody(req)).length;
      info.resBytes = sendJson(res, 404, { error: 'not found' });
    },
  });

  const odd = (method) => ({
    method,
    pattern: new RegExp(`${CREW_PATH}/(?<endpoint>hours|role)$`),
    when: (params) => `${method} ${params.crewId}/${params.endpoint}` in ODD_2XX,
    auth,
    async handler({ req, res, params, info }) {
      info.reqBytes = (await readBody(req)).length;
      const { status, type, body } = ODD_2XX[`${method} ${params.crewId}/${params.endpoint}`];
      res.writeHead(status, { ...(type ? { 'content-type': type } : {}), 'content-length': Buffer.byteLength(body) });
      res.end(body);
      info.resBytes = Buffer.byteLength(body);
      info.notes.push('fixture=odd-2xx');
    },
  });

  return [
    odd('POST'),
    odd('GET'),
    {
      method: 'POST',
      pattern: new RegExp(`${CREW_PATH}/hours$`),
      auth,
      async handler({ req, res, params, info }) {
        const raw = await readBody(req);
        info.reqBytes = raw.length;
        const crew = crewOf(res, info, params);
        if (!crew) return;
        let body;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          info.resBytes = sendJson(res, 400, { error: 'request body is not valid JSON', field: null });
          return;
        }
        const problem = validateHours(body);
        if (problem) return void (info.resBytes = invalid(res, ...problem));
        store.seq += 1;
        const entry = {
          entry_id: `e-${String(store.seq).padStart(6, '0')}`,
          crew_id: crew.crew_id,
          date: body.date,
          hours: body.hours,
          note: body.note ?? null,
          recorded_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        };
        store.entries.push(entry);
        info.notes.push(`entry=${entry.entry_id}`);
        info.resBytes = sendJson(res, 201, entry);
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${CREW_PATH}/summary$`),
      auth,
      handler({ res, url, params, info }) {
        const crew = crewOf(res, info, params);
        if (!crew) return;
        const from = url.searchParams.get('from');
        const to = url.searchParams.get('to');
        if (from === null) return void (info.resBytes = invalid(res, 'from is required', 'from'));
        if (!isDate(from)) return void (info.resBytes = invalid(res, 'from must be a calendar date in YYYY-MM-DD form', 'from'));
        if (to === null) return void (info.resBytes = invalid(res, 'to is required', 'to'));
        if (!isDate(to)) return void (info.resBytes = invalid(res, 'to must be a calendar date in YYYY-MM-DD form', 'to'));
        if (from > to) return void (info.resBytes = invalid(res, 'from must not be after to', 'from'));
        if ((Date.parse(to) - Date.parse(from)) / 86400000 > MAX_RANGE_DAYS) {
          return void (info.resBytes = invalid(res, `range must be at most ${MAX_RANGE_DAYS} days`, 'to'));
        }
        const entries = store.entries
          .filter((e) => e.crew_id === crew.crew_id && e.date >= from && e.date <= to)
          .sort((a, b) => (a.date === b.date ? a.recorded_at.localeCompare(b.recorded_at) : a.date.localeCompare(b.date)))
          .map(({ crew_id: _c, ...rest }) => rest);
        const total = entries.reduce((sum, e) => sum + e.hours, 0);
        const days = new Set(entries.filter((e) => e.hours > 0).map((e) => e.date));
        info.resBytes = sendJson(res, 200, {
          crew_id: crew.crew_id,
          name: crew.name,
          from,
          to,
          total_hours: Math.round(total * 100) / 100,
          days_worked: days.size,
          entries,
        });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${CREW_PATH}/role$`),
      auth,
      handler({ res, params, info }) {
        const crew = crewOf(res, info, params);
        if (crew) info.resBytes = sendJson(res, 200, crew);
      },
    },
    ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map(catchAll),
  ];
}
