#!/usr/bin/env bash
# End-to-end tests of sequential loops (docs/compile.md "Sequential loops"): examples/fvbn.pm
# unmodified: diagnose (gradient vs finite differences), fit (default method, a few L-BFGS
# iterations) with --save-params, sample --params (the columns drawn in order) read back by
# fit; and a D = 2 round trip: data drawn from known W, b by pm sample, fitted by MLE, the
# estimates within about 4 standard errors of the truth.
#   usage: sequential.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The gradient of the unrolled 64 columns against central differences.
"$pm" diagnose "$examples/fvbn.pm" -d "$examples/fvbn_digits.json" --evaluations 3 --json > "$scratch/diag.json" \
  2> "$scratch/err" || fail "fvbn diagnose: $(head -3 "$scratch/err")"
python3 - "$scratch/diag.json" <<'PY' || fail "fvbn diagnose: $(cat "$scratch/diag.json")"
import json, math, sys
d = json.load(open(sys.argv[1]))
assert d["dims"] == 64 * 64 + 64, d
assert math.isfinite(d["log_density"]) and d["max_rel_error"] < 1e-4, d
PY

# Fit (the default method: map, which is mle here: no priors), 50 iterations from one start.
"$pm" fit "$examples/fvbn.pm" -d "$examples/fvbn_digits.json" --iter 50 --starts 1 --save-params "$scratch/P.json" \
  --json > "$scratch/fit.json" 2> "$scratch/err" || fail "fvbn fit: $(head -3 "$scratch/err")"
python3 - "$scratch/P.json" "$scratch/fit.json" <<'PY' || fail "fvbn params: $(head -c 300 "$scratch/P.json")"
import json, math, sys
p = json.load(open(sys.argv[1]))
assert len(p["W"]) == 64 and all(len(row) == 64 for row in p["W"]), "W is not 64 x 64"
assert len(p["b"]) == 64 and all(math.isfinite(v) for v in p["b"]), "b"
fit = json.load(open(sys.argv[2]))
assert fit["method"] == "map" and math.isfinite(fit["log_density"]) and fit["log_density"] < 0, fit["log_density"]
PY

# Fake digits from the fitted params: sizes from -d, 20 data sets of 5 rows of 64 bits.
"$pm" sample "$examples/fvbn.pm" --params "$scratch/P.json" -d N=5 -d D=64 -n 20 --seed 3 -o "$scratch/fake.json" \
  > /dev/null 2> "$scratch/err" || fail "fvbn sample: $(head -3 "$scratch/err")"
python3 - "$scratch" <<'PY' || fail "fvbn fake data"
import json, sys
for k in range(1, 21):
    d = json.load(open(f"{sys.argv[1]}/fake_{k}.json"))
    assert d["N"] == 5 and d["D"] == 64 and len(d["x"]) == 5, d
    assert all(len(row) == 64 and all(v in (0, 1) and isinstance(v, int) for v in row) for row in d["x"]), d
PY
"$pm" fit "$examples/fvbn.pm" -d "$scratch/fake_1.json" --iter 5 --starts 1 > /dev/null 2> "$scratch/err" \
  || fail "fit -d the sampled digits: $(head -3 "$scratch/err")"

# D = 2 round trip: P(x1) = sigmoid(-0.5), P(x2 | x1) = sigmoid(-1 + 2 x1). N = 4000 rows:
# the MLE's standard errors are about 0.033 for b[1], 0.045 for b[2], 0.08 for W[2, 1].
cat > "$scratch/truth.json" <<'JSON'
{"W": [[0.7, -3.0], [2.0, 0.4]], "b": [-0.5, -1.0]}
JSON
"$pm" sample "$examples/fvbn.pm" --params "$scratch/truth.json" -d N=4000 -d D=2 --seed 11 -o "$scratch/two.json" \
  > /dev/null 2> "$scratch/err" || fail "D = 2 sample: $(head -3 "$scratch/err")"
"$pm" fit "$examples/fvbn.pm" -d "$scratch/two.json" --method mle --save-params "$scratch/two_fit.json" > /dev/null \
  2> "$scratch/err" || fail "D = 2 fit: $(head -3 "$scratch/err")"
python3 - "$scratch/two_fit.json" <<'PY' || fail "D = 2 round trip: $(cat "$scratch/two_fit.json")"
import json, sys
p = json.load(open(sys.argv[1]))
assert abs(p["b"][0] + 0.5) < 4 * 0.033, p["b"]
assert abs(p["b"][1] + 1.0) < 4 * 0.045, p["b"]
assert abs(p["W"][1][0] - 2.0) < 4 * 0.08, p["W"]
PY

# examples/fvbn/compare_vae.sh: fvbn's exact held-out log-likelihood beside the VAE's IWAE
# bound on the same binary digits. Seeded, so fvbn's figure repeats to its printed 0.01; the
# VAE's three seeds must land within 0.5 nat of the README's -18.04 (seed spread there 0.03).
bash "$examples/fvbn/compare_vae.sh" "$pm" "$scratch/compare" > "$scratch/compare.txt" 2> "$scratch/err" \
  || fail "compare_vae.sh: $(head -3 "$scratch/err")"
python3 - "$scratch/compare.txt" <<'PY' || fail "compare_vae.sh: $(cat "$scratch/compare.txt")"
import re, sys
lines = open(sys.argv[1]).read().splitlines()
values = [float(re.search(r"per image (\S+)$", line).group(1)) for line in lines]
assert len(values) == 4, lines
assert abs(values[0] + 18.31) < 0.015, values
assert all(abs(v + 18.04) < 0.5 for v in values[1:]), values
PY

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "sequential: all passed"
