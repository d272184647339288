#!/usr/bin/env bash
# End-to-end tests of `pm summary fit_1.csv fit_2.csv ...` on a sampler's output (CmdStan's
# sampler CSV, one file per chain; docs/output.md "Sampler output"): the stansummary-like
# table with ess_bulk, ess_tail and rhat, the sampler diagnostics (divergences, max tree
# depth, E-BFMI) and their warnings, warmup rows written with save_warmup left out (by
# `pm sample --from` too), and exit 2
# when the chains do not agree. The files are made here with fixed numbers: a Park-Miller LCG
# in awk (exact in doubles), AR(1) draws of Irwin-Hall normals. When R's posterior package is
# installed, its rhat / ess_bulk / ess_tail / mcse_mean of the same files are compared with
# pm's (else that part is skipped with a note; the rest does not need R).
#   usage: summary_chains.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# chain FILE SEED [key=value ...]: a CmdStan sampler file of `draws` rows (default 300).
#   phi (0.2), shift (added to mu), divergent (comma list of 1-based draw rows), hits (every
#   k-th draw at treedepth = depth), depth (the max_depth comment, 10), warmup (rows of
#   mu = 1000 written first, with save_warmup = 1 and an "# Adaptation terminated" block),
#   walk_energy (1: energy__ a random walk, so E-BFMI is low), second (the 2nd column's name).
chain() {
  local file="$1" seed="$2"
  shift 2
  awk -v seed="$seed" "${@/#/-v}" '
    function uniform() { state = (16807 * state) % 2147483647; return state / 2147483647 }
    function normal(   s, i) { s = 0; for (i = 0; i < 12; i++) s += uniform(); return s - 6 }
    function row(mu, theta, s,   lp, e, div, td) {
      lp = -0.5 * mu * mu
      e = s > 0 ? normal() : 0  # warmup rows (s = 0) draw nothing: the draws after them match warmup-free files
      energy = walk_energy ? energy + e : -lp + 0.5 * e * e
      div = ("," divergent ",") ~ ("," s ",") ? 1 : 0
      td = (hits > 0 && s % hits == 0) ? depth : 3
      printf "%.17g,0.9,0.5,%d,7,%d,%.17g,%.17g,%.17g\n", lp, td, div, energy, mu, theta
    }
    BEGIN {
      if (draws == "") draws = 300; if (phi == "") phi = 0.2; if (depth == "") depth = 10
      if (second == "") second = "theta.1"
      state = seed; energy = 0
      print "# model = chains_model"
      print "# method = sample (Default)"
      print "#   sample"
      print "#     num_samples = " draws
      print "#     num_warmup = " (warmup == "" ? 1000 : warmup)
      print "#     save_warmup = " (warmup == "" ? 0 : 1)
      print "#     algorithm = hmc (Default)"
      print "#       hmc"
      print "#         engine = nuts (Default)"
      print "#           nuts"
      print "#             max_depth = " depth
      print "lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu," second
      for (s = 1; s <= warmup; s++) row(1000, 1000, 0)
      print "# Adaptation terminated"
      print "# Step size = 0.5"
      print "# Diagonal elements of inverse mass matrix:"
      print "# 1, 1"
      x = 0
      for (s = 1; s <= draws; s++) { x = phi * x + normal(); row(x + shift, normal(), s) }
      print "# "
      print "#  Elapsed Time: 0.01 seconds (Warm-up)"
    }' > "$file"
}

json_check() {  # json_check FILE PYTHON-ASSERTIONS (the JSON is `out`)
  python3 -c "import json, sys; out = json.load(open(sys.argv[1])); $2" "$1"
}

# Four well-mixed chains: no warnings, every R-hat near 1.
for c in 1 2 3 4; do chain "$scratch/good_$c.csv" $((100 + c)); done
"$pm" summary "$scratch"/good_?.csv > "$scratch/good.txt" 2> "$scratch/err" || fail "good chains: $(head -3 "$scratch/err")"
grep -q "^method: sample; 4 chains of 300 draws (1200 in all)$" "$scratch/good.txt" || fail "method line: $(head -2 "$scratch/good.txt")"
grep -q "^name .*mean .*mcse .*sd .*5% .*50% .*95% .*ess_bulk .*ess_tail .*rhat$" "$scratch/good.txt" \
  || fail "table header: $(sed -n 3p "$scratch/good.txt")"
