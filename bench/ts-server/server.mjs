// The official TypeScript SDK's stateless Streamable HTTP server (as its
// simpleStatelessStreamableHttp example: express via createMcpExpressApp, one new
// McpServer + StreamableHTTPServerTransport per request, sessionIdGenerator undefined)
// with the benchmark's tools:
//   diagnostics_payload {"bytes": n}  n bytes of text (as mcp-edge's), structuredContent {bytes}
//   bench_progress {"steps": n}       n progress notifications, then 1 KB of text
//   bench_tool_0000..                 BENCH_TOOLS synthetic tools (tools/list scaling)
// Replies are JSON (enableJsonResponse: true), except for a request that carries
// _meta.progressToken: the SDK drops notifications in JSON mode, so that request gets the
// SSE mode (enableJsonResponse: false), which is what mcp-edge and rmcp do on their own.
//
// Usage: node server.mjs PORT   (env BENCH_TOOLS=N)
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod/v4';

const port = Number(process.argv[2] || 3000);
const synthetic = Number(process.env.BENCH_TOOLS || 0);
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012';

function payload(bytes) {
  const lines = [];
  let length = 0;
  for (let line = 0; length < bytes; line += 1) {
    const text = `${String(line).padStart(8, '0')}${LETTERS}\n`;
    lines.push(text);
    length += text.length;
  }
  return lines.join('').slice(0, bytes);
}

function getServer() {
  const server = new McpServer({ name: 'bench-ts-server', version: '1.0.0' });
  server.registerTool(
    'diagnostics_payload',
    {
      description: 'Returns exactly `bytes` bytes of deterministic text (numbered 64-byte lines) so a client can check that a large reply arrives complete and in order.',
      inputSchema: { bytes: z.number().int().min(1).max(4194304).describe('Size of the text to return, in bytes') },
      annotations: { readOnlyHint: true },
    },
    async ({ bytes }) => ({ content: [{ type: 'text', text: payload(bytes) }], structuredContent: { bytes } }),
  );
  server.registerTool(
    'bench_progress',
    {
      description: 'Emits `steps` progress notifications (when the request carries a progress token) with no pause between them, then returns 1 KB of text: measures the cost of a streamed (SSE) reply.',
      inputSchema: { steps: z.number().int().min(0).max(10).describe('How many progress notifications to send') },
      annotations: { readOnlyHint: true },
    },
    async ({ steps }, extra) => {
      const progressToken = extra._meta?.progressToken;
      if (progressToken !== undefined) {
        for (let step = 1; step <= steps; step += 1) {
          await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: step, total: steps } });
        }
      }
      return { content: [{ type: 'text', text: payload(1024) }] };
    },
  );
  for (let i = 0; i < synthetic; i += 1) {
    server.registerTool(
      `bench_tool_${String(i).padStart(4, '0')}`,
      {
        description: `Synthetic tool number ${i}, registered for benchmarks only.`,
        inputSchema: { id: z.string().max(64) },
        annotations: { readOnlyHint: true },
      },
      async () => ({ content: [{ type: 'text', text: 'ok' }] }),
    );
  }
  return server;
}

const wantsProgress = (body) => {
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => m?.params?._meta?.progressToken !== undefined);
};

const app = createMcpExpressApp();
app.post('/mcp', async (req, res) => {
  const server = getServer();
  try {
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: !wantsProgress(req.body),
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    res.on('close', () => {
      transport.close();
      server.close();
    });
  } catch (error) {
    console.error('Error handling MCP request:', error);
    if (!res.headersSent) {
      res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  }
});
const methodNotAllowed = (req, res) => {
  res.writeHead(405).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
};
app.get('/mcp', methodNotAllowed);
app.delete('/mcp', methodNotAllowed);

const listener = app.listen(port, '127.0.0.1', (error) => {
  if (error) {
    console.error('Failed to start server:', error);
    process.exit(1);
  }
  console.error(`TS SDK bench server listening on http://127.0.0.1:${listener.address().port}/mcp (${synthetic} synthetic tools)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
