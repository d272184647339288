#!/usr/bin/env bash
# End-to-end tests of `pm encode` (CLI.md; docs/cli.md "pm encode"): on a guide whose
# parameters are written by hand, the printed, --json and CSV means and sds are the normal
# guide's location and scale and the lognormal's closed forms; a multi_normal_cholesky
# guide goes through Monte Carlo; the errors exit 2; the VAE with a 2-D latent gives a
# scatter coloured by label and a reconstruction picture (PNG read with struct and zlib).
#   usage: encode.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cp "$source_dir/tests/cli/fixtures/png.py" "$scratch/png.py"

# Local latents z (normal guide) and w (lognormal guide), one per datum, guide params by hand:
# m = (1, -2, 0.5), s = (0.5, 2, 1) (saved unconstrained: log s), lm = (0, 1, -1), scale 0.5.
cat > "$scratch/local.pm" <<'PM'
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  vector[N] z;
  vector<lower=0>[N] w;
}
model {
  z ~ normal(0, 1);
  w ~ lognormal(0, 1);
  y ~ normal(z, w);
}
guide {
  param vector[N] m;
  param vector<lower=0>[N] s;
  param vector[N] lm;
  z ~ normal(m, s);
  w ~ lognormal(lm, 0.5);
}
PM
echo '{"N": 3, "y": [0.5, -1.0, 2.0], "label": [2, 0, 1]}' > "$scratch/local.json"
python3 - "$scratch/params.json" <<'PY'
import json, math, sys
m, s, lm = [1, -2, 0.5], [0.5, 2, 1], [0, 1, -1]
parameters = {}
for k in range(3):
    parameters[f"guide.m[{k + 1}]"] = m[k]
    parameters[f"guide.s[{k + 1}]"] = math.log(s[k])
    parameters[f"guide.lm[{k + 1}]"] = lm[k]
json.dump({"__guide__": {"family": "meanfield", "parameters": parameters}}, open(sys.argv[1], "w"))
PY
cat > "$scratch/expected.py" <<'PY'
import math
m, s, lm = [1, -2, 0.5], [0.5, 2, 1], [0, 1, -1]
w_mean = [math.exp(l + 0.125) for l in lm]               # exp(mu + sigma^2 / 2), sigma = 0.5
w_sd = [mean * math.sqrt(math.expm1(0.25)) for mean in w_mean]
PY

"$pm" encode "$scratch/local.pm" -d "$scratch/local.json" --params "$scratch/params.json" --json \
  -o "$scratch/codes.csv" > "$scratch/codes.json" 2> "$scratch/err" || fail "encode --json: $(head -3 "$scratch/err")"
python3 - "$scratch" <<'PY' || fail "encode --json / CSV: $(head -c 600 "$scratch/codes.json")"
import csv, json, sys
sys.path.insert(0, sys.argv[1])
from expected import m, s, w_mean, w_sd
out = json.load(open(sys.argv[1] + "/codes.json"))
assert out["rows"] == 3 and out["label"] == [2, 0, 1], out
z, w = out["latents"]
assert z["name"] == "z" and z["columns"] == 1 and z["method"].startswith("exact"), z
assert w["name"] == "w" and w["method"].startswith("exact"), w
for n in range(3):
    assert abs(z["mean"][n][0] - m[n]) < 1e-12 and abs(z["sd"][n][0] - s[n]) < 1e-12, (n, z)
    assert abs(w["mean"][n][0] - w_mean[n]) < 1e-12 * w_mean[n] and abs(w["sd"][n][0] - w_sd[n]) < 1e-12 * w_sd[n], (n, w)
rows = list(csv.DictReader(open(sys.argv[1] + "/codes.csv")))
assert len(rows) == 3, rows
assert list(rows[0].keys()) == ["z_mean.1", "z_sd.1", "w_mean.1", "w_sd.1", "label"], rows[0].keys()
for n, row in enumerate(rows):
    assert abs(float(row["z_mean.1"]) - m[n]) < 1e-12 and abs(float(row["w_sd.1"]) - w_sd[n]) < 1e-12, row
assert [int(row["label"]) for row in rows] == [2, 0, 1], rows
PY
# The table: the mean (sd) of each datum, and the method.
"$pm" encode "$scratch/local.pm" -d "$scratch/local.json" --params "$scratch/params.json" > "$scratch/table" 2> "$scratch/err" \
  || fail "encode table: $(head -3 "$scratch/err")"
grep -q -- "-2 (2)" "$scratch/table" || fail "the table lacks z[2] = -2 (2): $(cat "$scratch/table")"
grep -q "method: exact (the normal guide's location and scale)" "$scratch/table" || fail "no method line"

# A guide with no closed form here: multi_normal_cholesky with a diagonal L, so each z[n] has
# mean m[n] and sd L[n, n]; Monte Carlo over 4000 draws is within 4 standard errors
# (sd / sqrt(4000) for the mean; sd / sqrt(2 * 4000) for the sd).
cat > "$scratch/mvn.pm" <<'PM'
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  vector[N] z;
}
model {
  z ~ normal(0, 1);
  y ~ normal(z, 1);
}
guide {
  param vector[N] m;
  param vector<lower=0>[N] s;
  z ~ multi_normal_cholesky(m, diag_matrix(s));
}
PM
"$pm" encode "$scratch/mvn.pm" -d "$scratch/local.json" --params "$scratch/params.json" --draws 4000 --json \
  > "$scratch/mvn.json" 2> "$scratch/err"
