#!/usr/bin/env bash
# End-to-end tests of `pm evidence` (CLI.md "pm evidence", "--json"): the exact log p(data)
# when every latent is discrete and there are no params, against hand-computed values; the
# is and iwae with a fitted guide on the coin, against its closed form.
#   usage: evidence.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
data="$source_dir/tests/data"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Bayes rule: p(positive = 1) = 0.01 * 0.95 + 0.99 * 0.05 = 0.059.
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=1 --json > "$scratch/out.json" 2> "$scratch/err" \
  || fail "bayes_rule --json: $(head -3 "$scratch/err")"
python3 - "$scratch/out.json" <<'PY' || fail "bayes_rule exact evidence: $(cat "$scratch/out.json")"
import json, math, sys
out = json.load(open(sys.argv[1]))
assert out["method"] == "exact" and out["se"] == 0 and out["draws"] == 0, out
assert abs(out["log_evidence"] - math.log(0.059)) < 1e-9, out
assert "elbo" not in out and "reconstruction" not in out and "kl" not in out, out
PY
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=0 --method exact --json > "$scratch/neg.json" 2> "$scratch/err" \
  || fail "bayes_rule positive=0: $(head -3 "$scratch/err")"
python3 -c "import json, math, sys; v = json.load(open(sys.argv[1]))['log_evidence']; assert abs(v - math.log(0.941)) < 1e-9, v" \
  "$scratch/neg.json" || fail "log p(positive = 0) is not log(0.941): $(cat "$scratch/neg.json")"
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=1 > "$scratch/out.txt" 2> "$scratch/err" \
  || fail "bayes_rule table: $(head -3 "$scratch/err")"
grep -q "^log p(data): -2.830217835" "$scratch/out.txt" || fail "bayes_rule table: $(cat "$scratch/out.txt")"

# Two independent discrete latents and a data array: the evidence factorizes per datum,
# log p(y) = sum_i log sum_{a,b} p(a) p(b) p(y_i | a, b), computed here in python.
cat > "$scratch/two.pm" <<'PM'
data {
  int<lower=1> N;
  array[N] int<lower=0, upper=1> y;
  vector[3] b_weights;
}
latent {
  array[N] int<lower=0, upper=1> a;
  array[N] int<lower=1, upper=3> b;
}
model {
  for (i in 1:N) {
    a[i] ~ bernoulli(0.3);
    b[i] ~ categorical(b_weights);
    y[i] ~ bernoulli(0.1 + 0.2 * a[i] + 0.15 * b[i]);
  }
}
PM
echo '{"N": 5, "y": [1, 0, 0, 1, 1], "b_weights": [0.2, 0.5, 0.3]}' > "$scratch/two.json"
"$pm" evidence "$scratch/two.pm" -d "$scratch/two.json" --json > "$scratch/two_out.json" 2> "$scratch/err" \
  || fail "two latents: $(head -3 "$scratch/err")"
python3 - "$scratch/two_out.json" <<'PY' || fail "two latents: evidence $(cat "$scratch/two_out.json")"
import json, math, sys
out = json.load(open(sys.argv[1]))
total = 0.0
for y in [1, 0, 0, 1, 1]:
    p = 0.0
    for a, pa in ((0, 0.7), (1, 0.3)):
        for b, pb in ((1, 0.2), (2, 0.5), (3, 0.3)):
            q = 0.1 + 0.2 * a + 0.15 * b
            p += pa * pb * (q if y == 1 else 1 - q)
    total += math.log(p)
assert abs(out["log_evidence"] - total) < 1e-9, (out, total)
PY

# is and iwae with a fitted guide: the coin (p a latent with a beta(1, 1) prior) has the exact
# log p(y) = log B(k + 1, n - k + 1); is within 3 se of it, iwae a bound within 0.05 below.
# Where every latent is discrete, the guide has nothing to draw and is is exact.
for method in is iwae; do
  "$pm" evidence "$source_dir/examples/coin.pm" -d "$source_dir/examples/coin.json" --method "$method" --k 100 \
    --json > "$scratch/$method.json" 2> "$scratch/err"
  [ $? -eq 0 ] || fail "--method $method: $(head -3 "$scratch/err")"
