#!/usr/bin/env node
// Deploys without prompts, for CI (README: Deploying, "Scripted deploys"). The Fastly CLI
// cannot create this service with `--non-interactive` from fastly.toml alone: every
// [setup] secret is a prompt and a blank one aborts the publish. And with
// `--non-interactive` it links any existing store of the same name, so a second
// deployment in one account (staging, CI) would share and overwrite the first one's
// secrets. So the first deploy puts a manifest in fastly.toml's place for the publish
// (fastly.toml without the stores, with backend `self` set to the domain; the CLI's
// `--env` cannot do this: it merges fastly.<env>.toml over fastly.toml's [setup]),
// lets `fastly compute publish --non-interactive` create the service, domain, backends
// and Fanout from it, restores fastly.toml (with the new service_id), then
// creates this service's own stores (`mcp_config_<service id>`,
// `mcp_secrets_<service id>`, and the KV Store `mcp_streams_<service id>` for held
// streams' events), fills them, and links them under the names the code opens
// (`mcp_config`, `mcp_secrets`, `mcp_streams`) in a new version it activates. Later
// deploys (FASTLY_SERVICE_ID set) publish the package to that service and store the
// secrets that are given (rotation); a service deployed before it had the KV Store gets
// it then (it starts empty: nothing to give).
//
// Environment:
//   FASTLY_API_TOKEN   the CLI's token (read by the CLI itself)
//   FASTLY_SERVICE_ID  the service, after the first deploy (this script prints it)
//   MCP_DOMAIN         first deploy: the service's domain, e.g. my-mcp.edgecompute.app
//   MCP_SERVICE_NAME   first deploy: the service's name (default mcp-edge)
//   MCP_TOOL_SETS      first deploy: tool_sets in the Config Store item `settings`
//                      (default fastly; later: `fastly config-store-entry update`)
//   MCP_SESSION_KEY    session_key (first deploy: generated when unset)
//   MCP_TOOLS_TOKEN    api_token: the Fastly API token the tools use (first deploy: required)
//   MCP_API_KEYS       api_keys: the one-line JSON `make api-key` prints (first deploy: required)
//   MCP_PUBLISH_TOKEN  publish_token: the token scoped to this service (purge_select);
//                      it can only be made once the service exists, so it is usually
//                      given on the second run
//   FASTLY_BIN         the CLI (default `fastly`)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const env = process.env;
const fastly = env.FASTLY_BIN || 'fastly';
const STATUS_CHECK = ['--status-check-path', '/.well-known/oauth-protected-resource'];

function fail(message) {
  console.error(`deploy-ci: ${message}`);
  process.exit(1);
}

/** Runs the CLI; its output goes to ours, except with `capture` (returned instead). */
function run(args, { input, capture = false } = {}) {
  console.log(`deploy-ci: $ fastly ${args.join(' ')}${input === undefined ? '' : ' < (secret)'}`);
  const result = spawnSync(fastly, args, {
    input,
    encoding: 'utf8',
    stdio: [input === undefined ? 'ignore' : 'pipe', capture ? 'pipe' : 'inherit', 'inherit'],
  });
  if (result.error) fail(`cannot run ${fastly}: ${result.error.message}`);
  if (result.status !== 0) fail(`fastly ${args[0]} ${args[1] ?? ''} failed (exit ${result.status})`);
  return result.stdout;
}

/** fastly.toml for the first non-interactive publish: no stores, `self` known. */
export function ciManifest(text, { domain }) {
  const out = [];
  let skip = false;
  let table = null;
  for (const line of text.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      table = header[1].trim();
      // Stores are made by this script, one pair per service (see the header).
      skip = /^setup\.(config_stores|secret_stores|kv_stores)(\.|$)/.test(table);
      if (skip) continue;
      out.push(line);
      if (table === 'setup.backends.self') out.push(`address = ${JSON.stringify(domain)}`);
      continue;
    }
    if (skip) continue;
    if (table === 'setup.backends.self' && /^\s*address\s*=/.test(line)) continue;
    if (/^\s*service_id\s*=/.test(line)) continue; // a new service
    out.push(line);
  }
  return out.join('\n');
}

/**
 * The stores `fastly <kind> list --json` prints, as [{ name, id }]: config and secret
 * stores as an array of the API's objects, KV stores as go-fastly's response struct
 * `{"Data": [{"Name", "StoreID", ...}], "Meta": {...}}` (only its first page, 1000
 * stores: with --json the CLI does not follow meta.next_cursor).
 */
function listStores(kind) {
  const out = JSON.parse(run([kind, 'list', '--json'], { capture: true }) || '[]');
  return (Array.isArray(out) ? out : out.Data ?? []).map((s) => ({ name: s.name ?? s.Name, id: s.id ?? s.StoreID }));
}

