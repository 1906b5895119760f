#!/usr/bin/env node
// `make profile`: where one request's guest time goes. Runs the release wasm with its
// symbol names (built by bench/profile.sh) under Viceroy's sampling guest profiler
// (`viceroy serve --profile=guest,DIR,10us`, one Firefox-profiler JSON per request),
// sends N identical requests, and prints the functions by share of the samples:
// inclusive (on the stack) and self (on top).
//
//   node bench/profile.mjs WASM [N] [full]
//   PROFILE_BODY='{"jsonrpc":"2.0","id":1,"method":"tools/list"}' node bench/profile.mjs WASM
//
// `full` uses fastly.toml's local config (both catalogs, 39 tools) instead of the
// benchmark's 2-tool config. Samples land at the guest's next safepoint, so time spent
// in a hostcall shows up in the guest function that made it (or the one right after).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, MCP_HEADERS } from '../tests/lib/stack.mjs';

const [wasm, countArg = '200', configArg = ''] = process.argv.slice(2);
if (!wasm) {
  console.error('usage: node bench/profile.mjs WASM [N] [full]');
  process.exit(2);
}
const count = Number(countArg);
const body = process.env.PROFILE_BODY
  || JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'diagnostics_payload', arguments: { bytes: 1024 } } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-edge-profile-'));
// PROFILE_SETTINGS='{"bench_tools":"1000","page_size":"5000"}' adds settings to either
// (the bench catalog needs a wasm built with the bench-catalog feature).
const config = {
  ...(configArg === 'full' ? {} : { conformance: 'off', diagnostics: 'on', tool_sets: '' }),
  ...(process.env.PROFILE_SETTINGS ? JSON.parse(process.env.PROFILE_SETTINGS) : {}),
};

process.env.WASM = wasm;
const stack = await startStack({ config, extraArgs: [`--profile=guest,${dir},10us`] });
let failures = 0;
try {
  const headers = { ...MCP_HEADERS, 'MCP-Protocol-Version': '2025-11-25' };
  for (let i = 0; i < count; i += 1) {
    const res = await fetch(stack.mcp, { method: 'POST', headers, body });
    await res.text();
    if (res.status !== 200) failures += 1;
  }
  // Viceroy writes a request's profile after its response: wait until every one is
  // complete JSON before stopping it (a stop mid-write left a truncated file).
  const complete = (file) => {
    try {
      JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const files = fs.readdirSync(dir);
    if (files.length >= count && files.every(complete)) break;
    if (Date.now() > deadline) throw new Error(`only ${files.filter(complete).length} of ${count} profiles complete after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
} finally {
  await stack.stop();
}

/** Function name without the hash suffix rustc adds to symbols. */
const clean = (name) => name.replace(/::h[0-9a-f]{16}$/, '');
const inclusive = new Map();
const self = new Map();
// PROFILE_CALLERS=free: for samples with a matching function on top, the 3 frames under it.
const callersOf = process.env.PROFILE_CALLERS ? new RegExp(process.env.PROFILE_CALLERS) : null;
const callers = new Map();
let samples = 0;
let spans = 0;
let profiles = 0;
for (const file of fs.readdirSync(dir)) {
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  profiles += 1;
  for (const thread of profile.threads) {
    const { samples: s, stackTable, frameTable, funcTable, stringArray } = thread;
    spans += s.timeDeltas.reduce((a, b) => a + b, 0);
    const name = (frame) => clean(stringArray[funcTable.name[frameTable.func[frame]]]);
    for (let k = 0; k < s.stack.length; k += 1) {
      let stack = s.stack[k];
      if (stack === null) continue;
      samples += 1;
      const seen = new Set();
      if (callersOf && callersOf.test(name(stackTable.frame[stack]))) {
        const chain = [];
        for (let up = stackTable.prefix[stack]; up !== null && chain.length < 3; up = stackTable.prefix[up]) chain.push(name(stackTable.frame[up]).slice(0, 90));
        const key = chain.join(' < ');
        callers.set(key, (callers.get(key) || 0) + 1);
      }
      let top = true;
      while (stack !== null) {
        const fn = name(stackTable.frame[stack]);
        if (top) self.set(fn, (self.get(fn) || 0) + 1);
        top = false;
        if (!seen.has(fn)) inclusive.set(fn, (inclusive.get(fn) || 0) + 1);
        seen.add(fn);
        stack = stackTable.prefix[stack];
      }
    }
  }
}
if (!process.env.PROFILE_KEEP) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`profiles kept in ${dir}`);

const pct = (n) => `${((100 * n) / samples).toFixed(1).padStart(5)}%`;
const top = (map, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`${profiles} requests profiled (${failures} not 200), ${samples} samples at 10 us, ${(samples / profiles).toFixed(1)} per request; mean profiled span ${(spans / profiles).toFixed(3)} ms (the profiler slows the guest)`);
console.log('\ninclusive (share of samples with the function on the stack):');
for (const [fn, n] of top(inclusive, 40)) console.log(`${pct(n)}  ${fn.slice(0, 140)}`);
console.log('\nself (share of samples with the function on top):');
for (const [fn, n] of top(self, 20)) console.log(`${pct(n)}  ${fn.slice(0, 140)}`);
if (callersOf) {
  console.log(`\ncallers of /${callersOf.source}/ on top (share of all samples):`);
  for (const [chain, n] of top(callers, 15)) console.log(`${pct(n)}  ${chain}`);
}
process.exit(failures === 0 ? 0 : 1);
