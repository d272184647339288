#!/usr/bin/env bash
# End-to-end tests of `pm check`: every example checks, exit codes and message formats of
# CLI.md, --print and --json.   usage: check.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Every example model checks (exit 0).
count=0
while IFS= read -r model; do
  count=$((count + 1))
  "$pm" check "$model" > "$scratch/out" 2> "$scratch/err"
  status=$?
  [ "$status" -eq 0 ] || fail "pm check $model exited $status: $(head -5 "$scratch/err")"
done < <(find "$source_dir/examples" -name '*.pm' | sort)
[ "$count" -gt 0 ] || fail "no example models found under $source_dir/examples"

# The summary says how each latent is handled and which loops are plates.
"$pm" check "$source_dir/examples/gmm.pm" > "$scratch/gmm.txt" 2>&1
grep -q "summed out exactly" "$scratch/gmm.txt" || fail "gmm summary lacks 'summed out exactly'"
grep -q "plate" "$scratch/gmm.txt" || fail "gmm summary lacks its plate"
"$pm" check "$source_dir/examples/fvbn.pm" > "$scratch/fvbn.txt" 2>&1
grep -q "sequential" "$scratch/fvbn.txt" || fail "fvbn summary lacks 'sequential'"
"$pm" check "$source_dir/examples/vae.pm" > "$scratch/vae.txt" 2>&1
grep -q "approximated by the guide block" "$scratch/vae.txt" || fail "vae summary lacks the guide block"

# An unreadable file: exit 2 and the message of CLI.md.
"$pm" check "$scratch/missing.pm" > /dev/null 2> "$scratch/err"
status=$?
[ "$status" -eq 2 ] || fail "missing file: exit $status, expected 2"
grep -qx "pm: cannot read '$scratch/missing.pm': No such file or directory" "$scratch/err" ||
  fail "missing file message: $(cat "$scratch/err")"

# A semantic error: exit 2, `file:line:col: error: message`, the source line, a caret under the column.
cat > "$scratch/bad.pm" <<'MODEL'
data {
  real y;
}
latent {
  real<lower=0> sigma;
}
model {
  sigma ~ lognormal(0, 1);
  y ~ normal(0, sigmma);
}
MODEL
"$pm" check "$scratch/bad.pm" > "$scratch/out" 2> "$scratch/err"
status=$?
[ "$status" -eq 2 ] || fail "bad model: exit $status, expected 2"
[ ! -s "$scratch/out" ] || fail "bad model: something was printed on stdout"
expected="$scratch/bad.pm:9:17: error: undefined name 'sigmma'; did you mean 'sigma'?
  y ~ normal(0, sigmma);
                ^"
[ "$(head -3 "$scratch/err")" = "$expected" ] || fail "bad model diagnostic:
$(cat "$scratch/err")"

# A tab in the source line: the echoed line shows it as one space and the caret line is
# spaces only (CLI.md: "no gutter characters before the caret"), the caret under its column.
printf 'data {\n\treal y;\n}\nmodel {\n\ty ~ normal(0,\tsigmma);\n}\n' > "$scratch/tabs.pm"
"$pm" check "$scratch/tabs.pm" > /dev/null 2> "$scratch/err"
status=$?
[ "$status" -eq 2 ] || fail "tabs: exit $status, expected 2"
expected="$scratch/tabs.pm:5:16: error: undefined name 'sigmma'
 y ~ normal(0, sigmma);
               ^"
[ "$(head -3 "$scratch/err")" = "$expected" ] || fail "tabs diagnostic:
$(cat -A "$scratch/err")"
! grep -q "$(printf '\t')" "$scratch/err" || fail "tabs: a tab was printed: $(cat -A "$scratch/err")"

