#!/usr/bin/env bash
# End-to-end tests of starting points (issue 20; CLI.md `--init`, `--init-radius`;
# engine/infer/initialize.hpp): a model with the structure of posteriordb's mcycle_gp
# (tests/data/gp_underflow.pm: an exponential that underflows inside a sqrt at about 4 starts
# in 10) fits under map, meanfield and fullrank from the default starts, its MAP equal to an
# independent optimizer's (scipy, tests/data/gp_underflow_map.py, output pasted below) to 1e-6
# relative; a density that is not finite anywhere fails after 100 starts with exit 1 and the
# one message (the statement, the values, the attempts, what to try) under map, mle, vi
# meanfield and fullrank, and --batch; --init 0 and --init-radius; and the numerical failures
# of the optimizers after a finite start, each a worded message with exit 1, never
# "internal error".
#   usage: init.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
data="$source_dir/tests/data"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
no_internal_error() { ! grep -q "internal error" "$1" || fail "$2: internal error: $(cat "$1")"; }

gp="$data/gp_underflow.pm"
gp_data="$data/gp_underflow.json"

# MAP from the default starts (4 starts, seed 1): scipy's mode. Reference:
# /usr/bin/python3 tests/data/gp_underflow_map.py tests/data/gp_underflow.json (scipy 1.10.1,
# BFGS from 40 starts then Newton to a gradient of 2e-13). CmdStan's default tolerances stop
# L-BFGS at a log density within 1e-6 relative but the weakly identified Intercept only within
# 1%; tests/infer/initialize_test.cpp checks every coordinate to 1e-6 with tight tolerances.
"$pm" fit "$gp" -d "$gp_data" --method map --json > "$scratch/map.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "gp map: $(head -5 "$scratch/err")"
no_internal_error "$scratch/err" "gp map"
python3 - "$scratch/map.json" <<'PY' || fail "gp map: not scipy's mode"
import json, sys
reference = {
    "Intercept": -0.022897431487870802, "sdgp": 3.1021288695941394, "lscale": 0.12447877708275737,
    "sigma": 0.2457070649617834, "zgp[1]": 0.1602873830797689, "zgp[2]": -0.9824917674040191,
    "zgp[3]": -0.11487463453874334, "zgp[4]": -0.27220191051628856, "zgp[5]": 0.07234482428637487,
    "zgp[6]": -0.2847859792294854, "zgp[7]": -0.17840231466127787, "zgp[8]": 0.21042174391202942,
    "zgp[9]": -0.14706766192078832, "zgp[10]": -0.30711274478996786,
}
log_density = -15.815222732486117
out = json.load(open(sys.argv[1]))
assert out["converged"] is True, out
worst = max(abs(out["summary"][k]["mean"] - v) / abs(v) for k, v in reference.items())
assert worst < 2e-2, {k: (out["summary"][k]["mean"], v) for k, v in reference.items()}
assert abs(out["log_density"] - log_density) < 1e-6 * abs(log_density), (out["log_density"], log_density)
PY

# Meanfield and fullrank from the default starts: they converge with a finite ELBO in the
# posterior's mode, not in the one where the GP is switched off (lscale large, every spd 0,
# sigma = sd(y) = 1.7, ELBO -88, where fullrank ended before issue 20's fixes). sigma's mean
# is above its mode (0.2457): 0.31-0.33 over seeds 1-4 for both guides.
for guide in meanfield fullrank; do
  "$pm" fit "$gp" -d "$gp_data" --guide "$guide" --json > "$scratch/$guide.json" 2> "$scratch/err"
  [ $? -eq 0 ] || fail "gp $guide: $(head -5 "$scratch/err")"
  no_internal_error "$scratch/err" "gp $guide"
  python3 - "$scratch/$guide.json" <<'PY' || fail "gp $guide: ELBO or estimates"
import json, math, sys
out = json.load(open(sys.argv[1]))
assert out["converged"] is True, out["stop"]
assert out["elbo"] is not None and math.isfinite(out["elbo"]) and out["elbo"] > -40, out["elbo"]
sigma = out["summary"]["sigma"]["mean"]
assert 0.2 < sigma < 0.45, sigma
PY
done

# A density that is not finite anywhere: every method fails after the retries, exit 1, with
# the statement located, its values, the count and the advice.
cat > "$scratch/never.pm" <<'PM'
latent {
  real x;
}
model {
  x ~ normal(0, 1);
  target += log(-exp(x));
}
PM
cat > "$scratch/never_param.pm" <<'PM'
param {
  real x;
}
model {
  target += log(-exp(x));
}
PM
cat > "$scratch/never_batch.pm" <<'PM'
data {
  int N;
  vector[N] y;
}
param {
  real mu;
}
latent {
  vector[N] z;
}
model {
  mu ~ normal(0, 1);
  z ~ normal(mu, 1);
  y ~ normal(z, 1);
  target += log(-exp(mu));
}
guide {
  param real<lower=0> s;
  z ~ normal(y, s);
}
PM
echo '{"N": 4, "y": [0.1, -0.3, 0.8, 1.2]}' > "$scratch/never_batch.json"
check_never() {  # label, expected line, command...
  local label="$1" line="$2"
  shift 2
  "$@" > /dev/null 2> "$scratch/err"
  local code=$?
  [ $code -eq 1 ] || fail "$label: exit $code, expected 1: $(cat "$scratch/err")"
  no_internal_error "$scratch/err" "$label"
  grep -q "never[a-z_]*\.pm:$line:" "$scratch/err" || fail "$label: statement not located at line $line: $(cat "$scratch/err")"
  grep -q "100 attempts" "$scratch/err" || fail "$label: attempts not counted: $(cat "$scratch/err")"
  grep -q "log(-exp(" "$scratch/err" || fail "$label: the values are not named: $(cat "$scratch/err")"
  grep -q -- "--init-radius" "$scratch/err" || fail "$label: no advice: $(cat "$scratch/err")"
}
check_never "never map" 6 "$pm" fit "$scratch/never.pm" --method map
check_never "never mle" 5 "$pm" fit "$scratch/never_param.pm" --method mle
check_never "never meanfield" 6 "$pm" fit "$scratch/never.pm" --method vi --guide meanfield
check_never "never fullrank" 6 "$pm" fit "$scratch/never.pm" --method vi --guide fullrank
check_never "never --batch" 15 "$pm" fit "$scratch/never_batch.pm" -d "$scratch/never_batch.json" --batch 2 --epochs 1

