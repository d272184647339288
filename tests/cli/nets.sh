#!/usr/bin/env bash
# End-to-end tests of nets (docs/nets.md): `pm fit --method mle` of y = sin(x) + noise with
# an mlp(1, 16, 1, activation = tanh) and a learned noise scale reaches a training MSE below 0.03 (the noise variance
# is 0.01; a straight line leaves about 0.25); --save-params writes the weights under their
# stable names and shapes; --init from that file starts at the saved point (with --iter 0
# the log density is the saved fit's, within 1e-9 relative); and the default VI fits a model with a
# net and a latent per group (finite ELBO, converged).
#   usage: nets.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Seeded data: 64 points, x uniform on [-3, 3], y = sin(x) + N(0, 0.1^2); 4 groups with offsets.
python3 - "$scratch" <<'PY'
import json, math, random, sys
rng = random.Random(20261125)
n = 64
x = [rng.uniform(-3, 3) for _ in range(n)]
y = [math.sin(v) + rng.gauss(0, 0.1) for v in x]
json.dump({"N": n, "x": [[v] for v in x], "y": [[v] for v in y]}, open(sys.argv[1] + "/sine.json", "w"))
offsets = [-1.0, -0.3, 0.4, 1.2]
g = [1 + i % 4 for i in range(n)]
yg = [math.sin(v) + offsets[k - 1] + rng.gauss(0, 0.2) for v, k in zip(x, g)]
json.dump({"N": n, "G": 4, "g": g, "x": [[v] for v in x], "y": yg}, open(sys.argv[1] + "/groups.json", "w"))
PY

cat > "$scratch/sine.pm" <<'PM'
data {
  int<lower=1> N;
  matrix[N, 1] x;
  matrix[N, 1] y;
}
net f = mlp(1, 16, 1, activation = tanh);
param {
  real<lower=0> sigma;
}
model {
  y ~ normal(f(x), sigma);
}
PM

"$pm" fit "$scratch/sine.pm" -d "$scratch/sine.json" --method mle --seed 3 --json \
  --save-params "$scratch/sine_params.json" > "$scratch/sine_fit.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "mle with a net: $(head -3 "$scratch/err")"
python3 - "$scratch/sine_params.json" "$scratch/sine.json" "$scratch/sine_fit.json" <<'PY' || fail "mle with a net: saved weights or training MSE"
import json, math, sys
p = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2])); fit = json.load(open(sys.argv[3]))
assert sorted(k for k in p if not k.startswith("__")) == ["f.layer1.bias", "f.layer1.weight", "f.layer2.bias", "f.layer2.weight", "sigma"], list(p)
W1, b1, W2, b2 = p["f.layer1.weight"], p["f.layer1.bias"], p["f.layer2.weight"], p["f.layer2.bias"]
assert len(W1) == 16 and all(len(row) == 1 for row in W1) and len(b1) == 16, (len(W1), len(b1))
assert len(W2) == 1 and len(W2[0]) == 16 and len(b2) == 1, (len(W2), len(b2))
assert not any(k.startswith("f.") for k in fit.get("summary", {})), "net weights must not be summarized"
sq = 0.0
for (x,), (y,) in zip(d["x"], d["y"]):
    h = [math.tanh(W1[j][0] * x + b1[j]) for j in range(16)]
    out = sum(W2[0][j] * h[j] for j in range(16)) + b2[0]
    sq += (out - y) ** 2
mse = sq / d["N"]
print(f"sine mlp: training MSE {mse:.4f}", file=sys.stderr)
assert mse < 0.03, mse
PY

# --init from the saved weights with --iter 0: the fit stays at the saved point, so its log
# density is the first fit's exactly (rounding aside); a random start is far from it.
"$pm" fit "$scratch/sine.pm" -d "$scratch/sine.json" --method mle --seed 9 --json --iter 0 \
  --init "$scratch/sine_params.json" > "$scratch/sine_refit.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "mle --init with net weights: $(head -3 "$scratch/err")"
"$pm" fit "$scratch/sine.pm" -d "$scratch/sine.json" --method mle --seed 9 --json --iter 0 \
  > "$scratch/sine_random.json" 2> "$scratch/err"
python3 - "$scratch/sine_fit.json" "$scratch/sine_refit.json" "$scratch/sine_random.json" <<'PY' || fail "mle --init with net weights: did not start at the saved point"
import json, sys
first, again, random_start = (json.load(open(f))["log_density"] for f in sys.argv[1:4])
assert abs(first - again) <= 1e-9 * max(1.0, abs(first)), (first, again)
assert random_start < first - 10, (random_start, first)
PY

