#!/bin/sh
# SIGINT stops a search cleanly: the summary so far says "interrupted",
# report.json is complete and inconclusive with stop reason interrupted, the
# exit code is 130; `check` rows decided before it reach a pipe.
# usage: interrupt.sh WAKECHECK WORKDIR SCRIPTS SCHEMA
set -u
bin=$1 dir=$2 scripts=$3 schema=$4
rm -rf "$dir" && mkdir -p "$dir" || exit 1

# Waits (at most ~60 s) until file $1 contains text $2.
wait_for() {
  i=0
  while ! grep -q "$2" "$1" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 600 ] && { echo "timed out waiting for '$2' in $1"; return 1; }
    sleep 0.1
  done
}

# run: the output directory exists once the handlers are in place and the
# search is about to start.
"$bin" run tests/data/interrupt/b_long.toml --out "$dir/run" > "$dir/run.txt" 2>&1 &
pid=$!
i=0; while [ ! -d "$dir/run" ] && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.5
kill -INT $pid
wait $pid; code=$?
cat "$dir/run.txt"
[ $code -eq 130 ] || { echo "run: exit $code, not 130"; exit 1; }
grep -q "interrupted after [0-9]* executions" "$dir/run.txt" || exit 1
grep -q "INCONCLUSIVE: interrupted" "$dir/run.txt" || exit 1
grep -q '"verdict": "inconclusive"' "$dir/run/report.json" || exit 1
grep -q '"stop_reason": "interrupted"' "$dir/run/report.json" || exit 1
python3 "$scripts/validate_json.py" "$schema" "$dir/run/report.json" || exit 1

# check, into a pipe: the fast row is there, the summary says interrupted.
mkfifo "$dir/pipe" || exit 1
cat "$dir/pipe" > "$dir/check.txt" &
reader=$!
"$bin" check tests/data/interrupt --json "$dir/check.json" > "$dir/pipe" 2>&1 &
pid=$!
wait_for "$dir/check.txt" "^PASS .*a_fast.toml" || { kill -KILL $pid; exit 1; }
sleep 0.5
kill -INT $pid
wait $pid; code=$?
wait $reader
cat "$dir/check.txt"
[ $code -eq 130 ] || { echo "check: exit $code, not 130"; exit 1; }
grep -q "^INCON .*b_long.toml" "$dir/check.txt" || exit 1
grep -q "2 scenarios: 1 met, 0 not met, 1 inconclusive, 0 bad input, 0 not run: interrupted" "$dir/check.txt" || exit 1
python3 "$scripts/validate_json.py" "$schema" "$dir/check.json" --array || exit 1
echo "interrupt: ok"
