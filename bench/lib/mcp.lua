-- wrk script: POSTs one fixed MCP JSON-RPC message (env BENCH_BODY) with the Streamable
-- HTTP headers, checks every reply, and prints one JSON line of results at the end:
--   BENCH_RESULT {"requests":..,"duration_us":..,"p50_us":..,"p99_us":..,"mean_us":..,
--                 "over_20ms_pct":..,"bad_body":..,"non2xx":..,"connect":..,"read":..,"write":..,"timeout":..}
-- A 2xx reply counts as bad when it lacks one of the BENCH_EXPECT substrings (e.g. the
-- last bytes of a complete result) or carries a JSON-RPC error member.
local body = os.getenv("BENCH_BODY") or error("BENCH_BODY is not set")
-- BENCH_EXPECT: substrings every 2xx reply must contain, separated by \31 (unit separator)
local expect = {}
for part in string.gmatch(os.getenv("BENCH_EXPECT") or '"result"', "[^\31]+") do
  table.insert(expect, part)
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
-- BENCH_HEADERS: more headers ("Name: value", separated by \31), overriding those above
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\31]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then
    for existing in pairs(wrk.headers) do
      if string.lower(existing) == string.lower(name) then wrk.headers[existing] = nil end
    end
    wrk.headers[name] = value
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad_body = 0
end

function response(status, headers, reply)
  if status >= 200 and status < 300 then
    local ok = not string.find(reply, '"error":{', 1, true)
    for _, part in ipairs(expect) do
      if ok and not string.find(reply, part, 1, true) then ok = false end
    end
    if not ok then bad_body = bad_body + 1 end
  end
end

-- Percentage of requests slower than limit_us, by bisection on the percentiles (wrk's
-- Lua API has no histogram walk that is not quadratic). 20 ms is half of Linux's
-- 40 ms delayed ACK: a request that slow on loopback waited on a timer.
local function share_over(latency, limit_us)
  if latency.max <= limit_us then return 0 end
  local lo, hi = 0, 100
  for _ = 1, 30 do
    local mid = (lo + hi) / 2
    if latency:percentile(mid) > limit_us then hi = mid else lo = mid end
  end
  return 100 - hi
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("bad_body") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"over_20ms_pct":%.2f,"bad_body":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"bytes":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, share_over(latency, 20000), bad, e.status, e.connect, e.read, e.write, e.timeout, summary.bytes))
end
