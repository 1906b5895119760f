// Runs the real Fastly CLI (npm @fastly/cli, the binary in tests/node_modules) against a
// local double of api.fastly.com, as a user would: under a pseudo-terminal (util-linux
// `script`) so interactive prompts, including the hidden ones read with
// term.ReadPassword, are answered one by one; or without one for `--non-interactive`
// runs and plain commands.
//
//   import { runFastly } from './local/fastly-cli.mjs';
//   const { code, transcript, prompts } = await runFastly(['compute', 'publish'], {
//     cwd, apiUrl: double.url, token,
//     answers: [
//       { prompt: /Create new service: \[y\/N\] $/, answer: 'y' },
//       { anyOrder: [[{ prompt: /backend called 'self'[^]*Hostname/, answer: 'x' }, { prompt: /Port:/, answer: '' }], ...] },
//       { prompt: /entry called 'session_key'[^]*Value: $/, answer: key, secret: true },
//     ],
//   });
//
// The CLI gets a clean home: HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME point into a temp
// dir (its config.toml and errors.log live in $XDG_CONFIG_HOME/fastly), every FASTLY_*
// variable of this process is dropped, and it gets FASTLY_API_ENDPOINT=apiUrl,
// FASTLY_API_TOKEN=token, FASTLY_ACCOUNT_ENDPOINT=apiUrl plus the global flag
// `--account apiUrl` (the OpenID metadata preflight), FASTLY_USE_API_SIGNING_KEY=1 (the
// double signs client keys with its own Ed25519 key, not Fastly's, which the CLI pins),
// and FASTLY_WASM_METADATA_DISABLE=true (skips the one-time metadata notice and its 5 s
// sleep; `metadata: true` keeps them). CARGO_HOME and RUSTUP_HOME keep pointing at the
// real home so a `[scripts] build` still finds the toolchain. The CLI's update check
// (developer.fastly.com) cannot be switched off; offline it fails silently.
//
// `hosts` ({ name: address }) makes names resolve for the CLI (its backend prompt
// validates the address with a DNS lookup): the command runs in a private mount
// namespace (`unshare --mount`, needs root) with a copy of /etc/hosts bind-mounted over
// it. The object may be changed by an answer function (e.g. add the domain the CLI just
// proposed); the file is rewritten before each answer, and because Go caches /etc/hosts
// for 5 s, the answer after such a change waits until that cache has expired.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The npm-pinned CLI binary (tests/package.json `@fastly/cli`); FASTLY_CLI overrides it. */
export const FASTLY_BIN = process.env.FASTLY_CLI || path.join(ROOT, 'tests/node_modules/@fastly/cli-linux-x64/fastly');

const SECRET_MARK = '********';
const GO_HOSTS_CACHE_MS = 5_000;

/** Terminal output as a person would read it: ANSI sequences removed, CR-overwritten text resolved. */
export function cleanTerminal(text) {
  return text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '') // OSC
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') // CSI (colors, erase, cursor)
    .replace(/\x1b[@-Z\\-_]/g, '') // other escapes
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => {
      if (!line.includes('\r')) return line;
      const parts = line.split('\r').filter((p) => p.length > 0);
      return parts.length ? parts[parts.length - 1] : '';
    })
    .join('\n');
}