sed -n 4p "$scratch/good.txt" | grep -q "^lp__ " || fail "lp__ should be the first row, as stansummary shows it"
grep -q "^  divergent transitions: *0, 0, 0, 0 (0 in all)$" "$scratch/good.txt" || fail "divergences line: $(cat "$scratch/good.txt")"
grep -q "^no warnings" "$scratch/good.txt" || fail "good chains should have no warnings: $(grep warning "$scratch/good.txt")"
"$pm" summary "$scratch"/good_?.csv --json > "$scratch/good.json" 2> "$scratch/err" || fail "good --json: $(head -3 "$scratch/err")"
json_check "$scratch/good.json" '
assert out["method"] == "sample" and out["chains"] == 4 and out["draws_per_chain"] == 300 and out["draws"] == 1200, out
assert list(out["summary"]) == ["mu", "theta[1]"] and list(out["sampler_summary"]) == ["lp__"], out["summary"]
for name, row in list(out["summary"].items()) + list(out["sampler_summary"].items()):
    assert 0.99 < row["rhat"] < 1.01 and row["ess_bulk"] > 400 and row["ess_tail"] > 400, (name, row)
    assert 0 < row["mcse"] < 0.1 and row["q5"] < row["q50"] < row["q95"], (name, row)
s = out["sampler"]
assert s["divergent"] == [0, 0, 0, 0] and s["divergent_total"] == 0 and s["treedepth_hits_total"] == 0, s
assert s["max_depth"] == 10 and all(b > 0.3 for b in s["e_bfmi"]), s
assert out["warnings"] == [] and out["warmup_rows_dropped"] == [0, 0, 0, 0], out'

# Divergences in chain 3 and max-depth hits in chain 2: counted per chain, with what to do.
chain "$scratch/div_1.csv" 101
chain "$scratch/div_2.csv" 102 hits=75
chain "$scratch/div_3.csv" 103 divergent=17,101
chain "$scratch/div_4.csv" 104
"$pm" summary "$scratch"/div_?.csv > "$scratch/div.txt" 2> "$scratch/err" || fail "div chains: $(head -3 "$scratch/err")"
grep -q "^  divergent transitions: *0, 0, 2, 0 (2 in all)$" "$scratch/div.txt" || fail "divergences: $(cat "$scratch/div.txt")"
grep -q "^  at max tree depth (10): *0, 4, 0, 0 (4 in all)$" "$scratch/div.txt" || fail "treedepth: $(cat "$scratch/div.txt")"
grep -q "^warning: 2 of 1200 transitions after warmup diverged .*raise --adapt-delta .*non-centred" "$scratch/div.txt" \
  || fail "divergence warning: $(grep warning "$scratch/div.txt")"
grep -q "^warning: 4 of 1200 transitions stopped at the maximum tree depth 10 .*raise --max-depth" "$scratch/div.txt" \
  || fail "treedepth warning: $(grep warning "$scratch/div.txt")"
"$pm" summary "$scratch"/div_?.csv --json > "$scratch/div.json" 2> /dev/null
json_check "$scratch/div.json" '
s = out["sampler"]
assert s["divergent"] == [0, 0, 2, 0] and s["divergent_total"] == 2, s
assert s["treedepth_hits"] == [0, 4, 0, 0] and s["treedepth_hits_total"] == 4, s
assert len(out["warnings"]) == 2 and "adapt-delta" in out["warnings"][0] and "max-depth" in out["warnings"][1], out["warnings"]'

# A smaller max_depth in the comments is the one counted.
chain "$scratch/depth_1.csv" 101 depth=5 hits=100
"$pm" summary "$scratch/depth_1.csv" --json > "$scratch/depth.json" 2> "$scratch/err" || fail "depth: $(head -3 "$scratch/err")"
json_check "$scratch/depth.json" 'assert out["sampler"]["max_depth"] == 5 and out["sampler"]["treedepth_hits"] == [3], out["sampler"]'

