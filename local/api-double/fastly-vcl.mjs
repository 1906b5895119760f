// Generated VCL for the double's seeded services (GET .../generated_vcl), shaped like
// the VCL Fastly generates: pragmas, backend declarations, shield director, macro
// sections (#--FASTLY RECV BEGIN/END ...) and the boilerplate subroutines. Deterministic:
// the same service and version always give the same text.
//
// Size: services with `vcl.size === 'large'` carry a redirect table and an ACL (about
// 25 KB, for testing truncation); the others come out around 3-4 KB.
import { CUSTOMER_ID, backends, domains } from './fastly-data.mjs';
import { boilerplate } from './fastly-vcl-boilerplate.mjs';

const seconds = (ms) => `${ms / 1000}s`;

function backendBlock(s, b, compact) {
  const lines = [
    `backend F_${b.name} {`,
    '    .always_use_host_header = true;',
    `    .between_bytes_timeout = ${seconds(b.between_bytes_timeout)};`,
    `    .connect_timeout = ${seconds(b.connect_timeout)};`,
    '    .dynamic = true;',
    `    .first_byte_timeout = ${seconds(b.first_byte_timeout)};`,
    `    .host = "${b.address}";`,
  ];
  if (b.override_host) lines.push(`    .host_header = "${b.override_host}";`);
  lines.push(`    .max_connections = ${b.max_conn};`, `    .port = "${b.port}";`, `    .share_key = "${s.id}";`);
  if (b.use_ssl) {
    lines.push(
      '    .ssl = true;',
      `    .ssl_cert_hostname = "${b.ssl_cert_hostname}";`,
      '    .ssl_check_cert = always;',
      `    .min_tls_version = "${b.min_tls_version}";`,
      `    .ssl_sni_hostname = "${b.ssl_sni_hostname}";`,
    );
  }
  if (compact) return [...lines, '}'].join('\n');
  lines.push(
    '    .probe = {',
    '        .dummy = true;',
    '        .initial = 5;',
    '        .request = "HEAD / HTTP/1.1"  "Host: ' + (b.override_host ?? b.address) + '" "Connection: close";',
    '        .threshold = 1;',
    '        .timeout = 2s;',
    '        .window = 5;',
    '      }',
    '}',
  );
  return lines.join('\n');
}

function shieldBlocks(list) {
  return list
    .filter((b) => b.shield)
    .map((b) =>
      [
        `director ssl_shield_${b.shield.replace(/-/g, '_')} shield {`,
        `   .shield = "${b.shield}";`,
        '   .is_ssl = true;',
        '}',
      ].join('\n'),
    )
    .join('\n\n');
}

/** ~250 redirect rows + an ACL: what makes the large service's VCL about 25 KB. */
function largeExtras() {
  const sections = ['catalog', 'collections', 'journal', 'help', 'stores', 'gift-cards', 'account', 'campaigns'];
  const rows = [];
  for (let i = 1; i <= 250; i++) {
    const section = sections[i % sections.length];
    const n = String(i).padStart(3, '0');
    rows.push(`  "/${section}/legacy-item-${n}.html": "/${section}/items/${n}",`);
  }
  rows[rows.length - 1] = rows[rows.length - 1].replace(/,$/, '');
  const acl = ['acl internal_networks {', '  "192.0.2.0"/24;', '  "198.51.100.0"/24;', '  "203.0.113.0"/24;', '  "2001:db8::"/32;', '}'];
  return `table redirects {\n${rows.join('\n')}\n}\n\n${acl.join('\n')}`;
}

const LARGE_RECV = `
  # Legacy URL redirects (table redirects)
  if (table.contains(redirects, req.url.path)) {
    error 802 table.lookup(redirects, req.url.path);
  }

  # Staff-only paths
  if (req.url.path ~ "^/(admin|internal)/" && !(client.ip ~ internal_networks)) {
    error 403 "Forbidden";
  }

  # Normalise the query string for better hit ratios
  set req.url = querystring.regfilter(req.url, "^(utm_.*|gclid|fbclid|mc_eid)$");
  set req.url = querystring.sort(req.url);

  if (req.url.path ~ "^/api/cart") {
    return(pass);
  }
`;

const LARGE_ERROR = `
  if (obj.status == 802) {
    set obj.http.Location = "https://" req.http.host obj.response;
    set obj.status = 301;
    set obj.response = "Moved Permanently";
    synthetic {""};
    return(deliver);
  }
`;

/** The generated VCL of service `s` at version `n`. */
export function generatedVcl(s, n) {
  const list = backends(s, n);
  const hosts = domains(s, n).map((d) => d.name);
  const large = s.vcl?.size === 'large';
  const first = list[0];
  return `pragma optional_param geoip_opt_in true;
pragma optional_param max_object_size 20971520;
pragma optional_param smiss_max_object_size 20971520;
pragma optional_param fetchless_purge_all 1;
pragma optional_param chash_randomize_on_pass true;
pragma optional_param default_ssl_check_cert 1;
pragma optional_param max_backends 20;
pragma optional_param customer_id "${CUSTOMER_ID}";
C!
W!
# Service: ${s.name} (${s.id}), version ${n}
# Domains: ${hosts.join(', ')}
# Backends
${list.map((b) => backendBlock(s, b, !large)).join('\n\n')}

${shieldBlocks(list)}
${large ? `\n${largeExtras()}\n` : ''}
sub vcl_recv {
#--FASTLY RECV BEGIN
  if (req.restarts == 0) {
    if (!req.http.X-Timer) {
      set req.http.X-Timer = "S" time.start.sec "." time.start.usec_frac;
    }
    set req.http.X-Timer = req.http.X-Timer ",VS0";
  }

  declare local var.fastly_req_do_shield BOOL;
  set var.fastly_req_do_shield = (req.restarts == 0);

  # default conditions
  set req.backend = F_${first.name};

  # end default conditions
#--FASTLY RECV END
${large ? LARGE_RECV : ''}
  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }

  return(lookup);
}

${boilerplate({ errorExtra: large ? LARGE_ERROR : '', compact: !large })}`;
}
