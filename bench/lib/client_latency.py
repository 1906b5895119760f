#!/usr/bin/env python3
"""One MCP request timed sequentially with Python's http.client on one keep-alive
connection: a child process of bench/run.mjs (the `clients` section), a second client
stack beside Node's. Standard library only.

    python3 client_latency.py < {"url", "warmup", "n", "request"}

request: {"body", "expect": [substrings of the raw reply], "progress": notifications
expected}. http.client as it comes: it sets TCP_NODELAY on its socket and sends the
headers and the body in two writes. Prints one JSON line:
{"samples": [ms], "errors": n, "errorSample": [...], "cpuMs": this process's CPU time
over the recorded requests}; a non-2xx reply, a JSON-RPC error
or missing content is an error, not a sample.
"""
import http.client
import json
import sys
import time
import urllib.parse

TIMEOUT_S = 10


def problems(request, status, text):
    """What preflight and mcp.lua check on a raw reply."""
    found = []
    if not 200 <= status <= 299:
        found.append(f"HTTP {status}")
    found += [f"reply lacks {json.dumps(part)}" for part in request["expect"] if part not in text]
    if '"error":{' in text:
        found.append("reply carries a JSON-RPC error")
    seen = text.count("notifications/progress")
    if seen != request.get("progress", 0):
        found.append(f"{seen} progress notifications, expected {request.get('progress', 0)}")
    return found


def main():
    config = json.load(sys.stdin)
    url = urllib.parse.urlsplit(config["url"])
    request = config["request"]
    body = json.dumps(request["body"]).encode()
    headers = {
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT_S)
    samples, errors, error_sample = [], 0, []
    for i in range(config["warmup"] + config["n"]):
        if i == config["warmup"]:
            cpu_start = time.process_time()
        start = time.perf_counter()
        try:
            conn.request("POST", url.path, body, headers)
            reply = conn.getresponse()
            found = problems(request, reply.status, reply.read().decode())
        except (OSError, http.client.HTTPException) as err:
            conn.close()  # the next request reconnects
            found = [f"{type(err).__name__}: {err}"]
        ms = (time.perf_counter() - start) * 1000
        if found:
            errors += 1  # warm-up requests included: every failure counts
            if len(error_sample) < 3:
                error_sample.append("; ".join(found))
        elif i >= config["warmup"]:
            samples.append(ms)
    cpu_ms = (time.process_time() - cpu_start) * 1000
    conn.close()
    print(json.dumps({"samples": samples, "errors": errors, "errorSample": error_sample, "cpuMs": cpu_ms}))


if __name__ == "__main__":
    main()
