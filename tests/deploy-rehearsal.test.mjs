// README "Deploying" rehearsed with the real Fastly CLI against the local double of the
// Fastly API, then the uploaded package smoke-checked under Viceroy
// (scripts/deploy-rehearsal.mjs; `make deploy-rehearsal` runs it alone and prints it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rehearse } from '../scripts/deploy-rehearsal.mjs';

test('fastly compute publish, as the README says, yields a working service', { timeout: 40 * 60_000 }, async () => {
  const lines = [];
  let report;
  try {
    report = await rehearse({ print: (line) => lines.push(line) });
  } catch (err) {
    err.message = `${err.message}\n--- rehearsal output ---\n${lines.join('\n')}`;
    throw err;
  }
  // An account without Fanout: rolled back, the stores left for the README's recovery.
  assert.match(report.refused.transcript, /Cleaning up service/);
  assert.deepEqual(report.refused.left, { config_stores: ['mcp_config'], secret_stores: ['mcp_secrets'], kv_stores: ['mcp_streams'] });
  // What the CLI created, as the double recorded it.
  const r = report.resources;
  assert.equal(r.service.name, 'mcp-edge');
  assert.deepEqual(r.resource_links.sort(), ['mcp_config -> mcp_config', 'mcp_secrets -> mcp_secrets', 'mcp_streams -> mcp_streams']);
  assert.deepEqual(r.kv_store.map((s) => s.keys), [[]]); // one KV store, empty: the service fills it
  assert.deepEqual(r.config_store, { settings: 'tool_sets = fastly' });
  assert.deepEqual(r.secret_store.sort(), ['api_keys', 'api_token', 'publish_token', 'session_key']);
  assert.deepEqual(r.tokens.map((t) => t.scope), ['purge_select']);
  assert.deepEqual(r.tokens[0].services, [r.service.id]);
  assert.ok(r.package.files.some((f) => f.name === 'mcp-edge/bin/main.wasm'), JSON.stringify(r.package.files));
  // The smoke check against the uploaded package: every line ok.
  for (const check of ['metadata', 'no key', 'initialize over /mcp', 'tools/list over /mcp', 'tools/call over /mcp', 'GET /sse', 'initialize over /sse', 'tools/call over /sse']) {
    assert.match(report.smoke, new RegExp(`^ok   ${check.replace('/', '\\/')}: `, 'm'), report.smoke);
  }
  assert.match(report.smoke, /^ok   no key: 401, WWW-Authenticate: Bearer /m);
  assert.match(report.mcpRemote, /fastly_list_services answered \[.*"shop-frontend"/);
  const log = JSON.parse(report.logLine);
  assert.equal(log.principal, 'librechat');
  assert.equal(log.status, 200);
  assert.match(report.localStack, /fastly_get_service -> shop-frontend; GET \/sse -> event: endpoint/);
  assert.equal(report.ci.fanout, true);
  assert.deepEqual(report.ci.secrets.sort(), ['api_keys', 'api_token', 'publish_token', 'session_key']);
  assert.deepEqual(report.ci.config, { settings: 'tool_sets = fastly' });
  assert.equal(report.ci.resource_links.length, 3);
  assert.match(report.ci.resource_links[0], /^mcp_config -> mcp_config_[A-Za-z0-9]+$/);
  assert.match(report.ci.resource_links[1], /^mcp_secrets -> mcp_secrets_[A-Za-z0-9]+$/);
  assert.match(report.ci.resource_links[2], /^mcp_streams -> mcp_streams_[A-Za-z0-9]+$/);
  assert.deepEqual(report.ci.kv_store, []);
  assert.equal(report.firstServiceUntouched, true);
});
