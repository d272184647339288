#!/usr/bin/env bash
# End-to-end tests of `pm graph`: DOT on stdout or in a file written atomically, plates as
# clusters, observed nodes shaded; Graphviz parses it when installed; --json holds the same
# graph (nodes, edges, plates).
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

# --json: one object with the graph the DOT draws (docs/cli.md, "pm graph").
"$pm" graph "$source_dir/examples/coin.pm" --json > "$scratch/coin.json" 2> "$scratch/err"
status=$?
[ "$status" -eq 0 ] || fail "graph --json coin.pm: exit $status: $(cat "$scratch/err")"
python3 - "$scratch/coin.json" <<'PY' || fail "graph --json coin.pm: wrong graph: $(cat "$scratch/coin.json")"
import json, sys
graph = json.load(open(sys.argv[1]))
assert set(graph) == {"model", "nodes", "edges", "plates"}, graph.keys()
assert graph["model"].endswith("coin.pm")
nodes = {node["name"]: node for node in graph["nodes"]}
assert [node["name"] for node in graph["nodes"]] == ["N", "y", "p"], graph["nodes"]
assert nodes["N"]["kind"] == "data" and nodes["N"]["observed"] and nodes["N"]["discrete"]
assert nodes["N"]["type"] == "int<lower=0>"
assert nodes["y"]["kind"] == "data" and nodes["y"]["observed"] and nodes["y"]["discrete"]
assert nodes["p"]["kind"] == "latent" and not nodes["p"]["observed"] and not nodes["p"]["discrete"]
assert nodes["p"]["summed_out"] is False and nodes["p"]["type"] == "real<lower=0, upper=1>"
assert all(node["plate"] is None for node in graph["nodes"])
assert graph["edges"] == [{"from": "p", "to": "y"}], graph["edges"]
assert graph["plates"] == []
PY
"$pm" graph "$source_dir/examples/gmm.pm" --json > "$scratch/gmm.json" 2> "$scratch/err" ||
  fail "graph --json gmm.pm failed: $(cat "$scratch/err")"
python3 - "$scratch/gmm.json" <<'PY' || fail "graph --json gmm.pm: wrong graph: $(cat "$scratch/gmm.json")"
import json, sys
graph = json.load(open(sys.argv[1]))
nodes = {node["name"]: node for node in graph["nodes"]}
assert sorted(nodes) == ["K", "N", "mu", "sigma", "w", "x", "z"], sorted(nodes)
kinds = {name: node["kind"] for name, node in nodes.items()}
assert kinds == {"N": "data", "K": "data", "x": "data", "w": "param", "mu": "param", "sigma": "param",
                 "z": "latent"}, kinds
assert nodes["x"]["observed"] and not nodes["x"]["discrete"]
assert nodes["z"]["discrete"] and nodes["z"]["summed_out"] and not nodes["z"]["observed"]
assert nodes["z"]["type"] == "array[N] int<lower=1, upper=K>"
assert not nodes["w"]["observed"] and nodes["w"]["type"] == "simplex[K]"
edges = {(edge["from"], edge["to"]) for edge in graph["edges"]}
assert edges == {("mu", "x"), ("sigma", "x"), ("w", "z"), ("z", "x")}, edges
assert len(graph["plates"]) == 1, graph["plates"]
plate = graph["plates"][0]
assert plate["id"] == 0 and plate["variable"] == "i" and plate["range"] == "1:N", plate
assert plate["block"] == "model" and plate["sequential"] is False and plate["parent"] is None, plate
assert sorted(plate["members"]) == ["x", "z"], plate
assert nodes["x"]["plate"] == 0 and nodes["z"]["plate"] == 0 and nodes["w"]["plate"] is None
PY
# The JSON draws the same graph as the DOT, for every example: the same node names, edges
# and clusters.
while IFS= read -r model; do
  "$pm" graph "$model" > "$scratch/g.dot" 2>/dev/null && "$pm" graph "$model" --json > "$scratch/g.json" 2>/dev/null ||
    { fail "pm graph (--json) failed on $model"; continue; }
  python3 - "$scratch/g.dot" "$scratch/g.json" <<'PY' || fail "--json and DOT differ for $model"
import json, re, sys
dot = open(sys.argv[1]).read()
graph = json.load(open(sys.argv[2]))
dot_nodes = set(re.findall(r'^\s*"([^"]+)" \[label=', dot, re.M))
dot_edges = set(re.findall(r'^\s*"([^"]+)" -> "([^"]+)";', dot, re.M))
assert dot_nodes == {node["name"] for node in graph["nodes"]}, (dot_nodes, graph["nodes"])
assert dot_edges == {(edge["from"], edge["to"]) for edge in graph["edges"]}
assert dot.count("subgraph cluster_") == len(graph["plates"])
for node in graph["nodes"]:
    if node["plate"] is not None:
        assert node["name"] in graph["plates"][node["plate"]]["members"]
PY
done < <(find "$source_dir/examples" -name '*.pm' | sort)
# -o with --json writes the JSON to the file.
"$pm" graph "$source_dir/examples/coin.pm" --json -o "$scratch/coin_out.json" > "$scratch/out" 2>/dev/null ||
  fail "graph --json -o failed"
cmp -s "$scratch/coin.json" "$scratch/coin_out.json" || fail "graph --json -o wrote another text than stdout"
[ ! -s "$scratch/out" ] || fail "graph --json -o also printed on stdout"

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
