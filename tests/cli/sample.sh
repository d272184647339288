#!/usr/bin/env bash
# End-to-end tests of `pm sample` and `pm evidence --method prior` (CLI.md; docs/simulation.md):
# fake data in the data block's shapes that -d reads back; -n N files; the same seed, the same
# output; --params for params without a prior; --from a draws file (posterior predictive);
# the prior Monte Carlo evidence of the coin within 3 standard errors of the exact value.
#   usage: sample.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The coin from its prior: N copied, y drawn, N ints in {0, 1}; -d reads it back.
"$pm" sample "$examples/coin.pm" -d N=20 --seed 4 -o "$scratch/coin_fake.json" > "$scratch/out" 2> "$scratch/err" \
  || fail "coin sample: $(head -3 "$scratch/err")"
python3 - "$scratch/coin_fake.json" <<'PY' || fail "coin fake data: $(cat "$scratch/coin_fake.json")"
import json, sys
data = json.load(open(sys.argv[1]))
assert data["N"] == 20 and len(data["y"]) == 20, data
assert all(isinstance(v, int) and v in (0, 1) for v in data["y"]), data
PY
"$pm" check "$examples/coin.pm" > /dev/null 2>&1 || fail "pm check coin"
"$pm" fit "$examples/coin.pm" -d "$scratch/coin_fake.json" --method map > /dev/null 2> "$scratch/err" \
  || fail "pm fit -d the sampled data: $(head -3 "$scratch/err")"

# -n 3: OUT_1.json ... OUT_3.json; the same seed gives the same files; data set k does not
# depend on N (draw k uses the stream split(k)).
"$pm" sample "$examples/coin.pm" -d N=20 --seed 4 -n 3 -o "$scratch/many.json" > /dev/null 2> "$scratch/err" \
  || fail "coin -n 3: $(head -3 "$scratch/err")"
for k in 1 2 3; do [ -s "$scratch/many_$k.json" ] || fail "missing many_$k.json"; done
cmp -s "$scratch/many_1.json" "$scratch/coin_fake.json" || fail "data set 1 of -n 3 differs from -n 1's"
cmp -s "$scratch/many_1.json" "$scratch/many_2.json" && fail "data sets 1 and 2 are identical"
"$pm" sample "$examples/coin.pm" -d N=20 --seed 4 -n 3 -o "$scratch/again.json" > /dev/null 2>&1
cmp -s "$scratch/many_3.json" "$scratch/again_3.json" || fail "the same seed gave different data"
"$pm" sample "$examples/coin.pm" -d N=20 --seed 5 > "$scratch/seed5.json" 2>/dev/null
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a != b" \
  "$scratch/seed5.json" "$scratch/coin_fake.json" || fail "another seed gave the same data"

# --json: the data sets and the true values of the latents that drew them.
"$pm" sample "$examples/coin.pm" -d N=50 -n 2 --json > "$scratch/coin.json" 2> "$scratch/err" \
  || fail "coin --json: $(head -3 "$scratch/err")"
python3 - "$scratch/coin.json" <<'PY' || fail "coin --json: $(head -c 300 "$scratch/coin.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["draws"] == 2 and len(out["data"]) == 2 and len(out["truth"]) == 2, out
for truth in out["truth"]:
    assert 0 < truth["p"] < 1, truth
PY

# Eight schools with its covariates: sigma copied, y drawn with 8 reals.
echo '{"J": 8, "sigma": [15, 10, 16, 11, 9, 11, 10, 18]}' > "$scratch/es_cov.json"
"$pm" sample "$examples/eight_schools.pm" -d "$scratch/es_cov.json" -o "$scratch/es.json" > /dev/null 2> "$scratch/err" \
  || fail "eight schools sample: $(head -3 "$scratch/err")"
python3 - "$scratch/es.json" <<'PY' || fail "eight schools fake data: $(cat "$scratch/es.json")"
import json, sys
data = json.load(open(sys.argv[1]))
assert data["sigma"] == [15, 10, 16, 11, 9, 11, 10, 18] and len(data["y"]) == 8, data
PY
"$pm" fit "$examples/eight_schools.pm" -d "$scratch/es.json" --method map > /dev/null 2> "$scratch/err" \
  || fail "eight schools round trip: $(head -3 "$scratch/err")"

