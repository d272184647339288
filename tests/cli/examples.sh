#!/usr/bin/env bash
# Runs every example command of examples/README.md that works today and asserts on numbers
# in each output, so a broken example fails CI. The expected figures come from computations
# independent of pm (closed forms, or EM / Newton runs in plain Python to 1e-13, whose
# results are written here), each with its tolerance:
#   - exact Bayes rule and evidence: 1e-12 (one evaluation, no optimization);
#   - optimized estimates with pm's default (CmdStan's) tolerances, which stop at relative
#     errors of a few 1e-6: 1e-4 absolute on estimates of order 1, 1e-5 relative on log
#     densities (flat at the optimum, so their error is the square of the estimates').
# Every top-level example model and low_dim_gauss_mix also passes `pm check`.
#   usage: examples.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME ARGS...: runs pm with ARGS, stdout to $scratch/NAME; a non-zero exit fails.
run() {
  local name="$1"
  shift
  "$pm" "$@" > "$scratch/$name" 2> "$scratch/$name.err"
  local status=$?
  [ "$status" -eq 0 ] || fail "pm $* exited $status: $(head -3 "$scratch/$name.err")"
  return "$status"
}

# near NAME LABEL EXPRESSION EXPECTED TOLERANCE: the Python EXPRESSION over `out` (the JSON
# in $scratch/NAME) is within TOLERANCE of EXPECTED (absolute).
near() {
  python3 - "$scratch/$1" "$3" "$4" "$5" <<'PY' || fail "$1: $2"
import json, sys
out = json.load(open(sys.argv[1]))
value, expected, tolerance = eval(sys.argv[2], {"out": out}), float(sys.argv[3]), float(sys.argv[4])
if not abs(value - expected) <= tolerance:
    sys.exit(f"  {sys.argv[2]} = {value!r}, expected {expected} +- {tolerance}")
PY
}

