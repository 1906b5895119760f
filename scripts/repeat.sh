#!/usr/bin/env bash
# Runs test files again and again to catch flaky tests: scripts/repeat.sh N FILE...
# (e.g. scripts/repeat.sh 10 tests/hostile.test.mjs). Each file runs N times in a row;
# prints "FILE: P/N passed" per file, keeps the output of each failed run in
# target/repeat/<file>.<run>.log, and collects the notes tests print (`# note: ...`,
# e.g. Viceroy host panics) in target/repeat/<file>.notes. Exits non-zero when any run
# failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
runs="${1:?usage: scripts/repeat.sh N FILE...}"
shift
mkdir -p target/repeat
status=0
for file in "$@"; do
  name="$(basename "$file" .test.mjs)"
  passed=0
  : >"target/repeat/${name}.notes"
  for ((i = 1; i <= runs; i++)); do
    "${NODE}" --test "$file" >"target/repeat/${name}.${i}.log" 2>&1
    code=$?
    sed -n "s/^# note: /run ${i}: /p" "target/repeat/${name}.${i}.log" >>"target/repeat/${name}.notes"
    if [ "$code" -eq 0 ]; then
      passed=$((passed + 1))
      rm -f "target/repeat/${name}.${i}.log"
    else
      status=1
      echo "${file}: run ${i} failed (target/repeat/${name}.${i}.log)"
    fi
  done
  notes=$(wc -l <"target/repeat/${name}.notes")
  if [ "$notes" -gt 0 ]; then notes=", ${notes} note(s) in target/repeat/${name}.notes"; else notes=''; fi
  echo "${file}: ${passed}/${runs} passed${notes}"
done
exit "$status"
