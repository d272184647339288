#!/usr/bin/env bash
# End-to-end tests of minibatch training and per-datum scores (CLI.md `pm fit --batch
# --epochs --test`, `pm score`, `pm evidence --method iwae --params`; docs/minibatch.md) on
# examples/vae.pm with the 200 digits of examples/vae_digits.json: the --json fields and the
# step count, the training curve going up, the held-out ELBO each epoch, reproducibility by
# seed, per-datum IWAE scores against the ELBO (a lower bound of them), the evidence as the
# sum of the scores, and the refusals.
#   usage: minibatch.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

vae="$examples/vae.pm"
digits="$examples/vae_digits.json"
"$pm" fit "$vae" -d "$digits" --batch 50 --epochs 20 --test "$digits" --seed 3 --json \
  --save-params "$scratch/params.json" > "$scratch/fit.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "fit --batch: $(head -3 "$scratch/err")"
"$pm" fit "$vae" -d "$digits" --batch 50 --epochs 20 --test "$digits" --seed 3 --json > "$scratch/again.json" 2>/dev/null
python3 - "$scratch/fit.json" "$scratch/again.json" "$scratch/params.json" <<'PY' || fail "fit --batch: JSON fields, curve or reproducibility"
import json, math, sys
out = json.load(open(sys.argv[1])); again = json.load(open(sys.argv[2])); params = json.load(open(sys.argv[3]))
for key in ("elbo", "elbo_per_datum", "reconstruction", "kl", "test_elbo", "test_elbo_per_datum", "history", "steps",
            "time_s", "train_time_s", "khat_median", "khat_max", "batch", "epochs"):
    assert key in out, key
assert out["batch"] == 50 and out["epochs"] == 20 and out["steps"] == 20 * 4, out
assert abs(out["kl"] - (out["reconstruction"] - out["elbo"])) < 1e-9 * abs(out["elbo"]), out
assert abs(out["elbo_per_datum"] * 200 - out["elbo"]) < 1e-9 * abs(out["elbo"]), out
history = out["history"]
assert len(history) == 20 and all(h["test_elbo"] is not None for h in history), history[:2]
# The curve: the last epoch's train ELBO is well above the first's (random nets start near -44 per pixel row).
assert history[-1]["train_elbo"] > history[0]["train_elbo"] + 1000, (history[0], history[-1])
assert -60 < out["test_elbo_per_datum"] < -20, out["test_elbo_per_datum"]
assert out["elbo"] == again["elbo"] and out["test_elbo"] == again["test_elbo"], (out["elbo"], again["elbo"])
assert "decoder.layer1.weight" in params and "__guide__" in params and "z" not in params, list(params)[:5]
PY

# Per-datum IWAE scores (K = 50): one row per datum, finite, and on average above the ELBO.
"$pm" score "$vae" -d "$digits" --params "$scratch/params.json" --k 50 --json -o "$scratch/scores.csv" \
  > "$scratch/score.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "score: $(head -3 "$scratch/err")"
"$pm" evidence "$vae" -d "$digits" --params "$scratch/params.json" --method iwae --k 50 --json \
  > "$scratch/evidence.json" 2> "$scratch/err"
[ $? -eq 0 ] || fail "evidence iwae per datum: $(head -3 "$scratch/err")"
python3 - "$scratch/score.json" "$scratch/scores.csv" "$scratch/evidence.json" "$scratch/fit.json" <<'PY' || fail "score / evidence values"
import csv, json, math, sys
score = json.load(open(sys.argv[1])); rows = list(csv.DictReader(open(sys.argv[2])))
evidence = json.load(open(sys.argv[3])); fit = json.load(open(sys.argv[4]))
assert score["method"] == "iwae" and score["k"] == 50 and score["rows"] == 200, score
assert len(rows) == 200 and len(score["log_p"]) == 200, len(rows)
assert all(math.isfinite(float(r["log_p"])) for r in rows)
assert abs(sum(float(r["log_p"]) for r in rows) - score["total"]) < 1e-6 * abs(score["total"])
# IWAE >= ELBO in expectation; the fit's test ELBO is of the same data (10 draws).
assert score["mean"] > fit["test_elbo_per_datum"] - 0.5, (score["mean"], fit["test_elbo_per_datum"])
# pm evidence --method iwae sums the same per-datum estimates (same seed, same draws).
assert evidence["bound"] == "per_datum" and abs(evidence["log_evidence"] - score["total"]) < 1e-9 * abs(score["total"]), evidence
assert abs(evidence["per_datum"] - evidence["log_evidence"] / evidence["rows"]) < 1e-12, evidence
PY

