// The classifier of Viceroy's log (tests/lib/viceroy-log.mjs) that the hostile and
// http-errors suites rely on: a guest trap fails them, a Viceroy host panic is a note.
// Checked on the lines Viceroy 0.22.0 really printed (captured from runs: a Rust guest
// that panics, stripped and with symbol names, and the host panic a half-closed client
// causes), and end to end on a guest that traps under Viceroy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { classifyLog, describeHostPanics, settleAndStop } from './lib/viceroy-log.mjs';
import { startStack } from './lib/stack.mjs';

const asLog = (source, text) => text.split('\n').map((line) => `${source}| ${line}\n`);

const HOST_PANIC = `thread 'tokio-rt-worker' (30328) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/viceroy-lib-0.22.0/src/sandbox/downstream.rs:72:14:
response receiver is open: ()
stack backtrace:
   0: __rustc::rust_begin_unwind
   1: core::panicking::panic_fmt
   2: core::result::unwrap_failed
   3: viceroy_lib::sandbox::Sandbox::send_downstream_response::{{closure}}
   4: <tracing::instrument::Instrumented<T> as core::future::future::Future>::poll
   5: viceroy_lib::wiggle_abi::fastly_http_resp::add_to_linker::{{closure}}::{{closure}}
   6: wasmtime::runtime::func::HostFunc::wrap_async::{{closure}}::{{closure}}
   7: wasmtime::runtime::fiber::BlockingContext::block_on
   8: wasmtime::runtime::fiber::BlockingContext::with
   9: wasmtime::runtime::vm::traphandlers::catch_unwind_and_record_trap
  10: wasmtime::runtime::func::HostFunc::array_call_trampoline
  11: <unknown>
  20: wasmtime::runtime::vm::traphandlers::catch_traps
  21: wasmtime::runtime::func::invoke_wasm_and_catch_traps
  22: wasmtime::runtime::func::typed::TypedFunc<Params,Results>::call_raw
  29: viceroy_lib::execute::ExecuteCtx::run_guest::{{closure}}
  30: <viceroy_lib::execute::CpuTimeTracking<F> as core::future::future::Future>::poll
  31: tokio::runtime::task::core::Core<T,S>::poll
note: Some details are omitted, run with \`RUST_BACKTRACE=full\` for a verbose backtrace.`;

// The same panic without RUST_BACKTRACE (std's hook then prints only the hint).
const HOST_PANIC_SHORT = `thread 'tokio-rt-worker' (30327) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/viceroy-lib-0.22.0/src/sandbox/downstream.rs:72:14:
response receiver is open: ()
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace`;

const GUEST_PANIC_STRIPPED = `
thread 'main' (1) panicked at src/main.rs:9:21:
index out of bounds: the len is 0 but the index is 3
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace
2026-12-01T02:52:30.009180Z ERROR WebAssembly trapped: error while executing at wasm backtrace:
    0:   0x3bb9 - <unknown>!<wasm function 109>
    1:   0x23d4 - <unknown>!<wasm function 60>

Caused by:
    wasm trap: wasm \`unreachable\` instruction executed

Stack backtrace:
   0: wasmtime_internal_core::error::backtrace::capture
  12: viceroy_lib::execute::ExecuteCtx::run_guest::{{closure}}
  14: tokio::runtime::task::core::Core<T,S>::poll`;

const GUEST_PANIC_SYMBOLS = `2026-12-01T02:52:33.024104Z ERROR request{id=7}: WebAssembly trapped: error while executing at wasm backtrace:
    0:   0x3bb9 - abort
                    at wasisdk://v30.0/src/wasi-libc/libc-bottom-half/sources/abort.c:5:3
   12:    0x2c1 - trap_guest-cf8127f3bbbc638d.wasm!trap_guest::main::hf1ff5c9c58dab16c`;

const SERVICE_LINES = `mcp_log :: {"request_id":"93e084fbbe2519c4","principal":"local","http_method":"POST","path":"/panicked/wasm trap: <wasm function 1>","mcp_method":null,"tool":null,"status":404,"duration_ms":0.27}
2026-12-01T02:55:11.888410Z  INFO request{id=24}: handling request POST http://127.0.0.1/mcp
2026-12-01T02:55:11.912722Z  INFO request{id=24}: request completed in 24ms`;

