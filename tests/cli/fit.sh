#!/usr/bin/env bash
# End-to-end tests of `pm fit --method mle|map` (CLI.md "pm fit", "Output", "--json"):
# closed-form estimates, --json fields, exit codes, the -o layout (CmdStan optimize CSV),
# the --save-params / --init round trip, reproducibility by seed.
#   usage: fit.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
data="$source_dir/tests/data"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# MLE of normal_known (sigma known): mu is the sample mean; log_density the log-likelihood.
"$pm" fit "$data/normal_known.pm" -d "$data/normal_known.json" --method mle --json > "$scratch/mle.json" 2> "$scratch/err"
status=$?
[ "$status" -eq 0 ] || fail "mle normal_known exited $status: $(head -3 "$scratch/err")"
python3 - "$scratch/mle.json" "$data/normal_known.json" <<'PY' || fail "mle normal_known: JSON fields or estimate"
import json, math, sys
out = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
for key in ("method", "iterations", "converged", "log_density", "time_s", "summary"):
    assert key in out, key
assert out["method"] == "mle" and out["converged"] is True, out
assert isinstance(out["iterations"], int) and out["iterations"] >= 1
assert out["time_s"] >= 0
mean = sum(d["y"]) / d["N"]
entry = out["summary"]["mu"]
assert abs(entry["mean"] - mean) < 1e-6 * max(1, abs(mean)), (entry, mean)
assert entry["sd"] is None and entry["q5"] is None and entry["q50"] is None and entry["q95"] is None, entry
s = d["sigma"]
loglik = sum(-0.5 * math.log(2 * math.pi * s * s) - (y - mean) ** 2 / (2 * s * s) for y in d["y"])
assert abs(out["log_density"] - loglik) < 1e-6 * abs(loglik), (out["log_density"], loglik)
PY

# MAP of coin (beta(1, 1) prior: the mode k / n) is the default method without latents.
"$pm" fit "$data/coin.pm" -d "$data/coin.json" --json > "$scratch/map.json" 2> "$scratch/err" || fail "map coin: $(head -3 "$scratch/err")"
python3 - "$scratch/map.json" "$data/coin.json" <<'PY' || fail "map coin: default method or estimate"
import json, sys
out = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
assert out["method"] == "map", out
mode = sum(d["y"]) / d["N"]
assert abs(out["summary"]["theta"]["mean"] - mode) < 1e-6, (out["summary"], mode)
PY

# MLE with a discrete latent summed out: the two-component normal mixture of Old Faithful's
# eruption durations. EM (R's mixtools::normalmixEM on faithful$eruptions) reaches the
# log-likelihood -276.36; the ordered means are about 2.02 and 4.27.
"$pm" fit "$source_dir/examples/gmm.pm" -d "$source_dir/examples/gmm_faithful.json" --method mle --json \
  > "$scratch/gmm.json" 2> "$scratch/err" || fail "gmm mle: $(head -3 "$scratch/err")"
python3 - "$scratch/gmm.json" <<'PY' || fail "gmm mle: log-likelihood or means"
import json, sys
out = json.load(open(sys.argv[1]))
assert abs(out["log_density"] - (-276.36)) < 0.01, out["log_density"]
mu = [out["summary"]["mu[1]"]["mean"], out["summary"]["mu[2]"]["mean"]]
assert abs(mu[0] - 2.02) < 0.01 and abs(mu[1] - 4.27) < 0.01, mu
PY

# The table: a header with the CLI.md columns, the estimate, then the run's facts.
"$pm" fit "$data/coin.pm" -d "$data/coin.json" --quiet > "$scratch/table.txt" 2> "$scratch/err" || fail "table run failed"
grep -q "^name .*mean.*sd.*5%.*50%.*95%" "$scratch/table.txt" || fail "table header: $(head -1 "$scratch/table.txt")"
grep -q "^theta " "$scratch/table.txt" || fail "table has no theta row"
for fact in "method: map" "iterations:" "convergence:" "log density at the optimum:" "wall time:"; do
  grep -q "$fact" "$scratch/table.txt" || fail "table lacks '$fact'"
done

