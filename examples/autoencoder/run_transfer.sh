#!/usr/bin/env bash
# The transfer experiment of README.md: pretrain ae.pm on the digits 0-4, fine-tune it on 10%
# of the digits 5-9 (--init), train the same model from scratch on that 10% with the same
# L-BFGS budget, and compare the reconstruction error on the test digits 5-9 (eval_ae.py,
# computed outside pm). Prints a markdown table; the fitted params stay in OUT_DIR.
#   usage: run_transfer.sh PATH/TO/pm [OUT_DIR] [PRETRAIN_ITER] [BUDGETS] [SEEDS]
#   defaults: OUT_DIR = a temporary folder, PRETRAIN_ITER = 2000, BUDGETS = "50 100 300 1000",
#             SEEDS = "1 2 3" (each seed: its own pretraining and its own scratch start)
set -eu
pm="$1"
here="$(cd "$(dirname "$0")" && pwd)"
out="${2:-$(mktemp -d)}"
pretrain_iter="${3:-2000}"
budgets="${4:-50 100 300 1000}"
seeds="${5:-1 2 3}"
mkdir -p "$out"

# fit NAME DATA ITER SEED [--init FILE]: one single-start L-BFGS run of ae.pm, params to
# $out/NAME.json. One start for every run, so the budgets compare like with like.
fit() {
  local name="$1" data="$2" iter="$3" seed="$4"
  shift 4
  "$pm" fit "$here/ae.pm" -d "$here/$data" --method mle --starts 1 --iter "$iter" --seed "$seed" \
    --quiet --save-params "$out/$name.json" "$@" > "$out/$name.out" 2> "$out/$name.err" ||
    { echo "pm fit $name failed: $(grep -v '^note' "$out/$name.err" | head -3)" >&2; exit 1; }
}
# mse NAME DATA: the test mean squared error per pixel of saved params, from eval_ae.py.
mse() {
  python3 "$here/eval_ae.py" "$out/$1.json" "$here/$2" --json |
    python3 -c 'import json, sys; print("%.4f" % json.load(sys.stdin)["mse"])'
}

echo "| seed | pretrained only | budget (L-BFGS iterations) | fine-tuned | from scratch |"
echo "|---|---|---|---|---|"
for seed in $seeds; do
  fit "pretrained_s$seed" pretrain.json "$pretrain_iter" "$seed"
  zero_shot="$(mse "pretrained_s$seed" test59.json)"
  # The fine-tuning start: the pretrained nets, sigma at its MLE given them on finetune.json.
  python3 "$here/eval_ae.py" "$out/pretrained_s$seed.json" "$here/finetune.json" \
    --warm-start "$out/warm_s$seed.json" > /dev/null
  for budget in $budgets; do
    fit "finetuned_s${seed}_i$budget" finetune.json "$budget" "$seed" --init "$out/warm_s$seed.json"
    fit "scratch_s${seed}_i$budget" finetune.json "$budget" "$seed"
    echo "| $seed | $zero_shot | $budget | $(mse "finetuned_s${seed}_i$budget" test59.json) | $(mse "scratch_s${seed}_i$budget" test59.json) |"
  done
done
