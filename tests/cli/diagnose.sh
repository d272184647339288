#!/usr/bin/env bash
# End-to-end tests of `pm diagnose` (CLI.md): the gradient check on the reference models,
# --json fields, reproducibility by seed, exit codes 1 (non-finite log density, statement
# named) and 2 (bad model or data, located; bad --evaluations or --epsilon), the defaults
# in --help.   usage: diagnose.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
data="$source_dir/tests/data"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Autodiff agrees with finite differences on the reference models (relative error < 1e-5).
for pair in coin:coin eight_schools_nc:eight_schools eight_schools_cp:eight_schools normal_known:normal_known \
            logreg_small:logreg_small logreg_small_plate:logreg_small radon:radon radon_plate:radon null:null; do
  model="${pair%%:*}"
  json="${pair##*:}"
  "$pm" diagnose "$data/$model.pm" -d "$data/$json.json" --json --evaluations 5 > "$scratch/out.json" 2> "$scratch/err"
  status=$?
  [ "$status" -eq 0 ] || { fail "diagnose $model exited $status: $(head -3 "$scratch/err")"; continue; }
  python3 - "$scratch/out.json" "$model" <<'PY' || fail "diagnose $model: bad JSON or gradient error"
import json, sys
out = json.load(open(sys.argv[1]))
for key in ("dims", "log_density", "max_abs_error", "max_rel_error", "gradient_ns", "evaluations"):
    assert key in out, key
assert out["max_rel_error"] < 1e-5, out
assert out["evaluations"] == 5
PY
done

# The same seed gives the same point, another seed another one.
"$pm" diagnose "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --json --seed 7 --evaluations 1 > "$scratch/a" 2>/dev/null
"$pm" diagnose "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --json --seed 7 --evaluations 1 > "$scratch/b" 2>/dev/null
"$pm" diagnose "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --json --seed 8 --evaluations 1 > "$scratch/c" 2>/dev/null
lp() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['log_density'])" "$1"; }
[ "$(lp "$scratch/a")" = "$(lp "$scratch/b")" ] || fail "seed 7 twice gave two log densities"
[ "$(lp "$scratch/a")" != "$(lp "$scratch/c")" ] || fail "seeds 7 and 8 gave the same log density"

# Exit 1: the log density is not finite at the point, and the statement is named.
cat > "$scratch/nan.pm" <<'PM'
data { int N; vector[N] y; }
latent { real mu; }
model {
  mu ~ normal(0, 1);
  y ~ normal(mu, mu);
}
PM
"$pm" diagnose "$scratch/nan.pm" -d "$data/normal_known.json" --seed 3 > /dev/null 2> "$scratch/err"
status=$?
[ "$status" -eq 1 ] || fail "non-finite log density: exit $status, expected 1"
grep -q "nan.pm:5:3: error: the log density is" "$scratch/err" || fail "non-finite log density: statement not named: $(cat "$scratch/err")"

# Exit 2: missing data; an unsupported feature, located with a caret.
"$pm" diagnose "$scratch/nan.pm" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "missing data: expected exit 2"
# A discrete latent is summed out exactly: bayes_rule's log density is log p(positive = 1) = log(0.059).
"$pm" diagnose "$source_dir/examples/bayes_rule.pm" -d positive=1 --json > "$scratch/out.json" 2> "$scratch/err" \
  || fail "bayes_rule: expected exit 0: $(cat "$scratch/err")"
python3 -c 'import json, math, sys; d = json.load(open(sys.argv[1])); sys.exit(abs(d["log_density"] - math.log(0.059)) > 1e-9)' \
  "$scratch/out.json" || fail "bayes_rule: log density is not log(0.059): $(cat "$scratch/out.json")"

# fvbn's sequential loop is unrolled (docs/compile.md): its gradient matches finite differences.
"$pm" diagnose "$source_dir/examples/fvbn.pm" -d "$source_dir/examples/fvbn_digits.json" > "$scratch/out" 2> "$scratch/err" \
  || fail "fvbn: diagnose failed: $(cat "$scratch/err")"
python3 -c '
import re, sys
m = re.search(r"largest absolute error (\S+), largest relative error (\S+)", open(sys.argv[1]).read())
sys.exit(m is None or float(m.group(2)) > 1e-4)' "$scratch/out" || fail "fvbn: gradient off: $(tail -2 "$scratch/out")"

# What v0 cannot run is a located error (exit 2): a chain of discrete states (an HMM's z[t - 1] -> z[t]).
cat > "$scratch/chain.pm" <<'MODEL'
data {
  int<lower=1> T;
  vector[T] y;
}
latent {
  array[T] int<lower=1, upper=2> z;
}
model {
  z[1] ~ categorical([0.5, 0.5]');
  for (t in 2:T) {
    z[t] ~ categorical(z[t - 1] == 1 ? [0.9, 0.1]' : [0.1, 0.9]');
  }
  y ~ normal(z, 1);
}
MODEL
echo '{"T": 3, "y": [1, 2, 1]}' > "$scratch/chain.json"
"$pm" diagnose "$scratch/chain.pm" -d "$scratch/chain.json" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "discrete chain: expected exit 2"
grep -q "chain.pm:11:5: error: the discrete latent 'z' is read at two indices" "$scratch/err" || fail "discrete chain: $(cat "$scratch/err")"
grep -q "^    \^" "$scratch/err" || fail "discrete chain: no caret"

# --help lists every option with its default (CLI.md).
"$pm" diagnose --help > "$scratch/help" 2>&1 || fail "diagnose --help failed"
grep -Eq -- '--seed [^ ]*(=1|\[1\])( |$)' "$scratch/help" || fail "--help shows no default for --seed: $(grep -- --seed "$scratch/help")"
grep -Eq -- '--evaluations [^ ]*(=200|\[200\])( |$)' "$scratch/help" ||
  fail "--help shows no default for --evaluations: $(grep -- --evaluations "$scratch/help")"
grep -Eq -- '--epsilon [^ ]*(=1e-0?6|\[1e-0?6\])( |$)' "$scratch/help" ||
  fail "--help shows no default for --epsilon: $(grep -- --epsilon "$scratch/help")"

# Bad --evaluations and --epsilon: exit 2 before anything runs, saying what is allowed.
for bad in "--evaluations 0" "--evaluations -3" "--epsilon 0" "--epsilon -1e-6" "--epsilon nan" "--epsilon inf" \
           "--epsilon -inf" "--epsilon 1e999"; do
  # shellcheck disable=SC2086
  "$pm" diagnose "$data/coin.pm" -d "$data/coin.json" $bad > "$scratch/out" 2> "$scratch/err"
  status=$?
  [ "$status" -eq 2 ] || { fail "diagnose $bad: exit $status, expected 2"; continue; }
  [ ! -s "$scratch/out" ] || fail "diagnose $bad: printed on stdout: $(head -2 "$scratch/out")"
  option="${bad%% *}"
  case "$option" in
    --evaluations) allowed="--evaluations must be a whole number >= 1" ;;
    --epsilon) allowed="--epsilon must be a finite number > 0" ;;
  esac
  grep -q "^pm: diagnose: $allowed" "$scratch/err" || fail "diagnose $bad: message: $(cat "$scratch/err")"
done
"$pm" diagnose "$data/coin.pm" -d "$data/coin.json" --evaluations 1 --epsilon 1e-4 --json > /dev/null 2> "$scratch/err" ||
  fail "diagnose --evaluations 1 --epsilon 1e-4 rejected: $(cat "$scratch/err")"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "diagnose: all passed"
