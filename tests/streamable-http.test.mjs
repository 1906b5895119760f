// The official TypeScript SDK client against the wasm under Viceroy, over Streamable HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { openSse, sseBlocks, sseEvent } from './lib/sse.mjs';
import { MCP_HEADERS, post, startStack } from './lib/stack.mjs';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

let stack;
let client;
let transport;

before(async () => {
  stack = await startStack();
  client = new Client({ name: 'sdk-test', version: '1.0.0' });
  transport = new StreamableHTTPClientTransport(new URL(stack.mcp));
  await client.connect(transport);
});

after(async () => {
  await client?.close();
  await stack?.stop();
});

test('initialize negotiates the latest version and issues a signed session id', () => {
  assert.equal(transport.protocolVersion, '2025-11-25');
  assert.match(transport.sessionId, /^s1\.[0-9a-f]+\.2025-11-25\.[0-9a-f]{32}\.[0-9a-f]{64}$/);
  const info = client.getServerVersion();
  assert.equal(info.name, 'mcp-edge');
  const caps = client.getServerCapabilities();
  for (const key of ['tools', 'resources', 'prompts', 'logging', 'completions']) {
    assert.ok(caps[key], `capability ${key}`);
  }
  assert.equal(caps.resources.subscribe, true);
});

test('the bare service URL serves MCP too', async () => {
  const root = new Client({ name: 'root', version: '1.0.0' });
  await root.connect(new StreamableHTTPClientTransport(new URL(`${stack.base}/`)));
  assert.deepEqual(await root.ping(), {});
  await root.close();
});

test('tools/list lists every fixture with a description and an object schema', async () => {
  const { tools, nextCursor } = await client.listTools();
  assert.equal(nextCursor, undefined);
  const names = tools.map((t) => t.name).sort();
  for (const name of [
    'test_simple_text', 'test_image_content', 'test_audio_content', 'test_embedded_resource',
    'test_multiple_content_types', 'test_tool_with_logging', 'test_error_handling',
    'test_tool_with_progress', 'test_structured_output', 'json_schema_2020_12_tool',
  ]) {
    assert.ok(names.includes(name), `missing ${name}`);
  }
  for (const tool of tools) {
    assert.ok(tool.description.length > 0, tool.name);
    assert.equal(tool.inputSchema.type, 'object', tool.name);
    assert.equal(typeof tool.annotations.readOnlyHint, 'boolean', tool.name);
    if (tool.name.startsWith('test_')) assert.equal(tool.annotations.readOnlyHint, true, tool.name);
  }
  const structured = tools.find((t) => t.name === 'test_structured_output');
  assert.deepEqual(structured.outputSchema.required, ['message', 'length']);
});

test('tools return each content type', async () => {
  const text = await client.callTool({ name: 'test_simple_text' });
  assert.deepEqual(text.content, [{ type: 'text', text: 'This is a simple text response for testing.' }]);

  const image = await client.callTool({ name: 'test_image_content', arguments: {} });
  assert.deepEqual(image.content, [{ type: 'image', data: PNG, mimeType: 'image/png' }]);

  const audio = await client.callTool({ name: 'test_audio_content', arguments: {} });
  assert.equal(audio.content[0].type, 'audio');
  assert.equal(audio.content[0].mimeType, 'audio/wav');

  const embedded = await client.callTool({ name: 'test_embedded_resource', arguments: {} });
  assert.deepEqual(embedded.content[0].resource, {
    uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.',
  });

  const mixed = await client.callTool({ name: 'test_multiple_content_types', arguments: {} });
  assert.deepEqual(mixed.content.map((c) => c.type), ['text', 'image', 'resource']);
});

test('tool failures are isError results, unknown tools are -32602', async () => {
  const failed = await client.callTool({ name: 'test_error_handling', arguments: {} });
  assert.equal(failed.isError, true);
  assert.equal(failed.content[0].text, 'This tool intentionally returns an error for testing');

  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (err) => {
    assert.ok(err instanceof McpError);
    assert.equal(err.code, -32602);
    assert.match(err.message, /unknown tool 'no_such_tool'/);
    return true;
  });
});

test('structured output and argument validation', async () => {
  const ok = await client.callTool({ name: 'test_structured_output', arguments: { message: 'héllo' } });
  assert.deepEqual(ok.structuredContent, { message: 'héllo', length: 5 });
  assert.deepEqual(JSON.parse(ok.content[0].text), ok.structuredContent);

  const bad = await client.callTool({ name: 'test_structured_output', arguments: { message: 42 } });
  assert.equal(bad.isError, true);
  assert.equal(bad.content[0].text, 'Invalid arguments: \'message\': 42 is not of type "string"');
});