# A data default that violates its own bound is an error of check (not only of fit), located
# at the default with a caret; a default check cannot compute without data is left to fit.
cat > "$scratch/default.pm" <<'MODEL'
data {
  int<lower=5> K = 3;
  vector[K] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  y ~ normal(mu, 1);
}
MODEL
"$pm" check "$scratch/default.pm" > "$scratch/out" 2> "$scratch/err"
status=$?
[ "$status" -eq 2 ] || fail "default out of bounds: exit $status, expected 2"
[ ! -s "$scratch/out" ] || fail "default out of bounds: the model was printed as valid"
expected="$scratch/default.pm:2:20: error: the default of 'K' is 3, which violates lower=5
  int<lower=5> K = 3;
                   ^"
[ "$(head -3 "$scratch/err")" = "$expected" ] || fail "default out of bounds diagnostic:
$(cat "$scratch/err")"
printf 'data {\n  int<lower=0> N;\n  int<lower=1> K = N - 1;\n}\n' > "$scratch/default_data.pm"
"$pm" check "$scratch/default_data.pm" > /dev/null 2> "$scratch/err" ||
  fail "a default over data without a default was rejected by check: $(cat "$scratch/err")"

# Every semantic error is reported, not just the first.
printf 'data {\n  real x;\n}\nmodel {\n  a = alpah;\n  b = bta;\n}\n' > "$scratch/two.pm"
"$pm" check "$scratch/two.pm" > /dev/null 2> "$scratch/err"
[ "$(grep -c ': error: ' "$scratch/err")" -eq 2 ] || fail "expected two errors: $(cat "$scratch/err")"

# A syntax error: exit 2 and the same format.
printf 'model {\n  y ~ normal(0, 1)\n' > "$scratch/syntax.pm"
"$pm" check "$scratch/syntax.pm" > /dev/null 2> "$scratch/err"
status=$?
[ "$status" -eq 2 ] || fail "syntax error: exit $status, expected 2"
grep -q "^$scratch/syntax.pm:[0-9]*:[0-9]*: error: " "$scratch/err" || fail "syntax error format: $(cat "$scratch/err")"

# Warnings go to stderr as diagnostics; the model is still valid.
printf 'data {\n  real y;\n}\nlatent {\n  real mu;\n}\nmodel {\n  y ~ normal(mu, 1);\n}\n' > "$scratch/flat.pm"
"$pm" check "$scratch/flat.pm" > "$scratch/out" 2> "$scratch/err"
status=$?
[ "$status" -eq 0 ] || fail "warning only: exit $status, expected 0"
grep -q "^$scratch/flat.pm:5:8: warning: the latent 'mu' has no '~' in model" "$scratch/err" ||
  fail "flat prior warning: $(cat "$scratch/err")"
grep -q "improper flat prior" "$scratch/out" || fail "summary lacks the flat prior"

# --print: the normalized program checks again and is a fixed point.
"$pm" check --print "$source_dir/examples/gmm.pm" > "$scratch/printed.pm" 2>/dev/null || fail "--print failed"
"$pm" check --print "$scratch/printed.pm" > "$scratch/printed_again.pm" 2>/dev/null || fail "--print output does not check"
cmp -s "$scratch/printed.pm" "$scratch/printed_again.pm" || fail "--print is not a fixed point"

# --json: one valid JSON object.
"$pm" check --json "$source_dir/examples/gmm.pm" > "$scratch/gmm.json" 2>/dev/null || fail "--json failed"
if command -v python3 > /dev/null; then
  python3 - "$scratch/gmm.json" <<'PY' || fail "--json output is not the expected JSON"
import json, sys
summary = json.load(open(sys.argv[1]))
assert summary["valid"] is True
z = [s for s in summary["symbols"] if s["name"] == "z"][0]
assert z["handling"] == "summed out exactly" and z["discrete"] is True
assert summary["loops"][0]["sequential"] is False
PY
fi

# Unknown options are errors with exit 2.
"$pm" check --no-such-option "$source_dir/examples/gmm.pm" > /dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "unknown option: exit $status, expected 2"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "pm check: all end-to-end checks passed ($count example models)"
