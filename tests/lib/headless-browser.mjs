// The "browser" mcp-remote opens for the authorization step (it runs `$BROWSER <url>`
// through the `open` package's xdg-open): follows the authorization server's redirects
// with its cookies (tests/lib/oidc.mjs approves the login and consent), then loads the
// client's redirect_uri, mcp-remote's own callback server, with the code.
import { browse } from './oidc.mjs';

const url = process.argv[2];
const callback = await browse(url, new URL(url).origin);
const res = await fetch(callback);
await res.body?.cancel();
process.exit(res.ok ? 0 : 1);
