#!/usr/bin/env bash
# --params / --init from a model of another shape (issue 15; docs/reliability.md "Saved
# params"): once silently truncated (D = 4 into D = 3). Refused, naming the variable and both
# shapes, exit 2, by fit --init (map and vi), evidence/score --params and sample --params;
# the same file into the model of its own shape still runs.   usage: params_shape.sh PM SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$scratch" || exit 1
cat > v.pm <<'PM'
data {
  int<lower=1> D;
  int<lower=0> N;
  array[N] vector[D] y;
}
latent {
  vector[D] mu;
}
model {
  mu ~ normal(0, 1);
  for (n in 1:N) y[n] ~ normal(mu, 1);
}
PM
echo '{"D": 4, "N": 2, "y": [[1, 2, 3, 4], [1, 2, 3, 4]]}' > d4.json
echo '{"D": 3, "N": 2, "y": [[1, 2, 3], [1, 2, 3]]}' > d3.json
"$pm" fit v.pm -d d4.json --method map --quiet --save-params map4.json > /dev/null 2>&1 || fail "fit map D=4"
"$pm" fit v.pm -d d4.json --quiet --save-params vi4.json > /dev/null 2>&1 || fail "fit vi D=4"
python3 -c 'import json; d = json.load(open("vi4.json")); d.pop("mu"); json.dump(d, open("guide4.json", "w"))'

# refused WHAT PATTERN COMMAND...
refused() {
  local what="$1" pattern="$2"
  shift 2
  "$@" > stdout 2> stderr
  local status=$?
  [ $status -eq 2 ] || fail "$what: want exit 2, got $status: $(head -c 300 stderr)"
  grep -q -- "$pattern" stderr || fail "$what: want '$pattern', got: $(head -c 300 stderr)"
}
shape="'mu' is \[4\] in the file but \[3\] in this model"
refused "fit map --init" "map4.json: $shape" "$pm" fit v.pm -d d3.json --method map --init map4.json --quiet
refused "fit vi --init" "vi4.json: $shape" "$pm" fit v.pm -d d3.json --init vi4.json --quiet
refused "evidence is --params" "vi4.json: $shape" "$pm" evidence v.pm -d d3.json --method is --params vi4.json
refused "sample --params" "sample: map4.json: $shape" "$pm" sample v.pm -d D=3 -d N=1 --params map4.json
refused "evidence, guide only" "the guide parameter 'loc' has 4 entries in the file but 3 in this model's guide" \
  "$pm" evidence v.pm -d d3.json --method is --params guide4.json
echo '{"mu": [[1, 2, 3]]}' > nested.json
refused "a matrix for a vector" "'mu' is \[1, 3\] in the file but \[3\]" "$pm" fit v.pm -d d3.json --method map --init nested.json --quiet
echo '{"mu": 1.5}' > scalar.json
refused "a number for a vector" "'mu' is a number in the file but \[3\]" "$pm" sample v.pm -d D=3 -d N=1 --params scalar.json

# The right shape still runs.
"$pm" fit v.pm -d d4.json --method map --init map4.json --quiet > stdout 2> stderr || fail "map --init, same shape: $(head -c 300 stderr)"
"$pm" evidence v.pm -d d4.json --method is --params guide4.json > stdout 2> stderr || fail "evidence, same shape: $(head -c 300 stderr)"
"$pm" sample v.pm -d D=4 -d N=1 --params map4.json > stdout 2> stderr || fail "sample, same shape: $(head -c 300 stderr)"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "params_shape: all passed"
