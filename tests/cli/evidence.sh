#!/usr/bin/env bash
# End-to-end tests of `pm evidence` (CLI.md "pm evidence", "--json"): the exact log p(data)
# when every latent is discrete and there are no params, against hand-computed values; the
# refusals (exit 2) of what needs variational inference, which is not implemented yet.
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

# What needs a fitted guide is refused, exit 2, saying so.
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=1 --method is > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--method is should exit 2"
grep -q "not implemented" "$scratch/err" || fail "--method is message: $(cat "$scratch/err")"
"$pm" evidence "$data/coin.pm" -d "$data/coin.json" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a model with params should exit 2"
grep -q "variational inference, which is not implemented yet" "$scratch/err" || fail "params message: $(cat "$scratch/err")"
"$pm" evidence "$source_dir/examples/bayes_rule.pm" -d positive=1 --method bogus > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown method should exit 2"
"$pm" evidence "$source_dir/examples/bayes_rule.pm" > /dev/null 2>&1
[ $? -eq 2 ] || fail "missing data should exit 2"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "evidence.sh: all passed"
