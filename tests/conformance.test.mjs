// The official MCP conformance suite against the wasm under Viceroy: 0.1.16 (npm latest)
// and 0.2.0-alpha.12 (the newest, pinned as `conformance-next`), for 2025-11-25 with the
// expected-failures baseline (any other failure, or a baselined scenario that starts
// passing, fails the test) and for 2026-07-28 by its frozen requirement set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, startStack } from './lib/stack.mjs';

const CLI = path.join(ROOT, 'tests/node_modules/@modelcontextprotocol/conformance/dist/index.js');
const CLI_NEXT = path.join(ROOT, 'tests/node_modules/conformance-next/dist/index.js');
const BASELINE = path.join(ROOT, 'tests/conformance-expected-failures.yml');

let stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack?.stop(); });

function run(args, cli = CLI) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => resolve({ code, out: out.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

test('conformance 0.1.16: all 30 active scenarios pass', async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'conformance-'));
  const { code, out } = await run([
    'server', '--url', stack.mcp, '--expected-failures', BASELINE, '-o', outDir,
  ]);
  const summary = out.slice(out.indexOf('=== SUMMARY ==='));
  console.log(summary);
  assert.equal(code, 0, out);

  const lines = summary.split('\n').filter((l) => /^[✓✗] /.test(l));
  assert.equal(lines.length, 30, 'active scenarios run');
  const passed = lines.filter((l) => l.startsWith('✓'));
  assert.equal(passed.length, 30, `${passed.length}/30 scenarios passed`);

  // The suite scores some tool scenarios on shape alone; read the recorded checks.
  const checks = (scenario) => {
    const dir = readdirSync(outDir).find((d) => d.startsWith(`server-${scenario}-`));
    return JSON.parse(readFileSync(path.join(outDir, dir, 'checks.json'), 'utf8'));
  };
  const held = ['tools-call-sampling', 'tools-call-elicitation', 'elicitation-sep1034-defaults', 'elicitation-sep1330-enums'];
  for (const scenario of ['tools-call-simple-text', 'tools-call-with-progress', 'server-sse-multiple-streams', 'dns-rebinding-protection', ...held]) {
    const results = checks(scenario);
    assert.ok(results.some((c) => c.status === 'SUCCESS'), scenario);
    for (const check of results) {
      assert.ok(['SUCCESS', 'INFO'].includes(check.status), `${scenario}: ${JSON.stringify(check)}`);
    }
  }
});

/** The scenario lines of a summary: name -> passed. */
function scenarios(summary) {
  const lines = summary.split('\n').filter((l) => /^[✓✗] /.test(l));
  return new Map(lines.map((l) => [l.slice(2).split(':')[0], l.startsWith('✓')]));
}

/** Checks of a scenario run that are neither SUCCESS nor INFO (nor one of `allowed`). */
function badChecks(outDir, scenario, allowed = []) {
  const dir = readdirSync(outDir).find((d) => d.startsWith(`server-${scenario}-`));
  const checks = JSON.parse(readFileSync(path.join(outDir, dir, 'checks.json'), 'utf8'));
  return checks.filter((c) => !['SUCCESS', 'INFO', ...allowed].includes(c.status));
}

test('conformance 0.2.0-alpha.12, 2025-11-25: the 31 active scenarios pass, wire schemas checked', async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'conformance-next-2025-'));
  const { code, out } = await run([
    'server', '--url', stack.mcp, '--spec-version', '2025-11-25', '--expected-failures', BASELINE, '-o', outDir,
  ], CLI_NEXT);
  const summary = out.slice(out.indexOf('=== SUMMARY ==='));
  console.log(summary);
  assert.equal(code, 0, out);
  const results = scenarios(summary);
  assert.equal(results.size, 31, 'active scenarios run');
  const failed = [...results].filter(([, ok]) => !ok).map(([name]) => name).sort();
  assert.deepEqual(failed, []);
  // Every message the server sent matched the 2025-11-25 schema, in every scenario that
  // checks it (not server-session-lifecycle, server-sse-multiple-streams and
  // dns-rebinding-protection, which probe HTTP behaviour with raw requests).
  const checked = [];
  for (const name of results.keys()) {
    const dir = readdirSync(outDir).find((d) => d.startsWith(`server-${name}-`));
    const checks = JSON.parse(readFileSync(path.join(outDir, dir, 'checks.json'), 'utf8'));
    const wire = checks.find((c) => c.id === 'wire-schema-valid');
    if (!wire) continue;
    assert.equal(wire.status, 'SUCCESS', `${name}: ${JSON.stringify(wire)}`);
    checked.push(name);
  }
  assert.equal(checked.length, 28, `wire schemas checked in ${checked.join(', ')}`);
});

