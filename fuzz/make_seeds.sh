#!/usr/bin/env bash
# Builds the seed corpora of the data fuzz targets from the repository's own models and data:
#   OUT/json        every data JSON of examples/ and tests/data/
#   OUT/csv         the CSV files of tests/data/ and fuzz/seeds/csv/
#   OUT/data_model  "MODEL ==== DATA" pairs (data_model_fuzzer.cpp's input format): each
#                   model beside a data file of the same stem, the eight schools variants
#                   with eight_schools.json, and the hand-written pairs of fuzz/seeds/data_model/
# Inputs longer than the fuzzers' -max_len are still useful: libFuzzer keeps their prefix.
#   usage: make_seeds.sh SOURCE_DIR OUT
set -euo pipefail
src=$1 out=$2
mkdir -p "$out/json" "$out/csv" "$out/data_model"
for f in "$src"/examples/*.json "$src"/tests/data/*.json; do cp "$f" "$out/json/"; done
for f in "$src"/tests/data/*.csv "$src"/fuzz/seeds/csv/*.csv; do cp "$f" "$out/csv/"; done
pair() {  # pair MODEL DATA NAME
  { cat "$1"; printf '\n====\n'; cat "$2"; } > "$out/data_model/$3"
}
for model in "$src"/examples/*.pm "$src"/tests/data/*.pm; do
  data="${model%.pm}.json"
  [[ -e $data ]] && pair "$model" "$data" "$(basename "$(dirname "$model")")_$(basename "$model" .pm)"
done
for model in "$src"/examples/eight_schools*.pm "$src"/tests/data/eight_schools_*.pm; do
  pair "$model" "$src/examples/eight_schools.json" "eight_schools_$(basename "$model" .pm)"
done
cp "$src"/fuzz/seeds/data_model/* "$out/data_model/"
