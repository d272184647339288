#!/usr/bin/env bash
# The anomaly-detection example end to end (examples/anomaly/README.md): trains the VAE,
# scores clean and corrupted test digits with `pm score`, and checks the AUROC the README
# quotes (0.890 at seed 1; the run is seeded, so this is a regression check with a margin
# for rounding differences between machines: above 0.85) and that every corruption kind is
# detected better than chance (above 0.7).
#   usage: anomaly.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
bash "$source_dir/examples/anomaly/run.sh" "$pm" "$scratch" > "$scratch/auroc.txt" 2> "$scratch/err" || {
  echo "FAIL: anomaly example: $(head -3 "$scratch/err")" >&2
  exit 1
}
python3 - "$scratch/auroc.txt" <<'PY' || exit 1
import sys
lines = open(sys.argv[1]).read().splitlines()
values = {l.split()[1]: float(l.split()[2]) for l in lines if l.startswith("AUROC ") and len(l.split()) == 3}
overall = float([l for l in lines if l.startswith("AUROC ") and len(l.split()) == 2][0].split()[1])
assert overall > 0.85, ("overall AUROC", overall, lines)
assert all(v > 0.7 for v in values.values()), values
print("anomaly: AUROC", overall, values)
PY
