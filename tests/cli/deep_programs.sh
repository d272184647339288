#!/usr/bin/env bash
# Long programs that `pm check` accepts must not crash the other commands (issue 15, "Crashes
# and runaway resources"): 12,000 chained definitions (a2 = a1 + 1; a3 = a2 + 1; ...) made
# fit, diagnose and evidence die of a stack overflow in the lowering (exit 139). The lowering
# now takes a chain deepest first with an explicit stack (Lowerer::lower_dependencies_first).
# Each case: every command exits 0, and MAP finds the closed-form optimum.
#   usage: deep_programs.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
n=12000

# A model-block chain: a_n = mu + n, so the target term is 0 and the posterior is mu's prior.
{
  printf 'latent {\n  real mu;\n}\nmodel {\n  mu ~ normal(1.5, 1);\n  a1 = mu + 1;\n'
  for ((i = 2; i <= n; i++)); do printf '  a%d = a%d + 1;\n' $i $((i - 1)); done
  printf '  target += -0.5 * square(a%d - mu - %d);\n}\n' $n $n
} > "$scratch/chain.pm"
# The same through data-only definitions (Stan's transformed data) and the generated block.
{
  printf 'data {\n  real x0;\n}\nlatent {\n  real mu;\n}\nmodel {\n  mu ~ normal(1.5, 1);\n  b1 = x0 + 1;\n'
  for ((i = 2; i <= n; i++)); do printf '  b%d = b%d + 1;\n' $i $((i - 1)); done
  printf '  target += -0.5 * square(b%d - x0 - %d);\n}\n' $n $n
} > "$scratch/data_chain.pm"
{
  printf 'latent {\n  real mu;\n}\nmodel {\n  mu ~ normal(1.5, 1);\n}\ngenerated {\n  g1 = mu + 1;\n'
  for ((i = 2; i <= n; i++)); do printf '  g%d = g%d + 1;\n' $i $((i - 1)); done
  printf '}\n'
} > "$scratch/generated_chain.pm"

for model in chain data_chain generated_chain; do
  for command in check "fit --method map" "fit" "fit --method nuts --chains 1 --warmup 50 --draws 50" diagnose \
    evidence "sample --draws 3" "graph -o $scratch/g.dot"; do
    data=()
    [[ $model == data_chain && $command != check && $command != graph* ]] && data=(-d x0=0.25)
    # shellcheck disable=SC2086
    "$pm" $command "$scratch/$model.pm" "${data[@]}" > "$scratch/out" 2> "$scratch/err"
    status=$?
    [ $status -eq 0 ] || fail "$model, $command: want exit 0, got $status: $(head -c 300 "$scratch/err")"
  done
  # The optimum of normal(1.5, 1) with a zero target term: mu = 1.5, log density -0.9189...
  data=()
  [[ $model == data_chain ]] && data=(-d x0=0.25)
  "$pm" fit "$scratch/$model.pm" "${data[@]}" --method map --json > "$scratch/map.json" 2> "$scratch/err"
  python3 - "$scratch/map.json" "$model" <<'PY' || fail "$model: the MAP optimum is wrong"
import json, sys
fit = json.load(open(sys.argv[1]))
mu = fit["summary"]["mu"]["mean"] if "summary" in fit else fit["params"]["mu"]
assert abs(mu - 1.5) < 1e-6, (sys.argv[2], mu)
PY
done
# The generated chain's last value, g_n = mu + n, per draw.
"$pm" fit "$scratch/generated_chain.pm" --method map -o "$scratch/gen.csv" > /dev/null 2>&1
python3 - "$scratch/gen.csv" $n <<'PY' || fail "generated chain: g_n is not mu + n"
import csv, sys
rows = [r for r in csv.DictReader(line for line in open(sys.argv[1]) if not line.startswith("#"))]
n = int(sys.argv[2])
for r in rows:
    assert abs(float(r[f"g{n}"]) - float(r["mu"]) - n) < 1e-6, r
PY

if [ $failures -eq 0 ]; then echo "deep_programs: all passed"; else echo "deep_programs: $failures failed" >&2; fi
exit $failures
