#!/usr/bin/env bash
# End-to-end tests of `pm graph`: DOT on stdout or in a file written atomically, plates as
# clusters, observed nodes shaded; Graphviz parses it when installed.
#   usage: graph.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$pm" graph "$source_dir/examples/gmm.pm" > "$scratch/gmm.dot" 2>/dev/null || fail "pm graph gmm.pm failed"
grep -q "^digraph model {" "$scratch/gmm.dot" || fail "no digraph header"
grep -q "subgraph cluster_" "$scratch/gmm.dot" || fail "the plate is not a cluster"
grep -q '"x" \[.*fillcolor=gray80' "$scratch/gmm.dot" || fail "observed x is not shaded"
grep -q '"z" \[.*doubleoctagon' "$scratch/gmm.dot" || fail "discrete z is not marked"
grep -q '"w" \[.*shape=box' "$scratch/gmm.dot" || fail "param w is not a box"
grep -q '"z" -> "x"' "$scratch/gmm.dot" || fail "no edge z -> x"

# -o writes the file (and leaves no temporary behind).
"$pm" graph "$source_dir/examples/eight_schools.pm" -o "$scratch/eight.dot" > "$scratch/out" 2>/dev/null ||
  fail "pm graph -o failed"
[ -s "$scratch/eight.dot" ] || fail "-o wrote nothing"
[ ! -s "$scratch/out" ] || fail "-o also printed on stdout"
[ ! -e "$scratch/eight.dot.tmp" ] || fail "a temporary file was left behind"
grep -q 'style=dashed' "$scratch/eight.dot" || fail "definition theta is not dashed"

# A bad model writes nothing and exits 2.
printf 'model {\n  y ~ normal(0, sigma);\n}\n' > "$scratch/bad.pm"
"$pm" graph "$scratch/bad.pm" -o "$scratch/bad.dot" > /dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "bad model: exit $status, expected 2"
[ ! -e "$scratch/bad.dot" ] || fail "bad model: an output file was written"

# An unwritable destination: exit 2, a message, nothing left behind.
"$pm" graph "$source_dir/examples/gmm.pm" -o "$scratch/no/such/dir/g.dot" > /dev/null 2> "$scratch/err"
status=$?
[ "$status" -eq 2 ] || fail "unwritable output: exit $status, expected 2"
grep -q "^pm: cannot write '$scratch/no/such/dir/g.dot'" "$scratch/err" || fail "unwritable message: $(cat "$scratch/err")"

# Graphviz parses the graph of every example.
if command -v dot > /dev/null; then
  while IFS= read -r model; do
    if ! "$pm" graph "$model" 2>/dev/null | dot -Tsvg > /dev/null 2> "$scratch/dot_err"; then
      fail "dot rejects the graph of $model: $(head -3 "$scratch/dot_err")"
    fi
  done < <(find "$source_dir/examples" -name '*.pm' | sort)
else
  echo "dot is not installed: skipping the Graphviz parse"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "pm graph: all end-to-end checks passed"
