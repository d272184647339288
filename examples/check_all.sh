#!/usr/bin/env bash
# Runs `pm check` on every example model and every posteriordb translation, and prints one
# line per model: ok, or FAIL followed by pm's diagnostics. Exit status: the number of
# failures (0 when every model checks).
#
#   usage: examples/check_all.sh [PATH_TO_PM]     (default: build/pm)
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pm="${1:-$here/../build/pm}"
if [[ ! -x "$pm" ]]; then
  echo "pm not found at $pm (pass its path as the first argument)" >&2
  exit 255
fi
failures=0
while IFS= read -r model; do
  relative="${model#$here/}"
  if output="$("$pm" check "$model" 2>&1)"; then
    echo "ok    $relative"
  else
    echo "FAIL  $relative"
    echo "$output" | sed 's/^/      /'
    failures=$((failures + 1))
  fi
done < <(find "$here" -name '*.pm' | sort)
echo "$failures failure(s)"
exit "$failures"
