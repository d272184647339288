#!/usr/bin/env bash
# Names and paths that are not UTF-8, under --json (issue 15; docs/reliability.md "JSON and
# UTF-8"): once `internal error: json type_error.316`, after `sample` had written its file.
# Now refused with a message naming the argument (its bad bytes as \xNN), exit 2, before any
# output: no file written, nothing on stdout.   usage: utf8_json.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$scratch" || exit 1
cp "$source_dir/examples/coin.pm" m.pm
cp "$source_dir/examples/coin.json" y.json
latin1=$'caf\xe9'
cp y.json "$latin1.json"
cp m.pm "$latin1.pm"

# expect_refusal WHAT COMMAND...: exit 2, a message, nothing on stdout, no file made
expect_refusal() {
  local what="$1" pattern="$2"
  shift 2
  local before
  before="$(ls | sort)"
  "$@" > stdout 2> stderr
  local status=$?
  [ $status -eq 2 ] || fail "$what: want exit 2, got $status: $(head -c 300 stderr)"
  grep -q -- "$pattern" stderr || fail "$what: want '$pattern' in: $(head -c 300 stderr)"
  if grep -qi "internal error\|type_error" stderr; then fail "$what: $(head -c 300 stderr)"; fi
  [ ! -s stdout ] || fail "$what: printed on stdout: $(head -c 200 stdout)"
  [ "$(ls | grep -av '^std' | sort)" = "$(echo "$before" | grep -av '^std')" ] || fail "$what: made files: $(ls)"
}
expect_refusal "fit -d LATIN1 --json" "the argument 'caf\\\\xE9.json' is not valid UTF-8" \
  "$pm" fit m.pm -d "$latin1.json" --method map --json
expect_refusal "check LATIN1.pm --json" "caf\\\\xE9.pm" "$pm" check "$latin1.pm" --json
expect_refusal "sample -o LATIN1 --json" "is not valid UTF-8" "$pm" sample m.pm -d N=3 -o "s$latin1.json" --json
expect_refusal "graph LATIN1.pm --json" "is not valid UTF-8" "$pm" graph "$latin1.pm" --json

# Without --json the same paths are fine (the table and files are bytes, not JSON).
"$pm" fit m.pm -d "$latin1.json" --method map --quiet -o fit.csv > stdout 2> stderr || fail "fit -d LATIN1 (no --json): $(head -c 300 stderr)"
"$pm" check "$latin1.pm" > stdout 2> stderr || fail "check LATIN1.pm (no --json): $(head -c 300 stderr)"

# A name read from a file (a draws file's column) that is not UTF-8: summary --json refuses
# it cleanly; the table still shows it.
sed -i $'s/^lp__,p$/lp__,p\xe9/' fit.csv
grep -q $'p\xe9' fit.csv || fail "could not make the non-UTF-8 column"
"$pm" summary fit.csv --json > stdout 2> stderr
[ $? -eq 2 ] && grep -q "not valid UTF-8" stderr && [ ! -s stdout ] || fail "summary --json of a non-UTF-8 column: $(head -c 300 stderr)"
if grep -qi "internal error\|type_error" stderr; then fail "summary --json: $(head -c 300 stderr)"; fi
"$pm" summary fit.csv > stdout 2> stderr || fail "summary (table) of a non-UTF-8 column: $(head -c 300 stderr)"

# Valid UTF-8 that is not ASCII is fine under --json.
cp y.json "café.json"
"$pm" fit m.pm -d "café.json" --method map --json > stdout 2> stderr || fail "fit -d café.json --json: $(head -c 300 stderr)"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' stdout 2>/dev/null || fail "fit --json printed no JSON: $(head -c 200 stdout)"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "utf8_json: all passed"
