#!/usr/bin/env bash
# End-to-end tests of `pm summary FIT.csv` (CLI.md "pm summary", "Output", "--json"): the table
# and --json of a variational draws file (the mean row and the __ columns skipped, R's type 7
# quantiles), PSIS k-hat from log_p__ - log_g__ and --psis reweighting, a `pm fit -o` optimize
# file, CmdStan's sampler layout, and exit 2 with a located message on bad files.
#   usage: summary.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
fixtures="$source_dir/tests/cli/fixtures/summary"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The VI fixture: 5 draws after a mean row of 100s, which must not count. By hand:
# mu = 1..5: mean 3, sd sqrt(2.5), quantile(1:5, c(.05, .5, .95)) = 1.2, 3, 4.8.
"$pm" summary "$fixtures/vi_eight_schools.csv" > "$scratch/table.txt" 2> "$scratch/err" \
  || fail "vi table: $(head -3 "$scratch/err")"
grep -q "^name .*mean.*sd.*5%.*50%.*95%" "$scratch/table.txt" || fail "table header: $(head -1 "$scratch/table.txt")"
grep -q "^mu  *3  *1.58114  *1.2  *3  *4.8$" "$scratch/table.txt" || fail "mu row: $(cat "$scratch/table.txt")"
grep -q "^theta\[2\]  *-3  *1.58114  *-4.8  *-3  *-1.2$" "$scratch/table.txt" || fail "theta[2] row"
grep -q "^method: variational; 5 draws" "$scratch/table.txt" || fail "method line: $(cat "$scratch/table.txt")"
grep -q "lp__\|log_p__\|log_g__" "$scratch/table.txt" && fail "the __ columns should not be summarized"
grep -q "k-hat: not available" "$scratch/table.txt" || fail "5 draws: k-hat should be unavailable"

"$pm" summary "$fixtures/vi_eight_schools.csv" --json > "$scratch/vi.json" 2> "$scratch/err" \
  || fail "vi --json: $(head -3 "$scratch/err")"
python3 - "$scratch/vi.json" <<'PY' || fail "vi --json fields or values: $(cat "$scratch/vi.json")"
import json, math, sys
out = json.load(open(sys.argv[1]))
assert out["method"] == "variational" and out["draws"] == 5 and out["khat"] is None and out["psis"] is False, out
s = out["summary"]
assert list(s) == ["mu", "tau", "theta[1]", "theta[2]"], list(s)
def near(a, b): return abs(a - b) < 1e-12 * max(1, abs(b))
mu = s["mu"]
assert near(mu["mean"], 3) and near(mu["sd"], math.sqrt(2.5)), mu
assert near(mu["q5"], 1.2) and near(mu["q50"], 3) and near(mu["q95"], 4.8), mu
assert near(mu["mcse"], math.sqrt(2.5 / 5)), mu
t = s["theta[1]"]  # 2, 4, ..., 10
assert near(t["mean"], 6) and near(t["q5"], 2.4) and near(t["q95"], 9.6), t
PY

# A larger VI file generated here (seeded): guide normal(0.5, 1.2), target normal(0, 1). The
# guide is wider than the target, so the weights are bounded: k-hat small, verdict good; the
# PSIS-reweighted mean moves from about 0.5 to about 0 (its Monte Carlo error is about 0.03).
python3 - "$scratch/wide.csv" <<'PY'
import math, random, sys
rng = random.Random(7)
lines = ["# model = wide.pm", "# method = variational", "#   variational", "#     algorithm = meanfield",
         "#     output_samples = 2000", "lp__,log_p__,log_g__,z"]
log_normal = lambda x, m, s: -0.5 * math.log(2 * math.pi) - math.log(s) - 0.5 * ((x - m) / s) ** 2
lines.append("0,0,0,0.5")
for _ in range(2000):
    z = rng.gauss(0.5, 1.2)
    lines.append(f"0,{log_normal(z, 0, 1)!r},{log_normal(z, 0.5, 1.2)!r},{z!r}")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
"$pm" summary "$scratch/wide.csv" --json > "$scratch/wide.json" 2> "$scratch/err" || fail "wide: $(head -3 "$scratch/err")"
"$pm" summary "$scratch/wide.csv" --json --psis > "$scratch/wide_psis.json" 2> "$scratch/err" \
  || fail "wide --psis: $(head -3 "$scratch/err")"
