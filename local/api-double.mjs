#!/usr/bin/env node
// The local double of api.fastly.com (see local/api-double/server.mjs).
//
// Library:  import { startApiDouble } from './local/api-double.mjs'
// CLI:      node local/api-double.mjs [--port 7678] [--publish-port 5561]
//             [--token T | env MCP_API_TOKEN] [--service-id 0000000000000000000000]
//             [--backoffice-token B | env MCP_BACKOFFICE_TOKEN]
//           Env fallbacks: API_DOUBLE_PORT, PUSHPIN_PUBLISH_PORT, MCP_API_TOKEN, API_DOUBLE_SERVICE_ID,
//           MCP_BACKOFFICE_TOKEN (optional: without it the /backoffice/ routes answer 503).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_SERVICE_ID, startApiDouble } from './api-double/server.mjs';

export { LOCAL_SERVICE_ID, createApiDouble, startApiDouble } from './api-double/server.mjs';

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.API_DOUBLE_PORT || '7678' },
      'publish-port': { type: 'string', default: process.env.PUSHPIN_PUBLISH_PORT || '5561' },
      token: { type: 'string' },
      'backoffice-token': { type: 'string' },
      'service-id': { type: 'string', default: process.env.API_DOUBLE_SERVICE_ID || LOCAL_SERVICE_ID },
    },
  });
  const token = values.token || process.env.MCP_API_TOKEN;
  if (!token) {
    console.error('api-double: no expected token (pass --token or set MCP_API_TOKEN; scripts/env.sh generates one)');
    process.exit(2);
  }
  const backofficeToken = values['backoffice-token'] || process.env.MCP_BACKOFFICE_TOKEN || undefined;
  const double = await startApiDouble({
    port: Number(values.port),
    token,
    backofficeToken,
    serviceId: values['service-id'],
    publishUrl: `http://127.0.0.1:${Number(values['publish-port'])}/publish/`,
  });
  console.error(`api-double: listening on ${double.url} (POST /service/${values['service-id']}/publish/ -> Pushpin :${values['publish-port']})`);
  console.error(`api-double: request log at ${double.url}/__double/requests; /backoffice/ ${backofficeToken ? 'enabled' : 'disabled (no --backoffice-token / MCP_BACKOFFICE_TOKEN)'}`);
  const shutdown = async () => {
    await double.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`api-double: ${err.message}`);
    process.exit(1);
  });
}
