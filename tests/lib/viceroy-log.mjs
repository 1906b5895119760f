// What Viceroy's log says the guest did: a guest trap (the wasm failed: a Rust panic
// aborts into a wasm `unreachable`, or any other trap) is a defect of the service; a
// panic of Viceroy itself (the host) is not, and is told apart by its source: the panic
// names a file of Viceroy's own crates. The lines, as Viceroy 0.22.0 prints them
// (captured from real runs; the stack prefixes each with `viceroy| `):
//
// Guest trap (here a panic in the guest: the panic message goes to the guest's stderr,
// then Viceroy logs the trap at ERROR, with the wasm backtrace, and answers 500):
//   thread 'main' (1) panicked at src/main.rs:9:21:
//   index out of bounds: the len is 0 but the index is 3
//   2026-12-01T02:52:30.009180Z ERROR WebAssembly trapped: error while executing at wasm backtrace:
//       0:   0x3bb9 - <unknown>!<wasm function 109>            (stripped release wasm)
//      12:    0x2c1 - trap_guest-cf8127f3bbbc638d.wasm!trap_guest::main::hf1ff5c9c58dab16c
//                                                               (wasm with symbol names)
//   Caused by:
//       wasm trap: wasm `unreachable` instruction executed
// (with -v the ERROR line reads `ERROR request{id=N}: WebAssembly trapped: ...`; a
// guest exiting non-zero logs `WebAssembly exited with error: ...`, a component's
// error `WebAssembly exited with an error`, and the caller `There was an error
// handling the request ...`.)
//
// Viceroy host panic (a client half-closed its socket, hyper dropped the response
// channel, and the guest's send_downstream found it gone; the guest did nothing wrong
// and nothing is logged as a trap):
//   thread 'tokio-rt-worker' (30328) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/viceroy-lib-0.22.0/src/sandbox/downstream.rs:72:14:
//   response receiver is open: ()
//   stack backtrace:            (with RUST_BACKTRACE=1; its frames name wasmtime's
//      0: __rustc::rust_begin_unwind        `traphandlers::catch_unwind_and_record_trap`,
//      ...                                  which is no trap of the guest)
//
// The classifier reads lines, not blocks (Viceroy's stdout and stderr arrive through two
// pipes, so a panic's lines can interleave with others):
//   - a panic header (`thread '<name>' (<tid>) panicked at <file>:<line>:<col>:`) whose
//     file lies in Viceroy's own source (`viceroy-<version>/src/` or
//     `viceroy-lib-<version>/src/`) is a host panic; the line after it from Viceroy, if
//     it is not itself a log record, is kept as its message;
//   - any other panic header, and any other line saying `panicked`, is an unclassified
//     panic (a guest panic's header names the guest's file: src/... or a crate of the
//     guest), which fails like a trap;
//   - a trap line (below) is a guest trap.
// The service's own structured request lines (`mcp_log :: {...}`) are data (they quote
// request paths a client chose), so they are never read as evidence either way.

/** A file of Viceroy's own crates, as a panic location names it. */
export const VICEROY_SOURCE = /(?:^|\/)viceroy(?:-lib)?-\d+\.\d+\.\d+\/src\//;

const PANIC_HEADER = /^thread '([^']*)'(?: \((\d+)\))? panicked at (.+?):(\d+):(\d+):?$/;

