#!/usr/bin/env bash
# Data files (issue 15; docs/reliability.md "Data files"): a JSON key given twice is an error
# naming it and both places (the last one won, silently); a UTF-8 byte-order mark is not data
# (it hid the first CSV column: "y is missing"); a file without a known extension is read by
# its content, BOM or not.   usage: data_files.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$scratch" || exit 1
cat > m.pm <<'PM'
data {
  int<lower=0> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 10);
  y ~ normal(mu, 1);
}
PM
fit() { "$pm" fit m.pm --method map --quiet "$@" > stdout 2> stderr; }

# Duplicate keys: exit 2, the key, the second place and the first.
printf '{\n  "N": 3,\n  "y": [1, 2, 3],\n  "N": 2\n}\n' > twice.json
fit -d twice.json
[ $? -eq 2 ] || fail "a key given twice: want exit 2"
grep -q "twice.json:4:3: 'N' is given twice (first at 2:3)" stderr || fail "duplicate key message: $(head -c 300 stderr)"
printf '{"N": 3, "y": [1, 2, 3], "y": [4, 5, 6], "N": 3}' > twice_two.json
fit -d twice_two.json
[ "$(grep -c "is given twice" stderr)" -eq 2 ] || fail "two duplicates: want both reported: $(head -c 400 stderr)"

# The estimate each correct file gives (mu = mean(y) up to the prior's pull): one reference.
printf '{"N": 3, "y": [1, 2, 3]}' > plain.json
fit -d plain.json || fail "plain.json: $(head -c 300 stderr)"
reference="$(grep -E '^mu ' stdout)"
[ -n "$reference" ] || fail "no mu row for plain.json: $(head -c 300 stdout)"

bom=$'\xEF\xBB\xBF'
printf '%s{"N": 3, "y": [1, 2, 3]}' "$bom" > bom.json
printf '%s{"N": 3, "y": [1, 2, 3]}' "$bom" > bom_json_data          # no extension
printf '%sy\n1\n2\n3\n' "$bom" > bom.csv
printf '%sy\n1\n2\n3\n' "$bom" > bom_csv_data                       # no extension
printf '  \n{"N": 3, "y": [1, 2, 3]}' > spaced_json.data             # unknown extension
printf 'y\r\n1\r\n2\r\n3\r\n' > windows.txt                            # CRLF CSV, unknown extension
for file in bom.json bom_json_data bom.csv bom_csv_data spaced_json.data windows.txt; do
  fit -d "$file" || { fail "$file: exit $?: $(head -c 300 stderr)"; continue; }
  [ "$(grep -E '^mu ' stdout)" = "$reference" ] || fail "$file: want '$reference', got '$(grep -E '^mu ' stdout)'"
done

# A BOM before malformed JSON: the column is the one an editor shows.
printf '%s{"N": 3,, "y": [1]}' "$bom" > bom_bad.json
fit -d bom_bad.json
[ $? -eq 2 ] && grep -q "bom_bad.json:1:9: malformed JSON" stderr || fail "BOM then bad JSON: $(head -c 300 stderr)"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "data_files: all passed"
