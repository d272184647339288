#!/usr/bin/env bash
# Ctrl-C and SIGTERM stop a run cleanly (issue 7, cli/interrupt.hpp): a long `pm fit` that
# receives SIGINT exits 130 (SIGTERM: 143) and leaves none of its output files, finished or
# temporary, behind.
#   usage: interrupt.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# A regression with many rows and many random starts: seconds of L-BFGS, long enough to be
# interrupted in the middle (measured: about 0.1 s per start).
cat > "$scratch/regression.pm" <<'PM'
data {
  int<lower=1> N;
  vector[N] x;
  vector[N] y;
}
param {
  real alpha;
  real beta;
  real<lower=0> sigma;
}
model {
  alpha ~ normal(0, 10);
  beta ~ normal(0, 10);
  sigma ~ lognormal(0, 1);
  y ~ normal(alpha + beta * x, sigma);
}
PM
python3 - "$scratch/regression.json" <<'PY'
import json, random, sys
rng = random.Random(7)
n = 20000
x = [rng.gauss(0, 1) for _ in range(n)]
y = [1.5 - 0.7 * v + rng.gauss(0, 0.3) for v in x]
json.dump({"N": n, "x": x, "y": y}, open(sys.argv[1], "w"))
PY

# interrupt SIGNAL EXPECTED_STATUS
interrupt() {
  local signal=$1 expected=$2 out="$scratch/out_$1"
  mkdir "$out"
  "$pm" fit "$scratch/regression.pm" -d "$scratch/regression.json" --method map --starts 100000 --quiet \
    -o "$out/fit.csv" --save-params "$out/params.json" --discrete-out "$out/discrete.csv" \
    >"$scratch/stdout" 2>"$scratch/stderr" &
  local pid=$!
  sleep 2
  if ! kill -0 "$pid" 2>/dev/null; then
    fail "$signal: pm fit ended before it could be interrupted: $(head -c 300 "$scratch/stderr")"
    return
  fi
  kill "-$signal" "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [[ $waited -lt 100 ]]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    fail "$signal: pm fit still running 10 s after the signal"
    kill -KILL "$pid"
  fi
  wait "$pid"
  local status=$?
  [[ $status -eq $expected ]] || fail "$signal: exit $status, expected $expected: $(head -c 300 "$scratch/stderr")"
  [[ -z $(ls -A "$out") ]] || fail "$signal: left files behind: $(ls -A "$out" | tr '\n' ' ')"
}
interrupt INT 130
interrupt TERM 143

echo "interrupt: $failures failures"
[[ $failures -eq 0 ]]
