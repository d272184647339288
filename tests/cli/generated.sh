#!/usr/bin/env bash
# End-to-end tests of the generated block under `pm fit` (VI; docs/simulation.md, "The
# generated block"): a summed-out discrete latent is read per draw from the value the draws
# file holds for that draw (drawn from its exact conditional posterior), never from its prior
# (a diagnostic test: the mean of `int d = disease;` is the posterior P(disease = 1), and d
# equals the disease column in every row, the first (center) row included; a change point
# read by an indicator); and matrix-valued constrained latents (cholesky_factor_corr,
# cov_matrix) reach the generated block with their K x K shape.
#   usage: generated.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# A positive test of a rare disease: P(disease = 1 | positive) = 0.0095 / (0.0095 + 0.0495).
cat > "$scratch/disease.pm" <<'PM'
data { int<lower=0, upper=1> positive; }
latent { int<lower=0, upper=1> disease; real u; }
model { u ~ normal(0, 1); disease ~ bernoulli(0.01); positive ~ bernoulli(disease == 1 ? 0.95 : 0.05); }
generated { int d = disease; }
PM
"$pm" fit "$scratch/disease.pm" -d positive=1 --seed 1 --draws 4000 --json -o "$scratch/disease.csv" \
  > "$scratch/disease.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "disease: $(head -3 "$scratch/err")"
python3 - "$scratch/disease.json" "$scratch/disease.csv" <<'PY' || fail "disease: the generated block does not see the posterior of the discrete latent"
import json, math, sys
out = json.load(open(sys.argv[1]))
p = 0.0095 / (0.0095 + 0.0495)
assert abs(out["discrete"]["disease"]["1"] - p) < 1e-6, out["discrete"]
d = out["summary"]["d"]["mean"]
assert abs(d - p) < 4 * math.sqrt(p * (1 - p) / 4000), (d, p)
lines = [l for l in open(sys.argv[2]) if not l.startswith("#") and l.strip()]
header = lines[0].strip().split(",")
rows = [[float(x) for x in l.split(",")] for l in lines[1:]]
assert len(rows) == 4001, len(rows)
i, j = header.index("d"), header.index("disease")
bad = [k for k, r in enumerate(rows) if r[i] != r[j]]
assert not bad, ("rows where d differs from disease", bad[:10])
PY

# A change point s (summed out) read by a generated indicator: it agrees with the s column in
# every row, and its mean is P(s > 7) from the reported posterior.
cat > "$scratch/change.pm" <<'PM'
data { int<lower=1> T; array[T] int<lower=0> y; }
latent { int<lower=1, upper=T> s; real<lower=0> e; real<lower=0> l; }
model {
  e ~ exponential(0.5);
  l ~ exponential(0.5);
  s ~ categorical(rep_vector(1.0 / T, T));
  for (t in 1:T) y[t] ~ poisson(t < s ? e : l);
}
generated { int after7 = s > 7 ? 1 : 0; }
PM
echo '{"T": 12, "y": [4, 5, 3, 4, 6, 2, 5, 3, 1, 0, 2, 1]}' > "$scratch/change.json"
"$pm" fit "$scratch/change.pm" -d "$scratch/change.json" --seed 2 --json -o "$scratch/change.csv" \
  > "$scratch/change_out.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "change point: $(head -3 "$scratch/err")"
python3 - "$scratch/change_out.json" "$scratch/change.csv" <<'PY' || fail "change point: after7 disagrees with s"
import json, math, sys
out = json.load(open(sys.argv[1]))
expected = sum(p for v, p in out["discrete"]["s"].items() if int(v) > 7)
lines = [l for l in open(sys.argv[2]) if not l.startswith("#") and l.strip()]
header = lines[0].strip().split(",")
rows = [[float(x) for x in l.split(",")] for l in lines[2:]]  # the draws, without the center row
i, j = header.index("after7"), header.index("s")
bad = sum(1 for r in rows if r[i] != (1.0 if r[j] > 7 else 0.0))
assert bad == 0, ("rows where after7 disagrees with s", bad)
mean = out["summary"]["after7"]["mean"]
assert abs(mean - expected) < 4 * math.sqrt(expected * (1 - expected) / len(rows)), (mean, expected)
PY