# Same seed, same output (time_s aside); -o as CmdStan's optimize CSV with dotted names.
for run in 1 2; do
  "$pm" fit "$data/logreg_small.pm" -d "$data/logreg_small.json" --method map --seed 7 --json \
    -o "$scratch/opt$run.csv" --save-params "$scratch/params$run.json" > "$scratch/run$run.json" 2> "$scratch/err" ||
    fail "logreg map run $run: $(head -3 "$scratch/err")"
done
python3 - "$scratch/run1.json" "$scratch/run2.json" <<'PY' || fail "same seed gave different output"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a.pop("time_s"); b.pop("time_s")
assert a == b, (a, b)
PY
cmp -s "$scratch/params1.json" "$scratch/params2.json" || fail "same seed gave different --save-params"
python3 - "$scratch/opt1.csv" "$scratch/run1.json" <<'PY' || fail "-o layout"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
comments = [l for l in lines if l.startswith("#")]
rows = [l for l in lines if not l.startswith("#")]
assert any(l.strip("# ") == "method = optimize" for l in comments), comments
assert any("seed = 7" in l for l in comments)
assert len(rows) == 2, rows
header = rows[0].split(",")
assert header[0] == "lp__" and "alpha" in header and "beta.1" in header, header
values = dict(zip(header, map(float, rows[1].split(","))))
out = json.load(open(sys.argv[2]))
assert abs(values["lp__"] - out["log_density"]) < 1e-9 * abs(out["log_density"])
assert abs(values["beta.1"] - out["summary"]["beta[1]"]["mean"]) < 1e-12
PY

# --save-params / --init round trip: restarting at the optimum stays there.
python3 - "$scratch/params1.json" <<'PY' || fail "--save-params layout"
import json, sys
p = json.load(open(sys.argv[1]))
assert isinstance(p["alpha"], float) and isinstance(p["beta"], list), p
PY
"$pm" fit "$data/logreg_small.pm" -d "$data/logreg_small.json" --method map --init "$scratch/params1.json" --json \
  > "$scratch/init.json" 2> "$scratch/err" || fail "--init run: $(head -3 "$scratch/err")"
python3 - "$scratch/init.json" "$scratch/run1.json" <<'PY' || fail "--init did not restart at the optimum"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["iterations"] <= 3, a["iterations"]
for name, entry in b["summary"].items():
    assert abs(a["summary"][name]["mean"] - entry["mean"]) < 1e-5 * max(1, abs(entry["mean"])), name
PY
echo '{"theta": 1.5}' > "$scratch/bad_init.json"
"$pm" fit "$data/coin.pm" -d "$data/coin.json" --init "$scratch/bad_init.json" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--init outside the support should exit 2"
grep -q "theta" "$scratch/err" || fail "--init error should name theta: $(cat "$scratch/err")"

# vi is the default with continuous latents (tests/cli/vi.sh tests it); mle refuses latents.
"$pm" fit "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --json > "$scratch/vi.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "default vi: $(head -3 "$scratch/err")"
grep -q '"method":"vi"' "$scratch/vi.json" || fail "default method should be vi: $(head -c 200 "$scratch/vi.json")"
"$pm" fit "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --method mle > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "mle with latents should exit 2"
grep -q "map" "$scratch/err" || fail "mle refusal should suggest map: $(cat "$scratch/err")"
"$pm" fit "$data/eight_schools_nc.pm" -d "$data/eight_schools.json" --method map --json > "$scratch/es.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "map with latents: $(head -3 "$scratch/err")"
"$pm" fit "$data/coin.pm" -d "$data/coin.json" --method bogus > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown method should exit 2"
"$pm" fit "$data/coin.pm" > /dev/null 2>&1
[ $? -eq 2 ] || fail "missing data should exit 2"

# Exit 1: the log density is not finite at any start; the statement is named file:line:col.
cat > "$scratch/never.pm" <<'PM'
param {
  real mu;
}
model {
  mu ~ normal(0, 1);
  target += log(-1 - mu * mu);
}
PM
"$pm" fit "$scratch/never.pm" > /dev/null 2> "$scratch/err"
[ $? -eq 1 ] || fail "non-finite everywhere should exit 1"
grep -q "never.pm:6:" "$scratch/err" || fail "non-finite error should locate line 6: $(cat "$scratch/err")"

