// Runs wrk (a separate process) with lib/mcp.lua against one URL and one JSON-RPC body;
// returns the numbers mcp.lua's done() prints.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPinned } from './child.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'mcp.lua');

/**
 * runWrk({ url, body, expect: [substrings], connections, seconds, cpu })
 * cpu: a CPU list for taskset (the load generator's core), or null.
 * Resolves { rps, p50_ms, p99_ms, ..., errors, raw } (errors = non-2xx + socket errors +
 * 2xx replies without the expected content).
 */
export function runWrk({ url, body, headers = {}, expect = [], connections, seconds, cpu = null, timeoutSeconds = 5 }) {
  const threads = Math.min(connections, 2);
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--timeout', `${timeoutSeconds}s`, '--latency', '-s', SCRIPT, url];
  const env = {
    ...process.env,
    BENCH_BODY: typeof body === 'string' ? body : JSON.stringify(body),
    BENCH_EXPECT: expect.join('\u001f'),
    BENCH_HEADERS: Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\u001f'),
  };
  return runPinned('wrk', args, { cpu, env }).then(({ code, out, err }) => {
    const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (code !== 0 || !line) throw new Error(`wrk exited ${code}: ${err || out}`);
    const r = JSON.parse(line.slice('BENCH_RESULT '.length));
    const socketErrors = r.connect + r.read + r.write + r.timeout;
    return {
      requests: r.requests,
      seconds: r.duration_us / 1e6,
      rps: r.requests / (r.duration_us / 1e6),
      p50_ms: r.p50_us / 1000,
      p90_ms: r.p90_us / 1000,
      p99_ms: r.p99_us / 1000,
      mean_ms: r.mean_us / 1000,
      max_ms: r.max_us / 1000,
      over_20ms_pct: r.over_20ms_pct,
      wire_bytes_per_reply: r.requests > 0 ? Math.round(r.bytes / r.requests) : 0,
      non2xx: r.non2xx,
      socket_errors: socketErrors,
      socket: { connect: r.connect, read: r.read, write: r.write, timeout: r.timeout },
      bad_body: r.bad_body,
      errors: r.non2xx + socketErrors + r.bad_body,
      threads,
      connections,
    };
  });
}