if [ $? -eq 0 ]; then
  python3 - "$scratch" <<'PY' || fail "Monte Carlo encode: $(head -c 600 "$scratch/mvn.json")"
import json, math, sys
sys.path.insert(0, sys.argv[1])
from expected import m, s
z = json.load(open(sys.argv[1] + "/mvn.json"))["latents"][0]
assert z["method"].startswith("Monte Carlo over 4000 draws"), z["method"]
for n in range(3):
    assert abs(z["mean"][n][0] - m[n]) < 4 * s[n] / math.sqrt(4000), (n, z["mean"])
    assert abs(z["sd"][n][0] - s[n]) < 4 * s[n] / math.sqrt(2 * 4000), (n, z["sd"])
PY
elif grep -q "not supported\|unknown function" "$scratch/err"; then
  echo "note: the Monte Carlo case is skipped: $(head -2 "$scratch/err")" >&2
else
  fail "Monte Carlo encode: $(head -3 "$scratch/err")"
fi

# Errors, exit 2: no --params; an asked-for label the data lack; --png with one coordinate
# per datum; a model whose guide draws no local latent (the coin's p is global).
"$pm" encode "$scratch/local.pm" -d "$scratch/local.json" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "encode without --params should exit 2"
"$pm" encode "$scratch/local.pm" -d "$scratch/local.json" --params "$scratch/params.json" --label digit > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a missing --label should exit 2"
grep -q "digit" "$scratch/err" || fail "the missing label is not named: $(cat "$scratch/err")"
"$pm" encode "$scratch/local.pm" -d "$scratch/local.json" --params "$scratch/params.json" --png "$scratch/no.png" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "--png with a 1-D latent should exit 2"
[ -e "$scratch/no.png" ] && fail "a failed --png left a file"
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --iter 200 --save-params "$scratch/coin.json" --quiet > /dev/null 2>&1
"$pm" encode "$examples/coin.pm" -d "$examples/coin.json" --params "$scratch/coin.json" > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "a model without a local guide latent should exit 2"
grep -q "draws no latent sized by the data plate" "$scratch/err" || fail "no message: $(cat "$scratch/err")"

# The VAE with a 2-D latent, trained briefly on examples/vae_digits.json with a label per
# datum (n mod 10, only to colour the points): the scatter is 480 x (480 + 24) pixels with
# points of several palette colours; --reconstruct puts 16 originals (a row of 16 images of
# 8 x 8 at scale 4: 16 * 33 + 1 = 529 wide, 34 high) above 16 reconstructions, 4 pixels apart.
sed -e 's/mlp(8, 128, D/mlp(2, 128, D/' -e 's/mlp(D, 128, 16/mlp(D, 128, 4/' -e 's/matrix\[N, 8\] z/matrix[N, 2] z/' \
  -e 's/h\[:, 1:8\], softplus(h\[:, 9:16\])/h[:, 1:2], softplus(h[:, 3:4])/' "$examples/vae.pm" > "$scratch/vae2.pm"
grep -q "matrix\[N, 2\] z" "$scratch/vae2.pm" || fail "could not make the 2-D VAE from examples/vae.pm"
python3 - "$examples/vae_digits.json" "$scratch/digits.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
data["label"] = [n % 10 for n in range(data["N"])]
json.dump(data, open(sys.argv[2], "w"))
PY
"$pm" fit "$scratch/vae2.pm" -d "$scratch/digits.json" --iter 1500 --save-params "$scratch/vae2.json" --quiet \
  > /dev/null 2> "$scratch/err" || fail "vae2 fit: $(head -3 "$scratch/err")"
"$pm" encode "$scratch/vae2.pm" -d "$scratch/digits.json" --params "$scratch/vae2.json" --png "$scratch/latent.png" \
  --reconstruct "$scratch/recon.png" -o "$scratch/vae_codes.csv" > /dev/null 2> "$scratch/err" \
  || fail "vae2 encode --png --reconstruct: $(head -3 "$scratch/err")"
python3 - "$scratch" "$scratch/digits.json" <<'PY' || fail "vae2 pictures"
import csv, json, sys
sys.path.insert(0, sys.argv[1])
from png import read_png
palette = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
width, height, rows = read_png(sys.argv[1] + "/latent.png")
assert (width, height) == (480, 504), (width, height)
plotted = {p for row in rows[:480] for p in row if p in palette}
assert len(plotted) >= 5, plotted
legend = {p for row in rows[480:] for p in row if p in palette}
assert legend == set(palette), legend
codes = list(csv.DictReader(open(sys.argv[1] + "/vae_codes.csv")))
assert len(codes) == 200 and "z_mean.2" in codes[0] and "label" in codes[0], codes[0].keys()

width, height, rows = read_png(sys.argv[1] + "/recon.png")
assert (width, height) == (529, 72), (width, height)
x = json.load(open(sys.argv[2]))["x"]
for image in range(16):  # the originals, pixel for pixel (C order: row r, column c)
    for r in range(8):
        for c in range(8):
            want = round(255 * x[image][8 * r + c])
            got = rows[1 + 4 * r + 1][1 + 33 * image + 4 * c + 1]
            assert abs(got[0] - want) <= 1 and got[0] == got[1] == got[2], (image, r, c, got, want)
bottom = [rows[38 + 1 + 4 * r + 1][1 + 4 * c + 1][0] for r in range(8) for c in range(8)]
assert len(set(bottom)) > 10, bottom  # the decoder's probabilities, not a copy of 0/1 values
PY

[ "$failures" -eq 0 ] && echo "encode.sh: all passed"
exit "$failures"
