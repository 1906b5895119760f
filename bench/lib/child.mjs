// A measuring child process (wrk, a client stack) pinned to the load generator's core:
// runs it to its end and resolves { code, out, err }.
import { spawn } from 'node:child_process';

/** `command args`, under `taskset -c cpu` unless cpu is null; `input` goes to its stdin. */
export function runPinned(command, args, { cpu = null, env = process.env, input = null } = {}) {
  const [file, argv] = cpu === null ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    if (input !== null) child.stdin.end(input);
  });
}
