"""`make guest-cost` (bench/cold/serve.sh): one table row from the `guest-cost COLD WARM
SPIN` lines (ns) the bench-guest-cost build prints for each request, read on stdin."""

import os, re, statistics, sys
rows = [tuple(map(int, r)) for r in re.findall(r"guest-cost (\d+) (\d+) (\d+)", sys.stdin.read())]
if not rows:
    sys.exit("guest-cost: no timings in the output of Viceroy")
us = lambda ns: ns / 1000
def quantile(values, f):
    values = sorted(values)
    return values[min(len(values) - 1, int(f * len(values)))]
def column(i):
    values = [r[i] for r in rows]
    return "%.1f (%.1f)" % (us(quantile(values, 0.5)), us(quantile(values, 0.75)))
def ticks(i):
    values = [r[i] for r in rows]
    middle = quantile(values, 0.5)
    over = [v - middle for v in values if v > middle + 20_000]
    if not over:
        return "0%"
    return "%.0f%%, +%.1f us" % (100 * len(over) / len(values), us(statistics.median(over)))
diff = us(statistics.median(a - b for a, b, _ in rows))
print("| %s | %d | %s | %s | %.1f | %s | %s | %s |" % (os.environ["LABEL"], len(rows), column(0), column(1), diff, column(2), ticks(0), ticks(2)))
