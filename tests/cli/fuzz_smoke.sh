#!/usr/bin/env bash
# CI smoke step for the libFuzzer targets (fuzz/): build them with clang (libFuzzer, ASan,
# UBSan) in a build directory of their own, then fuzz each for a bounded time from its seeds
# and its regression inputs (fuzz/regressions/TARGET/, inputs that once crashed: replayed
# first, so a regression fails the step even if the time runs out before any mutation).
# Fails on any crash, sanitizer report, leak, or input slower than 5 s.
#   parse_check  .pm programs        seeds: examples/, tests/bad/
#   json_data    JSON data files     seeds: fuzz/make_seeds.sh (examples/, tests/data/)
#   csv_data     CSV data files      seeds: tests/data/*.csv, fuzz/seeds/csv/
#   data_model   a model + its data  seeds: the example models paired with their data
# About two minutes in all (PM_FUZZ_SECONDS scales it: the time of parse_check; the data
# targets get half of it each). Long runs: see docs/reliability.md.
set -euo pipefail
pm=$1 src=$2
seconds=${PM_FUZZ_SECONDS:-45}
data_seconds=$(( (seconds + 1) / 2 ))
if ! command -v clang++ >/dev/null; then
  echo "fuzz_smoke: clang++ is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
build="$(dirname "$pm")/fuzz"
CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_FUZZ=ON \
  -DPM_BUILD_TESTS=OFF -DPM_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_parse_check fuzz_json_data fuzz_csv_data fuzz_data_model -j2 >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$src/fuzz/make_seeds.sh" "$src" "$work/seeds"
export TMPDIR="$work"  # data_model's scratch data file

# fuzz TARGET SECONDS MAX_LEN SEED_DIR...: crash-* artifacts land in $work/TARGET, printed below.
failures=0
fuzz() {
  local target=$1 time=$2 max_len=$3
  shift 3
  local dir="$work/$target"
  mkdir -p "$dir/corpus"
  local seeds=("$@")
  [[ -d $src/fuzz/regressions/$target ]] && seeds+=("$src/fuzz/regressions/$target")
  if ! (cd "$dir" && "$build/fuzz/fuzz_$target" "$dir/corpus" "${seeds[@]}" -max_total_time="$time" -timeout=5 \
          -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 >"$dir/log" 2>&1); then
    echo "== fuzz_$target failed:"
    tail -50 "$dir/log"
    for f in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-*; do
      [[ -e $f ]] && { echo "== $f"; od -c "$f" | head -20; }
    done
    failures=$((failures + 1))
    return
  fi
  echo "fuzz_$target: ${time}s without a crash, $(grep -oE '^stat::number_of_executed_units: [0-9]+' "$dir/log" |
    grep -oE '[0-9]+$') inputs"
}
fuzz parse_check "$seconds" 4096 "$src/examples" "$src/tests/bad"
fuzz json_data "$data_seconds" 4096 "$work/seeds/json"
fuzz csv_data "$data_seconds" 4096 "$work/seeds/csv"
fuzz data_model "$data_seconds" 8192 "$work/seeds/data_model"
exit "$failures"
