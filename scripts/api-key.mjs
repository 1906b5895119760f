#!/usr/bin/env node
// Makes a client API key for a deployed service (README: Deploying).
//
//   node scripts/api-key.mjs --name librechat [--tool-sets fastly] [--write-sets ""]
//                            [--file api_keys.json]
//   make api-key NAME=librechat [SETS=fastly] [WRITES=] [FILE=api_keys.json]
//
// Prints the new key (shown once: only its SHA-256 is kept), then the whole `api_keys`
// secret as one line of JSON (what the `api_keys` prompt of the first
// `fastly compute publish` takes), then the command that stores it on a service that
// already exists. The Secret Store is write-only, so the entries (names, hashes and
// grants: nothing secret) are kept in --file, and a new key is added to those already
// there: the stored secret always holds every key. A name may be used once.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SET = /^[a-z0-9_-]{1,32}$/;

function fail(message) {
  console.error(`api-key: ${message}`);
  process.exit(2);
}

function sets(value, what) {
  const list = value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = list.find((s) => !SET.test(s));
  if (bad) fail(`${what}: "${bad}" is not a tool set name`);
  return [...new Set(list)];
}

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    'tool-sets': { type: 'string', default: 'fastly' },
    'write-sets': { type: 'string', default: '' },
    file: { type: 'string', default: 'api_keys.json' },
  },
});
if (!values.name || !NAME.test(values.name)) fail('--name is required: letters, digits, . _ - (at most 64)');
const toolSets = sets(values['tool-sets'], '--tool-sets');
const writeSets = sets(values['write-sets'], '--write-sets');
const outside = writeSets.filter((s) => !toolSets.includes(s));
if (outside.length > 0) fail(`--write-sets ${outside.join(',')} not in --tool-sets`);

let entries = [];
if (existsSync(values.file)) {
  try {
    entries = JSON.parse(readFileSync(values.file, 'utf8'));
  } catch (err) {
    fail(`${values.file} is not JSON (${err.message})`);
  }
  if (!Array.isArray(entries)) fail(`${values.file} is not a JSON array of key entries`);
}
if (entries.some((entry) => entry?.name === values.name)) {
  fail(`a key named "${values.name}" is already in ${values.file}: names identify callers in logs and sessions, so each is used once`);
}

// 32 random bytes, base64url: 43 characters, safe in an Authorization header.
const key = randomBytes(32).toString('base64url');
const sha256 = createHash('sha256').update(key).digest('hex');
entries.push({ name: values.name, sha256, tool_sets: toolSets, write_sets: writeSets });
const line = JSON.stringify(entries);
writeFileSync(values.file, `${line}\n`, { mode: 0o600 });

console.log(`key for "${values.name}" (shown once; clients send "Authorization: Bearer <key>"):`);
console.log(`  ${key}`);
console.log(`api_keys secret, ${entries.length} key(s), kept in ${values.file} (hashes only):`);
console.log(`  ${line}`);
console.log('first publish: paste that line at the api_keys prompt. On a service that exists:');
console.log(
  `  fastly secret-store-entry create --recreate-allow --store-id "$(fastly secret-store list --json | node -e 'const s=JSON.parse(require("fs").readFileSync(0));process.stdout.write(s.find(x=>x.name==="mcp_secrets").id)')" --name api_keys --file ${values.file}`,
);
