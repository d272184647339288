#!/usr/bin/env bash
# End-to-end tests of nets in `pm sample` and of `--png` (CLI.md; docs/simulation.md "Nets",
# docs/images.md): a decoder's weights from --params; the PNG grid's size is what the layout
# implies (IHDR read with struct), and its pixels (IDAT inflated with zlib, rows unfiltered)
# are the mean of x's distribution, not 0/1 draws; the errors exit 2; the VAE trained briefly
# on examples/vae_digits.json draws a grid of new digits.
#   usage: sample_png.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# A PNG reader for the checks below: (width, height, rows of (r, g, b)).
cp "$source_dir/tests/cli/fixtures/png.py" "$scratch/png.py"

# A decoder with zero weights: E[x | z] = sigmoid(bias) whatever z, so every image is the
# same 2 x 2 picture of probabilities 0.2, 0.6, 0.8, 0.4 (row by row).
cat > "$scratch/decoder.pm" <<'PM'
data {
  int<lower=1> N;
  int<lower=1> D;
  matrix<lower=0, upper=1>[N, D] x;
}
net decoder = mlp(1, D, output = sigmoid);
latent {
  matrix[N, 1] z;
}
model {
  z ~ normal(0, 1);
  x ~ bernoulli_probs(decoder(z));
}
PM
python3 - "$scratch/params.json" <<'PY'
import json, math, sys
logit = lambda p: math.log(p / (1 - p))
json.dump({"decoder.layer1.weight": [[0.0]] * 4,
           "decoder.layer1.bias": [logit(p) for p in (0.2, 0.6, 0.8, 0.4)]}, open(sys.argv[1], "w"))
PY

# -n 2 data sets of N = 3 rows: 6 images, 3 per row (as square as possible), 2 rows; each
# 2 x 2 value image scaled by 4 is 8 x 8 pixels, with a 1-pixel gap between and around:
# width 3 * 9 + 1 = 28, height 2 * 9 + 1 = 19.
"$pm" sample "$scratch/decoder.pm" -d N=3 -d D=4 --params "$scratch/params.json" -n 2 --png "$scratch/grid.png" \
  -o "$scratch/fake.json" > /dev/null 2> "$scratch/err" || fail "decoder sample --png: $(head -3 "$scratch/err")"
