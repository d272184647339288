#!/usr/bin/env bash
# End-to-end test of examples/autoencoder (a fast version of its README's experiment):
#   - ae.pm passes `pm check`;
#   - `pm fit ae.pm --method mle` with 150 L-BFGS iterations on the digits 0-4 brings the
#     reconstruction error (computed outside pm by eval_ae.py from the saved weights) below
#     half that of the untrained He/Glorot init (--iter 0): the init reconstructs every
#     image as about the same grey blur (MSE ~0.19), 150 iterations reach ~0.012;
#   - eval_ae.py's Gaussian log-likelihood summed over the images equals the log density pm
#     reports at its optimum within 1e-8 relative (two independent forward passes of the same
#     nets, so the saved weight layout and the likelihood agree), and `pm score`'s per-image
#     log p(x) equals eval_ae.py's per image within 1e-9;
#   - run_transfer.sh (pretrain, --init fine-tune, scratch) runs at a small budget and prints
#     a table row whose test errors (pretrained only, fine-tuned, scratch) are finite and
#     below the untrained init's on the same test digits 5-9.
#   usage: autoencoder.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
example="$2/examples/autoencoder"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$pm" check "$example/ae.pm" > "$scratch/check" 2>&1 || fail "pm check ae.pm: $(head -3 "$scratch/check")"

# fit NAME ITER: ae.pm on the digits 0-4, one start, seed 5, params to $scratch/NAME.json.
fit() {
  "$pm" fit "$example/ae.pm" -d "$example/pretrain.json" --method mle --starts 1 --seed 5 --iter "$2" --quiet \
    --json --save-params "$scratch/$1.json" > "$scratch/$1.out" 2> "$scratch/$1.err" ||
    fail "pm fit ae.pm --iter $2: $(grep -v '^note' "$scratch/$1.err" | head -3)"
}
fit untrained 0
fit trained 150
python3 "$example/eval_ae.py" "$scratch/untrained.json" "$example/pretrain.json" --json > "$scratch/untrained.eval" ||
  fail "eval_ae.py on the untrained params"
python3 "$example/eval_ae.py" "$scratch/trained.json" "$example/pretrain.json" --json > "$scratch/trained.eval" ||
  fail "eval_ae.py on the trained params"
python3 - "$scratch" <<'PY' || fail "training did not halve the reconstruction error, or eval_ae.py disagrees with pm"
import json, math, sys
d = sys.argv[1]
untrained, trained = (json.load(open(f"{d}/{name}.eval")) for name in ("untrained", "trained"))
print(f"autoencoder: reconstruction MSE untrained {untrained['mse']:.4f}, trained {trained['mse']:.4f}", file=sys.stderr)
assert math.isfinite(trained["mse"]) and trained["mse"] < 0.5 * untrained["mse"], (untrained["mse"], trained["mse"])
log_density = json.load(open(f"{d}/trained.out"))["log_density"]
ours = trained["loglik"] * trained["n"]
assert abs(ours - log_density) <= 1e-8 * abs(log_density), (ours, log_density)
PY

# pm score (exact per-datum log p(x) for a model without latents) against eval_ae.py's
# per-image Gaussian log-likelihood: the same numbers within 1e-9 (absolute, on values of
# order 10-100). Skipped, visibly, by a pm without the score command.
if "$pm" score --help > /dev/null 2>&1; then
  "$pm" score "$example/ae.pm" -d "$example/test59.json" --params "$scratch/trained.json" -o "$scratch/score.csv" \
    > /dev/null 2> "$scratch/score.err" || fail "pm score ae.pm: $(grep -v '^note' "$scratch/score.err" | head -3)"
  python3 "$example/eval_ae.py" "$scratch/trained.json" "$example/test59.json" --per-image "$scratch/eval.csv" \
    > /dev/null || fail "eval_ae.py --per-image"
  python3 - "$scratch/score.csv" "$scratch/eval.csv" <<'PY' || fail "pm score disagrees with eval_ae.py"
import csv, sys
pm_rows = list(csv.DictReader(open(sys.argv[1])))
our_rows = list(csv.DictReader(open(sys.argv[2])))
assert len(pm_rows) == len(our_rows) == 149, (len(pm_rows), len(our_rows))
worst = max(abs(float(a["log_p"]) - float(b["loglik"])) for a, b in zip(pm_rows, our_rows))
assert worst <= 1e-9, worst
PY
else
  echo "autoencoder: pm score not available; its cross-check skipped" >&2
fi

bash "$example/run_transfer.sh" "$pm" "$scratch/transfer" 150 30 1 > "$scratch/table" 2> "$scratch/table.err" ||
  fail "run_transfer.sh: $(head -3 "$scratch/table.err")"
python3 "$example/eval_ae.py" "$scratch/untrained.json" "$example/test59.json" --json > "$scratch/untrained59.eval" ||
  fail "eval_ae.py on the untrained params, test digits 5-9"
python3 - "$scratch/table" "$scratch/untrained59.eval" <<'PY' || fail "run_transfer.sh: no usable table row"
import json, math, sys
rows = [line.split("|")[1:-1] for line in open(sys.argv[1]) if line.startswith("| 1 ")]
assert len(rows) == 1, rows
seed, zero_shot, budget, finetuned, from_scratch = (cell.strip() for cell in rows[0])
untrained = json.load(open(sys.argv[2]))["mse"]
print(f"transfer at 30 iterations: fine-tuned {finetuned}, scratch {from_scratch}, init {untrained:.4f}", file=sys.stderr)
for value in (zero_shot, finetuned, from_scratch):
    assert math.isfinite(float(value)) and float(value) < untrained, (value, untrained)
PY

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "autoencoder: all passed"
