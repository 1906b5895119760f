// Generated VCL for the double's seeded services (GET .../generated_vcl), shaped like
// the VCL Fastly generates: pragmas, backend declarations, shield director, macro
// sections (#--FASTLY RECV BEGIN/END ...) and the boilerplate subroutines. Deterministic:
// the same service and version always give the same text.
//
// Size: services with `vcl.size === 'large'` carry a redirect table and an ACL (about
// 25 KB, for testing truncation); the others come out around 3-4 KB.
import { CUSTOMER_ID, backends, domains } from './fastly-data.mjs';

const seconds = (ms) => `${ms / 1000}s`;

function backendBlock(s, b) {
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
${list.map((b) => backendBlock(s, b)).join('\n\n')}

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

sub vcl_fetch {
#--FASTLY FETCH BEGIN
  # record which cache ran vcl_fetch for this object and when
  set beresp.http.Fastly-Debug-Path = "(F " server.identity " " now.sec ") " if(beresp.http.Fastly-Debug-Path, beresp.http.Fastly-Debug-Path, "");

  # generic mechanism to vary on something
  if (req.http.Fastly-Vary-String) {
    if (beresp.http.Vary) {
      set beresp.http.Vary = "Fastly-Vary-String, " beresp.http.Vary;
    } else {
      set beresp.http.Vary = "Fastly-Vary-String, ";
    }
  }
#--FASTLY FETCH END

  if ((beresp.status == 500 || beresp.status == 503) && req.restarts < 1 && (req.method == "GET" || req.method == "HEAD")) {
    restart;
  }

  if (req.restarts > 0) {
    set beresp.http.Fastly-Restarts = req.restarts;
  }

  if (beresp.http.Set-Cookie) {
    set req.http.Fastly-Cachetype = "SETCOOKIE";
    return(pass);
  }

  if (beresp.http.Cache-Control ~ "private") {
    set req.http.Fastly-Cachetype = "PRIVATE";
    return(pass);
  }

  if (beresp.status == 500 || beresp.status == 503) {
    set req.http.Fastly-Cachetype = "ERROR";
    set beresp.ttl = 1s;
    set beresp.grace = 5s;
    return(deliver);
  }

  if (beresp.http.Expires || beresp.http.Surrogate-Control ~ "max-age" || beresp.http.Cache-Control ~ "(?:s-maxage|max-age)") {
    # keep the ttl here
  } else {
    # apply the default ttl
    set beresp.ttl = 3600s;
  }

  return(deliver);
}

sub vcl_hit {
#--FASTLY HIT BEGIN

# we cannot reach obj.ttl and obj.grace in deliver, save them when we can in vcl_hit
  set req.http.Fastly-Tmp-Obj-TTL = obj.ttl;
  set req.http.Fastly-Tmp-Obj-Grace = obj.grace;

  {
    set req.http.Fastly-Cachetype = "HIT";
  }
#--FASTLY HIT END

  if (!obj.cacheable) {
    return(pass);
  }
  return(deliver);
}

sub vcl_miss {
#--FASTLY MISS BEGIN

# this is not a hit after all, clean up these set in vcl_hit
  unset req.http.Fastly-Tmp-Obj-TTL;
  unset req.http.Fastly-Tmp-Obj-Grace;

  {
    if (req.http.Fastly-Check-SHA1) {
       error 550 "Doesnt exist";
    }
    unset bereq.http.Fastly-Vary-String;
    set req.http.Fastly-Cachetype = "MISS";
  }
#--FASTLY MISS END
  return(fetch);
}

sub vcl_deliver {
#--FASTLY DELIVER BEGIN

# record the journey of the object, expose it only if req.http.Fastly-Debug.
  if (req.http.Fastly-Debug || req.http.Fastly-FF) {
    set resp.http.Fastly-Debug-Path = "(D " server.identity " " now.sec ") "
       if(resp.http.Fastly-Debug-Path, resp.http.Fastly-Debug-Path, "");

    set resp.http.Fastly-Debug-TTL = if(obj.hits > 0, "(H ", "(M ")
       server.identity
       if(req.http.Fastly-Tmp-Obj-TTL && req.http.Fastly-Tmp-Obj-Grace, " " req.http.Fastly-Tmp-Obj-TTL " " req.http.Fastly-Tmp-Obj-Grace " ", " - - ")
       if(resp.http.Age, resp.http.Age, "-")
       ") "
       if(resp.http.Fastly-Debug-TTL, resp.http.Fastly-Debug-TTL, "");
  } else {
    unset resp.http.Fastly-Debug-Path;
    unset resp.http.Fastly-Debug-TTL;
  }

  # add or append X-Served-By/X-Cache(-Hits)
  {
    if(!resp.http.X-Served-By) {
      set resp.http.X-Served-By  = server.identity;
    } else {
      set resp.http.X-Served-By = resp.http.X-Served-By ", " server.identity;
    }
    set resp.http.X-Cache = if(resp.http.X-Cache, resp.http.X-Cache ", ","") if(fastly_info.state ~ "HIT(?:-|\\z)", "HIT", "MISS");
    if(!resp.http.X-Cache-Hits) {
      set resp.http.X-Cache-Hits = obj.hits;
    } else {
      set resp.http.X-Cache-Hits = resp.http.X-Cache-Hits ", " obj.hits;
    }
  }

  if (req.http.X-Timer) {
    set resp.http.X-Timer = req.http.X-Timer ",VE" time.elapsed.msec;
  }

  # VARY FIXUP
  {
    # remove before sending to client
    set resp.http.Vary = regsub(resp.http.Vary, "Fastly-Vary-String, ", "");
    if (resp.http.Vary ~ "^\\s*$") {
      unset resp.http.Vary;
    }
  }
  unset resp.http.X-Varnish;

  # Pop the surrogate headers into the request object so we can reference them later
  set req.http.Surrogate-Key = resp.http.Surrogate-Key;
  set req.http.Surrogate-Control = resp.http.Surrogate-Control;

  # If we are not forwarding or debugging unset the surrogate headers so they are not present in the response
  if (!req.http.Fastly-FF && !req.http.Fastly-Debug) {
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
  }
#--FASTLY DELIVER END
  return(deliver);
}

sub vcl_error {
#--FASTLY ERROR BEGIN

  if (obj.status == 801) {
     set obj.status = 301;
     set obj.response = "Moved Permanently";
     set obj.http.Location = "https://" req.http.host req.url;
     synthetic {""};
     return (deliver);
  }

  if (req.http.Fastly-Restart-On-Error) {
    if (obj.status == 503 && req.restarts == 0) {
      restart;
    }
  }

  {
    if (obj.status == 550) {
      return(deliver);
    }
  }
#--FASTLY ERROR END
${large ? LARGE_ERROR : ''}
  return(deliver);
}

sub vcl_pass {
#--FASTLY PASS BEGIN

  {
    ## we cannot reach obj.ttl and obj.grace in vcl_pass, unset these set in vcl_hit
    unset req.http.Fastly-Tmp-Obj-TTL;
    unset req.http.Fastly-Tmp-Obj-Grace;
    set req.http.Fastly-Cachetype = "PASS";
  }
#--FASTLY PASS END
  return(pass);
}

sub vcl_log {
#--FASTLY LOG BEGIN

  # default response conditions
#--FASTLY LOG END
}

sub vcl_hash {
#--FASTLY HASH BEGIN

  #if unspecified fall back to normal
  {
    set req.hash += req.url;
    set req.hash += req.http.host;
    set req.hash += req.vcl.generation;
    return (hash);
  }
#--FASTLY HASH END
}
`;
}