# Chains that disagree (chain 4 is shifted by 3): R-hat says so.
for c in 1 2 3; do cp "$scratch/good_$c.csv" "$scratch/shift_$c.csv"; done
chain "$scratch/shift_4.csv" 104 shift=3
"$pm" summary "$scratch"/shift_?.csv > "$scratch/shift.txt" 2> "$scratch/err" || fail "shifted: $(head -3 "$scratch/err")"
grep -q "^warning: R-hat above 1.01 for 2 of 3 quantities (worst: mu .*run longer chains or reparameterize" "$scratch/shift.txt" \
  || fail "R-hat warning: $(grep warning "$scratch/shift.txt")"
"$pm" summary "$scratch"/shift_?.csv --json > "$scratch/shift.json" 2> /dev/null
json_check "$scratch/shift.json" '
assert out["summary"]["mu"]["rhat"] > 1.3 and out["summary"]["theta[1]"]["rhat"] < 1.01, out["summary"]
assert any("R-hat above 1.01" in w for w in out["warnings"]), out["warnings"]'

# A low E-BFMI (energy__ a random walk) in chain 2.
chain "$scratch/bfmi_1.csv" 101
chain "$scratch/bfmi_2.csv" 102 walk_energy=1
"$pm" summary "$scratch"/bfmi_?.csv > "$scratch/bfmi.txt" 2> "$scratch/err" || fail "bfmi: $(head -3 "$scratch/err")"
grep -q "^  E-BFMI: .*, 0\.[0-2][0-9] (low)$" "$scratch/bfmi.txt" || fail "E-BFMI line: $(grep E-BFMI "$scratch/bfmi.txt")"
grep -q "^warning: E-BFMI below 0.3 in chain 2 (0\.[0-2][0-9])" "$scratch/bfmi.txt" || fail "E-BFMI warning: $(grep warning "$scratch/bfmi.txt")"

# save_warmup: the 5 warmup rows (mu = 1000) are dropped; the mean is the draws' alone.
chain "$scratch/warm_1.csv" 101 warmup=5
chain "$scratch/warm_2.csv" 102 warmup=5
"$pm" summary "$scratch"/warm_?.csv --json > "$scratch/warm.json" 2> "$scratch/err" || fail "save_warmup: $(head -3 "$scratch/err")"
"$pm" summary "$scratch"/good_[12].csv --json > "$scratch/nowarm.json" 2> /dev/null
python3 - "$scratch/warm.json" "$scratch/nowarm.json" <<'PY' || fail "save_warmup: warmup rows counted? $(head -c 600 "$scratch/warm.json")"
import json, sys
warm, plain = (json.load(open(p)) for p in sys.argv[1:3])
assert warm["warmup_rows_dropped"] == [5, 5] and warm["draws_per_chain"] == 300, warm
# The same seeds give the same draws after warmup: the summaries must be the same numbers.
assert warm["summary"] == plain["summary"], (warm["summary"], plain["summary"])
PY
"$pm" summary "$scratch/warm_1.csv" > "$scratch/warm.txt" 2> /dev/null
grep -q "^method: sample; 1 chain of 300 draws (300 in all); 5 warmup rows dropped per chain$" "$scratch/warm.txt" \
  || fail "one save_warmup chain: $(head -1 "$scratch/warm.txt")"

# pm sample --from reads the same draws: the warmup rows (p = 0.00x) are never used, and
# there are 2 draws, not 5.
source_dir="$2"
printf '# method = sample\n#   num_warmup = 3\n#   save_warmup = 1\nlp__,accept_stat__,divergent__,p\n-1,1,0,0.001\n-1,1,0,0.002\n-1,1,0,0.003\n# Adaptation terminated\n-1,1,0,0.9\n-1,1,0,0.8\n' \
  > "$scratch/coin_warm.csv"
"$pm" sample "$source_dir/examples/coin.pm" -d "$source_dir/examples/coin.json" --from "$scratch/coin_warm.csv" -n 2 --json \
  > "$scratch/ppc.json" 2> "$scratch/err" || fail "sample --from a save_warmup file: $(head -3 "$scratch/err")"
