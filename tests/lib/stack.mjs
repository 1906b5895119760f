// Starts one isolated local stack per call, on free loopback ports, and stops it
// afterwards:
//   - Pushpin (local/pushpin.mjs; the stand-in for Fanout), its config generated in a
//     temp dir, all internal sockets ipc:// in that dir;
//   - the api.fastly.com double (local/api-double.mjs) in this process, forwarding
//     publishes to that Pushpin;
//   - Viceroy running the release wasm with --local-pushpin-proxy-port <pushpin http
//     port> and a generated copy of fastly.toml in which only the `self` and `api`
//     backend URLs differ (self = this Viceroy, api = the double).
// Viceroy reads the manifest's [local_server] like `fastly compute serve` does, so the
// tests run what `make serve` runs.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { LOCAL_SERVICE_ID, startApiDouble } from '../../local/api-double.mjs';
import { manifestWithBackends, manifestWithConfig } from '../../local/manifest.mjs';
import { freePort, onAbnormalExit, portOwnedBy, spawnGroup } from '../../local/proc.mjs';
import { startPushpin } from '../../local/pushpin.mjs';

export { freePort };

/** Longest wait for Viceroy to answer after its start (a hang, not a slow start). */
const VICEROY_START_MS = 180_000;

/** Most log lines a stack keeps (the newest). */
const MAX_LOG_LINES = 50_000;

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function waitForHttp(url, child, describe, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`viceroy exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${describe()}`);
    }
    try {
      await fetch(url, { method: 'OPTIONS', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`viceroy did not answer within ${deadlineMs} ms:\n${describe()}`);
}

/** `count` distinct free ports. */
async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

const randomKey = () => randomBytes(32).toString('hex');

/**
 * Starts Pushpin, the api double and Viceroy on free ports.
 * options:
 *   extraArgs  more `viceroy serve` arguments
 *   secrets    { sessionKey, apiToken, publishToken, gripKey } overrides (default: the
 *              MCP_* env variables when set, else fresh random keys for this stack);
 *              apiToken is what the api double expects from the tools, publishToken
 *              what it expects on the publish endpoint, gripKey what Pushpin signs with
 *   serviceApiToken  give the service (Secret Store api_token) another token than the
 *              double expects: every tool call then gets the API's 401
 *   servicePublishToken  the same for publish_token: every publish then gets a 401
 *   serviceGripKey   give the service another Grip-Sig key than Pushpin signs with:
 *              Fanout's callback then fails verification
 *   config     { key: value } overrides of the Config Store mcp_config (e.g.
 *              { allow_writes: '' } to see guarded writes refused), or a function of
 *              { base } (the stack's URL, known once its port is) returning them
 *   env        more environment for Viceroy (e.g. MCP_API_KEYS for the api_keys secret)
 *   manifestPath  the fastly.toml to derive the stack's from (default: the project's)
 *   verbose    Pushpin at log level 3
 *   wasm       the module Viceroy runs (default: env WASM, else the release build)
 * Returns { base, port, mcp, sse, pushpinHttp, pushpinPublish, apiDouble, apiPublish,
 *           serviceId, ports, secrets, manifest, dir, logs, waitForLog, stop }.
 * `logs` is an array of lines (`viceroy| ...`, `pushpin| ...`, `api-double: ...`),
 * each ending in "\n", so logs.join('') is the combined log (the newest 50,000-100,000).
 * waitForLog(condition, { timeoutMs, what }) resolves once condition(logs) is truthy
 * (checked at once and on every new line), with that value.
 * stop() is idempotent: it kills every child (and what they started) and removes the
 * temp dir; an exit hook does the same if the process dies without calling it. Once it
 * has resolved, everything Viceroy wrote (stdout and stderr) is in `logs`.
 */
export async function startStack({ extraArgs = [], secrets: given = {}, serviceApiToken, servicePublishToken, serviceGripKey, config = {}, env = {}, manifestPath, verbose = false, wasm } = {}) {
  const secrets = {
    sessionKey: given.sessionKey ?? process.env.MCP_SESSION_KEY ?? randomKey(),
    apiToken: given.apiToken ?? process.env.MCP_API_TOKEN ?? randomKey(),
    publishToken: given.publishToken ?? process.env.MCP_PUBLISH_TOKEN ?? randomKey(),
    gripKey: given.gripKey ?? process.env.MCP_GRIP_KEY ?? randomKey(),
    backofficeToken: given.backofficeToken ?? process.env.MCP_BACKOFFICE_TOKEN ?? randomKey(),
  };
  // Free ports are picked before they are bound, so two stacks starting at the same
  // time can race for one; such a clash is detected and the stack retried on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startStackOnce({ extraArgs, secrets, serviceApiToken, servicePublishToken, serviceGripKey, config, env, manifestPath, verbose, wasm });
    } catch (err) {
      const clash = err.code === 'EADDRINUSE' || /Address already in use|EADDRINUSE/.test(err.message);
      if (!clash || attempt >= 3) throw err;
    }
  }
}

