#!/usr/bin/env bash
# Messages and the program's own facts (issue 15; docs/reliability.md "Messages"):
# pm --version; the list of commands in the unknown-command message and docs/errors.md is
# pm --help's; docs/cli.md lists exit codes 130 and 143; the integer-division hint keeps the
# meaning; a flat sum of 257 terms is no nesting; a long source line is cut around the column.
#   usage: messages.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# --version: "pm X.Y.Z", the project() version of CMakeLists.txt, exit 0.
version="$(sed -nE 's/^project\(pm VERSION ([0-9.]+).*/\1/p' "$source_dir/CMakeLists.txt")"
out="$("$pm" --version 2>&1)"
[ $? -eq 0 ] && [ "$out" = "pm $version" ] || fail "pm --version: want 'pm $version', got '$out'"

# The commands: pm --help's list, the unknown-command message's, docs/errors.md's.
help_commands="$("$pm" --help | sed -n '/^Subcommands:/,$p' | grep -oE '^  [a-z]+' | tr -d ' ' | sort | tr '\n' ' ')"
"$pm" frobnicate > /dev/null 2> "$scratch/err"
message_commands="$(sed -nE 's/.*\(commands: ([a-z, ]+);.*/\1/p' "$scratch/err" | tr -d ',' | tr ' ' '\n' | sort | tr '\n' ' ')"
[ -n "$help_commands" ] && [ "$help_commands" = "$message_commands" ] ||
  fail "commands: --help has '$help_commands', the unknown-command message '$message_commands'"
docs_commands="$(sed -nE 's/.*unknown command .frobnicate. \(commands: ([a-z, ]+);.*/\1/p' "$source_dir/docs/errors.md" | tr -d ',' | tr ' ' '\n' | sort | tr '\n' ' ')"
[ "$docs_commands" = "$help_commands" ] || fail "docs/errors.md lists '$docs_commands', pm --help '$help_commands'"
for code in 130 143; do
  grep -qE "^\| $code \|" "$source_dir/docs/cli.md" || fail "docs/cli.md's exit codes lack $code"
done

# The integer-division hint: the rewrite it suggests keeps the meaning.
printf 'data {\n  int<lower=1> n;\n  int<lower=1> k;\n  int q = k / (n + k);\n}\n' > "$scratch/div.pm"
"$pm" check "$scratch/div.pm" > /dev/null 2> "$scratch/err"
grep -q "write 1.0 \* k / (n + k) for real division" "$scratch/err" || fail "int-division hint: $(head -c 300 "$scratch/err")"

# A flat sum of 257 terms (and of 2048) is valid; 2049 terms is refused, located, and the
# echoed line is cut around the column (the line is about 10 KB).
for terms in 257 2048 2049; do
  python3 - "$scratch/sum$terms.pm" "$terms" <<'PY'
import sys
path, terms = sys.argv[1], int(sys.argv[2])
total = " + ".join(["mu"] * terms)
open(path, "w").write("latent {\n  real mu;\n}\nmodel {\n  mu ~ normal(0, 1);\n  target += " + total + ";\n}\n")
PY
  "$pm" check "$scratch/sum$terms.pm" > "$scratch/out" 2> "$scratch/err"
  status=$?
  if [ "$terms" -le 2048 ]; then
    [ $status -eq 0 ] || fail "a flat sum of $terms terms: exit $status: $(head -c 300 "$scratch/err")"
  else
    [ $status -eq 2 ] && grep -q "sum$terms.pm:6:.*: error: an expression more than 2048 operators deep" "$scratch/err" ||
      fail "a sum of $terms terms: want the located limit, got $(head -c 300 "$scratch/err")"
    longest=$(awk '{ if (length($0) > max) max = length($0) } END { print max }' "$scratch/err")
    [ "$longest" -lt 400 ] || fail "the message echoes a line of $longest bytes"
    grep -q '^\.\.\.+ mu' "$scratch/err" || fail "the cut line is not marked with '...': $(head -c 400 "$scratch/err")"
  fi
done
if grep -q "nesting deeper" "$scratch/err"; then fail "a flat sum is called nesting"; fi

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "messages: all passed"
