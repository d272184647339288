#!/usr/bin/env bash
# CI smoke step for the parse+check fuzzer: build it with clang (libFuzzer, ASan, UBSan) in a
# build directory of its own, then fuzz for a bounded time from the examples and the bad
# programs. Fails on any crash, sanitizer report, leak or input slower than 5 s.
# Long runs: see docs/reliability.md.
set -euo pipefail
pm=$1 src=$2
seconds=${PM_FUZZ_SECONDS:-60}
if ! command -v clang++ >/dev/null; then
  echo "fuzz_smoke: clang++ is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
build="$(dirname "$pm")/fuzz"
CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_FUZZ=ON \
  -DPM_BUILD_TESTS=OFF -DPM_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target fuzz_parse_check -j2 >/dev/null
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cd "$corpus"   # crash-* artifacts land here and are printed below
if ! "$build/fuzz/fuzz_parse_check" "$corpus" "$src/examples" "$src/tests/bad" \
      -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
      > "$corpus/log" 2>&1; then
  tail -50 "$corpus/log"
  for f in crash-* leak-* timeout-* oom-*; do [[ -e $f ]] && { echo "== $f"; od -c "$f" | head -20; }; done
  exit 1
fi
grep -E "^stat::number_of_executed_units|Done" "$corpus/log" || true
echo "fuzz_smoke: ${seconds}s without a crash"
