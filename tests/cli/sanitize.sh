#!/usr/bin/env bash
# CI step: a subset of the unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
# Configures a build directory of its own beside the binary (BUILD/asan, -DPM_SANITIZE=ON),
# builds the chosen test executables there and runs them; any sanitizer report fails the
# step (UBSan is built with -fno-sanitize-recover, so a report aborts the test).
#
# The subset is what builds in about five minutes on two idle cores with GCC's ASan: the
# front end (test_lang: parser, checker, printer; about 280 CPU-seconds to build) and the
# numerical core (test_core: tensors, autodiff ops, random streams). test_io and the rest
# link the whole engine, several times that; the data readers are covered under ASan+UBSan
# by the fuzz targets instead (tests/cli/fuzz_smoke.sh). PM_SANITIZE_TESTS overrides the
# subset (e.g. "test_lang test_core test_io"); PM_SANITIZE_JOBS sets the build's
# parallelism (default 2).
#   usage: sanitize.sh PATH/TO/pm SOURCE_DIR
set -euo pipefail
pm=$1 src=$2
tests=${PM_SANITIZE_TESTS:-test_lang test_core}
jobs=${PM_SANITIZE_JOBS:-2}
build="$(dirname "$pm")/asan"
# PM_NATIVE as in the main build: this step looks for memory errors and undefined behaviour,
# not for differences between instruction sets (with -DPM_NATIVE=OFF, Eigen's SSE2 exp gives
# exp(-inf) = 5.6e-309 instead of 0, and four edge-case checks of test_core fail).
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_SANITIZE=ON \
  -DPM_BUILD_TESTS=ON -DPM_BUILD_BENCH=OFF >/dev/null
start=$SECONDS
# shellcheck disable=SC2086  # the list is meant to split into targets
cmake --build "$build" --target $tests -j"$jobs" >"$build/sanitize-build.log" 2>&1 || {
  tail -40 "$build/sanitize-build.log"
  exit 1
}
echo "sanitize: built $tests in $((SECONDS - start)) s"
# GCC's ASan frames (redzones around every local) are many times larger than plain ones: the
# parser's deepest accepted input (256 nested brackets, lang/syntax/parse.hpp) takes under
# 1 MB of stack in a release build but more than the default 8 MB under ASan, which then dies
# with a SEGV in the zero page. Give the tests the stack that ASan needs, not a bug to chase.
ulimit -s 65536 2>/dev/null || ulimit -s unlimited 2>/dev/null ||
  echo "sanitize: cannot raise the stack limit (ulimit -s $(ulimit -s)); deep-nesting tests may overflow" >&2
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failures=0
for test in $tests; do
  exe=$(find "$build/tests" -maxdepth 2 -type f -name "$test" -perm -u+x | head -1)
  if [[ -z $exe ]]; then
    echo "sanitize: $test was not built" >&2
    failures=$((failures + 1))
    continue
  fi
  start=$SECONDS
  if "$exe" >"$build/$test.log" 2>&1; then
    echo "sanitize: $test passed under ASan+UBSan in $((SECONDS - start)) s"
  else
    echo "FAIL: $test under ASan+UBSan:" >&2
    tail -60 "$build/$test.log" >&2
    failures=$((failures + 1))
  fi
done
exit "$failures"