test('Rust tools are held to their inputSchema like catalog tools', async () => {
  // additionalProperties: false, name a string, address.city a string.
  const bogus = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { bogus: 1, name: 5 } });
  assert.equal(bogus.isError, true, JSON.stringify(bogus));
  assert.match(bogus.content[0].text, /^Invalid arguments: /);
  assert.match(bogus.content[0].text, /'name': 5 is not of type "string"/);
  assert.match(bogus.content[0].text, /bogus/);
  const nested = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { address: { city: 7 } } });
  assert.equal(nested.isError, true);
  assert.match(nested.content[0].text, /'address\/city': 7 is not of type "string"/);
  const fine = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { name: 'x', email: 'x@example.com' } });
  assert.equal(fine.isError, undefined);
  // if/then/else: a phone contact needs a phone.
  const conditional = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { contactMethod: 'phone', email: 'x@example.com' } });
  assert.equal(conditional.isError, true);
  // A catalog tool refuses the same way.
  const catalog = await client.callTool({ name: 'backoffice_staff_role', arguments: { crew_id: 5 } });
  assert.equal(catalog.isError, true);
  assert.match(catalog.content[0].text, /^Invalid arguments: 'crew_id': 5 is not of type "string"/);
});

test('every structured result also carries its JSON as text (diagnostics_payload)', async () => {
  const { tools } = await client.listTools();
  const payload = tools.find((t) => t.name === 'diagnostics_payload');
  assert.equal(payload.outputSchema.type, 'object');
  const result = await client.callTool({ name: 'diagnostics_payload', arguments: { bytes: 100 } });
  assert.deepEqual(result.structuredContent, { bytes: 100 });
  assert.equal(result.content[0].text.length, 100, 'the payload comes first');
  const json = result.content.filter((c) => c.type === 'text').map((c) => { try { return JSON.parse(c.text); } catch { return undefined; } });
  assert.ok(json.some((v) => JSON.stringify(v) === JSON.stringify(result.structuredContent)), JSON.stringify(result.content.slice(1)));
});

test('progress notifications stream before the result: the raw stream', async () => {
  // What the service sent, read off the wire: one SSE event per notification, in order,
  // then the result, then the end of the stream.
  const res = await fetch(stack.mcp, {
    method: 'POST',
    headers: { ...MCP_HEADERS, 'mcp-session-id': transport.sessionId, 'mcp-protocol-version': transport.protocolVersion },
    body: JSON.stringify({
      jsonrpc: '2.0', id: 'progress-raw', method: 'tools/call',
      params: { name: 'test_tool_with_progress', arguments: {}, _meta: { progressToken: 'tok-7' } },
    }),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const events = sseBlocks(await res.text()).map(sseEvent);
  assert.deepEqual(events.map((e) => [e.comment, e.event]), Array(4).fill([false, 'message']));
  assert.deepEqual(events.map((e) => JSON.parse(e.data)), [
    ...[0, 50, 100].map((progress) => ({
      jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'tok-7', progress, total: 100 },
    })),
    { jsonrpc: '2.0', id: 'progress-raw', result: { content: [{ type: 'text', text: 'Progress test completed' }] } },
  ]);
});

test('progress reaches the client while the tool still works', async () => {
  // bench_progress reports one step, then works (sleeps) for 1 s, then answers. Read off
  // the wire as it comes: the progress event must arrive while the stream is still open,
  // and the result about a second later. A server that buffered the reply until the tool
  // finished would deliver both together.
  const headers = { ...MCP_HEADERS, 'mcp-session-id': transport.sessionId, 'mcp-protocol-version': transport.protocolVersion };
  const started = Date.now();
  const stream = await openSse(stack.mcp, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0', id: 'working', method: 'tools/call',
      params: { name: 'bench_progress', arguments: { steps: 1, pause_ms: 1000 }, _meta: { progressToken: 'work' } },
    }),
  });
  const progress = sseEvent(await stream.next((b) => b.includes('notifications/progress'), 10_000));
  const progressAt = Date.now() - started;
  assert.deepEqual(JSON.parse(progress.data).params, { progressToken: 'work', progress: 1, total: 1 });
  const result = sseEvent(await stream.next((b) => b.includes('"id":"working"'), 10_000));
  const resultAt = Date.now() - started;
  stream.close();
  assert.match(JSON.parse(result.data).result.content[0].text, /^00000000/);
  // The tool works 1 s after its progress: the two cannot have come together.
  assert.ok(resultAt - progressAt >= 500, `progress at ${progressAt} ms, result at ${resultAt} ms`);
  console.log(`progress on the wire at ${progressAt} ms, the result at ${resultAt} ms (the tool works 1,000 ms in between)`);
});

