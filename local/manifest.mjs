// Derives a per-stack copy of fastly.toml: the same manifest, byte for byte, except for
// the URLs of the named `[local_server.backends.<name>]` tables (test stacks run on free
// ports, `make serve` on the fixed ones written in fastly.toml).
//
// Deliberately a line-based edit rather than parse + re-serialise: everything else
// (config stores, secret stores, comments, order) stays exactly as written, so the tests
// run what `make serve` runs. Backend tables must be written in the table form
// (`[local_server.backends.NAME]` with `url = "..."` lines), as fastly.toml does; the
// form the Fastly CLI writes when `fastly compute publish` rewrites fastly.toml (indented
// tables under an empty `[local_server.backends]` header) works too.

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

function tomlString(value) {
  return JSON.stringify(String(value)); // a TOML basic string for plain ASCII URLs/hosts
}

/**
 * manifestWithBackends(text, { self: { url }, api: { url, override_host } })
 * Replaces the key/value lines of each named backend table (comments and blank lines
 * inside it are kept), or appends the table when the manifest has none.
 */
export function manifestWithBackends(text, backends) {
  const lines = text.split('\n');
  const out = [];
  const done = new Set();
  let current = null; // backend name of the table being rewritten
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      current = null;
      const match = /^local_server\.backends\.(.+)$/.exec(header[1]);
      const name = match && match[1].replace(/^"(.*)"$/, '$1');
      if (name && Object.hasOwn(backends, name)) {
        if (done.has(name)) throw new Error(`manifest: [local_server.backends.${name}] appears twice`);
        out.push(line);
        for (const [key, value] of Object.entries(backends[name])) out.push(`${key} = ${tomlString(value)}`);
        done.add(name);
        current = name;
        continue;
      }
      out.push(line);
      continue;
    }
    if (current !== null) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) out.push(line);
      // else: a key/value line of the replaced table, dropped
      continue;
    }
    out.push(line);
  }
  const missing = Object.keys(backends).filter((name) => !done.has(name));
  if (missing.length > 0) {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    for (const name of missing) {
      out.push(`[local_server.backends.${name}]`);
      for (const [key, value] of Object.entries(backends[name])) out.push(`${key} = ${tomlString(value)}`);
      out.push('');
    }
  }
  // Inline definitions (`[local_server.backends]` with `self = { ... }` lines) would clash
  // with the tables; refuse rather than write a manifest Viceroy rejects. The header alone
  // (as the Fastly CLI writes it) is fine.
  const inline = /^\s*\[local_server\.backends\]\s*$((?:\n\s*(?:#.*)?$)*)\n\s*[A-Za-z0-9_"-]+\s*=/m;
  if (inline.test(text)) throw new Error('manifest: write local backends as [local_server.backends.NAME] tables, not inline');
  return out.join('\n');
}

/**
 * manifestWithConfig(text, { key: value }) sets settings of the local Config Store
 * mcp_config (`[local_server.config_stores.mcp_config.contents]`). When the table has a
 * `settings` item (the one-item layout, README: Configuration), each key is set inside it
 * (its entry replaced, or added at the end), except `oauth_jwks`, which may be an item
 * of its own as it is in production; otherwise each key is an item (an existing
 * `key = ...` line replaced, a new one added at the end of the table).
 */
export function manifestWithConfig(text, overrides) {
  const table = 'local_server.config_stores.mcp_config.contents';
  const pending = new Map(Object.entries(overrides));
  if (pending.size === 0) return text;
  const lines = text.split('\n');
  let inTable = false;
  const settingsAt = lines.findIndex((line) => {
    const header = HEADER.exec(line);
    if (header) inTable = header[1] === table;
    return inTable && /^\s*settings\s*=/.test(line);
  });
  if (settingsAt >= 0) {
    const inItem = new Map([...pending].filter(([key]) => key !== 'oauth_jwks'));
    const current = JSON.parse(lines[settingsAt].replace(/^\s*settings\s*=\s*/, ''));
    lines[settingsAt] = `settings = ${tomlString(withSettings(current, inItem))}`;
    for (const key of inItem.keys()) pending.delete(key);
    if (pending.size === 0) return lines.join('\n');
  }
  const out = [];
  inTable = false;
  const flush = () => {
    for (const [key, value] of pending) out.push(`${key} = ${tomlString(value)}`);
    pending.clear();
  };
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      if (inTable) flush();
      inTable = header[1] === table;
      out.push(line);
      continue;
    }
    const key = inTable && /^\s*([A-Za-z0-9_]+)\s*=/.exec(line);
    if (key && pending.has(key[1])) {
      out.push(`${key[1]} = ${tomlString(pending.get(key[1]))}`);
      pending.delete(key[1]);
      continue;
    }
    out.push(line);
  }
  if (inTable) flush();
  if (pending.size > 0) throw new Error(`manifest: no [${table}] table`);
  return out.join('\n');
}

/** A `settings` item's text with `overrides` set in it (`key = value; ...`). */
export function withSettings(text, overrides) {
  const entries = text.split(/[;\n]/).map((part) => part.trim()).filter((part) => part && !part.startsWith('#'));
  const out = [];
  const pending = new Map(overrides);
  for (const entry of entries) {
    const key = entry.split('=')[0].trim();
    if (pending.has(key)) {
      out.push(`${key} = ${settingValue(key, pending.get(key))}`);
      pending.delete(key);
    } else {
      out.push(entry);
    }
  }
  for (const [key, value] of pending) out.push(`${key} = ${settingValue(key, value)}`);
  return out.join('; ');
}

function settingValue(key, value) {
  const text = String(value);
  if (/[;\n]/.test(text)) throw new Error(`manifest: ${key}'s value cannot hold ';' or a new line inside the settings item`);
  return text;
}