# The guide written per datum, in a plate with a body-local h (docs/variational.md), is the
# same q as vae.pm's vectorized one: seeded, 30 epochs on the 200 digits, the two final
# ELBOs per datum within 0.3 nats (their difference is the order the noise fills the draws).
sed -e 's|^  h = encoder(x);|  for (n in 1:N) {\n    h = encoder(x[n]);|' \
    -e 's|^  z ~ normal(h\[:, 1:8\], softplus(h\[:, 9:16\]));.*|    z[n] ~ normal(h[1:8], softplus(h[9:16]));\n  }|' \
    "$vae" > "$scratch/vae_loop.pm"
grep -q "z\[n\] ~ normal(h\[1:8\]" "$scratch/vae_loop.pm" || fail "vae_loop.pm: the sed rewrite of vae.pm's guide did not apply"
for model in "$vae" "$scratch/vae_loop.pm"; do
  "$pm" fit "$model" -d "$digits" --batch 50 --epochs 30 --seed 4 --json 2> "$scratch/err" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["elbo_per_datum"])' >> "$scratch/loop_elbos" \
    || fail "guide in a plate: $(head -3 "$scratch/err")"
done
python3 - "$scratch/loop_elbos" <<'PY' || fail "guide in a plate: ELBOs per datum differ: $(cat "$scratch/loop_elbos")"
import sys
whole, plated = (float(v) for v in open(sys.argv[1]).read().split())
print(f"guide in a plate: ELBO per datum {plated:.3f}, vectorized {whole:.3f}", file=sys.stderr)
assert abs(whole - plated) < 0.3, (whole, plated)
PY

# Refusals, each exit 2 with a message that says why.
expect_refusal() {  # expect_refusal NAME PATTERN ARGS...
  local name="$1" pattern="$2"
  shift 2
  "$pm" "$@" > "$scratch/out" 2> "$scratch/err"
  local code=$?
  [ $code -eq 2 ] || fail "$name: exit $code, expected 2"
  grep -q -- "$pattern" "$scratch/err" || fail "$name: message lacks '$pattern': $(head -3 "$scratch/err")"
}
expect_refusal "batch with iwae" "not supported yet" fit "$vae" -d "$digits" --batch 50 --objective iwae:5
expect_refusal "batch with map" "uses all the data" fit "$examples/logistic_regression.pm" -d "$examples/logistic_regression.json" --batch 50 --method map
cat > "$scratch/local.pm" <<'PM'
data { int<lower=1> N; vector[N] x; }
latent { vector[N] z; }
model { z ~ normal(0, 1); x ~ normal(z, 1); }
PM
echo '{"N": 4, "x": [1, 2, 3, 4]}' > "$scratch/local.json"
expect_refusal "batch with an automatic local guide" "needs a guide block drawing 'z'" fit "$scratch/local.pm" -d "$scratch/local.json" --batch 2
"$pm" fit "$examples/coin.pm" -d "$examples/coin.json" --save-params "$scratch/coin.json" > /dev/null 2>&1
expect_refusal "score with a global latent" "not sized by the data plate" score "$examples/coin.pm" -d "$examples/coin.json" --params "$scratch/coin.json"
expect_refusal "score without params" "params" score "$vae" -d "$digits"

if [ "$failures" -gt 0 ]; then
  echo "$failures minibatch check(s) failed" >&2
  exit 1
fi
echo "minibatch: all checks passed"