test('progress notifications stream before the result: the TS SDK client', async () => {
  // Deterministic with this transport: it hands each SSE event to the protocol layer in
  // its own turn (one reader.read() each), so a notification's handler, queued as a
  // microtask, runs before the next event (the result) is read, even when both came in
  // one chunk. (Over stdio the SDK parses a whole chunk in one loop: see legacy-sse.)
  const seen = [];
  const result = await client.callTool(
    { name: 'test_tool_with_progress', arguments: {} },
    undefined,
    { onprogress: (p) => seen.push(p) },
  );
  assert.deepEqual(seen.map((p) => [p.progress, p.total]), [[0, 100], [50, 100], [100, 100]]);
  assert.equal(result.content[0].text, 'Progress test completed');
});

test('log notifications stream before the result', async () => {
  const messages = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => messages.push(n.params));
  await client.setLoggingLevel('debug');
  const result = await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
  assert.equal(result.content[0].text, 'Tool with logging executed successfully');
  assert.deepEqual(messages.map((m) => [m.level, m.data]), [
    ['info', 'Tool execution started'],
    ['info', 'Tool processing data'],
    ['info', 'Tool execution completed'],
  ]);
});

test('resources: list, read text, binary and templated, and not found', async () => {
  const { resources } = await client.listResources();
  assert.deepEqual(resources.map((r) => r.uri), ['test://static-text', 'test://static-binary', 'test://watched-resource']);
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), ['test://template/{id}/data']);

  const text = await client.readResource({ uri: 'test://static-text' });
  assert.equal(text.contents[0].text, 'This is the content of the static text resource.');
  const binary = await client.readResource({ uri: 'test://static-binary' });
  assert.equal(binary.contents[0].blob, PNG);
  const templated = await client.readResource({ uri: 'test://template/123/data' });
  assert.deepEqual(JSON.parse(templated.contents[0].text), { id: '123', templateTest: true, data: 'Data for ID: 123' });

  await assert.rejects(client.readResource({ uri: 'test://missing' }), (err) => err.code === -32002);
  assert.deepEqual(await client.subscribeResource({ uri: 'test://watched-resource' }), {});
  assert.deepEqual(await client.unsubscribeResource({ uri: 'test://watched-resource' }), {});
});

test('prompts: list, get with arguments, missing arguments are -32602', async () => {
  const { prompts } = await client.listPrompts();
  // The fifth asks the client for input (2026-07-28: tests/modern-client, conformance).
  assert.deepEqual(prompts.map((p) => p.name).slice(3), ['test_prompt_with_image', 'test_input_required_result_prompt']);
  const got = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
  assert.equal(got.messages[0].content.text, "Prompt with arguments: arg1='a', arg2='b'");
  const embedded = await client.getPrompt({ name: 'test_prompt_with_embedded_resource', arguments: { resourceUri: 'test://x' } });
  assert.equal(embedded.messages[0].content.resource.uri, 'test://x');
  await assert.rejects(client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a' } }), (err) => {
    assert.equal(err.code, -32602);
    assert.match(err.message, /missing required argument 'arg2'/);
    return true;
  });
});

test('completion/complete filters by prefix', async () => {
  const prompt = await client.complete({
    ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
    argument: { name: 'arg1', value: 'test' },
  });
  assert.deepEqual(prompt.completion, { values: ['test', 'testValue1', 'testValue2'], total: 3, hasMore: false });
  const template = await client.complete({
    ref: { type: 'ref/resource', uri: 'test://template/{id}/data' },
    argument: { name: 'id', value: '1' },
  });
  assert.deepEqual(template.completion.values, ['1', '123']);
});

test('a valid session id is honoured, a tampered one is refused with 404', async () => {
  const ping = (sessionId) =>
    post(stack.mcp, { jsonrpc: '2.0', id: 1, method: 'ping' }, { 'mcp-session-id': sessionId });
  const valid = await ping(transport.sessionId);
  assert.equal(valid.status, 200);
  assert.deepEqual(valid.json.result, {});
  const tampered = transport.sessionId.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  const refused = await ping(tampered);
  assert.equal(refused.status, 404);
  assert.equal(refused.json.error.code, -32600);
  assert.match(refused.json.error.message, /unknown or expired session/);
});