/** This service's store of `kind` (config-store | secret-store | kv-store), created when missing. */
function ownStore(kind, name, create) {
  const find = () => listStores(kind).find((s) => s.name === name);
  let store = find();
  if (!store && create) {
    run([kind, 'create', '--name', name]);
    store = find();
  }
  if (!store) fail(`no ${kind} named ${name}`);
  return store.id;
}

function storeSecrets(storeId, secrets) {
  for (const [name, value] of Object.entries(secrets).filter(([, v]) => v)) {
    run(['secret-store-entry', 'create', '--store-id', storeId, '--name', name, '--stdin', '--recreate-allow'], { input: value });
  }
}

/** Links the stores under the names the code opens, in a new version, and activates it. */
function linkStores(serviceId, links) {
  const existing = JSON.parse(run(['service', 'resource-link', 'list', '--service-id', serviceId, '--version', 'latest', '--json'], { capture: true }) || '[]');
  const missing = Object.entries(links).filter(([name]) => !existing.some((l) => l.name === name));
  if (missing.length === 0) return;
  for (const [name, storeId] of missing) {
    run(['service', 'resource-link', 'create', '--service-id', serviceId, '--resource-id', storeId, '--name', name, '--version', 'latest', '--autoclone']);
  }
  run(['service', 'version', 'activate', '--service-id', serviceId, '--version', 'latest']);
}

async function main() {
  const secrets = {
    session_key: env.MCP_SESSION_KEY,
    api_token: env.MCP_TOOLS_TOKEN,
    api_keys: env.MCP_API_KEYS,
    publish_token: env.MCP_PUBLISH_TOKEN,
  };
  let serviceId = env.FASTLY_SERVICE_ID;
  const first = !serviceId;
  if (serviceId) {
    run(['compute', 'publish', '--service-id', serviceId, '--non-interactive', ...STATUS_CHECK]);
  } else {
    const domain = env.MCP_DOMAIN;
    if (!domain || !/^[a-z0-9.-]+$/.test(domain)) fail('MCP_DOMAIN (e.g. my-mcp.edgecompute.app) is required for the first deploy');
    if (!secrets.api_token || !secrets.api_keys) fail('MCP_TOOLS_TOKEN and MCP_API_KEYS are required for the first deploy');
    try {
      JSON.parse(secrets.api_keys);
    } catch {
      fail('MCP_API_KEYS is not JSON (use the line `make api-key` prints)');
    }
    secrets.session_key ||= randomBytes(32).toString('hex');
    const original = readFileSync('fastly.toml', 'utf8');
    const name = env.MCP_SERVICE_NAME || 'mcp-edge';
    renameSync('fastly.toml', 'fastly.toml.orig');
    try {
      writeFileSync('fastly.toml', ciManifest(original, { domain }));
      run(['compute', 'publish', '--non-interactive', '--domain', domain, '--service-name', name, ...STATUS_CHECK]);
      serviceId = /^\s*service_id\s*=\s*"([^"]+)"/m.exec(readFileSync('fastly.toml', 'utf8'))?.[1];
    } finally {
      renameSync('fastly.toml.orig', 'fastly.toml');
    }
    if (!serviceId) fail('the publish wrote no service_id');
    // Later `fastly compute publish` runs from this checkout find the service by it.
    const line = `service_id = "${serviceId}"`;
    const existing = /^(\s*)service_id\s*=.*$/m;
    writeFileSync('fastly.toml', existing.test(original) ? original.replace(existing, `$1${line}`) : original.replace(/^(\s*manifest_version\s*=.*)$/m, `$1\n${line}`));
  }
  const configStore = ownStore('config-store', `mcp_config_${serviceId}`, first);
  const secretStore = ownStore('secret-store', `mcp_secrets_${serviceId}`, first);
  const kvStore = ownStore('kv-store', `mcp_streams_${serviceId}`, true); // empty: made on any run
  if (first) {
    run(['config-store-entry', 'create', '--store-id', configStore, '--key', 'settings', '--value', `tool_sets = ${env.MCP_TOOL_SETS || 'fastly'}`]);
  }
  storeSecrets(secretStore, secrets);
  linkStores(serviceId, { mcp_config: configStore, mcp_secrets: secretStore, mcp_streams: kvStore });
  console.log(`deploy-ci: service ${serviceId} deployed; later runs: FASTLY_SERVICE_ID=${serviceId}`);
  if (!secrets.publish_token) {
    console.log('deploy-ci: no MCP_PUBLISH_TOKEN: legacy SSE (/sse) answers 503 until a publish_token is stored (README: Deploying)');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