# A wrongly shaped saved weight is a named error.
python3 - "$scratch/sine_params.json" "$scratch/bad_params.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["f.layer1.weight"] = [1.0, 2.0]
json.dump(p, open(sys.argv[2], "w"))
PY
"$pm" fit "$scratch/sine.pm" -d "$scratch/sine.json" --method mle --init "$scratch/bad_params.json" \
  > /dev/null 2> "$scratch/err"
[ $? -ne 0 ] && grep -q "f.layer1.weight" "$scratch/err" || fail "bad net weights in --init: $(head -3 "$scratch/err")"

# VI (the default): a net (theta) and a latent offset per group (automatic meanfield guide).
cat > "$scratch/groups.pm" <<'PM'
data {
  int<lower=1> N;
  int<lower=1> G;
  array[N] int<lower=1, upper=G> g;
  matrix[N, 1] x;
  vector[N] y;
}
net f = mlp(1, 8, 1, activation = tanh);
latent {
  vector[G] a;
}
model {
  a ~ normal(0, 0.5);
  for (n in 1:N) y[n] ~ normal(f(x[n])[1] + a[g[n]], 0.2);
}
PM
"$pm" fit "$scratch/groups.pm" -d "$scratch/groups.json" --seed 5 --json \
  --save-params "$scratch/groups_params.json" > "$scratch/groups_fit.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "vi with a net: $(head -3 "$scratch/err")"
python3 - "$scratch/groups_fit.json" "$scratch/groups_params.json" <<'PY' || fail "vi with a net: ELBO, convergence or saved weights"
import json, math, sys
out = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
print(f"vi with a net: elbo {out['elbo']:.2f}, iterations {out['iterations']}", file=sys.stderr)
assert out["method"] == "vi" and out["converged"] is True, out
assert math.isfinite(out["elbo"]), out["elbo"]
assert "a[1]" in out["summary"] and not any(k.startswith("f.") for k in out["summary"]), list(out["summary"])
assert len(p["f.layer1.weight"]) == 8 and len(p["f.layer2.weight"][0]) == 8, p.keys()
# The group offsets are identified up to a shift the net's output bias absorbs: centered, each
# within 0.25 of the truth (16 points per group with noise sd 0.2: se 0.05, plus the net's misfit).
offsets = [-1.0, -0.3, 0.4, 1.2]
means = [out["summary"][f"a[{k}]"]["mean"] for k in range(1, 5)]
center, true_center = sum(means) / 4, sum(offsets) / 4
for m, t in zip(means, offsets):
    assert abs((m - center) - (t - true_center)) < 0.25, (means, offsets)
PY

# A VI model that calls a net and has a generated block: the block runs with the fitted
# weights (it used to fail asking for --params), per draw: s2 = 2 sigma in every row.
cat > "$scratch/net_generated.pm" <<'PM'
data { int<lower=1> N; vector[N] x; vector[N] y; }
net f = mlp(1, 8, 1, activation = tanh);
latent { real<lower=0> sigma; }
model {
  sigma ~ lognormal(0, 1);
  y ~ normal(to_vector(f(to_matrix(x))), sigma);
}
generated { real s2 = sigma * 2; real fit1 = f(to_matrix(x))[1, 1]; }
PM
python3 -c '
import json, math, random
random.seed(1); x = [i / 10 for i in range(30)]; y = [math.sin(v) + random.gauss(0, 0.1) for v in x]
json.dump({"N": 30, "x": x, "y": y}, open("'"$scratch"'/net_generated.json", "w"))'
"$pm" fit "$scratch/net_generated.pm" -d "$scratch/net_generated.json" --iter 300 -o "$scratch/net_generated.csv" \
  > /dev/null 2> "$scratch/err" || fail "net with a generated block: $(head -3 "$scratch/err")"
python3 - "$scratch/net_generated.csv" <<'PY' || fail "net with a generated block: s2 is not 2 sigma"
import csv, math, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
assert len(rows) > 100
for r in rows:
    assert abs(float(r["s2"]) - 2 * float(r["sigma"])) < 1e-9 * max(1, float(r["s2"])), r
    assert math.isfinite(float(r["fit1"])), r
PY

[ "$failures" -eq 0 ] || exit 1
echo "nets.sh: all passed"