async function startStackOnce({ extraArgs, secrets, serviceApiToken, servicePublishToken, serviceGripKey, config, env, manifestPath, verbose, wasm: wasmOverride }) {
  const viceroyBin = process.env.VICEROY || 'viceroy';
  const wasm = wasmOverride || process.env.WASM || path.join(ROOT, 'target/wasm32-wasip1/release/mcp-edge.wasm');
  const serviceId = LOCAL_SERVICE_ID; // what Viceroy puts in FASTLY_SERVICE_ID
  // Bounded: a benchmark's load writes a log line per request, and a heap of hundreds of
  // thousands of lines slows (by GC) everything else in this process, the api double
  // included. Tests read far fewer lines than MAX_LOG_LINES.
  const logs = [];
  const waiters = new Set(); // waitForLog's pending conditions, checked on every new line
  const push = (text) => {
    logs.push(text);
    if (logs.length > 2 * MAX_LOG_LINES) logs.splice(0, logs.length - MAX_LOG_LINES);
    for (const waiter of waiters) waiter();
  };
  // Resolves once condition(logs) is true, checked now and on every line pushed after:
  // a test waits for the log line it needs instead of sleeping and hoping it came.
  // timeoutMs only bounds a wait for a line that never comes (the error shows the tail).
  function waitForLog(condition, { timeoutMs = 15_000, what = 'a log line' } = {}) {
    return new Promise((resolve, reject) => {
      const check = () => {
        let done;
        try {
          done = condition(logs);
        } catch (err) {
          finish();
          reject(err);
          return;
        }
        if (done) {
          finish();
          resolve(done);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`waited ${timeoutMs} ms for ${what}; the log's last lines:\n${logs.slice(-40).join('')}`));
      }, timeoutMs);
      function finish() {
        clearTimeout(timer);
        waiters.delete(check);
      }
      waiters.add(check);
      check();
    });
  }
  const logLine = (source) => (line) => push(`${source}| ${line}\n`);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-stack-'));
  const unregister = onAbnormalExit(() => rmSync(dir, { recursive: true, force: true }));
  const stoppers = []; // run in reverse order
  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    for (const fn of stoppers.reverse()) {
      try {
        await fn();
      } catch (err) {
        push(`stack| stop: ${err.message}\n`);
      }
    }
    await rm(dir, { recursive: true, force: true });
    unregister();
  }

  try {
    const [viceroyPort, pushpinHttpPort, pushpinPublishPort] = await freePorts(3);

    const pushpin = await startPushpin({
      dir: path.join(dir, 'pushpin'),
      httpPort: pushpinHttpPort,
      publishPort: pushpinPublishPort,
      originPort: viceroyPort,
      sigKey: secrets.gripKey,
      verbose,
      onLine: logLine('pushpin'),
    });
    stoppers.push(() => pushpin.stop());

    const apiDouble = await startApiDouble({
      port: 0,
      token: secrets.apiToken,
      publishToken: secrets.publishToken,
      backofficeToken: secrets.backofficeToken,
      serviceId,
      publishUrl: pushpin.publishUrl,
      log: (line) => push(`${line}\n`),
    });
    stoppers.push(() => apiDouble.close());
    // The back-office API behind its own backend: a second double, so a test can see
    // which API each request (and each credential) reached.
    const backofficeDouble = await startApiDouble({
      port: 0,
      token: secrets.apiToken,
      publishToken: secrets.publishToken,
      backofficeToken: secrets.backofficeToken,
      serviceId,
      log: (line) => push(`backoffice-${line}\n`),
    });
    stoppers.push(() => backofficeDouble.close());

    const base = `http://127.0.0.1:${viceroyPort}`;
    const manifest = path.join(dir, 'fastly.toml');
    const source = await readFile(manifestPath ?? path.join(ROOT, 'fastly.toml'), 'utf8');
    const withBackends = manifestWithBackends(source, { self: { url: base }, api: { url: apiDouble.url }, backoffice: { url: backofficeDouble.url } });
    const overrides = typeof config === 'function' ? config({ base }) : config;
    await writeFile(manifest, manifestWithConfig(withBackends, overrides));

    const viceroy = spawnGroup(
      viceroyBin,
      ['serve', '-C', manifest, '--addr', `127.0.0.1:${viceroyPort}`, '--local-pushpin-proxy-port', String(pushpinHttpPort), ...extraArgs, wasm],
      {
        cwd: ROOT, // relative paths in the manifest (store files) resolve from the project
        env: {
          ...process.env,
          MCP_SESSION_KEY: secrets.sessionKey,
          MCP_API_TOKEN: serviceApiToken ?? secrets.apiToken,
          MCP_PUBLISH_TOKEN: servicePublishToken ?? secrets.publishToken,
          MCP_GRIP_KEY: serviceGripKey ?? secrets.gripKey,
          MCP_BACKOFFICE_TOKEN: secrets.backofficeToken,
          ...env,
        },
        onLine: logLine('viceroy'),
      },
    );
    // Stopped means its output is all read too: 'close' comes after stdout and stderr
    // have ended, so a line Viceroy wrote last (a trap, a panic) is in `logs` by then.
    const viceroyClosed = new Promise((resolve) => viceroy.child.once('close', resolve));
    stoppers.push(async () => {
      await viceroy.stop();
      if (viceroy.child.pid !== undefined) await viceroyClosed;
    });
    // Viceroy compiles the whole wasm before it listens: ~5 s on an idle machine, 25-30 s
    // on a loaded 2-core one (seen while other suites ran). The wait ends when it answers
    // (or exits); the deadline only bounds a Viceroy that hangs, far above a slow start.
    await waitForHttp(`${base}/mcp`, viceroy.child, () => logs.join(''), VICEROY_START_MS);
    if (!portOwnedBy(viceroyPort, viceroy.child)) {
      throw Object.assign(new Error(`viceroy: port ${viceroyPort} is taken by another process`), { code: 'EADDRINUSE' });
    }

    return {
      base,
      port: viceroyPort,
      mcp: `${base}/mcp`,
      sse: `${base}/sse`,
      pushpinHttp: pushpin.url,
      pushpinPublish: pushpin.publishUrl,
      apiDouble: apiDouble.url,
      apiPublish: `${apiDouble.url}/service/${serviceId}/publish/`,
      backofficeDouble: backofficeDouble.url,
      serviceId,
      ports: { viceroy: viceroyPort, pushpinHttp: pushpinHttpPort, pushpinPublish: pushpinPublishPort, apiDouble: apiDouble.port, backofficeDouble: backofficeDouble.port },
      secrets,
      manifest,
      dir,
      logs,
      waitForLog,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The headers every MCP POST needs. */
export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/** POSTs a raw body to the MCP endpoint; returns { status, headers, text, json }. */
export async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
