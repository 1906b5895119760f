// Small process helpers shared by the local stack (tests/lib/stack.mjs) and the
// `make serve` launchers: spawn a child in its own session with its output
// captured line by line, wait for TCP ports (and check who owns them), and stop a
// child and everything it started (Pushpin's runner starts condure, zurl,
// pushpin-proxy and pushpin-handler).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on 127.0.0.1 (the kernel picks it; there is a small race until it is bound). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when 127.0.0.1:port accepts a TCP connection. */
export function canConnect(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until every port accepts connections. Fails early when `child` exits, and after
 * `timeoutMs`; `describe()` supplies the log text for the error message.
 */
export async function waitForPorts(ports, { child, name, timeoutMs = 20_000, describe = () => '' }) {
  const end = Date.now() + timeoutMs;
  const pending = new Set(ports);
  while (pending.size > 0) {
    if (child && child.exitCode !== null) {
      throw new Error(`${name} exited early (code ${child.exitCode}, signal ${child.signalCode}):\n${describe()}`);
    }
    for (const port of [...pending]) {
      if (await canConnect(port)) pending.delete(port);
    }
    if (pending.size === 0) return;
    if (Date.now() > end) {
      throw new Error(`${name} did not listen on ${[...pending].join(', ')} within ${timeoutMs} ms:\n${describe()}`);
    }
    await sleep(100);
  }
}

/** Inodes of the sockets listening on TCP `port` (any address), from /proc/net/tcp{,6}. */
function listeningInodes(port) {
  const inodes = new Set();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
      if (f[1].split(':')[1] === hexPort) inodes.add(f[9]);
    }
  }
  return inodes;
}

/**
 * Whether the process that listens on `port` is `child` or one it started (same
 * session). A port that accepts connections is not proof: Pushpin 1.36's handler logs
 * "http control server: 127.0.0.1:<port>" and carries on when that port is taken, so a
 * free-port race with another stack would go unnoticed. Linux only; elsewhere it
 * answers true.
 */
export function portOwnedBy(port, child) {
  if (process.platform !== 'linux') return true;
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return false;
  const pids = new Set(sessionMembers(child.pid));
  pids.add(child.pid);
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m && inodes.has(m[1])) return true;
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return false;
}

/**
 * Calls onLine(line) for every complete line of a stream (a trailing partial line is
 * flushed when the stream ends).
 */
export function forEachLine(stream, onLine) {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      onLine(buffered.slice(0, newline).replace(/\r$/, ''));
      buffered = buffered.slice(newline + 1);
    }
  });
  stream.on('end', () => {
    if (buffered) onLine(buffered);
    buffered = '';
  });
}

/**
 * Spawns `command args` in its own session (so stop() also reaches the
 * grandchildren), passing each output line to onLine(line, 'stdout' | 'stderr').
 * Returns { child, stop, exited }. stop() sends SIGTERM to the child, SIGKILL to its
 * whole session after `graceMs`, and resolves once the child has exited (then it
 * SIGKILLs anything of the session still left).
 */
export function spawnGroup(command, args, { cwd, env, onLine = () => {}, graceMs = 5000 } = {}) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', (err) => {
      onLine(`spawn failed: ${err.message}`, 'stderr');
      resolve();
    });
  });
  forEachLine(child.stdout, (line) => onLine(line, 'stdout'));
  forEachLine(child.stderr, (line) => onLine(line, 'stderr'));
  trackGroup(child);

  async function stop() {
    if (child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      // The leader first: Pushpin's runner stops its services in order on SIGTERM.
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // The session leader is gone; make sure nothing it started is left behind.
    signalGroup(child, 'SIGKILL');
    untrackGroup(child);
  }
  return { child, stop, exited };
}

// `detached: true` makes the child a session leader (setsid), so its session id is its
// pid. Pushpin's runner then puts each service (condure, zurl, ...) in its own process
// group, so a group signal does not reach them: signal the whole session instead,
// found through /proc (Linux), which only ever matches processes this child started.
function sessionMembers(sid) {
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session ...; comm may contain spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) === sid) pids.push(Number(entry));
    } catch {
      // the process went away meanwhile
    }
  }
  return pids;
}

function signalGroup(child, signal) {
  const targets = new Set(sessionMembers(child.pid));
  // Once Node has reaped the leader its pid may be reused: only signal it while it runs.
  if (child.exitCode === null && child.signalCode === null) targets.add(child.pid);
  else targets.delete(child.pid);
  for (const pid of targets) {
    try {
      process.kill(pid, signal);
    } catch {
      // ESRCH: already gone.
    }
  }
}

// Safety net: if this Node process exits without calling stop() (an uncaught error, a
// test runner timeout, Ctrl-C), kill every process group it started and run the
// registered synchronous clean-ups (e.g. removing temp dirs).
const groups = new Set();
const cleanupHooks = new Set();
let hooked = false;

function emergencyCleanup() {
  for (const c of groups) signalGroup(c, 'SIGKILL');
  groups.clear();
  for (const fn of cleanupHooks) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  cleanupHooks.clear();
}

function hook() {
  if (hooked) return;
  hooked = true;
  process.once('exit', emergencyCleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      // Someone else (a CLI's graceful shutdown) handles this signal: leave it to them;
      // the 'exit' hook above still kills whatever is left when the process ends.
      if (process.listenerCount(signal) > 0) return;
      emergencyCleanup();
      // Re-raise with the default disposition so the exit status tells the signal.
      process.kill(process.pid, signal);
    });
  }
}

function trackGroup(child) {
  if (child.pid === undefined) return;
  hook();
  groups.add(child);
}

function untrackGroup(child) {
  groups.delete(child);
}

/** Registers a synchronous clean-up for an abnormal exit; returns a function that unregisters it. */
export function onAbnormalExit(fn) {
  hook();
  cleanupHooks.add(fn);
  return () => cleanupHooks.delete(fn);
}
