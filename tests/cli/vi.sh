#!/usr/bin/env bash
# End-to-end tests of `pm fit --method vi` (CLI.md "pm fit", "Output", "--json"): the coin's
# posterior mean against the exact Beta mean, the --json fields, the draws file in CmdStan's
# VI layout (mean row first, lp__/log_p__/log_g__), --save-params / --init resuming the
# guide, reproducibility by seed, fullrank on eight schools against posteriordb's reference
# means (copied below), reverse KL versus Renyi on the bimodal example, and bad options.
#   usage: vi.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
data="$source_dir/tests/data"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The coin: Beta(k + 1, n - k + 1) posterior; meanfield mean within 0.005 of (k + 1) / (n + 2).
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --json --seed 4 -o "$scratch/coin.csv" \
  --save-params "$scratch/coin_params.json" > "$scratch/coin.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "vi coin: $(head -3 "$scratch/err")"
python3 - "$scratch/coin.json" "$examples/coin.json" "$scratch/coin.csv" <<'PY' || fail "vi coin: JSON fields, estimate or draws file"
import json, sys
out = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
for key in ("method", "guide", "iterations", "converged", "elbo", "khat", "time_s", "summary", "reconstruction", "kl"):
    assert key in out, key
assert out["method"] == "vi" and out["guide"] == "meanfield" and out["converged"] is True, out
k, n = sum(d["y"]), d["N"]
exact = (k + 1) / (n + 2)
p = out["summary"]["p"]
assert abs(p["mean"] - exact) < 0.005, (p, exact)
assert p["q5"] < p["q50"] < p["q95"] and p["sd"] > 0, p
assert abs(out["kl"] - (out["reconstruction"] - out["elbo"])) < 1e-9 * abs(out["elbo"]), out
assert out["khat"] < 0.7, out["khat"]
lines = [l for l in open(sys.argv[3]) if not l.startswith("#")]
comments = [l for l in open(sys.argv[3]) if l.startswith("#")]
assert any("method = variational" in c for c in comments), comments[:5]
assert any("algorithm = meanfield" in c for c in comments), comments[:8]
header = lines[0].strip().split(",")
assert header[:4] == ["lp__", "log_p__", "log_g__", "p"], header
rows = [[float(x) for x in l.split(",")] for l in lines[1:] if l.strip()]
assert len(rows) == 1 + 1000, len(rows)
assert rows[0][0] == 0 and rows[0][1] == 0 and rows[0][2] == 0, rows[0]
mean = sum(r[3] for r in rows[1:]) / 1000
assert abs(mean - p["mean"]) < 1e-9, (mean, p["mean"])
PY

# Same seed, same output (time_s aside); --init from --save-params resumes the guide.
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --json --seed 4 > "$scratch/coin2.json" 2>/dev/null
python3 - "$scratch/coin.json" "$scratch/coin2.json" <<'PY' || fail "vi coin: not reproducible by seed"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a.pop("time_s"); b.pop("time_s")
assert a == b
PY
grep -q '"__guide__"' "$scratch/coin_params.json" || fail "--save-params should hold the guide"
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --json --seed 5 --init "$scratch/coin_params.json" > "$scratch/resumed.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "vi --init: $(head -3 "$scratch/err")"
python3 - "$scratch/coin.json" "$scratch/resumed.json" <<'PY' || fail "vi --init: the resumed fit moved away"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert abs(a["summary"]["p"]["mean"] - b["summary"]["p"]["mean"]) < 0.01, (a["summary"]["p"], b["summary"]["p"])
PY

# Eight schools (non-centered), fullrank: every mean within 0.2 reference sd of posteriordb's
# reference (eight_schools-eight_schools_noncentered/reference_summary.csv, copied here).
"$pm" fit "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --guide fullrank --json --seed 1 > "$scratch/es.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "vi eight schools: $(head -3 "$scratch/err")"
python3 - "$scratch/es.json" <<'PY' || fail "vi eight schools: a mean is more than 0.2 reference sd away"
import json, sys
reference = {"theta[1]": (6.150502293, 5.615863419), "theta[2]": (4.939581141, 4.645578114),
             "theta[3]": (3.90590609, 5.280711952), "theta[4]": (4.796016751, 4.770938024),
             "theta[5]": (3.614436325, 4.614720692), "theta[6]": (4.051147579, 4.796248401),
             "theta[7]": (6.317169759, 5.002855395), "theta[8]": (4.883996944, 5.317692056),
             "mu": (4.410518337, 3.309296477), "tau": (3.602059524, 3.198477671)}