test('a Viceroy host panic is the host\'s, with or without a backtrace', () => {
  for (const text of [HOST_PANIC, HOST_PANIC_SHORT]) {
    const out = classifyLog([...asLog('viceroy', SERVICE_LINES), ...asLog('viceroy', text)]);
    assert.deepEqual(out.guestTraps, []);
    assert.deepEqual(out.unclassifiedPanics, []);
    assert.equal(out.hostPanics.length, 1);
    assert.equal(out.hostPanics[0].thread, 'tokio-rt-worker');
    assert.match(out.hostPanics[0].location, /\/viceroy-lib-0\.22\.0\/src\/sandbox\/downstream\.rs:72:14$/);
    assert.equal(out.hostPanics[0].message, 'response receiver is open: ()');
  }
  const two = classifyLog([...asLog('viceroy', HOST_PANIC), ...asLog('viceroy', HOST_PANIC_SHORT)]);
  assert.deepEqual(describeHostPanics(two.hostPanics), [
    '2 x thread \'tokio-rt-worker\' panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/viceroy-lib-0.22.0/src/sandbox/downstream.rs:72:14: response receiver is open: ()',
  ]);
});

test('a guest panic is a trap and an unclassified panic, never a host panic', () => {
  const stripped = classifyLog(asLog('viceroy', GUEST_PANIC_STRIPPED));
  assert.deepEqual(stripped.hostPanics, []);
  assert.deepEqual(stripped.unclassifiedPanics, ['viceroy| thread \'main\' (1) panicked at src/main.rs:9:21:']);
  assert.deepEqual(stripped.guestTraps.map((l) => l.trim()), [
    'viceroy| 2026-12-01T02:52:30.009180Z ERROR WebAssembly trapped: error while executing at wasm backtrace:',
    'viceroy|     0:   0x3bb9 - <unknown>!<wasm function 109>',
    'viceroy|     1:   0x23d4 - <unknown>!<wasm function 60>',
    'viceroy|     wasm trap: wasm `unreachable` instruction executed',
  ]);
  const symbols = classifyLog(asLog('viceroy', GUEST_PANIC_SYMBOLS));
  assert.equal(symbols.guestTraps.length, 2, JSON.stringify(symbols));
  assert.deepEqual(symbols.hostPanics, []);
});

test('a host panic next to a guest trap hides nothing; a panic elsewhere in the host is unclassified', () => {
  const both = classifyLog([...asLog('viceroy', HOST_PANIC), ...asLog('viceroy', GUEST_PANIC_STRIPPED)]);
  assert.equal(both.hostPanics.length, 1);
  assert.equal(both.guestTraps.length, 4);
  const tokio = classifyLog(asLog('viceroy', "thread 'tokio-rt-worker' (5) panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.48.0/src/runtime/task/core.rs:1:1:\nboom"));
  assert.equal(tokio.unclassifiedPanics.length, 1);
  assert.equal(tokio.hostPanics.length, 0);
  const pushpin = classifyLog(asLog('pushpin', "thread 'main' panicked at /x/viceroy-lib-0.22.0/src/a.rs:1:1:"));
  assert.equal(pushpin.unclassifiedPanics.length, 1, 'only Viceroy\'s own output can hold a Viceroy host panic');
});

test('the service\'s own request lines are data, not evidence', () => {
  const out = classifyLog(asLog('viceroy', SERVICE_LINES));
  assert.deepEqual(out, { hostPanics: [], guestTraps: [], unclassifiedPanics: [] });
});

// A module whose _start executes `unreachable`: every request traps.
const UNREACHABLE_WASM = Buffer.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: () -> ()
  0x03, 0x02, 0x01, 0x00, // functions: one of type 0
  0x07, 0x0a, 0x01, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x00, // export "_start"
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // code: unreachable; end
]);

test('end to end: a guest that traps under Viceroy is caught as a guest trap', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trap-guest-'));
  const wasm = path.join(dir, 'unreachable.wasm');
  await writeFile(wasm, UNREACHABLE_WASM);
  const stack = await startStack({ wasm, extraArgs: ['-v'] });
  try {
    const res = await fetch(`${stack.base}/mcp`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 500);
    assert.match(await res.text(), /wasm trap: wasm `unreachable` instruction executed/);
    const out = await settleAndStop(stack);
    assert.deepEqual(out.hostPanics, []);
    assert.deepEqual(out.unclassifiedPanics, []);
    // Every guest run (the startup probe, this request, the settle request) trapped.
    const ids = (re) => stack.logs.map((l) => re.exec(l)?.[1]).filter(Boolean).sort();
    const runs = ids(/INFO request\{id=(\d+)\}: handling request /);
    const trapped = ids(/ERROR request\{id=(\d+)\}: WebAssembly trapped: /);
    assert.ok(runs.length >= 2, runs.join());
    assert.deepEqual(trapped, runs);
    assert.deepEqual(out.guestTraps.filter((l) => / WebAssembly trapped: /.test(l)).length, runs.length, out.guestTraps.join('\n'));
    assert.ok(out.guestTraps.some((l) => l.includes('<wasm function 0>')));
  } finally {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