/** What a guest trap leaves in Viceroy's log (see above). */
export const GUEST_TRAP = [
  /WebAssembly trapped/,
  /WebAssembly exited with (?:an )?error/,
  /There was an error handling the request/,
  /wasm trap:/i,
  /error while executing at wasm backtrace/,
  /<wasm function \d+>/,
  /\.wasm!/, // a symbolized wasm frame: `<module>.wasm!<function>`
  /\bmcp_edge::/, // a frame of this guest's own functions
  /RuntimeError/,
  /unreachable(?:` instruction)? executed/i,
];

/** A line that starts a new log record (not a panic's message line). */
const RECORD = /^(?:\d{4}-\d{2}-\d{2}T[\d:.]+Z\s|mcp_log :: |thread '|stack backtrace:|note: |\s+\d+: |\s+at |$)/;

/**
 * Classifies a stack's log lines (stack.logs). Returns
 * { hostPanics: [{ thread, location, message }], guestTraps: [line], unclassifiedPanics: [line] }.
 */
export function classifyLog(lines) {
  const hostPanics = [];
  const guestTraps = [];
  const unclassifiedPanics = [];
  const entries = lines.join('').split('\n').map((raw) => {
    const bar = /^([a-z-]+)\| /.exec(raw);
    return { raw, source: bar ? bar[1] : 'other', text: bar ? raw.slice(bar[0].length) : raw };
  });
  for (const [i, { raw, source, text }] of entries.entries()) {
    if (source === 'viceroy' && text.startsWith('mcp_log :: ')) continue;
    const header = PANIC_HEADER.exec(text);
    if (header && source === 'viceroy' && VICEROY_SOURCE.test(header[3])) {
      const next = entries.slice(i + 1).find((e) => e.source === 'viceroy');
      const message = next && !RECORD.test(next.text) ? next.text : '';
      hostPanics.push({ thread: header[1], location: `${header[3]}:${header[4]}:${header[5]}`, message });
    } else if (header || /panicked/i.test(text)) {
      unclassifiedPanics.push(raw);
    } else if (GUEST_TRAP.some((re) => re.test(text))) {
      guestTraps.push(raw);
    }
  }
  return { hostPanics, guestTraps, unclassifiedPanics };
}

/** Host panics grouped by location and message, one line each, for a test's notes. */
export function describeHostPanics(hostPanics) {
  const counts = new Map();
  for (const p of hostPanics) {
    const key = `thread '${p.thread}' panicked at ${p.location}${p.message ? `: ${p.message}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n} x ${key}`);
}

const HANDLING = /^viceroy\| \S+\s+INFO request\{id=(\d+)\}: handling request (\S+) (\S+)/;
const COMPLETED = /^viceroy\| \S+\s+INFO request\{id=(\d+)\}: request completed in /;

/**
 * Waits until Viceroy has finished every guest it started, then stops the stack, so that
 * everything Viceroy wrote is in stack.logs; returns classifyLog(stack.logs).
 *
 * Needs a stack started with extraArgs ['-v'] (Viceroy then logs, per guest run,
 * `INFO request{id=N}: handling request METHOD URL` when it starts and `INFO
 * request{id=N}: request completed in T` when it ends, trap or not; a guest cut short by
 * a host panic logs no end, its panic instead). First a last request (a sentinel, sent
 * after every request of the suite has been answered) must complete; then the runs that
 * started and never completed must be as many as the host panics. Only then is the
 * stack stopped: its output pipes are read to the end before stop() resolves, so a trap
 * written to stderr is not lost to ordering against stdout.
 */
export async function settleAndStop(stack, { timeoutMs = 30_000 } = {}) {
  await settle(stack, { timeoutMs });
  await stack.stop();
  return classifyLog(stack.logs);
}

/**
 * The waiting half of settleAndStop, without the stop: resolves once the sentinel and
 * every guest run started before it have ended (or died in a host panic). Each run's
 * `mcp_log` line comes before its `request completed` line on Viceroy's stdout, so the
 * request lines of every run before the sentinel are then in stack.logs.
 */
export async function settle(stack, { timeoutMs = 30_000 } = {}) {
  const marker = `/settle-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  await (await fetch(`${stack.base}${marker}`)).arrayBuffer();
  let summary = '';
  await stack.waitForLog((logs) => {
    const started = new Map();
    const completed = new Set();
    let sentinel;
    let panics = 0;
    for (const line of logs) {
      const h = HANDLING.exec(line);
      if (h) {
        started.set(h[1], `${h[2]} ${h[3]}`);
        if (h[3].endsWith(marker)) sentinel = h[1];
        continue;
      }
      const c = COMPLETED.exec(line);
      if (c) completed.add(c[1]);
      else if (line.startsWith('viceroy| thread ') && / panicked at /.test(line) && VICEROY_SOURCE.test(line)) panics += 1;
    }
    const open = [...started].filter(([id]) => !completed.has(id));
    summary = `${started.size} guest runs started, ${completed.size} completed, ${panics} host panics; `
      + `sentinel ${sentinel === undefined ? 'not seen' : completed.has(sentinel) ? 'completed' : 'running'}; `
      + `not completed: ${open.slice(0, 20).map(([id, what]) => `#${id} ${what}`).join(', ') || 'none'}`
      + (started.size === 0 ? ' (no `handling request` lines: start the stack with extraArgs [\'-v\'])' : '');
    return sentinel !== undefined && completed.has(sentinel) && open.length === panics;
  }, { timeoutMs, what: `every guest run to end (${summary || 'nothing seen yet'})` }).catch((err) => {
    throw new Error(`${err.message}\n${summary}`);
  });
}
