#!/usr/bin/env node
// The deploy rehearsal (`make deploy-rehearsal`, and part of `make test` through
// tests/deploy-rehearsal.test.mjs): README "Deploying" followed step by step with the
// real Fastly CLI (npm @fastly/cli, pinned in tests/package.json) against the local
// double of the Fastly API (local/api-double/, control plane on), in a throwaway copy of
// this project:
//
//  1. `make api-key` and a session key, as the README's "Before you publish" says;
//  2. `fastly compute publish`, every prompt answered as the README says, on an account
//     without Fanout: the CLI rolls back, the stores stay behind;
//  3. the README's recovery: delete the config and secret stores, `enable = false` for
//     Fanout, publish again (Enter at its question about the KV store left behind
//     links that one); then the per-service trial starts and `fastly products --enable=fanout`;
//  4. after publishing: the service-scoped publish token, stored with
//     `fastly secret-store-entry create`, and the log endpoint mcp_log;
//  5. the package the CLI uploaded (not a fresh build) under Viceroy, with the stores,
//     entries and backends the double recorded as its [local_server] configuration:
//     `scripts/smoke.mjs` (the command users run after a real deploy), mcp-remote
//     `--transport sse-only` with the key, and the log line;
//  6. the local stack (`make serve`'s) from the fastly.toml the CLI rewrote;
//  7. the scripted path for CI (`scripts/deploy-ci.mjs`) from a clean fastly.toml.
// What differs from production, and why, is said where it happens: backends point at
// loopback; Grip-Sig is the local Pushpin's HS256 key (grip_sig = shared-key), not
// Fanout's ES256; Viceroy gives the guest service id 0000... (the double takes the
// publish token the CLI created for the real id).
//
// Prints the CLI's transcripts (secrets as ********), the resources the double
// recorded and the smoke check's lines. Throws on the first check that fails.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiDouble } from '../local/api-double.mjs';
import { withSettings } from '../local/manifest.mjs';
import { runFastly } from '../local/fastly-cli.mjs';
import { freePort, spawnGroup } from '../local/proc.mjs';
import { startPushpin } from '../local/pushpin.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE_NAME = 'mcp-edge';
const CI_DOMAIN = 'mcp-edge-ci.edgecompute.app';
const BUILD_TIMEOUT_MS = 30 * 60_000; // the first publish builds the release wasm
const CARGO_TARGET_DIR = path.join(ROOT, 'target/rehearsal/cargo');

const random = (bytes = 32) => randomBytes(bytes).toString('hex');

class RehearsalError extends Error {}

function expect(condition, message, transcript) {
  if (!condition) throw new RehearsalError(transcript ? `${message}\n--- transcript ---\n${transcript}` : message);
}

/**
 * The project's files (tracked and new, not ignored), copied as a fresh clone has them,
 * with their modification times: the copy lives at the same path on every run, so the
 * CLI's cargo build finds its earlier output fresh (CARGO_TARGET_DIR below).
 */
function copyProject(dest) {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = path.join(ROOT, file);
    try {
      cpSync(from, path.join(dest, file), { recursive: false, preserveTimestamps: true });
    } catch (err) {
      if (err.code !== 'ENOENT') throw err; // deleted in the work tree
    }
  }
}

/**
 * The prompts of `fastly compute publish` on a new service, answered as README "Deploying"
 * says. `kvStoreLeft`: the KV Store mcp_streams exists already (a failed publish made it),
 * so the CLI asks whether to use it: Enter does.
 */