test('conformance 0.2.0-alpha.12, 2026-07-28 requirements: all 37 scored scenarios pass', async () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'conformance-next-2026-'));
  const { code, out } = await run(['server', '--url', stack.mcp, '--requirements', '2026-07-28', '-o', outDir], CLI_NEXT);
  const summary = out.slice(out.indexOf('=== SUMMARY ==='));
  console.log(summary);
  assert.equal(code, 0, out);
  const notScored = new Set([...summary.matchAll(/^ {2}[✓✗] (\S+) \((?:extension|pending)\)$/gm)].map((m) => m[1]));
  assert.equal(notScored.size, 13, 'the extension and pending scenarios the requirement set leaves unscored');
  const scored = [...scenarios(summary)].filter(([name]) => !notScored.has(name));
  assert.equal(scored.length, 37, 'scored scenarios run');
  assert.deepEqual(scored.filter(([, ok]) => !ok), [], 'scored scenarios failing');
  for (const [name] of scored) {
    // Only the subscriptions/listen checks may be skipped: no listChanged or subscribe
    // is advertised on 2026-07-28, so there is nothing to listen to.
    const allowed = name === 'server-stateless' ? ['SKIPPED'] : [];
    assert.deepEqual(badChecks(outDir, name, allowed), [], name);
  }
  const skipped = readdirSync(outDir).filter((d) => d.startsWith('server-server-stateless-'))
    .flatMap((d) => JSON.parse(readFileSync(path.join(outDir, d, 'checks.json'), 'utf8')))
    .filter((c) => c.status === 'SKIPPED').map((c) => c.id);
  assert.ok(skipped.every((id) => /subscription|list-changed|notification-filter/.test(id)), skipped.join(', '));
});

/** Every check of every scenario of a run: [scenario, check] for those not SUCCESS/INFO. */
function notSuccess(outDir, allowed = []) {
  return readdirSync(outDir).flatMap((dir) => {
    const checks = JSON.parse(readFileSync(path.join(outDir, dir, 'checks.json'), 'utf8'));
    return checks.filter((c) => !['SUCCESS', 'INFO', ...allowed].includes(c.status))
      .map((c) => `${dir.replace(/-\d{4}-\d\d-\d\dT.*$/, '')}: ${c.id} ${c.status}`);
  });
}

test('conformance --suite all (pending scenarios too): no failure and no warning on 0.1.16 and alpha.12', async () => {
  const oldDir = mkdtempSync(path.join(tmpdir(), 'conformance-all-'));
  const old = await run(['server', '--url', stack.mcp, '--suite', 'all', '-o', oldDir]);
  const oldSummary = old.out.slice(old.out.indexOf('=== SUMMARY ==='));
  console.log(oldSummary);
  assert.equal(old.code, 0, old.out);
  assert.equal(scenarios(oldSummary).size, 32);
  assert.deepEqual([...scenarios(oldSummary)].filter(([, ok]) => !ok), []);
  assert.deepEqual(notSuccess(oldDir), []);
  // server-sse-polling resumes a stream statelessly (src/transport/resume.rs).
  const polling = readdirSync(oldDir).find((d) => d.startsWith('server-server-sse-polling-'));
  const pollingChecks = JSON.parse(readFileSync(path.join(oldDir, polling, 'checks.json'), 'utf8'));
  const succeeded = pollingChecks.filter((c) => c.status === 'SUCCESS').map((c) => c.id).sort();
  assert.deepEqual(succeeded, ['server-sse-disconnect-resume', 'server-sse-priming-event', 'server-sse-retry-field']);

  const nextDir = mkdtempSync(path.join(tmpdir(), 'conformance-next-all-'));
  const next = await run(['server', '--url', stack.mcp, '--suite', 'all', '--spec-version', '2025-11-25', '-o', nextDir], CLI_NEXT);
  const nextSummary = next.out.slice(next.out.indexOf('=== SUMMARY ==='));
  console.log(nextSummary);
  assert.equal(next.code, 0, next.out);
  assert.deepEqual([...scenarios(nextSummary)].filter(([, ok]) => !ok), []);
  // DELETE is 405 here (no session to end), so the lifecycle scenario skips its checks.
  assert.deepEqual(notSuccess(nextDir, ['SKIPPED']), []);
  const skipped = readdirSync(nextDir).filter((d) => notSuccess(nextDir).some((line) => line.startsWith(d.replace(/-\d{4}-\d\d-\d\dT.*$/, ''))));
  assert.ok(skipped.every((d) => d.startsWith('server-server-session-lifecycle-')), skipped.join(', '));
});
