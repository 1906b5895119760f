// Helpers of the control-plane part of the api double (./control-plane.mjs): Fastly-like
// ids and timestamps, request body decoding (form, JSON, multipart), and reading the
// files of an uploaded Compute package (.tar.gz) to compute the CLI's `files_hash`.
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { readBody, sendJson } from './http.mjs';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random 22-character alphanumeric id, the shape of Fastly's service/store/link ids. */
export function newId(length = 22) {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejection sampling keeps the alphabet uniform.
      if (byte < 248 && id.length < length) id += ALNUM[byte % 62];
    }
  }
  return id;
}

/** ISO 8601 UTC without milliseconds, as the API writes timestamps. */
export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Body as a form: { key: value } with repeated keys (and `key[]`) collected into arrays. */
export async function readForm(req) {
  const text = (await readBody(req)).toString('utf8');
  const form = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    if (rawKey.endsWith('[]')) form[key] = [].concat(form[key] ?? [], value);
    else if (key in form) form[key] = [].concat(form[key], value);
    else form[key] = value;
  }
  return form;
}

/** Body as JSON, or throws a 400 error. */
export async function readJson(req) {
  const text = (await readBody(req)).toString('utf8');
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw Object.assign(new Error('request body is not valid JSON'), { status: 400 });
  }
}

/** The parts of a multipart/form-data body: [{ name, filename, contentType, data: Buffer }]. */
export async function readMultipart(req) {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
  if (!match) throw Object.assign(new Error('expected multipart/form-data with a boundary'), { status: 400 });
  const body = await readBody(req);
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  const parts = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter, before next
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const head = part.subarray(0, split).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
      parts.push({
        name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? null,
        filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null,
        contentType: /content-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? null,
        data: Buffer.from(part.subarray(split + 4)),
      });
    }
    start = next;
  }
  return parts;
}

/**
 * The regular files of a .tar.gz ([{ name, data }]), reading ustar names with prefix,
 * GNU long names ('L') and PAX `path` records. Throws on a malformed archive.
 */
export function tarGzFiles(buffer) {
  const tar = gunzipSync(buffer);
  const files = [];
  let offset = 0;
  let longName = null;
  const field = (block, start, length) => block.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(header, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    const data = tar.subarray(offset + 512, offset + 512 + size);
    longName = null;
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? null;
    else if (type === '0' || type === '7') files.push({ name, data: Buffer.from(data) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The CLI's files hash of a package: SHA-512 over the files' contents sorted by name. */
export function filesHash(files) {
  const hash = createHash('sha512');
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(file.data);
  return hash.digest('hex');
}

// Error bodies in the legacy API's shape ({msg, detail}); see go-fastly's recorded fixtures.
export const badRequest = (res, detail) => sendJson(res, 400, { msg: 'Bad request', detail });
export const notFoundRecord = (res, detail) => sendJson(res, 404, detail ? { msg: 'Record not found', detail } : { msg: 'Record not found' });
export const conflict = (res, detail) => sendJson(res, 409, { msg: 'Conflict', detail });