function publishAnswers({ secrets, hosts, kvStoreLeft = false }) {
  let domain;
  return [
    { prompt: /Create new service: \[y\/N\] $/, answer: 'y' },
    { prompt: /Service name: \[mcp-edge\] $/, answer: '' },
    {
      // Accept the proposed domain; `self` is then typed as that same name.
      prompt: /Domain: \[([^\]]+)\] $/,
      answer: (match) => {
        domain = match[1];
        hosts[domain] = '127.0.0.1'; // the CLI resolves the `self` address (offline here)
        return '';
      },
    },
    {
      anyOrder: [
        [{ prompt: /backend called 'self'[^]*Hostname or IP address: \[127\.0\.0\.1\] $/, answer: () => domain }, { prompt: /Port: \[443\] $/, answer: '' }],
        [{ prompt: /backend called 'api'[^]*Hostname or IP address: \[api\.fastly\.com\] $/, answer: '' }, { prompt: /Port: \[443\] $/, answer: '' }],
        [{ prompt: /backend called 'backoffice'[^]*Hostname or IP address: \[backoffice\.example\.com\] $/, answer: '' }, { prompt: /Port: \[443\] $/, answer: '' }],
      ],
    },
    { prompt: /config store key called 'settings'[^]*Value: \[tool_sets = fastly\] $/, answer: '' },
    // [setup.kv_stores] asks nothing on a new account (no items); its question comes after
    // the config stores' and before the secrets'.
    ...(kvStoreLeft ? [{ prompt: /A KV Store called 'mcp_streams' already exists[^]*Use a different store name \(or leave empty to use the existing store\): $/, answer: '' }] : []),
    {
      anyOrder: Object.entries(secrets).map(([name, value]) => ({
        prompt: new RegExp(`Secret Store entry called '${name}'[^]*Value: $`),
        answer: value,
        secret: true,
      })),
    },
  ];
}

/**
 * Seeds the rehearsal's cargo target dir with the project's own release build (the
 * `make build` that precedes it), so the CLI's build recompiles only this crate, not
 * its ~300 dependencies: on a fresh 2-core machine that is minutes saved.
 */
function seedCargoTarget() {
  if (existsSync(CARGO_TARGET_DIR)) return;
  for (const dir of ['release', 'wasm32-wasip1/release']) {
    const from = path.join(ROOT, 'target', dir);
    if (existsSync(from)) cpSync(from, path.join(CARGO_TARGET_DIR, dir), { recursive: true, preserveTimestamps: true });
  }
}

