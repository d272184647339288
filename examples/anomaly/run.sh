#!/usr/bin/env bash
# The anomaly-detection example (README.md): train the VAE of examples/vae.pm on the training
# digits, score the clean test digits and their corrupted copies with `pm score` (per-datum
# IWAE log p(x), K = 100), and report the AUROC of log p(x) as a detector.
#   usage: run.sh [PATH/TO/pm] [OUTPUT_DIR]     (defaults: pm on the PATH, a temporary directory)
set -eu
pm="${1:-pm}"
here="$(cd "$(dirname "$0")" && pwd)"
out="${2:-$(mktemp -d)}"
"$pm" fit "$here/../vae.pm" -d "$here/../vae/digits_train.json" --batch 64 --epochs 50 --seed 1 \
  --save-params "$out/vae_params.json" --quiet > "$out/fit.txt"
"$pm" score "$here/../vae.pm" -d "$here/../vae/digits_test.json" --params "$out/vae_params.json" --k 100 \
  -o "$out/clean.csv" > /dev/null
"$pm" score "$here/../vae.pm" -d "$here/corrupted.json" --params "$out/vae_params.json" --k 100 \
  -o "$out/corrupted.csv" > /dev/null
python3 "$here/auroc.py" "$out/clean.csv" "$out/corrupted.csv"
