#!/usr/bin/env bash
# Names ending in "__" (issue 15; docs/reliability.md "Reserved names"): once accepted, they
# gave a draws file two lp__ columns (which pm summary refused) or a latent that readers took
# for a sampler column. Now `pm check` and every command refuse them at the declaration, as
# Stan does: file:line:col, exit 2. (The golden unit test is tests/bad/semantic/reserved_name.pm.)
#   usage: reserved_names.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# check_case NAME MODEL LINE:COL: MODEL declares NAME at LINE:COL
check_case() {
  local name="$1" model="$2" where="$3"
  printf '%s' "$model" > "$scratch/m.pm"
  for command in check graph "fit --method map -d N=3" "diagnose -d N=3"; do
    # shellcheck disable=SC2086
    "$pm" $command "$scratch/m.pm" > "$scratch/out" 2> "$scratch/err"
    local status=$?
    [ $status -eq 2 ] || fail "$command, $name: want exit 2, got $status: $(head -c 300 "$scratch/err")"
    grep -q "m.pm:$where: error: '$name' ends in '__'" "$scratch/err" ||
      fail "$command, $name: want m.pm:$where and the reason, got: $(head -c 300 "$scratch/err")"
  done
}
check_case lp__ $'param {\n  real lp__;\n}\nmodel {\n  lp__ ~ normal(0, 1);\n}\n' 2:8
check_case a__ $'latent {\n  real a__;\n}\nmodel {\n  a__ ~ normal(0, 1);\n}\n' 2:8
check_case N__ $'data {\n  int N__;\n}\nlatent {\n  real mu;\n}\nmodel {\n  mu ~ normal(0, 1);\n}\n' 2:7
check_case m__ $'latent {\n  real mu;\n}\nmodel {\n  real m__ = mu * 2;\n  mu ~ normal(0, 1);\n}\n' 5:8
check_case i__ $'data {\n  int N;\n  vector[N] y;\n}\nlatent {\n  real mu;\n}\nmodel {\n  mu ~ normal(0, 1);\n  for (i__ in 1:N) y[i__] ~ normal(mu, 1);\n}\n' 10:8

# One underscore at the end, or two inside, stay ordinary names.
printf 'latent {\n  real a_;\n  real b__c;\n}\nmodel {\n  a_ ~ normal(0, 1);\n  b__c ~ normal(0, 1);\n}\n' > "$scratch/ok.pm"
"$pm" check "$scratch/ok.pm" > "$scratch/out" 2> "$scratch/err" || fail "a_ and b__c were refused: $(head -c 300 "$scratch/err")"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "reserved_names: all passed"
