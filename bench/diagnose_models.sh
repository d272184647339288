#!/usr/bin/env bash
# Issue 4's performance criterion: the gradient time `pm diagnose --json` reports for the
# benchmark models written as .pm files (bench/logistic_regression.pm, bench/mixture.pm),
# beside the hand-built programs of bench/autodiff_bench.cpp measured in the same run and
# Stan's best figure from the peers' results (../shared/peers/results/SUMMARY.md).
#
#   bash bench/diagnose_models.sh [BUILD_DIR]     (default: build; needs pm and, configured
#                                                  with -DPM_BUILD_BENCH=ON, pm_bench_autodiff)
#
# Data: the peers' gmm.json (N = 1,000) when ../shared/peers is present (skipped, saying so,
# otherwise); logistic regression N = 100,000, D = 10 and the mixture at N = 1,000,000 are
# generated once, seeded, by bench/make_bench_data.py into BUILD_DIR/bench_data.
# Times are wall-clock medians on whatever else the machine is doing: differences under
# ~30% are noise on a shared machine (peers' README).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../build}"
pm="${PM:-$build/pm}"  # PM=... times another pm binary
hand_built="$build/bench/pm_bench_autodiff"
peers="$here/../../shared/peers"
summary="$peers/results/SUMMARY.md"
data="$build/bench_data"

[ -x "$pm" ] || { echo "no pm binary at $pm (build the pm target)" >&2; exit 1; }
python3 "$here/make_bench_data.py" "$data"

# Stan's best ns per gradient for a model row: the least of the rstan raw method and the two
# C++ harness columns (-O2 and -O3 -march=native).
stan_best_ns() {
  [ -f "$summary" ] || { echo ""; return; }
  awk -v model="$1" -F'|' '
    /^### / { table = ($0 ~ /gradient of the log density/) ? 1 : ($0 ~ /gradient in C\+\+/) ? 2 : 0 }
    table && $2 ~ "^ *" model " *$" {
      if (table == 1) v = $5 + 0; else { v = $4 + 0; if ($6 + 0 < v) v = $6 + 0 }
      if (best == "" || v < best) best = v
    }
    END { print best }' "$summary"
}

# The hand-built programs' CPU and wall ns per evaluation: pm_bench_autodiff's first table
# (stdlib kernels), whose rows are: name (32 wide), cpu ns, wall ns, ...
declare -A hand_cpu hand_wall
if [ -x "$hand_built" ]; then
  while read -r key cpu wall; do hand_cpu["$key"]="$cpu"; hand_wall["$key"]="$wall"; done < <(
    "$hand_built" "$summary" | awk '
      /^OUR RESULT/ { on = 1; next } /^LIMIT ONLY/ { on = 0 }
      function times() { split(substr($0, 33), field); return field[1] " " field[2] }
      on && /^logistic regression N=1e5/ { print "logreg", times() }
      on && /^logistic regression, fused/ { print "logreg_glm", times() }
      on && /^3-component mixture N=1e3/ { print "gmm_1e3", times() }
      on && /^3-component mixture N=1e6/ { print "gmm_1e6", times() }')
else
  echo "note: $hand_built not built (configure with -DPM_BUILD_BENCH=ON): no hand-built columns" >&2
fi

gradient_ns() {  # model data evaluations: pm diagnose's own figure (wall-clock median)
  "$pm" diagnose "$1" -d "$2" --evaluations "$3" --json | sed -n 's/.*"gradient_ns":\([0-9.e+]*\).*/\1/p'
}

# CPU ns per evaluation of pm diagnose: the process's CPU time with 21 E evaluations minus
# with E, over 20 E (loading, compiling and the finite differences cancel). On a loaded
# machine the wall-clock median of a long evaluation also counts the time other processes
# hold the core; CPU time does not, and the hand-built figures are CPU times too.
cpu_seconds() { /usr/bin/time -f '%U %S' "$pm" diagnose "$1" -d "$2" --evaluations "$3" --json 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2 }'; }
cpu_ns() {  # model data evaluations
  local few many
  few="$(cpu_seconds "$1" "$2" "$3")"
  many="$(cpu_seconds "$1" "$2" $((21 * $3)))"
  awk -v a="$few" -v b="$many" -v e="$3" 'BEGIN { printf "%.0f", (b - a) * 1e9 / (20 * e) }'
}

printf '%-26s %8s | %14s | %12s %12s %8s | %12s %8s\n' model N "pm diagnose ns" "pm cpu ns" "hand cpu ns" "pm/hand" \
  "Stan best ns" "pm/Stan"
row() {  # label N model data evaluations hand_key stan_model stan_N
  local label="$1" n="$2" model="$3" file="$4" evaluations="$5" key="$6" stan_model="$7" stan_n="$8"
  if [ ! -f "$file" ]; then
    printf '%-26s %8s   skipped: %s is absent\n' "$label" "$n" "$file"
    return
  fi
  local pm_wall pm_cpu stan_ns
  pm_wall="$(gradient_ns "$model" "$file" "$evaluations")"
  pm_cpu="$(cpu_ns "$model" "$file" "$evaluations")"
  stan_ns="$(stan_best_ns "$stan_model")"
  # Stan's figure is per gradient at its N; at another N it is scaled per datum.
  [ -n "$stan_ns" ] && stan_ns="$(awk -v s="$stan_ns" -v n="$n" -v m="$stan_n" 'BEGIN { printf "%.0f", s * n / m }')"
  awk -v l="$label" -v n="$n" -v pw="$pm_wall" -v pc="$pm_cpu" -v hc="${hand_cpu[$key]:-}" -v s="$stan_ns" '
    function ratio(a, b) { return b == "" ? "-" : sprintf("%.2f", a / b) }
    function shown(x) { return x == "" ? "-" : sprintf("%.0f", x) }
    BEGIN { printf "%-26s %8s | %14.0f | %12.0f %12s %8s | %12s %8s\n", l, n, pw, pc, shown(hc), ratio(pc, hc),
            shown(s), ratio(pw, s) }'
}
row "logistic regression D=10" 100000 "$here/logistic_regression.pm" "$data/logreg.json" 200 logreg logreg_glm 100000
row "3-component mixture" 1000 "$here/mixture.pm" "$peers/data/gmm.json" 2000 gmm_1e3 gmm 1000
row "3-component mixture" 1000000 "$here/mixture.pm" "$data/gmm_1e6.json" 30 gmm_1e6 gmm 1000
echo
echo "pm diagnose ns: gradient_ns of pm diagnose --json (median wall time of one log density + gradient),"
echo "compared with Stan's best figure (pm/Stan). pm cpu ns: CPU time per evaluation of the same command"
echo "(cpu_ns above), compared with the CPU time of bench/autodiff_bench.cpp's hand-built programs on data"
echo "of the same sizes (pm/hand; stdlib kernels, the logistic regression unfused: matrix_product, add,"
echo "factor). CPU against CPU because the two run at different moments of a shared machine, where wall"
echo "times of long evaluations include other processes' turns. Stan best: the least of rstan's raw method"
echo "and the C++ harness (-O2, -O3) in the peers' SUMMARY.md; bernoulli_logit_glm for the logistic"
echo "regression; per datum x N for the mixture at N = 1,000,000."
