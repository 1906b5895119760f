// Tools with an outputSchema, through the TS SDK client (which validates structuredContent
// against the schema it listed and throws when a success lacks it or does not conform):
// a 2xx answer from the API that cannot be shaped to the schema (empty, not JSON, a bare
// string, missing fields) must come back as an isError result the client can show, not as
// a result the client rejects.
//
// The api double's back office answers such bodies for crew ids c-9201..c-9204 (its odd
// 2xx fixtures, local/api-double/backoffice.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startStack } from './lib/stack.mjs';

let stack;
let client;
before(async () => {
  stack = await startStack();
  client = new Client({ name: 'output-schema-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcp)));
  // The client checks structuredContent against the outputSchemas it has listed.
  const { tools } = await client.listTools();
  for (const name of ['backoffice_register_hours', 'backoffice_staff_role']) {
    assert.equal(tools.find((t) => t.name === name).outputSchema.type, 'object', name);
  }
});
after(async () => {
  await client?.close();
  await stack?.stop();
});

const hours = (crew) => ({ name: 'backoffice_register_hours', arguments: { crew_id: crew, date: '2025-09-01', hours: 7.5 } });
const role = (crew) => ({ name: 'backoffice_staff_role', arguments: { crew_id: crew } });

for (const [label, call, status] of [
  ['an empty 201', hours('c-9201'), 201],
  ['a non-JSON 200', hours('c-9202'), 200],
  ['a bare JSON string', role('c-9203'), 200],
  ['an object missing required fields', role('c-9204'), 200],
]) test(`${label} is an isError result, not a result the client rejects`, async () => {
  const result = await client.callTool(call);
  assert.equal(result.isError, true, JSON.stringify(result));
  assert.equal(result.structuredContent, undefined);
  assert.match(result.content[0].text, new RegExp(`^HTTP ${status}: the API answered, but not in the shape this tool's output schema promises`));
});

test('a conforming answer still has its structuredContent', async () => {
  const result = await client.callTool(role('c-1001'));
  assert.equal(result.isError, undefined);
  assert.equal(result.structuredContent.name, 'Ana Ortiz');
});