const quote = (arg) => `'${String(arg).replace(/'/g, `'\\''`)}'`;

/** The environment of the CLI: this process's minus FASTLY_* and the home dirs, plus the double. */
function cliEnv({ home, apiUrl, token, env, metadata }) {
  const base = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('FASTLY_') || ['HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME'].includes(key)) continue;
    base[key] = value;
  }
  const realHome = process.env.HOME || homedir();
  return {
    ...base,
    CARGO_HOME: process.env.CARGO_HOME || path.join(realHome, '.cargo'),
    RUSTUP_HOME: process.env.RUSTUP_HOME || path.join(realHome, '.rustup'),
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local/share'),
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    ...(apiUrl ? { FASTLY_API_ENDPOINT: apiUrl, FASTLY_ACCOUNT_ENDPOINT: apiUrl } : {}),
    ...(token ? { FASTLY_API_TOKEN: token } : {}),
    FASTLY_USE_API_SIGNING_KEY: '1',
    ...(metadata ? {} : { FASTLY_WASM_METADATA_DISABLE: 'true' }),
    ...env,
  };
}

/** Flattens `answers` into a queue of single entries and anyOrder groups of sequences. */
function answerQueue(answers) {
  return answers.map((item) => {
    if (item && Array.isArray(item.anyOrder)) {
      return { group: item.anyOrder.map((seq) => ({ entries: [].concat(seq), pos: 0 })), active: null };
    }
    return { entry: item };
  });
}

/**
 * Runs `fastly ...args` and resolves { code, signal, transcript, prompts, stdout?, stderr? }.
 *
 * options:
 *   cwd, env       working dir (default: process.cwd()) and extra environment; note that
 *                  the first `compute publish` rewrites cwd's fastly.toml (run it in a copy)
 *   apiUrl, token  the double's URL and the CLI's API token
 *   answers        interactive mode (a pseudo-terminal): an ordered list of
 *                  { prompt: RegExp, answer: string | (match, { block, transcript }) => string,
 *                    secret?: bool }
 *                  or { anyOrder: [entry | [entry, ...], ...] } for prompts that come in
 *                  Go map order: each member is a sequence answered contiguously once its
 *                  first prompt shows. `prompt` is tested against the cleaned output since
 *                  the previous answer (so it can match the lines above the prompt line).
 *                  A prompt is a quiet last line ending in ':', '?' or ']' (plus spaces);
 *                  one that matches no expected entry fails the run (after `unexpectedMs`).
 *   tty            force the mode (default: true when `answers` is given)
 *   input          text written to stdin in non-tty mode (e.g. for --stdin), then EOF
 *   hosts          { name: address } resolved for the CLI (see the header)
 *   home           use this dir as HOME (kept); default: a fresh temp dir, removed after
 *   metadata       keep the CLI's Wasm metadata collection and first-run notice
 *   requireAllAnswers  fail when the CLI exits before every answer was used (default true)
 *   timeoutMs      whole run (default 300000); settleMs (200), unexpectedMs (3000)
 *   onOutput       (text) => void, raw output as it arrives
 *   bin            the CLI binary (default FASTLY_BIN)
 *   accountFlag    pass `--account apiUrl` (default true; false when `bin` is a script
 *                  that runs the CLI itself: FASTLY_ACCOUNT_ENDPOINT does the same)
 * Errors (timeout, unexpected prompt, unused answers) carry .transcript and .prompts.
 * In the transcript secret answers appear as ********; their values never do.
 */
export async function runFastly(args, options = {}) {
  const {
    cwd = process.cwd(),
    env = {},
    apiUrl,
    token,
    answers,
    tty = Array.isArray(answers),
    input,
    hosts,
    home: givenHome,
    metadata = false,
    requireAllAnswers = true,
    timeoutMs = 300_000,
    settleMs = 200,
    unexpectedMs = 3_000,
    onOutput,
    bin = FASTLY_BIN,
    accountFlag = true,
  } = options;
  const home = givenHome ?? mkdtempSync(path.join(tmpdir(), 'fastly-home-'));
  const fullArgs = [...(apiUrl && accountFlag ? ['--account', apiUrl] : []), ...args];
  const secrets = (answers ?? []).flatMap((a) => (a?.anyOrder ? a.anyOrder.flat() : [a])).filter((e) => e?.secret && typeof e.answer === 'string' && e.answer);
  let hostsFile = null;
  const writeHosts = () => {
    if (!hostsFile) return;
    const lines = Object.entries(hosts).map(([name, address]) => `${address} ${name}`);
    writeFileSync(hostsFile, `${readFileSync('/etc/hosts', 'utf8').trimEnd()}\n# runFastly\n${lines.join('\n')}\n`);
  };
  if (hosts) {
    hostsFile = path.join(home, 'hosts');
    writeHosts();
  }

  // Under `script` the CLI leads its own session (and process group, with whatever it
  // starts, e.g. cargo): it writes its pid to cliPidFile so a timeout can end that group.
  const cliPidFile = path.join(home, 'fastly.pid');
  let command;
  let commandArgs;
  const inner = tty
    ? ['script', '-qfec', `stty cols 200 rows 50 2>/dev/null; echo $$ > ${quote(cliPidFile)}; exec ${[bin, ...fullArgs].map(quote).join(' ')}`, '/dev/null']
    : [bin, ...fullArgs];
  if (hostsFile) {
    command = 'unshare';
    commandArgs = ['--mount', 'sh', '-c', 'mount --bind "$1" /etc/hosts && shift && exec "$@"', 'sh', hostsFile, ...inner];
  } else {
    [command, ...commandArgs] = inner;
  }

  const child = spawn(command, commandArgs, {
    cwd,
    env: cliEnv({ home, apiUrl, token, env, metadata }),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group (the CLI's, without a pty), ended on timeout
  });
  const groups = () => {
    const ids = [child.pid];
    try {
      const cli = Number(readFileSync(cliPidFile, 'utf8').trim());
      if (cli > 0) ids.unshift(cli);
    } catch {}
    return ids;
  };
  let exited = false;
  const stop = (signal) => {
    if (exited) return;
    for (const id of groups()) {
      try {
        process.kill(-id, signal);
      } catch {}
    }
  };
  const onParentExit = () => stop('SIGKILL');
  process.once('exit', onParentExit);

  let raw = ''; // everything, with secret marks injected
  let stdout = '';
  let stderr = '';
  let pending = ''; // raw output since the last answer
  const prompts = [];
  const queue = tty ? answerQueue(answers ?? []) : [];
  let failure = null;
  let settleTimer = null;
  let unexpectedTimer = null;
  let hostsChangedAt = 0;
  let answering = false;

  const redact = (text) => secrets.reduce((t, e) => t.split(e.answer).join(SECRET_MARK), text);
  const transcript = () => redact(cleanTerminal(raw));
  const fail = (message) => {
    if (failure) return;
    failure = Object.assign(new Error(`${message}\n--- transcript ---\n${transcript()}`), { transcript: transcript(), prompts });
    // SIGTERM first: `compute publish` then runs its clean-up (deletes a service it created).
    stop('SIGTERM');
    setTimeout(() => stop('SIGKILL'), 10_000).unref();
  };

  /** The next candidates: [{ entry, take() }]. */
  function candidates() {
    const head = queue[0];
    if (!head) return [];
    if (head.entry) return [{ entry: head.entry, take: () => queue.shift() }];
    const seqs = head.active ? [head.active] : head.group.filter((s) => s.pos === 0);
    return seqs.map((seq) => ({
      entry: seq.entries[seq.pos],
      take: () => {
        seq.pos += 1;
        head.active = seq.pos < seq.entries.length ? seq : null;
        if (head.group.every((s) => s.pos >= s.entries.length)) queue.shift();
      },
    }));
  }

  async function answer(entry, match, block, promptLine, take) {
    answering = true;
    take();
    const before = JSON.stringify(hosts ?? null);
    let value = typeof entry.answer === 'function' ? await entry.answer(match, { block, transcript: transcript() }) : entry.answer ?? '';
    value = String(value);
    if (entry.secret && value) secrets.push({ answer: value });
    if (hosts && JSON.stringify(hosts) !== before) {
      writeHosts();
      hostsChangedAt = Date.now();
    }
    // Go's resolver caches /etc/hosts for 5 s: let an entry read before the change expire.
    const wait = hostsChangedAt + GO_HOSTS_CACHE_MS + 300 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    prompts.push({ prompt: promptLine, answer: entry.secret ? SECRET_MARK : value });
    pending = '';
    if (entry.secret) raw += SECRET_MARK;
    child.stdin.write(`${value}\r`);
    answering = false;
  }

  function checkPrompt() {
    if (failure || answering || !tty) return;
    const block = cleanTerminal(pending);
    const promptLine = block.slice(block.lastIndexOf('\n') + 1);
    if (!/\S/.test(promptLine) || !/[:?\]]\s*$/.test(promptLine)) return;
    for (const { entry, take } of candidates()) {
      const match = entry.prompt.exec(block);
      if (match) {
        clearTimeout(unexpectedTimer);
        answer(entry, match, block, promptLine.trimEnd(), take).catch((err) => fail(`answering ${JSON.stringify(promptLine)} failed: ${err.message}`));
        return;
      }
    }
    clearTimeout(unexpectedTimer);
    const seen = pending;
    unexpectedTimer = setTimeout(() => {
      if (pending !== seen || failure) return;
      const expected = candidates().map((c) => String(c.entry.prompt));
      fail(`unexpected prompt ${JSON.stringify(promptLine.trimEnd())}; expected ${expected.length ? expected.join(' or ') : 'no more prompts'}`);
    }, unexpectedMs);
  }

  const decoders = { out: new StringDecoder('utf8'), err: new StringDecoder('utf8') };
  const onData = (which) => (chunk) => {
    const text = decoders[which].write(chunk);
    if (!text) return;
    raw += text;
    pending += text;
    if (which === 'out') stdout += text;
    else stderr += text;
    onOutput?.(text);
    clearTimeout(settleTimer);
    settleTimer = setTimeout(checkPrompt, settleMs);
  };
  child.stdout.on('data', onData('out'));
  child.stderr.on('data', onData('err'));
  child.stdin.on('error', () => {}); // the CLI may exit before reading everything

  if (!tty) {
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  }

  const overall = setTimeout(() => fail(`fastly ${args.join(' ')}: timed out after ${timeoutMs} ms`), timeoutMs);
  const { code, signal } = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s }));
  }).finally(() => {
    exited = true;
    process.removeListener('exit', onParentExit);
    clearTimeout(overall);
    clearTimeout(settleTimer);
    clearTimeout(unexpectedTimer);
    if (!givenHome) rmSync(home, { recursive: true, force: true });
  });
  if (tty) child.stdin.end();
  if (failure) throw failure;
  if (tty && requireAllAnswers && queue.length > 0) {
    const left = queue.flatMap((q) => (q.entry ? [q.entry] : q.group.flatMap((s) => s.entries.slice(s.pos)))).map((e) => String(e.prompt));
    throw Object.assign(new Error(`fastly ${args.join(' ')} exited (code ${code}) before these prompts: ${left.join(', ')}\n--- transcript ---\n${transcript()}`), {
      transcript: transcript(),
      prompts,
      code,
    });
  }
  const result = { code, signal, transcript: transcript(), prompts };
  if (!tty) Object.assign(result, { stdout: redact(stdout), stderr: redact(stderr) });
  return result;
}
