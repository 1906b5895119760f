#!/usr/bin/env bash
# `make test` on fresh clones of this repository's HEAD, N times in a row (default 10);
# stops at the first failure and keeps that clone and its log.
#
#   scripts/clean-clone-test.sh [N] [WORKDIR]
#
# Each run: `git clone` of the committed HEAD (nothing uncommitted, untracked or ignored
# comes along: no tests/node_modules, no target/), then `make test` in it, which installs
# what is missing (npm packages from npm's cache) and builds. What a machine builds once
# is shared, as on any CI runner with caches: Viceroy and the toolchains (~/.cargo), the
# fuzz build cache (scripts/fuzz.sh keeps it outside the tree), and, with SEED_TARGET=1,
# the clone's target/ starts as a copy of this checkout's (dependency builds; the crate
# itself is rebuilt, its path differs).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
work="${2:-/tmp/mcp-edge-clean-clones}"
repo="$(pwd)"
head="$(git rev-parse --short HEAD)" # every run tests this commit, whatever lands meanwhile
mkdir -p "$work"
for i in $(seq 1 "$runs"); do
  dir="$work/run-$i"
  rm -rf "$dir"
  git clone --quiet --no-checkout "$repo" "$dir"
  git -C "$dir" checkout --quiet --detach "$head"
  if [ "${SEED_TARGET:-0}" = 1 ]; then
    [ -d target ] && cp -a target "$dir/target"
  fi
  started=$(date +%s)
  if (cd "$dir" && make test) > "$work/run-$i.log" 2>&1; then
    status=0
  else
    status=$?
  fi
  summary=$(grep -E '^# (tests|pass|fail) ' "$work/run-$i.log" | tr '\n' ' ')
  echo "run $i/$runs at $head: exit $status in $(( $(date +%s) - started )) s; $summary"
  if [ "$status" != 0 ]; then
    echo "kept $dir and $work/run-$i.log"
    exit "$status"
  fi
  rm -rf "$dir"
done
echo "$runs of $runs clean-clone runs of make test passed at $head"
