// A real browser for the tests: headless Chromium (Debian's package, installed by
// scripts/setup.sh) driven over the Chrome DevTools Protocol with Node 22's built-in
// WebSocket, so no npm package and no browser download is needed.
//
//   const browser = await launchBrowser({ hosts: ['app.test'] });
//   const page = await browser.open('http://app.test:8080/');
//   const value = await page.run(async (url) => (await fetch(url)).status, 'http://...');
//   await browser.close();
//
// `hosts` resolve to 127.0.0.1 inside the browser only (--host-resolver-rules), so a page
// can be served from a non-loopback origin by a local server.
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { onAbnormalExit, spawnGroup } from '../../local/proc.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function launchBrowser({ hosts = [], timeoutMs = 30_000 } = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs it (apt-get install chromium)`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mcp-chromium-'));
  const unregister = onAbnormalExit(() => rmSync(dir, { recursive: true, force: true }));
  const lines = [];
  let announce;
  const listening = new Promise((resolve) => { announce = resolve; });
  const args = [
    '--headless=new',
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Plain http to the test names: no https upgrade attempt first.
    '--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable',
    `--user-data-dir=${dir}`,
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    ...(hosts.length ? [`--host-resolver-rules=${hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`] : []),
    // Chromium refuses to run as root with its sandbox on.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    'about:blank',
  ];
  const chromium = spawnGroup(CHROMIUM, args, {
    onLine: (line) => {
      lines.push(line);
      const match = line.match(/DevTools listening on (ws:\/\/\S+)/);
      if (match) announce(match[1]);
    },
  });
  let socket;
  async function close() {
    socket?.close();
    await chromium.stop();
    await rm(dir, { recursive: true, force: true });
    unregister();
  }
  try {
    const url = await Promise.race([
      listening,
      chromium.exited.then(() => { throw new Error(`chromium exited:\n${lines.join('\n')}`); }),
      sleep(timeoutMs).then(() => { throw new Error(`chromium did not start within ${timeoutMs} ms:\n${lines.join('\n')}`); }),
    ]);
    socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot reach ${url}`)), { once: true });
    });
  } catch (err) {
    await close();
    throw err;
  }

  // One CDP connection; commands are matched to replies by id, a page's by its session.
  let nextId = 1;
  const pending = new Map();
  socket.addEventListener('message', ({ data }) => {
    const message = JSON.parse(data);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, method });
    socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
  });

  async function open(url) {
    const { targetId } = await send('Target.createTarget', { url });
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
    const evaluate = async (expression) => {
      const { result, exceptionDetails } = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    };
    // Loaded when the document is the one asked for and complete.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await evaluate('[location.href, document.readyState]').catch(() => []);
      if (state[0] === url && state[1] === 'complete') break;
      if (Date.now() > deadline) throw new Error(`${url} did not load: ${JSON.stringify(state)}`);
      await sleep(50);
    }
    return {
      url,
      /** Runs `fn(...args)` in the page (args and result as JSON) and awaits it. */
      run: (fn, ...args) => evaluate(`(${fn})(...${JSON.stringify(args)})`),
      close: () => send('Target.closeTarget', { targetId }),
    };
  }

  return { open, close, logs: lines };
}
