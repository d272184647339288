#!/usr/bin/env bash
# `pm check` accepts a model exactly when the engine compiles it: for every .pm under
# examples/ (posteriordb included) and tests/, with its data where it has some, `pm check`
# and `pm diagnose --evaluations 1` (which loads the data, compiles the log density and
# evaluates it once: the cheapest run that compiles) must agree. A model the checker
# accepts but the engine refuses (exit 2: "not supported by the engine yet", a data-load
# failure of a checked indexing form) is a disagreement, as is the reverse. The models
# under tests/bad that the checker refuses are refused by both (those there that only
# warn, as poisson_cut_tail.pm, are valid programs and compile).
#
# Data: MODEL.json beside MODEL.pm, else the first MODEL_*.json beside it, else the data of
# the model it is a variant of (NAME_variant.pm reads NAME.json), else data.json in its
# folder, else for
# posteriordb /work/shared/posteriordb/<posterior>/data.json; a model with a data block
# and none of these is skipped (listed). Exit 1 names every disagreement.
#   usage: check_fit_agree.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
posteriordb="${PM_POSTERIORDB:-/work/shared/posteriordb}"
disagreements=0 compared=0 skipped=0
data_for() {
  local model="$1" stem dir
  stem="${model%.pm}"
  dir="$(dirname "$model")"
  if [ -f "$stem.json" ]; then echo "$stem.json"; return; fi
  local candidate
  candidate="$(ls "$stem"_*.json 2> /dev/null | head -n 1)"
  if [ -n "$candidate" ]; then echo "$candidate"; return; fi
  # A variant's data: eight_schools_centered.pm reads eight_schools.json.
  local shorter="$stem"
  while [[ "$(basename "$shorter")" == *_* ]]; do
    shorter="${shorter%_*}"
    if [ -f "$shorter.json" ]; then echo "$shorter.json"; return; fi
  done
  if [ -f "$dir/data.json" ]; then echo "$dir/data.json"; return; fi
  case "$model" in
    */examples/posteriordb/*/model.pm)
      local posterior="${dir#"$source_dir"/examples/posteriordb/}"
      if [ -f "$posteriordb/$posterior/data.json" ]; then echo "$posteriordb/$posterior/data.json"; return; fi ;;
  esac
}
while IFS= read -r model; do
  relative="${model#"$source_dir"/}"
  data="$(data_for "$model")"
  if "$pm" check "$model" > /dev/null 2>&1; then checks=yes; else checks=no; fi
  if [ -z "$data" ] && grep -q '^[[:space:]]*data[[:space:]]*{' "$model"; then
    if [ "$checks" = yes ]; then
      skipped=$((skipped + 1))
      echo "skip  $relative (no data found)"
      continue
    fi
    data=""  # refused by the checker: the engine is not reached either way
  fi
  if [ -n "$data" ]; then
    output="$("$pm" diagnose "$model" -d "$data" --evaluations 1 2>&1)"
  else
    output="$("$pm" diagnose "$model" --evaluations 1 2>&1)"
  fi
  status=$?
  # Exit 2 is a refused model or data; 0 or 1 (an evaluation that is not finite) compiled.
  if [ "$status" -eq 2 ]; then compiles=no; else compiles=yes; fi
  compared=$((compared + 1))
  if [ "$checks" != "$compiles" ]; then
    disagreements=$((disagreements + 1))
    echo "DISAGREE  $relative: check $checks, compile $compiles${data:+ (data $data)}"
    echo "$output" | head -n 6 | sed 's/^/      /'
  fi
done < <(find "$source_dir/examples" "$source_dir/tests" -name '*.pm' | sort)
echo "$compared models compared, $skipped skipped without data, $disagreements disagreement(s)"
[ "$disagreements" -eq 0 ]
