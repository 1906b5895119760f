#!/usr/bin/env python3
"""Where Viceroy's CPU goes per request, from `perf script` output (bench/cpu/run.sh).

usage: breakdown.py STACKS REQUESTS [PERIOD_US]

Every sample is PERIOD_US of CPU (perf record -F 2000: 500 us). Each sample is put in
the first category whose frame pattern its stack holds (the guest first: everything
under `_start`, hostcalls and the page faults it takes included), then the guest's
time is split by the function `main` called (the request's phases), and the page
faults are counted wherever they were taken. Figures are microseconds per request.
"""
import collections
import re
import sys

# (category, a frame-name pattern); the first that matches a stack wins.
CATEGORIES = [
    ("guest: the module's _start (its code, hostcalls, faults)", "_start"),
    ("epoch ticker thread (wakes every 50 us)", "clock_nanosleep"),
    ("instance teardown: munmap", "munmap"),
    ("instance set-up: mmap", "mmap"),
    ("fiber stack", "Fiber"),
    ("instantiation", "instantiate"),
    ("store and instance drop", "drop_in_place<wasmtime"),
    ("response to the socket (writev)", "writev"),
    ("request from the socket (recv)", "recv"),
    ("hyper", "hyper::"),
    ("tokio", "tokio::"),
    ("idle wait (epoll)", "epoll_wait"),
    ("the log endpoint's line (stdout)", "write_entry"),
    ("scheduler", "schedule"),
]
FRAME = re.compile(r"\s*\S+\s+(.*?)(\+0x[0-9a-f]+)?\s+\((.*)\)$")
HASH = re.compile(r"::h[0-9a-f]{16}|\[[0-9a-f]{16}\]")


def stacks(path):
    """Each sample's frames, innermost first."""
    with open(path, encoding="utf-8", errors="replace") as file:
        for block in file.read().split("\n\n"):
            lines = block.strip().split("\n")
            if len(lines) < 2:
                continue
            frames = []
            for line in lines[1:]:
                match = FRAME.match(line)
                frames.append(HASH.sub("", match.group(1)) if match else line.strip())
            yield frames


def main():
    path, requests = sys.argv[1], int(sys.argv[2])
    period = float(sys.argv[3]) if len(sys.argv) > 3 else 500.0
    per_request = period / requests
    categories = collections.Counter()
    phases = collections.Counter()
    faults = 0
    total = 0
    for frames in stacks(path):
        total += 1
        if any("exc_page_fault" in f for f in frames):
            faults += 1
        for name, pattern in CATEGORIES:
            if any(pattern in f for f in frames):
                categories[name] += 1
                break
        else:
            categories["other (Viceroy's own work, malloc, copies)"] += 1
        mains = [i for i, f in enumerate(frames) if f.endswith("mcp_edge::main")]
        if mains:
            i = mains[-1]
            phases[frames[i - 1] if i > 0 else "main itself"] += 1
    print(f"CPU per request: {total * per_request:.1f} us ({requests} requests, {total} samples)")
    for name, count in categories.most_common():
        print(f"  {count * per_request:7.1f} us  {name}")
    print(f"page faults, wherever taken: {faults * per_request:.1f} us per request")
    print(f"guest, by what main called ({sum(phases.values()) * per_request:.1f} us in main):")
    for name, count in phases.most_common(15):
        print(f"  {count * per_request:7.1f} us  {name[:110]}")


if __name__ == "__main__":
    main()