# Exact discrete posteriors (CLI.md "Output", "--json" "discrete"). bayes_rule has no params:
# nothing is optimized; P(disease = 1 | positive = 1) = 0.01 * 0.95 / 0.059 = 0.161017.
"$pm" fit "$source_dir/examples/bayes_rule.pm" -d positive=1 > "$scratch/bayes.txt" 2> "$scratch/err" \
  || fail "bayes_rule table: $(head -3 "$scratch/err")"
grep -q "^disease  *P(0) = 0.838983  P(1) = 0.161017$" "$scratch/bayes.txt" \
  || fail "bayes_rule table line: $(cat "$scratch/bayes.txt")"
"$pm" fit "$source_dir/examples/bayes_rule.pm" -d positive=1 --json > "$scratch/bayes.json" 2> "$scratch/err" \
  || fail "bayes_rule --json: $(head -3 "$scratch/err")"
python3 - "$scratch/bayes.json" <<'PY' || fail "bayes_rule --json discrete: $(cat "$scratch/bayes.json")"
import json, math, sys
out = json.load(open(sys.argv[1]))
assert out["method"] == "map" and out["iterations"] == 0 and out["converged"] is True, out
assert out["summary"] == {}, out
posterior = out["discrete"]["disease"]
assert set(posterior) == {"0", "1"}, posterior
assert abs(posterior["1"] - 0.0095 / 0.059) < 1e-12, posterior
assert abs(posterior["0"] - 0.0495 / 0.059) < 1e-12, posterior
assert abs(out["log_density"] - math.log(0.059)) < 1e-12, out
PY

# gmm by mle: one posterior per eruption, each summing to 1; the table abbreviates; the
# --discrete-out CSV has a header and one row per eruption with the same numbers.
"$pm" fit "$source_dir/examples/gmm.pm" -d "$source_dir/examples/gmm_faithful.json" --method mle \
  --discrete-out "$scratch/z.csv" > "$scratch/gmm.txt" 2> "$scratch/err" || fail "gmm table: $(head -3 "$scratch/err")"
grep -q "^z\[1\]  *P(1) = [01]\.[0-9]*  P(2) = [01]\.[0-9]*$" "$scratch/gmm.txt" || fail "gmm table z[1]: $(head -20 "$scratch/gmm.txt")"
grep -q "262 more: see --discrete-out FILE.csv or --json" "$scratch/gmm.txt" || fail "gmm table abbreviation note"
"$pm" fit "$source_dir/examples/gmm.pm" -d "$source_dir/examples/gmm_faithful.json" --method mle --json \
  > "$scratch/gmm_discrete.json" 2> "$scratch/err" || fail "gmm --json: $(head -3 "$scratch/err")"
python3 - "$scratch/gmm_discrete.json" "$scratch/z.csv" "$source_dir/examples/gmm_faithful.json" <<'PY' \
  || fail "gmm discrete posteriors (--json or --discrete-out)"
import csv, json, math, sys
out = json.load(open(sys.argv[1])); rows = list(csv.reader(open(sys.argv[2]))); d = json.load(open(sys.argv[3]))
discrete = out["discrete"]
assert len(discrete) == 272, len(discrete)
for i in range(1, 273):
    p = discrete[f"z[{i}]"]
    assert set(p) == {"1", "2"}, p
    assert abs(p["1"] + p["2"] - 1) < 1e-12, p
# Responsibilities at the printed estimates, computed here (ordered mu: component 2 is long).
s = out["summary"]
w = [s["w[1]"]["mean"], s["w[2]"]["mean"]]; mu = [s["mu[1]"]["mean"], s["mu[2]"]["mean"]]
sd = [s["sigma[1]"]["mean"], s["sigma[2]"]["mean"]]
for i, x in enumerate(d["x"], start=1):
    dens = [w[k] / sd[k] * math.exp(-0.5 * ((x - mu[k]) / sd[k]) ** 2) for k in range(2)]
    assert abs(discrete[f"z[{i}]"]["2"] - dens[1] / sum(dens)) < 1e-6, (i, discrete[f"z[{i}]"], dens)