# Every example model checks.
for model in "$examples"/*.pm "$examples/low_dim_gauss_mix/model.pm"; do
  "$pm" check "$model" > /dev/null 2> "$scratch/check.err" || fail "pm check $model: $(head -3 "$scratch/check.err")"
done

# bayes_rule: P(disease = 1 | positive = 1) = 0.01 * 0.95 / 0.059; log p(positive = 1) = log(0.059).
if run bayes_table fit "$examples/bayes_rule.pm" -d positive=1; then
  grep -q "^disease  *P(0) = 0.838983  P(1) = 0.161017$" "$scratch/bayes_table" ||
    fail "bayes_rule table: $(cat "$scratch/bayes_table")"
fi
run bayes_fit.json fit "$examples/bayes_rule.pm" -d positive=1 --json &&
  near bayes_fit.json "P(disease = 1)" 'out["discrete"]["disease"]["1"]' 0.16101694915254236 1e-12
run bayes_evidence.json evidence "$examples/bayes_rule.pm" -d positive=1 --json &&
  near bayes_evidence.json "log evidence" 'out["log_evidence"]' -2.8302178350764176 1e-12

# coin by MAP (beta(1, 1) prior, no Jacobian): the mode 63 / 100. Its default is VI.
run coin.json fit "$examples/coin.pm" -d "$examples/coin.json" --method map --json &&
  near coin.json "MAP of p" 'out["summary"]["p"]["mean"]' 0.63 1e-5

# gmm on Old Faithful: map (the default) is mle here, gmm.pm has no priors. EM's fixed point:
# w = (0.348405, 0.651595), mu = (2.018608, 4.273343), sigma = (0.235622, 0.437063),
# log-likelihood -276.360040.
if run gmm.json fit "$examples/gmm.pm" -d "$examples/gmm_faithful.json" --json --discrete-out "$scratch/z.csv"; then
  near gmm.json "log-likelihood" 'out["log_density"]' -276.360040 0.003
  near gmm.json "w[1]" 'out["summary"]["w[1]"]["mean"]' 0.348405 1e-4
  near gmm.json "mu[1]" 'out["summary"]["mu[1]"]["mean"]' 2.018608 1e-4
  near gmm.json "mu[2]" 'out["summary"]["mu[2]"]["mean"]' 4.273343 1e-4
  near gmm.json "sigma[1]" 'out["summary"]["sigma[1]"]["mean"]' 0.235622 1e-4
  near gmm.json "sigma[2]" 'out["summary"]["sigma[2]"]["mean"]' 0.437063 1e-4
  # The first eruption (3.6 min) belongs to the long component; the second (1.8) to the short.
  near gmm.json "P(z[1] = 2)" 'out["discrete"]["z[1]"]["2"]' 1 1e-6
  near gmm.json "P(z[2] = 1)" 'out["discrete"]["z[2]"]["1"]' 1 1e-6
  lines=$(wc -l < "$scratch/z.csv")
  [ "$lines" -eq 273 ] || fail "gmm --discrete-out: $lines lines, expected a header and 272 rows"
fi
run gmm_mle.json fit "$examples/gmm.pm" -d "$examples/gmm_faithful.json" --method mle --json &&
  near gmm_mle.json "mle log-likelihood" 'out["log_density"]' -276.360040 0.003

# naive_bayes by MAP: EM with the beta(2, 2) prior (q = (sum r x + 1) / (n + 2)) reaches the log
# density -914.229806 (labels may be swapped: checked through the sorted class weights, 0.402205
# and 0.597795); the classes it reports agree with the true ones for 199 of the 200 items.
if run naive_bayes.json fit "$examples/naive_bayes.pm" -d "$examples/naive_bayes.json" --json \
  --discrete-out "$scratch/classes.csv"; then
  near naive_bayes.json "log density" 'out["log_density"]' -914.229806 0.009
  near naive_bayes.json "smaller class weight" \
    'min(out["summary"]["class_weights[1]"]["mean"], out["summary"]["class_weights[2]"]["mean"])' 0.402205 1e-4
  python3 - "$scratch/naive_bayes.json" "$examples/naive_bayes_truth.json" <<'PY' || fail "naive_bayes: classification"
import json, sys
out = json.load(open(sys.argv[1])); truth = json.load(open(sys.argv[2]))["z"]
chosen = [1 if out["discrete"][f"z[{i}]"]["1"] > 0.5 else 2 for i in range(1, len(truth) + 1)]
agree = sum(c == t for c, t in zip(chosen, truth))
agree = max(agree, len(truth) - agree)  # the labels of a mixture are exchangeable
assert agree == 199, agree
PY
fi

# low_dim_gauss_mix by MAP: expectation-conditional maximization with the same priors gives
# mu = (-2.733279, 2.869924), sigma = (1.025564, 1.018383), theta = 0.621627.
if run ldgm.json fit "$examples/low_dim_gauss_mix/model.pm" -d "$examples/low_dim_gauss_mix/data.json" \
  --method map --json; then
  near ldgm.json "mu[1]" 'out["summary"]["mu[1]"]["mean"]' -2.733279 1e-4
  near ldgm.json "mu[2]" 'out["summary"]["mu[2]"]["mean"]' 2.869924 1e-4
  near ldgm.json "sigma[1]" 'out["summary"]["sigma[1]"]["mean"]' 1.025564 1e-4
  near ldgm.json "sigma[2]" 'out["summary"]["sigma[2]"]["mean"]' 1.018383 1e-4
  near ldgm.json "theta" 'out["summary"]["theta"]["mean"]' 0.621627 1e-4
  near ldgm.json "log density" 'out["log_density"]' -2104.697031 0.02
fi

# logistic_regression by MAP: Newton's method on the log posterior (normal(0, 2.5) priors).
if run logreg.json fit "$examples/logistic_regression.pm" -d "$examples/logistic_regression.json" \
  --method map --json; then
  near logreg.json "alpha" 'out["summary"]["alpha"]["mean"]' 0.312708 1e-4
  near logreg.json "beta[5]" 'out["summary"]["beta[5]"]["mean"]' 1.957866 1e-4
  near logreg.json "beta[6]" 'out["summary"]["beta[6]"]["mean"]' -1.167172 1e-4
  near logreg.json "log density" 'out["log_density"]' -91.822535 0.001
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "examples.sh: all passed"