export async function rehearse({ print = (line) => console.log(line) } = {}) {
  const work = path.join(ROOT, 'target/rehearsal/work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const project = path.join(work, SERVICE_NAME);
  const sockets = mkdtempSync(path.join(os.tmpdir(), 'mcp-rehearsal-pushpin-')); // short ipc:// paths
  const stoppers = [];
  const logs = [];
  const report = { steps: [] };
  const section = (title) => print(`\n=== ${title}`);
  try {
    mkdirSync(project);
    copyProject(project);
    seedCargoTarget();
    const pristineManifest = readFileSync(path.join(project, 'fastly.toml'), 'utf8');

    // The local Fanout (Pushpin) and the Fastly API double, on free ports.
    const [viceroyPort, pushpinHttpPort, pushpinPublishPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const gripKey = random();
    const pushpin = await startPushpin({
      dir: sockets,
      httpPort: pushpinHttpPort,
      publishPort: pushpinPublishPort,
      originPort: viceroyPort,
      sigKey: gripKey,
      onLine: (line) => logs.push(`pushpin| ${line}`),
    });
    stoppers.push(() => pushpin.stop());
    const cliToken = random(); // the user's own token for the CLI (FASTLY_API_TOKEN)
    const toolsToken = random(); // the api_token the tools use (global:read in production)
    const password = random(8); // the account password `fastly auth-token create` asks for
    const double = await startApiDouble({
      token: [toolsToken],
      publishToken: [], // only tokens issued by `fastly auth-token create` may publish
      controlPlane: { fanoutEntitled: false, password },
      controlToken: cliToken,
      publishUrl: pushpin.publishUrl,
      log: (line) => logs.push(line),
    });
    stoppers.push(() => double.close());
    const state = async () => (await fetch(`${double.url}/__double/state`)).json();
    const hosts = {};
    const cli = async (title, args, options = {}) => {
      print(`\n$ fastly ${args.join(' ')}${options.input !== undefined ? ' < (secret on stdin)' : ''}   # ${title}`);
      const result = await runFastly(args, {
        cwd: project,
        apiUrl: double.url,
        token: cliToken,
        env: { CARGO_TARGET_DIR },
        ...options,
      });
      print(result.transcript.trimEnd());
      print(`[exit ${result.code}]`);
      report.steps.push({ title, args, code: result.code });
      return result;
    };

    section('1. Before you publish: a client API key and a session key (README: Deploying)');
    const keyOutput = execFileSync(process.execPath, ['scripts/api-key.mjs', '--name', 'librechat', '--file', 'api_keys.json'], { cwd: project, encoding: 'utf8' });
    const apiKey = keyOutput.split('\n')[1].trim();
    const apiKeysLine = keyOutput.split('\n')[3].trim();
    print('$ make api-key NAME=librechat');
    print(keyOutput.replace(apiKey, '<the key>').trimEnd());
    const secrets = { session_key: random(), api_token: toolsToken, api_keys: apiKeysLine };

    section('2. First publish on an account without Fanout');
    const refused = await cli('first publish, Fanout refused', ['compute', 'publish'], {
      answers: publishAnswers({ secrets, hosts }),
      hosts,
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    expect(refused.code !== 0, 'the publish without Fanout entitlement should fail', refused.transcript);
    expect(/not entitled to enable product 'fanout'/.test(refused.transcript), 'the CLI should say why', refused.transcript);
    let recorded = await state();
    const left = {
      config_stores: recorded.config_stores.map((s) => s.name),
      secret_stores: recorded.secret_stores.map((s) => s.name),
      kv_stores: recorded.kv_stores.map((s) => s.name),
    };
    print(`\ndouble: services ${JSON.stringify(recorded.services.map((s) => ({ id: s.id, deleted: Boolean(s.deleted_at) })))}; left behind: ${JSON.stringify(left)}`);
    expect(recorded.services.every((s) => s.deleted_at), 'the CLI should have deleted the service');
    expect(left.secret_stores.includes('mcp_secrets') && left.config_stores.includes('mcp_config') && left.kv_stores.includes('mcp_streams'), 'the stores should be left behind');
    expect(/Creating KV Store 'mcp_streams'/.test(refused.transcript) && /Configuring KV Store 'mcp_streams'/.test(refused.transcript), 'the first publish should create the KV Store mcp_streams', refused.transcript);
    const leftKvStore = recorded.kv_stores.find((s) => s.name === 'mcp_streams');
    report.refused = { transcript: refused.transcript, left };

    section('3. Recovery (README: "If the first publish failed")');
    for (const kind of ['config-store', 'secret-store']) {
      const listed = await cli(`list the ${kind}s`, [kind, 'list', '--json']);
      const name = kind === 'config-store' ? 'mcp_config' : 'mcp_secrets';
      const store = JSON.parse(listed.transcript).find((s) => s.name === name);
      expect(store, `${kind} ${name} should be listed`);
      const deleted = await cli(`delete the leftover ${name}`, [kind, 'delete', '--store-id', store.id]);
      expect(deleted.code === 0, `deleting ${name} should work`, deleted.transcript);
    }
    // An account that gets Fanout through the per-service trial can only start it once
    // the service exists: publish with Fanout left off, then enable it.
    const manifestPath = path.join(project, 'fastly.toml');
    const withoutFanout = readFileSync(manifestPath, 'utf8').replace(/^(\s*)enable = true$/m, '$1enable = false');
    expect(withoutFanout !== readFileSync(manifestPath, 'utf8'), 'fastly.toml should have `enable = true` under [setup.products.fanout]');
    writeFileSync(manifestPath, withoutFanout);
    print('\n$ sed -i "s/enable = true/enable = false/" fastly.toml   # [setup.products.fanout], until the trial starts');
    print('(the KV Store mcp_streams stays: it holds nothing yet, and the publish offers to use it)');
    const published = await cli('publish again', ['compute', 'publish'], { answers: publishAnswers({ secrets, hosts, kvStoreLeft: true }), hosts, timeoutMs: BUILD_TIMEOUT_MS });
    expect(published.code === 0, 'the second publish should succeed', published.transcript);
    expect(/Retrieving existing KV Store 'mcp_streams'/.test(published.transcript), 'the second publish should reuse the KV Store left behind', published.transcript);
    report.published = { transcript: published.transcript };
    await fetch(`${double.url}/__double/fanout`, { method: 'POST', body: JSON.stringify({ entitled: true }) });
    print('\n(the Fanout trial is started in the web interface: the double now entitles the account)');
    const fanout = await cli('enable Fanout', ['products', '--enable=fanout']);
    expect(fanout.code === 0, 'enabling Fanout should work once entitled', fanout.transcript);

    section('4. After publishing: the publish token and the log endpoint');
    recorded = await state();
    const service = recorded.services.find((s) => !s.deleted_at && s.name === SERVICE_NAME);
    expect(service, 'the double should hold the service');
    const token = await cli('a token that may publish to this service only', [
      'auth-token', 'create', '--password', password, '--name', 'mcp-edge-publish', '--scope', 'purge_select', '--services', service.id,
    ]);
    const publishToken = createdToken(token.transcript);
    expect(token.code === 0 && publishToken, 'auth-token create should print the new token', token.transcript);
    const secretStore = (await state()).secret_stores.find((s) => s.name === 'mcp_secrets');
    const stored = await cli('store the publish token', ['secret-store-entry', 'create', '--store-id', secretStore.id, '--name', 'publish_token', '--stdin'], { input: publishToken, tty: false });
    expect(stored.code === 0, 'storing publish_token should work', stored.transcript);
    const logging = await cli('the log endpoint', ['service', 'logging', 'https', 'create', '--name', 'mcp_log', '--url', 'https://logs.example.com/mcp', '--version', 'latest', '--autoclone']);
    expect(logging.code === 0, 'creating mcp_log should work', logging.transcript);
    const activated = await cli('activate it', ['service', 'version', 'activate', '--version', 'latest']);
    expect(activated.code === 0, 'activating should work', activated.transcript);

    section('5. What the double recorded');
    recorded = await state();
    const live = recorded.services.find((s) => s.id === service.id);
    const active = live.versions.find((v) => v.number === live.active_version);
    const configStore = recorded.config_stores.find((s) => s.name === 'mcp_config');
    const secretsStored = recorded.secret_stores.find((s) => s.name === 'mcp_secrets');
    const kvStores = recorded.kv_stores.filter((s) => s.name === 'mcp_streams');
    const resources = {
      service: { id: live.id, name: live.name, active_version: live.active_version, products: live.products },
      domains: active.domains,
      backends: active.backends,
      resource_links: active.resource_links.map((r) => `${r.name} -> ${r.store_name}`),
      log_endpoints: active.log_endpoints.map((l) => `${l.name} (${l.provider})`),
      package: { sha256: active.package?.sha256, size: active.package?.size, files: active.package?.files },
      config_store: configStore.items,
      secret_store: Object.keys(secretsStored.entries),
      kv_store: kvStores.map((s) => ({ name: s.name, id: s.id, keys: s.keys })),
      tokens: recorded.tokens.map((t) => ({ name: t.name, scope: t.scope, services: t.services })),
    };
    print(JSON.stringify(resources, null, 2));
    report.resources = resources;
    const backend = (name) => active.backends.find((b) => b.name === name);
    const domain = active.domains[0];
    expect(backend('self')?.address === domain && backend('self').port === 443 && backend('self').use_ssl && backend('self').override_host === domain, 'backend self: the service domain, 443, TLS, host override');
    expect(backend('api')?.address === 'api.fastly.com' && backend('api').use_ssl, 'backend api: api.fastly.com over TLS');
    expect(backend('backoffice')?.address === 'backoffice.example.com' && backend('backoffice').use_ssl, 'backend backoffice: its placeholder, over TLS');
    expect(live.products.fanout?.enabled, 'Fanout enabled');
    expect(['session_key', 'api_token', 'api_keys', 'publish_token'].every((k) => k in secretsStored.entries), 'every secret stored');
    expect(resources.log_endpoints.some((l) => l.startsWith('mcp_log')), 'the log endpoint mcp_log');
    expect(active.package, 'a package on the active version');
    expect(resources.resource_links.includes('mcp_streams -> mcp_streams'), 'the KV Store mcp_streams linked as mcp_streams', JSON.stringify(resources.resource_links));
    expect(kvStores.length === 1 && kvStores[0].id === leftKvStore.id, 'one KV Store mcp_streams: the one the failed publish made, reused', JSON.stringify(recorded.kv_stores));
    expect(active.resource_links.find((r) => r.name === 'mcp_streams')?.resource_id === leftKvStore.id, 'the link points at that KV Store');

    section('6. The uploaded package under Viceroy, configured from what the double recorded');
    const run = path.join(work, 'run');
    mkdirSync(run);
    const pkg = Buffer.from(await (await fetch(`${double.url}/__double/package/${live.id}/${live.active_version}`)).arrayBuffer());
    writeFileSync(path.join(run, 'package.tar.gz'), pkg);
    execFileSync('tar', ['-xzf', 'package.tar.gz'], { cwd: run });
    const wasm = findFile(run, 'main.wasm');
    expect(wasm, 'the package should hold bin/main.wasm');
    print(`package: ${pkg.length} bytes, ${path.relative(run, wasm)}`);
    // Local Pushpin signs with HS256, not Fanout's ES256: grip_sig set in the settings item.
    const items = { ...configStore.items, settings: withSettings(configStore.items.settings ?? '', new Map([['grip_sig', 'shared-key']])) };
    const entries = { ...secretsStored.entries, grip_key: gripKey };
    // Each linked KV store, under its link name, with the keys the double holds (none).
    const kvLinks = active.resource_links.filter((r) => recorded.kv_stores.some((k) => k.id === r.resource_id));
    const manifest = [
      'manifest_version = 3',
      `name = "${SERVICE_NAME}"`,
      'language = "rust"',
      '[local_server.backends.self]',
      `url = "http://127.0.0.1:${viceroyPort}"`,
      '[local_server.backends.api]',
      `url = "${double.url}"`,
      '[local_server.config_stores.mcp_config]',
      'format = "inline-toml"',
      '[local_server.config_stores.mcp_config.contents]',
      ...Object.entries(items).map(([k, v]) => `${k} = ${JSON.stringify(v)}`),
      '[local_server.secret_stores]',
      `mcp_secrets = [${Object.entries(entries).map(([k, v]) => `{ key = ${JSON.stringify(k)}, data = ${JSON.stringify(v)} }`).join(', ')}]`,
      '[local_server.kv_stores]',
      ...kvLinks.map((r) => `${r.name} = []`),
      '',
    ].join('\n');
    writeFileSync(path.join(run, 'fastly.toml'), manifest);
    print(`[local_server]: backends self, api; mcp_config ${JSON.stringify(items)}; mcp_secrets ${Object.keys(entries).join(', ')}; kv stores ${kvLinks.map((r) => `${r.name} (empty)`).join(', ')}`);
    const viceroy = spawnGroup(
      process.env.VICEROY || 'viceroy',
      ['serve', '-C', path.join(run, 'fastly.toml'), '--addr', `127.0.0.1:${viceroyPort}`, '--local-pushpin-proxy-port', String(pushpinHttpPort), wasm],
      { cwd: run, env: process.env, onLine: (line) => logs.push(`viceroy| ${line}`) },
    );
    stoppers.push(() => viceroy.stop());
    const base = `http://127.0.0.1:${viceroyPort}`;
    await waitFor(() => fetch(`${base}/.well-known/oauth-protected-resource`).then((r) => r.ok, () => false), 120_000, 'Viceroy did not start');

    print(`\n$ make smoke URL=${base} KEY=<the key>`);
    const smoke = await runNode(['scripts/smoke.mjs', base, apiKey], project);
    print(smoke.output.trimEnd());
    expect(smoke.code === 0, 'the smoke check should pass');
    report.smoke = smoke.output;

    print('\nmcp-remote --transport sse-only with the key (as LibreChat runs it):');
    report.mcpRemote = await mcpRemoteCall(`${base}/sse`, apiKey, work);
    print(`  ${report.mcpRemote}`);

    // Viceroy writes a request's log line after its response: wait for it, never sleep.
    const findLogLine = () => logs.find((l) => l.startsWith('viceroy|') && /"principal":"librechat"/.test(l) && /"tool":"fastly_list_services"/.test(l));
    await waitFor(async () => Boolean(findLogLine()), 30_000, 'no log line for the authenticated tool call');
    const logLine = findLogLine();
    report.logLine = logLine.replace(/^viceroy\| /, '').replace(/^.*?(\{)/, '$1');
    print(`log line: ${report.logLine}`);
    await viceroy.stop();

    section('7. The local stack from the fastly.toml the CLI rewrote');
    // Kept as the CLI wrote it (service_id and all): later publishes find the service by
    // it, and the local stack reads the rewritten form as well as the original.
    const rewritten = readFileSync(manifestPath, 'utf8');
    expect(/^\s*service_id = "[A-Za-z0-9]+"/m.test(rewritten), 'the CLI should have written service_id', rewritten);
    report.localStack = await localStackCheck(manifestPath);
    print(report.localStack);

    section('8. Scripted deploy for CI (scripts/deploy-ci.mjs), from a clean fastly.toml');
    writeFileSync(manifestPath, pristineManifest);
    hosts[CI_DOMAIN] = '127.0.0.1';
    const ciEnv = {
      // Only what is given here: not the local stack's secrets this process may have.
      MCP_SESSION_KEY: '',
      MCP_PUBLISH_TOKEN: '',
      MCP_DOMAIN: CI_DOMAIN,
      MCP_SERVICE_NAME: 'mcp-edge-ci',
      MCP_TOOLS_TOKEN: toolsToken,
      MCP_API_KEYS: apiKeysLine,
      FASTLY_BIN: (await import('../local/fastly-cli.mjs')).FASTLY_BIN,
      CARGO_TARGET_DIR,
    };
    const ciRun = async (title, env) => {
      print(`\n$ node scripts/deploy-ci.mjs   # ${title}`);
      const result = await runFastly(['scripts/deploy-ci.mjs'], { cwd: project, apiUrl: double.url, token: cliToken, env, hosts, bin: process.execPath, accountFlag: false, tty: false, timeoutMs: BUILD_TIMEOUT_MS });
      // Without a terminal the CLI's spinner prints a line per frame: keep the results.
      print(result.transcript.split('\n').filter((line) => !/^[|/\\-] .*\.\.\.$/.test(line)).join('\n').trimEnd());
      print(`[exit ${result.code}]`);
      return result;
    };
    const first = await ciRun('first deploy', ciEnv);
    expect(first.code === 0, 'the scripted first deploy should succeed', first.transcript);
    expect(/no MCP_PUBLISH_TOKEN/.test(first.transcript) && /name session_key/.test(first.transcript), 'a first deploy without a publish token stores a generated session key and says /sse waits for the token', first.transcript);
    const ciService = /FASTLY_SERVICE_ID=(\S+)/.exec(first.transcript)?.[1];
    expect(ciService, 'deploy-ci should print the service id', first.transcript);
    const ciToken = await cli('the CI service publish token', ['auth-token', 'create', '--password', password, '--name', 'mcp-edge-ci-publish', '--scope', 'purge_select', '--services', ciService]);
    const ciPublishToken = createdToken(ciToken.transcript);
    expect(ciPublishToken, 'auth-token create should print the new token', ciToken.transcript);
    const second = await ciRun('later deploy, with the publish token', { ...ciEnv, FASTLY_SERVICE_ID: ciService, MCP_PUBLISH_TOKEN: ciPublishToken });
    expect(second.code === 0, 'the scripted later deploy should succeed', second.transcript);
    recorded = await state();
    const ci = recorded.services.find((s) => s.id === ciService);
    const ciActive = ci.versions.find((v) => v.number === ci.active_version);
    const ciStore = recorded.secret_stores.find((s) => s.name === `mcp_secrets_${ciService}`);
    report.ci = {
      service: ci.name,
      active_version: ci.active_version,
      domains: ciActive.domains,
      backends: ciActive.backends.map((b) => `${b.name}=${b.address}:${b.port}${b.use_ssl ? ' tls' : ''}`),
      resource_links: ciActive.resource_links.map((r) => `${r.name} -> ${r.store_name}`).sort(),
      fanout: Boolean(ci.products.fanout?.enabled),
      secrets: Object.keys(ciStore?.entries ?? {}),
      kv_store: recorded.kv_stores.find((s) => s.name === `mcp_streams_${ciService}`)?.keys,
      config: recorded.config_stores.find((s) => s.name === `mcp_config_${ciService}`)?.items,
    };
    print(`\ndouble: ${JSON.stringify(report.ci, null, 1)}`);
    expect(ciActive.backends.find((b) => b.name === 'self')?.address === CI_DOMAIN, 'CI: backend self is the domain');
    expect(report.ci.fanout, 'CI: Fanout enabled');
    expect(ciActive.package, 'CI: a package on the active version');
    expect(report.ci.resource_links.includes(`mcp_streams -> mcp_streams_${ciService}`), 'CI: its own KV Store mcp_streams_<service id> linked as mcp_streams', JSON.stringify(report.ci.resource_links));
    expect(recorded.kv_stores.filter((s) => s.name === 'mcp_streams').length === 1, 'CI: the first publish\'s KV Store mcp_streams neither shared nor duplicated');
    // The interactive deployment's secrets are untouched: the CI service has stores of its own.
    const before = secretsStored.entries;
    const after = recorded.secret_stores.find((s) => s.name === 'mcp_secrets').entries;
    report.firstServiceUntouched = JSON.stringify(before) === JSON.stringify(after);
    expect(report.firstServiceUntouched, 'the CI deploy must not change the first service\'s secrets');
    return report;
  } catch (err) {
    if (!(err instanceof RehearsalError)) throw err;
    err.message += `\n--- last log lines ---\n${logs.slice(-40).join('\n')}`;
    throw err;
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    report.project = project;
    rmSync(sockets, { recursive: true, force: true });
    if (!process.env.KEEP_REHEARSAL) rmSync(work, { recursive: true, force: true });
  }
}

/** The token `fastly auth-token create` prints: "SUCCESS: Created token '<token>' (...)". */
function createdToken(transcript) {
  return /Created token '([^']+)'/.exec(transcript)?.[1];
}

function findFile(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    }
  }
  return null;
}

async function waitFor(probe, ms, message) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new RehearsalError(message);
}