python3 - "$scratch/wide.json" "$scratch/wide_psis.json" <<'PY' || fail "wide: k-hat, verdict or reweighting"
import json, sys
plain, psis = (json.load(open(p)) for p in sys.argv[1:3])
assert plain["draws"] == 2000 and plain["psis"] is False and psis["psis"] is True
assert plain["khat"] < 0.5 and plain["khat_verdict"] == "good", plain
assert psis["khat"] == plain["khat"]
assert abs(plain["summary"]["z"]["mean"] - 0.5) < 0.1, plain["summary"]
assert abs(psis["summary"]["z"]["mean"]) < 0.1, psis["summary"]
assert abs(psis["summary"]["z"]["sd"] - 1) < 0.1, psis["summary"]
PY
"$pm" summary "$scratch/wide.csv" > "$scratch/wide.txt" 2> /dev/null
grep -q "^PSIS k-hat: [-0-9.]* (good)$" "$scratch/wide.txt" || fail "k-hat line: $(tail -2 "$scratch/wide.txt")"

# An optimize file from `pm fit -o` (the same writer): one point, shown as the mean.
"$pm" fit "$source_dir/tests/data/coin.pm" -d "$source_dir/tests/data/coin.json" -o "$scratch/opt.csv" --json \
  > "$scratch/fit.json" 2> "$scratch/err" || fail "coin fit: $(head -3 "$scratch/err")"
"$pm" summary "$scratch/opt.csv" --json > "$scratch/opt.json" 2> "$scratch/err" || fail "optimize summary: $(head -3 "$scratch/err")"
python3 - "$scratch/opt.json" "$scratch/fit.json" <<'PY' || fail "optimize summary values"
import json, sys
summary, fit = (json.load(open(p)) for p in sys.argv[1:3])
assert summary["method"] == "optimize" and summary["draws"] == 1, summary
theta = summary["summary"]["theta"]
assert theta["mean"] == fit["summary"]["theta"]["mean"], (theta, fit)   # written exactly
assert theta["sd"] is None and theta["q5"] is None and theta["q95"] is None, theta
PY
"$pm" summary "$scratch/opt.csv" > "$scratch/opt.txt" 2> /dev/null
grep -q "^theta .*—" "$scratch/opt.txt" || fail "optimize table: $(cat "$scratch/opt.txt")"

# CmdStan's sampler layout: the __ columns are skipped, every row is a draw, names bracketed.
"$pm" summary "$fixtures/sample_layout.csv" --json > "$scratch/sample.json" 2> "$scratch/err" \
  || fail "sample layout: $(head -3 "$scratch/err")"
python3 - "$scratch/sample.json" <<'PY' || fail "sample layout values: $(cat "$scratch/sample.json")"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["method"] == "sample" and out["draws"] == 4 and out["khat"] is None, out
assert list(out["summary"]) == ["alpha", "beta[1]"], out["summary"]
a = out["summary"]["alpha"]   # quantile(1:4, c(.05, .5, .95)) = 1.15, 2.5, 3.85
assert abs(a["mean"] - 2.5) < 1e-12 and abs(a["q5"] - 1.15) < 1e-12 and abs(a["q95"] - 3.85) < 1e-12, a
PY
"$pm" summary "$fixtures/sample_layout.csv" --psis > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--psis without log_g__ should exit 2"
grep -q "log_p__ and log_g__" "$scratch/err" || fail "--psis message: $(cat "$scratch/err")"

# Exit 2 with a clear message: missing file, a short row (its line), no draws, no argument.
"$pm" summary "$scratch/missing.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "missing file should exit 2"
grep -q "cannot read '$scratch/missing.csv'" "$scratch/err" || fail "missing file message: $(cat "$scratch/err")"
printf '# method = variational\nlp__,log_p__,log_g__,mu\n0,0,0,1\n0,-1,-1\n' > "$scratch/short.csv"
"$pm" summary "$scratch/short.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "short row should exit 2"
grep -q "short.csv:4: this row has 3 values but the header has 4 columns" "$scratch/err" \
  || fail "short row message: $(cat "$scratch/err")"
printf '# method = variational\nlp__,log_p__,log_g__,mu\n0,0,0,1\n' > "$scratch/mean_only.csv"
"$pm" summary "$scratch/mean_only.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a file with no draws should exit 2"
grep -q "holds no draws" "$scratch/err" || fail "no draws message: $(cat "$scratch/err")"
"$pm" summary > /dev/null 2>&1
[ $? -eq 2 ] || fail "no file argument should exit 2"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "summary.sh: all passed"