json_check "$scratch/ppc.json" 'assert sorted(t["p"] for t in out["truth"]) == [0.8, 0.9], out["truth"]'
"$pm" sample "$source_dir/examples/coin.pm" -d "$source_dir/examples/coin.json" --from "$scratch/coin_warm.csv" -n 3 \
  > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "sample --from: 3 draws asked of a file with 2 after warmup should exit 2"

# Exit 2, naming the file: other columns, other lengths, a file that is not a sampler's.
chain "$scratch/other_2.csv" 102 second=tau
"$pm" summary "$scratch/good_1.csv" "$scratch/other_2.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "mismatched columns should exit 2"
grep -q "other_2.csv: its columns differ from .*good_1.csv's ('tau' where .*good_1.csv has 'theta\[1\]')" "$scratch/err" \
  || fail "mismatch message: $(cat "$scratch/err")"
chain "$scratch/short_2.csv" 102 draws=200
"$pm" summary "$scratch/good_1.csv" "$scratch/short_2.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "chains of different lengths should exit 2"
grep -q "short_2.csv: 200 draws after warmup, but .*good_1.csv has 300" "$scratch/err" || fail "length message: $(cat "$scratch/err")"
printf '# method = variational\nlp__,log_p__,log_g__,mu,theta.1\n0,0,0,1,1\n0,-1,-1,2,2\n' > "$scratch/vi.csv"
"$pm" summary "$scratch/good_1.csv" "$scratch/vi.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a VI file among chains should exit 2"
grep -q "vi.csv: several files are read as the chains of one sampler run, but this one is not a sampler's (method = variational)" \
  "$scratch/err" || fail "VI among chains message: $(cat "$scratch/err")"
printf '# method = sample\n#   num_warmup = 10\n#   save_warmup = 1\nlp__,mu\n-1,1\n' > "$scratch/cut.csv"
"$pm" summary "$scratch/cut.csv" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a file shorter than its warmup should exit 2"
grep -q "cut.csv: the comments say the first 10 rows are warmup, but the file has 1 rows" "$scratch/err" \
  || fail "short warmup message: $(cat "$scratch/err")"

# R's posterior on the same files, when it is installed.
if command -v Rscript > /dev/null && Rscript -e "quit(status = !requireNamespace('posterior', quietly = TRUE))" > /dev/null 2>&1; then
  Rscript - "$scratch" > "$scratch/r.tsv" 2> "$scratch/r.err" <<'R' || fail "posterior on the chains: $(tail -3 "$scratch/r.err")"
suppressPackageStartupMessages(library(posterior))
dir <- commandArgs(trailingOnly = TRUE)[1]
for (set in c("good", "shift", "warm")) {
  files <- sort(Sys.glob(file.path(dir, paste0(set, "_?.csv"))))
  chains <- lapply(files, function(f) read.csv(f, comment.char = "#"))
  if (set == "warm") chains <- lapply(chains, function(d) d[-(1:5), ])
  for (column in c("lp__", "mu", "theta.1")) {
    x <- sapply(chains, function(d) d[[column]])
    cat(set, column, sprintf("%.17g", c(rhat(x), ess_bulk(x), ess_tail(x), mcse_mean(x))), "\n", sep = "\t")
  }
}
R
  for set in good shift warm; do "$pm" summary "$scratch"/${set}_?.csv --json > "$scratch/$set.json" 2> /dev/null; done
  python3 - "$scratch" <<'PY' || fail "pm's diagnostics differ from posterior's"
import json, sys
d = sys.argv[1]
for line in open(d + "/r.tsv"):
    set_, column, *values = [f for f in line.split("\t") if f.strip()]
    out = json.load(open(f"{d}/{set_}.json"))
    row = out["sampler_summary"]["lp__"] if column == "lp__" else out["summary"][{"theta.1": "theta[1]"}.get(column, column)]
    for key, r in zip(["rhat", "ess_bulk", "ess_tail", "mcse"], map(float, values)):
        assert abs(row[key] - r) <= 1e-8 * max(1, abs(r)), (set_, column, key, row[key], r)
print("posterior agrees")
PY
else
  echo "note: R's posterior is not installed; the cross-check against it is skipped"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "summary_chains.sh: all passed"