out = json.load(open(sys.argv[1]))
assert out["guide"] == "fullrank"
for name, (mean, sd) in reference.items():
    got = out["summary"][name]["mean"]
    assert abs(got - mean) < 0.2 * sd, (name, got, mean, sd)
PY

# The same target with the meanfield guide and PSIS-reweighted summaries of 10000 draws.
"$pm" fit "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --psis --draws 10000 --json --seed 1 > "$scratch/es_psis.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "vi eight schools --psis: $(head -3 "$scratch/err")"
python3 - "$scratch/es_psis.json" <<'PY' || fail "vi eight schools --psis: a mean is more than 0.2 reference sd away"
import json, sys
psis = json.load(open(sys.argv[1]))
assert psis["guide"] == "meanfield"
reference = {"theta[1]": (6.150502293, 5.615863419), "theta[2]": (4.939581141, 4.645578114),
             "theta[3]": (3.90590609, 5.280711952), "theta[4]": (4.796016751, 4.770938024),
             "theta[5]": (3.614436325, 4.614720692), "theta[6]": (4.051147579, 4.796248401),
             "theta[7]": (6.317169759, 5.002855395), "theta[8]": (4.883996944, 5.317692056),
             "mu": (4.410518337, 3.309296477), "tau": (3.602059524, 3.198477671)}
for name, (mean, sd) in reference.items():
    got = psis["summary"][name]["mean"]
    assert abs(got - mean) < 0.2 * sd, (name, got, mean, sd)
PY

# Reverse KL locks onto one mode; renyi:0 spreads over both (sd at least 3x wider).
for objective in elbo renyi:0; do
  "$pm" fit "$examples/bimodal_kl.pm" -d "$examples/bimodal_kl.json" --grad-samples 50 --seed 2 \
    --objective "$objective" --json > "$scratch/bimodal_$objective.json" 2> "$scratch/err"
  [ $? -eq 0 ] || fail "bimodal $objective: $(head -3 "$scratch/err")"
done
python3 - "$scratch/bimodal_elbo.json" "$scratch/bimodal_renyi:0.json" <<'PY' || fail "bimodal: reverse KL vs renyi contrast"
import json, sys
elbo, renyi = (json.load(open(f))["summary"]["mu"] for f in sys.argv[1:3])
assert abs(elbo["mean"]) > 1.2 and elbo["sd"] < 0.6, elbo
assert renyi["sd"] > 3 * elbo["sd"], (renyi, elbo)
PY

# A log density that is never finite: exit 1, naming the statement and the values involved.
printf 'data { int N; vector[N] y; }\nlatent { real mu; real s; }\nmodel {\n  mu ~ normal(0, 1);\n  s ~ normal(0, 1);\n  y ~ normal(mu, -exp(s));\n}\n' > "$scratch/negative_scale.pm"
"$pm" fit "$scratch/negative_scale.pm" -d "$examples/coin.json" > /dev/null 2> "$scratch/err"
[ $? -eq 1 ] || fail "a never-finite log density should exit 1: $(head -3 "$scratch/err")"
grep -q "negative_scale.pm:6:3: error: the log density is not finite at every starting point tried" "$scratch/err" || fail "non-finite: statement: $(cat "$scratch/err")"
grep -q -- "-exp(s) = -" "$scratch/err" || fail "non-finite: the values involved: $(cat "$scratch/err")"

# Bad options exit 2 with a message.
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --objective iwae:0 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--objective iwae:0 should exit 2"
grep -q "iwae" "$scratch/err" || fail "--objective message: $(cat "$scratch/err")"
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --guide bogus > /dev/null 2>&1
[ $? -eq 2 ] || fail "--guide bogus should exit 2"
[ ! -e "$scratch/none.csv" ] || fail "a failed run wrote a file"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "vi.sh: all passed"