# Matrix-valued constrained latents keep their K x K shape in the generated block.
cat > "$scratch/lkj.pm" <<'PM'
latent { cholesky_factor_corr[3] L; }
model { L ~ lkj_corr_cholesky(2); }
generated {
  matrix[3, 3] Omega = L * L';
  matrix[3, 3] M = multiply_lower_tri_self_transpose(L);
  real rho = L[2, 1];
}
PM
"$pm" fit "$scratch/lkj.pm" --seed 1 --json -o "$scratch/lkj.csv" > "$scratch/lkj.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "cholesky_factor_corr: $(head -3 "$scratch/err")"
python3 - "$scratch/lkj.csv" <<'PY' || fail "cholesky_factor_corr: Omega, M or rho are not L L' and L[2,1]"
import sys
lines = [l for l in open(sys.argv[1]) if not l.startswith("#") and l.strip()]
header = lines[0].strip().split(",")
rows = [[float(x) for x in l.split(",")] for l in lines[1:]]
col = {name: k for k, name in enumerate(header)}
for name in ("Omega", "M"):
    assert all(f"{name}.{i}.{j}" in col for i in (1, 2, 3) for j in (1, 2, 3)), header
assert "rho" in col, header
for r in rows[:200]:
    L = [[r[col[f"L.{i}.{j}"]] for j in (1, 2, 3)] for i in (1, 2, 3)]
    for i in range(3):
        for j in range(3):
            expected = sum(L[i][k] * L[j][k] for k in range(3))
            assert abs(r[col[f"Omega.{i+1}.{j+1}"]] - expected) < 1e-12, (i, j, r)
            assert abs(r[col[f"M.{i+1}.{j+1}"]] - expected) < 1e-12, (i, j, r)
    assert r[col["rho"]] == L[1][0]
PY

# The same K x K binding gives `pm sample --from` the fitted L of each draw (the first draw:
# the row after the center), as nested rows.
"$pm" sample "$scratch/lkj.pm" --from "$scratch/lkj.csv" -n 1 --json > "$scratch/lkj_sample.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "sample --from a cholesky_factor_corr fit: $(head -3 "$scratch/err")"
python3 - "$scratch/lkj.csv" "$scratch/lkj_sample.json" <<'PY' || fail "sample --from: L is not the draw's"
import json, sys
lines = [l for l in open(sys.argv[1]) if not l.startswith("#") and l.strip()]
header = lines[0].strip().split(",")
first = [float(x) for x in lines[2].split(",")]
L = json.load(open(sys.argv[2]))["truth"][0]["L"]
for i in range(3):
    for j in range(3):
        assert L[i][j] == first[header.index(f"L.{i+1}.{j+1}")], (i, j, L)
PY

cat > "$scratch/cov.pm" <<'PM'
latent { cov_matrix[2] S; }
model { target += -0.5 * (S[1, 1] + S[2, 2]); }
generated { matrix[2, 2] T = S * 2; }
PM
"$pm" fit "$scratch/cov.pm" --seed 1 -o "$scratch/cov.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 0 ] || fail "cov_matrix: $(head -3 "$scratch/err")"
python3 - "$scratch/cov.csv" <<'PY' || fail "cov_matrix: T is not S * 2, element by element"
import sys
lines = [l for l in open(sys.argv[1]) if not l.startswith("#") and l.strip()]
header = lines[0].strip().split(",")
col = {name: k for k, name in enumerate(header)}
assert [h for h in header if h.startswith("T")] == ["T.1.1", "T.2.1", "T.1.2", "T.2.2"], header
for l in lines[1:]:
    r = [float(x) for x in l.split(",")]
    for i in (1, 2):
        for j in (1, 2):
            assert r[col[f"T.{i}.{j}"]] == 2 * r[col[f"S.{i}.{j}"]], (i, j, r)
PY

# An int array assembled in a sequential loop and read as an index by the next iteration (a
# Viterbi backtrack, as posteriordb's hmm_example does): path[k] = k. Its elements never depend
# on the params, so reading one as an index is allowed (the in-place assembly must not mark
# them as carrying a gradient). Under map, vi and nuts.
cat > "$scratch/backtrack.pm" <<'PM'
data { int<lower=2> N; }
latent { real mu; }
model { mu ~ normal(0, 1); }
generated {
  array[N] int back;
  for (n in 1:N) back[n] = n;
  array[N] int path;
  path[N] = N;
  for (s in 1:(N - 1)) path[N - s] = back[path[N - s + 1]] - 1;
}
PM
for method in map vi "nuts --chains 1 --warmup 30 --draws 30"; do
  # shellcheck disable=SC2086
  "$pm" fit "$scratch/backtrack.pm" -d N=6 --method $method --seed 1 --json > "$scratch/backtrack.json" 2> "$scratch/err" ||
    { fail "backtrack, $method: $(head -3 "$scratch/err")"; continue; }
  python3 - "$scratch/backtrack.json" <<'PY' || fail "backtrack, $method: path[k] is not k"
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
for k in range(1, 7):
    assert summary[f"path[{k}]"]["mean"] == k, (k, summary[f"path[{k}]"])
PY
done

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "generated: all passed"