# --init 0 and --init-radius 0: the origin, tried once (nothing to redraw), named as such.
"$pm" fit "$scratch/never.pm" --method map --init 0 > /dev/null 2> "$scratch/err"
[ $? -eq 1 ] || fail "never --init 0 should exit 1"
grep -q "origin" "$scratch/err" || fail "never --init 0: the origin not named: $(cat "$scratch/err")"
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --method map --init 0 --json > "$scratch/origin.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "coin --init 0: $(cat "$scratch/err")"
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --init-radius 0.1 --json > "$scratch/narrow.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "coin vi --init-radius 0.1: $(cat "$scratch/err")"
python3 - "$scratch/origin.json" "$examples/coin.json" <<'PY' || fail "coin --init 0: not the mode"
import json, sys
out = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
k, n = sum(d["y"]), d["N"]
assert abs(out["summary"]["p"]["mean"] - k / n) < 1e-5, out["summary"]["p"]  # flat prior: MAP = k/n
PY
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --init-radius -1 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--init-radius -1 should exit 2"
grep -q "init-radius" "$scratch/err" || fail "--init-radius -1: message: $(cat "$scratch/err")"

# A density finite at the start whose gradient is not, anywhere it is drawn: the gradient is named.
cat > "$scratch/kink.pm" <<'PM'
latent {
  real<lower=0> x;
}
model {
  x ~ exponential(1);
  target += pow(x - x, 0.5);
}
PM
"$pm" fit "$scratch/kink.pm" --method map > /dev/null 2> "$scratch/err"
code=$?
[ $code -eq 1 ] || fail "kink: exit $code, expected 1: $(cat "$scratch/err")"
no_internal_error "$scratch/err" "kink"
grep -q "gradient" "$scratch/err" && grep -q "kink.pm:6:" "$scratch/err" ||
  fail "kink: the gradient and its statement not named: $(cat "$scratch/err")"

# Numerical failures after a finite start, each worded and located, exit 1, never
# "internal error". VI: the center is finite (|x| < 0.01 with --init-radius 0.005) but nearly
# every draw of the guide (sd 1) is not: 11 non-finite draws in a row.
cat > "$scratch/narrow.pm" <<'PM'
latent {
  real x;
}
model {
  target += log(0.01 - fabs(x));
}
PM
"$pm" fit "$scratch/narrow.pm" --init-radius 0.005 > /dev/null 2> "$scratch/err"
code=$?
[ $code -eq 1 ] || fail "vi non-finite draws: exit $code: $(cat "$scratch/err")"
no_internal_error "$scratch/err" "vi non-finite draws"
grep -q "narrow.pm:5:3: error: variational inference failed: the objective was not finite at 11 draws in a row" "$scratch/err" ||
  fail "vi non-finite draws: message: $(cat "$scratch/err")"
# VI: a step size that overflows the parameters: diverged.
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --lr 1e307 > /dev/null 2> "$scratch/err"
code=$?
[ $code -eq 1 ] || fail "vi overflow: exit $code: $(cat "$scratch/err")"
no_internal_error "$scratch/err" "vi overflow"
grep -q "variational inference failed" "$scratch/err" || fail "vi overflow: message: $(cat "$scratch/err")"
# --batch: the first batch is finite, a later one is not (log(y - 1) of y = 0.5): the step is named.
cat > "$scratch/late.pm" <<'PM'
data {
  int N;
  vector[N] y;
}
latent {
  vector[N] z;
}
model {
  z ~ normal(0, 1);
  y ~ normal(z, 1);
  target += sum(log(y - 1));
}
guide {
  param real<lower=0> s;
  z ~ normal(y, s);
}
PM
echo '{"N": 4, "y": [2.0, 3.0, 0.5, 0.2]}' > "$scratch/late.json"
"$pm" fit "$scratch/late.pm" -d "$scratch/late.json" --batch 2 --epochs 3 > /dev/null 2> "$scratch/err"
code=$?
[ $code -eq 1 ] || fail "--batch late failure: exit $code: $(cat "$scratch/err")"
no_internal_error "$scratch/err" "--batch late failure"
grep -q "late.pm:11:3: error: minibatch training failed: the ELBO of a batch was not finite" "$scratch/err" ||
  fail "--batch late failure: message: $(cat "$scratch/err")"

[ $failures -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "init: all tests passed"
