#!/usr/bin/env bash
# The autoregressive model beside the VAE on the same binary images (fvbn/README.md):
# binarize all 1500 training and 297 test digits of ../vae/ at 0.5, fit fvbn.pm by maximum
# likelihood (stopped early at --iter 50) and vae.pm by minibatch VI, then print the held-out
# log-likelihood per image: exact for fvbn (pm score), the IWAE bound (K = 1000) for the VAE.
# Usage: bash examples/fvbn/compare_vae.sh PATH/TO/pm [OUT_DIR]   (about 10 s)
set -euo pipefail
pm="$1"
here="$(cd "$(dirname "$0")" && pwd)"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
python3 - "$here/../vae" "$out" <<'PY'
import json, sys
source, out = sys.argv[1], sys.argv[2]
for name in ("train", "test"):
    d = json.load(open(f"{source}/digits_{name}.json"))
    x = [[1 if v > 0.5 else 0 for v in row] for row in d["x"]]
    json.dump({"N": d["N"], "D": d["D"], "x": x}, open(f"{out}/binary_{name}.json", "w"))
PY
"$pm" fit "$here/../fvbn.pm" -d "$out/binary_train.json" --iter 50 --starts 1 --seed 1 \
  --save-params "$out/fvbn_params.json" > /dev/null 2>&1
fvbn=$("$pm" score "$here/../fvbn.pm" -d "$out/binary_test.json" --params "$out/fvbn_params.json" --json \
  | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["mean"], 2))')
echo "fvbn (exact, --iter 50):        held-out log p(x) per image $fvbn"
for seed in 1 2 3; do
  "$pm" fit "$here/../vae.pm" -d "$out/binary_train.json" --batch 64 --epochs 50 --seed "$seed" \
    --save-params "$out/vae_params_$seed.json" > /dev/null 2>&1
  vae=$("$pm" evidence "$here/../vae.pm" -d "$out/binary_test.json" --params "$out/vae_params_$seed.json" \
    --method iwae --k 1000 --seed "$seed" --json \
    | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["per_datum"], 2))')
  echo "vae seed $seed (IWAE bound, K = 1000): held-out log p(x) per image $vae"
done
