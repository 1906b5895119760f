// Small HTTP helpers shared by the api double's endpoint modules.

/** Largest request body the double reads (the real API's limits are not modelled). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function sendJson(res, status, body, extraHeaders = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
  return Buffer.byteLength(text);
}

/** Body for a path or method the double does not know, like the real API's 404. */
export function notFound(res) {
  return sendJson(res, 404, { msg: 'Not found' });
}

/**
 * Reads the whole request body (a Buffer), up to MAX_BODY_BYTES. When the server has
 * already read it (req.bufferedBody, for the request log), returns that.
 */
export function readBody(req) {
  if (Buffer.isBuffer(req.bufferedBody)) return Promise.resolve(req.bufferedBody);
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