python3 - "$scratch" <<'PY' || fail "decoder grid.png"
import json, sys
sys.path.insert(0, sys.argv[1])
from png import read_png
width, height, rows = read_png(sys.argv[1] + "/grid.png")
assert (width, height) == (28, 19), (width, height)
gap = (70, 100, 170)
assert rows[0][0] == gap and rows[9][5] == gap and rows[5][9] == gap, (rows[0][0], rows[9][5], rows[5][9])
expected = [round(255 * p) for p in (0.2, 0.6, 0.8, 0.4)]  # the means, not 0/1 draws
for image in range(6):
    left, top = 1 + 9 * (image % 3), 1 + 9 * (image // 3)
    for r in range(2):
        for c in range(2):
            for dy in range(4):
                for dx in range(4):
                    pixel = rows[top + 4 * r + dy][left + 4 * c + dx]
                    want = expected[2 * r + c]
                    assert pixel == (want, want, want), (image, r, c, pixel, want)
# The data sets themselves are 0/1 draws of x.
for k in (1, 2):
    data = json.load(open(f"{sys.argv[1]}/fake_{k}.json"))
    assert len(data["x"]) == 3 and all(v in (0, 1) for row in data["x"] for v in row), data
PY

# --image-shape for a non-square row; --scale 1.
"$pm" sample "$scratch/decoder.pm" -d N=3 -d D=4 --params "$scratch/params.json" --png "$scratch/wide.png" \
  --image-shape 1x4 --scale 1 > /dev/null 2> "$scratch/err" || fail "--image-shape 1x4: $(head -3 "$scratch/err")"
python3 - "$scratch" <<'PY' || fail "wide.png: 2 columns of 1 x 4 images, 2 rows: 11 x 5"
import sys
sys.path.insert(0, sys.argv[1])
from png import read_png
width, height, rows = read_png(sys.argv[1] + "/wide.png")
assert (width, height) == (2 * 5 + 1, 2 * 2 + 1), (width, height)
assert [rows[1][1 + c][0] for c in range(4)] == [51, 153, 204, 102], rows[1]
PY

# continuous_bernoulli(lambda): the picture is its mean lambda / (2 lambda - 1) + 1 / (2
# atanh(1 - 2 lambda)), here for lambda = 0.2, 0.5002 (the series near 1/2), 0.9, 0.7.
sed 's/bernoulli_probs/continuous_bernoulli/' "$scratch/decoder.pm" > "$scratch/cb.pm"
python3 - "$scratch/cb_params.json" <<'PY'
import json, math, sys
logit = lambda p: math.log(p / (1 - p))
json.dump({"decoder.layer1.weight": [[0.0]] * 4,
           "decoder.layer1.bias": [logit(p) for p in (0.2, 0.5002, 0.9, 0.7)]}, open(sys.argv[1], "w"))
PY
"$pm" sample "$scratch/cb.pm" -d N=1 -d D=4 --params "$scratch/cb_params.json" --png "$scratch/cb.png" --scale 1 \
  > /dev/null 2> "$scratch/err" || fail "continuous_bernoulli --png: $(head -3 "$scratch/err")"
python3 - "$scratch" <<'PY' || fail "cb.png: the continuous Bernoulli means"
import math, sys
sys.path.insert(0, sys.argv[1])
from png import read_png
width, height, rows = read_png(sys.argv[1] + "/cb.png")
assert (width, height) == (4, 4), (width, height)
mean = lambda l: l / (2 * l - 1) + 1 / (2 * math.atanh(1 - 2 * l))
expected = [round(255 * mean(l)) for l in (0.2, 0.5002, 0.9, 0.7)]  # 99, 128, 171, 145
got = [rows[1 + r][1 + c][0] for r in range(2) for c in range(2)]
assert got == expected, (got, expected)
PY

# Errors, exit 2: a net without --params (naming the net); a non-square row without
# --image-shape; a shape that does not hold the row; an unknown --png-var.
"$pm" sample "$scratch/decoder.pm" -d N=3 -d D=4 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a net without --params should exit 2"
grep -q "the net 'decoder' has no prior" "$scratch/err" || fail "no message naming the net: $(cat "$scratch/err")"
"$pm" sample "$scratch/decoder.pm" -d N=3 -d D=3 --params "$scratch/params.json" --png "$scratch/x.png" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a 3-pixel row without --image-shape should exit 2"
"$pm" sample "$scratch/decoder.pm" -d N=3 -d D=4 --params "$scratch/params.json" --png "$scratch/x.png" \
  --image-shape 3x3 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--image-shape 3x3 for 4 pixels should exit 2"
"$pm" sample "$scratch/decoder.pm" -d N=3 -d D=4 --params "$scratch/params.json" --png "$scratch/x.png" \
  --png-var nothing > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "an unknown --png-var should exit 2"
[ -e "$scratch/x.png" ] && fail "a failed run left x.png"

# The VAE, trained briefly: 64 new digits (z from its prior, not the fit's z) as an 8 x 8 grid
# of 8 x 8 images at scale 4: 8 * 33 + 1 = 265 pixels square, grey levels spread over [0, 255].
"$pm" fit "$examples/vae.pm" -d "$examples/vae_digits.json" --iter 1500 --save-params "$scratch/vae.json" --quiet \
  > /dev/null 2> "$scratch/err" || fail "vae fit: $(head -3 "$scratch/err")"
"$pm" sample "$examples/vae.pm" -d N=64 -d D=64 --params "$scratch/vae.json" --png "$scratch/digits.png" \
  > /dev/null 2> "$scratch/err" || fail "vae sample --png: $(head -3 "$scratch/err")"
grep -q "'z' in .* is a local latent of the fitted data: drawn from its prior" "$scratch/err" \
  || fail "no note that z is drawn: $(cat "$scratch/err")"
python3 - "$scratch" <<'PY' || fail "vae digits.png"
import sys
sys.path.insert(0, sys.argv[1])
from png import read_png
width, height, rows = read_png(sys.argv[1] + "/digits.png")
assert (width, height) == (265, 265), (width, height)
levels = [p[0] for row in rows for p in row if p[0] == p[1] == p[2]]
assert min(levels) < 20 and max(levels) > 200, (min(levels), max(levels))
assert len(set(levels)) > 50, len(set(levels))  # probabilities, not 0/1 draws
PY

[ "$failures" -eq 0 ] && echo "sample_png.sh: all passed"
exit "$failures"