done
python3 - "$scratch/is.json" "$scratch/iwae.json" "$source_dir/examples/coin.json" <<'PY' || fail "is / iwae on the coin"
import json, math, sys
is_, iwae = (json.load(open(f)) for f in sys.argv[1:3])
d = json.load(open(sys.argv[3]))
k, n = sum(d["y"]), d["N"]
exact = math.lgamma(k + 1) + math.lgamma(n - k + 1) - math.lgamma(n + 2)
assert is_["method"] == "is" and is_["se"] > 0, is_
assert abs(is_["log_evidence"] - exact) < 3 * is_["se"], (is_, exact)
for key in ("elbo", "reconstruction", "kl", "gap", "draws"):
    assert key in is_, key
assert abs(is_["kl"] - (is_["reconstruction"] - is_["elbo"])) < 1e-9 * abs(is_["elbo"])
assert iwae["method"] == "iwae" and exact - 0.05 < iwae["log_evidence"] < exact + 3 * iwae["se"], (iwae, exact)
PY
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=1 --method is --json > "$scratch/is_exact.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "--method is on bayes_rule: $(head -3 "$scratch/err")"
python3 -c "import json,math,sys; o=json.load(open(sys.argv[1])); assert abs(o['log_evidence']-math.log(0.059))<1e-12, o" \
  "$scratch/is_exact.json" || fail "is on bayes_rule should be exact"
# A model with params (theta, no latents): the default is exact, the evidence p(y; theta-hat).
"$pm" evidence "$data/coin.pm" -d "$data/coin.json" --json > "$scratch/params.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "a model with params: $(head -3 "$scratch/err")"
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=1 --method bogus > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown method should exit 2"
"$pm" evidence "$source_dir/examples/bayes_rule.pm" > /dev/null 2>&1
[ $? -eq 2 ] || fail "missing data should exit 2"

# All latents discrete but params (gmm.pm, the mixture by maximum likelihood): exact at the
# fitted params, the log-likelihood EM reaches (examples/README.md: -276.3600), per datum.
"$pm" evidence "$source_dir/examples/gmm.pm" -d "$source_dir/examples/gmm_faithful.json" --json > "$scratch/gmm.json" \
  2> "$scratch/err" || fail "gmm evidence: $(head -2 "$scratch/err")"
python3 - "$scratch/gmm.json" <<'PY' || fail "gmm evidence: $(cat "$scratch/gmm.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["method"] == "exact" and d["se"] == 0 and d["draws"] == 0, d
assert abs(d["log_evidence"] + 276.3600) < 2e-3, d
assert d["rows"] == 272 and abs(d["per_datum"] - d["log_evidence"] / 272) < 1e-12, d
PY

# The ELBO comes from the estimate's own draws, so the gap is never negative; fit's options
# (--lr, --grad-samples, --threads) are taken when the guide is fitted here.
for seed in 1 2 3 4; do
  "$pm" evidence "$source_dir/examples/coin.pm" -d "$source_dir/examples/coin.json" --seed "$seed" --lr 0.1 \
    --grad-samples 2 --threads 1 --json > "$scratch/coin_$seed.json" 2> "$scratch/err" \
    || fail "coin evidence seed $seed: $(head -2 "$scratch/err")"
  python3 - "$scratch/coin_$seed.json" <<'PY' || fail "coin evidence seed $seed: $(cat "$scratch/coin_$seed.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["gap"] >= 0 and abs(d["gap"] - (d["log_evidence"] - d["elbo"])) < 1e-12, d
assert d["elbo_se"] > 0 and d["rows"] == 100, d
PY
done

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "evidence.sh: all passed"