# The CSV: a header, then one row per eruption; the same probabilities (same seed, same optimum).
assert rows[0] == ["latent", "element", "p_1", "p_2"], rows[0]
assert len(rows) == 273, len(rows)
for row in rows[1:]:
    assert row[0] == "z", row
    p1, p2 = float(row[2]), float(row[3])
    assert abs(p1 + p2 - 1) < 1e-12, row
    assert abs(p2 - discrete[row[1]]["2"]) < 1e-9, (row, discrete[row[1]])
PY

# A model with no params and no latents has nothing to estimate: exit 2.
cat > "$scratch/empty.pm" <<'PM'
data {
  real y;
}
model {
  y ~ normal(0, 1);
}
PM
"$pm" fit "$scratch/empty.pm" -d y=0.5 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "no params and no latents should exit 2"

# Option values are checked as they are parsed: exit 2 with a message, never an abort.
examples="$source_dir/examples"
for bad in "--lr -1" "--lr 0" "--lr inf" "--lr nan" "--tol-rel-obj -1" "--grad-samples 0" "--draws 0" "--batch 0" \
           "--seed -1" "--threads 0" "--epochs 3"; do
  # shellcheck disable=SC2086
  "$pm" fit "$examples/coin.pm" -d "$examples/coin.json" $bad > /dev/null 2> "$scratch/err"
  code=$?
  [ "$code" -eq 2 ] || fail "fit $bad: exit $code, expected 2"
  grep -q "terminate called" "$scratch/err" && fail "fit $bad: aborted"
  [ -s "$scratch/err" ] || fail "fit $bad: no message"
done
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --threads 2 --json > /dev/null 2> "$scratch/err" \
  || fail "--threads 2 refused: $(head -2 "$scratch/err")"

# A density without a maximum fails (exit 1), writing nothing, under map and vi.
printf 'latent { real x; }\nmodel { x ~ normal(0, 1); target += 10 * x * x; }\n' > "$scratch/improper.pm"
for method in map vi; do
  rm -f "$scratch/improper.csv"
  "$pm" fit "$scratch/improper.pm" --method "$method" -o "$scratch/improper.csv" > /dev/null 2> "$scratch/err"
  code=$?
  [ "$code" -eq 1 ] || fail "improper $method: exit $code, expected 1"
  grep -q "increases without bound" "$scratch/err" || fail "improper $method: $(head -2 "$scratch/err")"
  [ -e "$scratch/improper.csv" ] && fail "improper $method: -o written"
done

# The generated block once at the optimum under mle (as CmdStan's optimize), in the table,
# --json and the -o row.
cat > "$scratch/gen.pm" <<'PM'
data { int<lower=1> N; vector[N] y; }
param { real mu; }
model { y ~ normal(mu, 1); }
generated { real mu2 = 2 * mu; }
PM
echo '{"N": 3, "y": [1, 2, 3.5]}' > "$scratch/gen.json"
"$pm" fit "$scratch/gen.pm" -d "$scratch/gen.json" --method mle --json -o "$scratch/gen.csv" > "$scratch/gen_out.json" \
  2> "$scratch/err" || fail "generated under mle: $(head -2 "$scratch/err")"
python3 - "$scratch/gen_out.json" "$scratch/gen.csv" <<'PY' || fail "generated under mle: $(cat "$scratch/gen_out.json")"
import csv, sys
import json
out = json.load(open(sys.argv[1]))
mu = out["summary"]["mu"]["mean"]
assert abs(mu - 6.5 / 3) < 1e-6 and abs(out["summary"]["mu2"]["mean"] - 2 * mu) < 1e-12, out
rows = [r for r in csv.reader(l for l in open(sys.argv[2]) if not l.startswith("#"))]
assert rows[0] == ["lp__", "mu", "mu2"] and abs(float(rows[1][2]) - 2 * mu) < 1e-12, rows
PY

# The guide's label: "block" when the guide block draws every continuous latent; k-hat "not
# applicable" for a point-mass guide.
"$pm" fit "$examples/guide_example.pm" -d "$examples/guide_example.json" --json > "$scratch/block.json" 2> /dev/null
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["guide"] == "block", d["guide"]' "$scratch/block.json" \
  || fail "guide label of a guide block"
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --guide map --json > "$scratch/map_guide.json" 2> /dev/null
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["khat"] is None and "not applicable" in d["khat_verdict"], d' \
  "$scratch/map_guide.json" || fail "k-hat of a point-mass guide"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "fit.sh: all passed"
