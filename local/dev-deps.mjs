#!/usr/bin/env node
// What `make serve` runs next to Viceroy (scripts/serve.sh starts it in the background):
// Pushpin (the local Fanout) and the api.fastly.com double, on fixed ports. Stays in the
// foreground until SIGINT/SIGTERM, then stops both.
//
//   node local/dev-deps.mjs --viceroy-port 7676 --pushpin-http-port 7677 \
//     --pushpin-publish-port 5561 --api-port 7678 [--run-dir .local] [--ready-file F] [--verbose]
//
// Needs MCP_API_TOKEN and MCP_GRIP_KEY in the environment (scripts/env.sh). All Pushpin
// output goes to <run-dir>/pushpin/pushpin.log; the terminal gets its warnings, errors
// and request/publish lines, and every api double line.
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startApiDouble } from './api-double.mjs';
import { canConnect } from './proc.mjs';
import { startPushpin } from './pushpin.mjs';

const { values } = parseArgs({
  options: {
    'viceroy-port': { type: 'string', default: '7676' },
    'pushpin-http-port': { type: 'string', default: '7677' },
    'pushpin-publish-port': { type: 'string', default: '5561' },
    'api-port': { type: 'string', default: '7678' },
    'run-dir': { type: 'string', default: '.local' },
    'ready-file': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const fail = (message) => {
  console.error(`dev-deps: ${message}`);
  process.exit(1);
};
for (const name of ['MCP_API_TOKEN', 'MCP_PUBLISH_TOKEN', 'MCP_GRIP_KEY']) {
  if (!process.env[name]) fail(`${name} is not set (source scripts/env.sh)`);
}

// Refuse before touching the run directory: a second Pushpin started on the same run
// directory would rebind the first one's ipc sockets.
const ports = {
  Viceroy: values['viceroy-port'],
  'Pushpin http': values['pushpin-http-port'],
  'Pushpin publish': values['pushpin-publish-port'],
  'api double': values['api-port'],
};
for (const [name, port] of Object.entries(ports)) {
  if (await canConnect(Number(port))) {
    fail(`the ${name} port ${port} is already in use (another \`make serve\`? a system Pushpin service? \`systemctl stop pushpin\`)`);
  }
}

const runDir = path.resolve(values['run-dir']);
const pushpinDir = path.join(runDir, 'pushpin');
await mkdir(pushpinDir, { recursive: true });
const logFile = createWriteStream(path.join(pushpinDir, 'pushpin.log'), { flags: 'w' });
const interesting = /\[(WARN|ERR)\]|\] (GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD) |publish|subscribe|stopping|exited/i;

let pushpin;
let api;
let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled([pushpin?.stop(), api?.close()]);
  if (values['ready-file']) await rm(values['ready-file'], { force: true });
  logFile.end();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.prependListener(signal, () => shutdown(0));

try {
  pushpin = await startPushpin({
    dir: pushpinDir,
    httpPort: Number(values['pushpin-http-port']),
    publishPort: Number(values['pushpin-publish-port']),
    originPort: Number(values['viceroy-port']),
    sigKey: process.env.MCP_GRIP_KEY,
    verbose: values.verbose,
    onLine: (line) => {
      logFile.write(`${line}\n`);
      if (values.verbose || interesting.test(line)) process.stderr.write(`pushpin| ${line}\n`);
    },
  });
  pushpin.child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`dev-deps: Pushpin exited unexpectedly (code ${code}, signal ${signal}); see ${path.join(pushpinDir, 'pushpin.log')}`);
    shutdown(1);
  });
  api = await startApiDouble({
    port: Number(values['api-port']),
    token: process.env.MCP_API_TOKEN,
    publishToken: process.env.MCP_PUBLISH_TOKEN,
    backofficeToken: process.env.MCP_BACKOFFICE_TOKEN,
    publishUrl: pushpin.publishUrl,
  });
} catch (err) {
  const hint = err.code === 'EADDRINUSE' ? ' (another `make serve`? a system Pushpin service on 5561/7999? `systemctl stop pushpin`)' : '';
  const details = err.message.split('\n').filter((line, i) => i === 0 || /\[ERR\]|error/i.test(line));
  console.error(`dev-deps: ${details.join('\n  ')}${hint}`);
  await shutdown(1);
}

console.error(
  `dev-deps: Pushpin ${pushpin.url} (route self -> 127.0.0.1:${values['viceroy-port']}), publish ${pushpin.publishUrl}; ` +
    `api double ${api.url}; Pushpin log ${path.join(pushpinDir, 'pushpin.log')}`,
);
if (values['ready-file']) await writeFile(values['ready-file'], `${process.pid}\n`);
