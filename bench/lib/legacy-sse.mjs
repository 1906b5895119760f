// The legacy HTTP+SSE transport (2024-11-05) as a benchmark client: GET /sse (held by
// Pushpin after the service's Fanout hand-off), read the `endpoint` event, POST
// messages to /messages?sessionId=..., and wait for each reply to arrive as an event
// on the held stream.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize } from './stats.mjs';

// Streams: one socket each, never pooled. POSTs: a small keep-alive pool.
const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const postAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a JSON body; resolves { status, text }. */
export function postJson(url, body, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request(url, {
      method: 'POST',
      agent: postAgent,
      headers: { 'content-type': 'application/json', 'content-length': data.length, accept: 'application/json, text/event-stream' },
      timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Opens GET base/sse and resolves once the endpoint event arrived:
 * { endpoint, sessionId, waitFor(id, timeoutMs), received, close() }.
 * waitFor resolves with the parsed JSON-RPC message whose id is `id`.
 */
export function openSession(base, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let buffer = '';
    const waiting = new Map(); // id -> resolve
    const arrived = new Map(); // id -> message, for replies that came before waitFor
    let onEnd = null;
    const session = {
      endpoint: null,
      sessionId: null,
      received: 0,
      waitFor(id, waitMs = 30_000) {
        if (arrived.has(id)) {
          const message = arrived.get(id);
          arrived.delete(id);
          return Promise.resolve(message);
        }
        return new Promise((ok, fail) => {
          const timer = setTimeout(() => {
            waiting.delete(id);
            fail(new Error(`no event for id ${id} within ${waitMs} ms`));
          }, waitMs);
          waiting.set(id, (message) => {
            clearTimeout(timer);
            ok(message);
          });
        });
      },
      close() {
        req.destroy();
      },
    };
    const req = http.get(`${base}/sse`, { agent: streamAgent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        settled = true;
        res.resume();
        reject(new Error(`GET /sse: HTTP ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length === 0) continue; // a keep-alive comment
          const text = data.join('\n');
          if (event === 'endpoint' && !settled) {
            settled = true;
            clearTimeout(timer);
            session.endpoint = new URL(text, base).toString();
            session.sessionId = new URL(session.endpoint).searchParams.get('sessionId');
            resolve(session);
            continue;
          }
          if (event !== 'message') continue;
          session.received += 1;
          let message;
          try {
            message = JSON.parse(text);
          } catch {
            continue;
          }
          const key = message.id;
          if (key === undefined) continue; // a notification
          const waiter = waiting.get(key);
          if (waiter) {
            waiting.delete(key);
            waiter(message);
          } else {
            arrived.set(key, message);
          }
        }
      });
      res.on('end', () => onEnd?.());
      res.on('error', () => {});
    });
    req.on('error', (err) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        req.destroy();
        reject(new Error(`GET /sse: no endpoint event within ${timeoutMs} ms`));
      }
    }, timeoutMs);
  });
}

/**
 * `n` sequential round trips on one session: POST `message(i)` to /messages (202), wait
 * for the reply event, then pause `pauseMs`. Returns latency stats in ms (the whole
 * round trip, and `post`: until the 202).
 */
export async function roundTrips(base, n, message, { pauseMs = 0 } = {}) {
  const session = await openSession(base);
  const samples = [];
  const posts = [];
  try {
    for (let i = 0; i < n; i += 1) {
      const id = `rt-${i}`;
      const body = message(id);
      const start = performance.now();
      const waiting = session.waitFor(id, 10_000);
      const posted = await postJson(session.endpoint, body);
      if (posted.status !== 202) throw new Error(`POST /messages: HTTP ${posted.status}: ${posted.text.slice(0, 200)}`);
      posts.push(performance.now() - start);
      const reply = await waiting;
      samples.push(performance.now() - start);
      if (reply.error) throw new Error(`round trip ${i}: JSON-RPC error ${JSON.stringify(reply.error)}`);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    session.close();
  }
  return { ...summarize(samples), post: summarize(posts) };
}

/** Runs `fn(item)` over items with at most `limit` in flight; resolves with the results. */
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The soak: open `sessions` GET /sse streams (held by Pushpin), POST one message to
 * each, count the replies that arrive on the right stream. lost must be 0.
 */
export async function soak(base, { sessions, openConcurrency = 32, postConcurrency = 32, deliveryTimeoutMs = 60_000 }) {
  const started = performance.now();
  const opened = [];
  const openErrors = [];
  await pool(Array.from({ length: sessions }, (_, i) => i), openConcurrency, async () => {
    try {
      opened.push(await openSession(base, { timeoutMs: 60_000 }));
    } catch (err) {
      openErrors.push(err.message);
    }
  });
  const openMs = performance.now() - started;
  const postStart = performance.now();
  const postErrors = [];
  const waits = [];
  await pool(opened, postConcurrency, async (session, index) => {
    const id = `soak-${index}`;
    const waiting = session.waitFor(id, deliveryTimeoutMs);
    waiting.catch(() => {}); // counted below
    waits.push(waiting);
    try {
      const posted = await postJson(session.endpoint, { jsonrpc: '2.0', id, method: 'ping' });
      if (posted.status !== 202) postErrors.push(`HTTP ${posted.status}: ${posted.text.slice(0, 120)}`);
    } catch (err) {
      postErrors.push(err.message);
    }
  });
  const postMs = performance.now() - postStart;
  const outcomes = await Promise.allSettled(waits);
  const deliveredMs = performance.now() - postStart;
  const received = outcomes.filter((o) => o.status === 'fulfilled').length;
  for (const session of opened) session.close();
  return {
    sessions,
    opened: opened.length,
    openErrors: openErrors.length,
    openErrorSample: openErrors.slice(0, 3),
    posted: opened.length - postErrors.length,
    postErrors: postErrors.length,
    postErrorSample: postErrors.slice(0, 3),
    received,
    lost: sessions - received,
    openSeconds: openMs / 1000,
    postSeconds: postMs / 1000,
    deliverySeconds: deliveredMs / 1000,
  };
}

/**
 * `n` sequential POSTs of `body` to a Streamable HTTP endpoint on one keep-alive
 * connection, `pauseMs` apart; latency stats (ms) until the reply has fully arrived.
 */
export async function sequentialPosts(url, body, n, { pauseMs = 0 } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const data = Buffer.from(JSON.stringify(body));
  const samples = [];
  try {
    for (let i = 0; i < n; i += 1) {
      const start = performance.now();
      await new Promise((resolve, reject) => {
        const req = http.request(url, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': data.length, accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
        }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
          res.resume();
          res.on('end', resolve);
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(data);
      });
      samples.push(performance.now() - start);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  } finally {
    agent.destroy();
  }
  return summarize(samples);
}
