// Reading Server-Sent Events off the wire, byte for byte what the server sent (no MCP
// client in between): the tests that assert what the service put on a stream (which
// events, in which order) read it here rather than through an SDK's callbacks.

/** Splits SSE text into its blocks (the text between blank lines), in order. */
export function sseBlocks(text) {
  return text.replace(/\r\n?/g, '\n').split('\n\n').filter((b) => b.length > 0);
}

/**
 * One SSE block as { comment, event, data, id }: `comment` is true for a block of
 * comment lines only (a keep-alive); `event` defaults to 'message'; multi-line data is
 * joined with "\n".
 */
export function sseEvent(block) {
  const out = { comment: true, event: 'message', data: [], id: undefined };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    out.comment = false;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') out.event = value;
    else if (field === 'data') out.data.push(value);
    else if (field === 'id') out.id = value;
  }
  return { ...out, data: out.data.join('\n') };
}

/**
 * Opens an SSE stream with fetch (GET unless `init` says otherwise). Returns
 * { response, next, until, close }:
 *   next(pred, ms)   the first block (raw text) matching pred, taken out of the buffer;
 *                    blocks before it stay buffered
 *   until(pred, ms)  every block in arrival order up to and including the first one
 *                    matching pred, all taken out of the buffer
 * `ms` only bounds how long a test waits for a block that never comes (it then fails
 * with what it did see); it never decides an assertion.
 */
export async function openSse(url, { headers = {}, ...init } = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const blocks = [];

  async function fill(found, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = found();
      if (result !== undefined) return result;
      if (Date.now() > deadline) throw new Error(`no matching SSE block within ${timeoutMs} ms; saw ${JSON.stringify(blocks)}`);
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve({ timeout: true }), deadline - Date.now() + 1); });
      const chunk = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (chunk.timeout) continue;
      if (chunk.done) throw new Error(`stream ended; saw ${JSON.stringify(blocks)}`);
      buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        blocks.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  const next = (predicate, timeoutMs = 10_000) => fill(() => {
    const index = blocks.findIndex(predicate);
    return index >= 0 ? blocks.splice(index, 1)[0] : undefined;
  }, timeoutMs);

  const until = (predicate, timeoutMs = 10_000) => fill(() => {
    const index = blocks.findIndex(predicate);
    return index >= 0 ? blocks.splice(0, index + 1) : undefined;
  }, timeoutMs);

  return { response, next, until, close: () => controller.abort() };
}