function runNode(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** `make serve`'s stack (tests/lib/stack.mjs) from `manifestPath`: a tool call over /mcp and /sse's endpoint event. */
async function localStackCheck(manifestPath) {
  const { startStack } = await import('../tests/lib/stack.mjs');
  const { Client } = await import(path.join(ROOT, 'tests/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js'));
  const { StreamableHTTPClientTransport } = await import(path.join(ROOT, 'tests/node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js'));
  const stack = await startStack({ manifestPath });
  try {
    const client = new Client({ name: 'rehearsal-local', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcp)));
    const result = await client.callTool({ name: 'fastly_get_service', arguments: { service_id: '4kq2mVxR8TnWb6LpZ3dHsA' } });
    await client.close();
    expect(result.structuredContent?.name === 'shop-frontend', `local stack tool call: ${JSON.stringify(result)}`);
    const sse = await fetch(stack.sse, { headers: { accept: 'text/event-stream' }, signal: AbortSignal.timeout(10_000) });
    const reader = sse.body.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text.startsWith('event: endpoint'), `local stack /sse: ${text}`);
    return `local stack from the rewritten fastly.toml: fastly_get_service -> ${result.structuredContent.name}; GET /sse -> ${text.split('\n')[0]}`;
  } finally {
    await stack.stop();
  }
}