# Params without a prior: a located error naming the param, exit 2; --params gives them.
"$pm" sample "$examples/gmm.pm" -d N=6 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "gmm without --params should exit 2"
grep -q "gmm.pm:[0-9]*:[0-9]*: error: the param 'mu' has no prior" "$scratch/err" || fail "gmm message: $(cat "$scratch/err")"
echo '{"w": [0.3, 0.7], "mu": [-20, 20], "sigma": [0.5, 1]}' > "$scratch/gmm_params.json"
"$pm" sample "$examples/gmm.pm" -d N=200 --params "$scratch/gmm_params.json" --json > "$scratch/gmm.json" 2> "$scratch/err" \
  || fail "gmm --params: $(head -3 "$scratch/err")"
python3 - "$scratch/gmm.json" <<'PY' || fail "gmm draws: $(head -c 300 "$scratch/gmm.json")"
import json, sys
out = json.load(open(sys.argv[1]))
x, z = out["data"][0]["x"], out["truth"][0]["z"]
assert len(x) == 200 and len(z) == 200
# Components 20 sd apart: each x sits by the mean of its own z.
assert all((xi < 0) == (zi == 1) for xi, zi in zip(x, z)), "x does not follow z"
share = sum(1 for zi in z if zi == 2) / 200
assert abs(share - 0.7) < 5 * (0.21 / 200) ** 0.5, share
PY
echo '{"w": [0.3, 0.7], "mu": [1, 2, 3]}' > "$scratch/bad_params.json"
"$pm" sample "$examples/gmm.pm" -d N=6 --params "$scratch/bad_params.json" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "gmm with bad --params should exit 2"

# --from a draws file: the posterior predictive, the observed y drawn anew.
if "$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --method map -o "$scratch/fit.csv" > /dev/null 2>&1; then
  "$pm" sample "$examples/coin.pm" -d "$examples/coin.json" --from "$scratch/fit.csv" --json > "$scratch/ppc.json" \
    2> "$scratch/err" || fail "--from: $(head -3 "$scratch/err")"
  python3 - "$scratch/ppc.json" "$examples/coin.json" <<'PY' || fail "--from: $(head -c 300 "$scratch/ppc.json")"
import json, sys
out, observed = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
y = out["data"][0]["y"]
assert len(y) == 100 and y != observed["y"], "y was not drawn anew"
assert abs(out["truth"][0]["p"] - 0.63) < 0.01, out["truth"]
PY
fi

# The prior Monte Carlo evidence of the coin (Beta(1, 1)-Bernoulli): exact log B(1 + k, 1 + n - k).
"$pm" evidence "$examples/coin.pm" -d "$examples/coin.json" --method prior --draws 20000 --seed 3 --json \
  > "$scratch/evidence.json" 2> "$scratch/err" || fail "evidence --method prior: $(head -3 "$scratch/err")"
python3 - "$scratch/evidence.json" "$examples/coin.json" <<'PY' || fail "prior evidence: $(cat "$scratch/evidence.json")"
import json, math, sys
out, data = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
k, n = sum(data["y"]), len(data["y"])
exact = math.lgamma(1 + k) + math.lgamma(1 + n - k) - math.lgamma(2 + n)
assert out["method"] == "prior" and out["draws"] == 20000, out
assert 0 < out["se"] < 0.1 and 1 < out["ess"] <= 20000, out
assert abs(out["log_evidence"] - exact) < 3 * out["se"], (out, exact)
PY
"$pm" evidence "$examples/coin.pm" -d "$examples/coin.json" --method prior --draws 2000 > "$scratch/table" 2>&1 \
  || fail "evidence table: $(cat "$scratch/table")"
grep -q "^log p(data): -6[78]\.[0-9]* (prior Monte Carlo; se " "$scratch/table" || fail "evidence table: $(cat "$scratch/table")"
grep -q "^draws: 2000, effective sample size: " "$scratch/table" || fail "evidence table: $(cat "$scratch/table")"
"$pm" evidence "$examples/coin.pm" -d "$examples/coin.json" --method prior --draws 0 > /dev/null 2>&1
[ $? -eq 2 ] || fail "--draws 0 should exit 2"

[ "$failures" -eq 0 ] && echo "sample.sh: all passed"
exit "$failures"