/** A tool call through mcp-remote (stdio <-> legacy SSE), spawned as LibreChat does. */
async function mcpRemoteCall(sseUrl, key, work) {
  const sdk = path.join(ROOT, 'tests/node_modules/@modelcontextprotocol/sdk/dist/esm/client');
  const { Client } = await import(path.join(sdk, 'index.js'));
  const { StdioClientTransport } = await import(path.join(sdk, 'stdio.js'));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ROOT, 'tests/node_modules/mcp-remote/dist/proxy.js'), sseUrl, '--transport', 'sse-only', '--header', `Authorization: Bearer ${key}`],
    env: { ...process.env, MCP_REMOTE_CONFIG_DIR: mkdtempSync(path.join(work, 'mcp-remote-')) },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'librechat-rehearsal', version: '1.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    const result = await client.callTool({ name: 'fastly_list_services', arguments: {} });
    expect(result.isError !== true, `fastly_list_services over /sse: ${JSON.stringify(result.content)}`);
    const names = (result.structuredContent?.items ?? result.structuredContent?.data ?? []).map?.((s) => s.name) ?? [];
    return `${tools.length} tools listed; fastly_list_services answered ${JSON.stringify(names)}`;
  } finally {
    await client.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  rehearse().then(
    () => console.log('\ndeploy rehearsal passed'),
    (err) => {
      console.error(`\ndeploy rehearsal FAILED: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
