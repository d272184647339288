#!/usr/bin/env bash
# End to end: bad models, bad data files and bad arguments (issue 7, CLI.md "Data files",
# "Output"). Every case must
#   - exit 2 (not crash, not hang: each run has a time limit),
#   - print a message naming the file and the place (a pattern per case, on stderr),
#   - leave nothing behind: pm fit runs with -o, --save-params and --discrete-out pointing
#     into an empty directory, which must still be empty afterwards (no output, no
#     temporary file); every command runs with that directory as its working directory.
# Fixtures: tests/bad_input/ (mixture.pm is the model the bad data files are loaded against;
# data/good.json passes, so each bad file differs from a good run in one way), and a few
# written below into a scratch directory of their own ($made).
#   usage: bad_input.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
src="$2"
fixtures="$src/tests/bad_input"
model="$fixtures/mixture.pm"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
out="$scratch/out"
mkdir "$out"
failures=0
cases=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
fit_outputs=(-o "$out/fit.csv" --save-params "$out/params.json" --discrete-out "$out/discrete.csv")

# Cases pm does not pass yet, "COMMAND:NAME" -> why (reported to the lead; see the report in
# docs/reliability.md). Such a case prints "known gap" instead of failing; once it passes, the
# script fails until the entry is removed, so this list cannot go stale.
declare -A known_gaps=(
)

# run_case NAME PATTERN COMMAND ARGS...: runs pm in $out (fit gets the three output options)
# and checks the exit status, the message and the empty directory. When $forbidden is set,
# stderr must not match it either.
forbidden=""
run_case() {
  local name=$1 pattern=$2 command=$3
  shift 3
  local outputs=() problems=""
  [[ $command == fit ]] && outputs=("${fit_outputs[@]}")
  cases=$((cases + 1))
  (cd "$out" && timeout 60 "$pm" "$command" "${outputs[@]}" "$@" >"$scratch/stdout" 2>"$scratch/stderr")
  local status=$?
  local said
  said=$(head -c 400 "$scratch/stderr")
  if [[ $status -ne 2 ]]; then
    problems+="exit $status (expected 2); "
  elif ! [[ $(cat "$scratch/stderr") =~ $pattern ]]; then  # one regex over all lines
    problems+="stderr does not match /$pattern/; "
  elif [[ -n $forbidden && $(cat "$scratch/stderr") =~ $forbidden ]]; then
    problems+="stderr matches /$forbidden/; "
  fi
  if grep -qiE "terminate called|exception|Assertion|AddressSanitizer|runtime error" "$scratch/stderr"; then
    problems+="a crash or an uncaught exception; "
  fi
  if [[ -n $(ls -A "$out") ]]; then
    problems+="left files behind: $(ls -A "$out" | tr '\n' ' '); "
    rm -rf "${out:?}"/* "$out"/.[!.]* 2>/dev/null
  fi
  local key="$command:$name"
  if [[ -n $problems && -n ${known_gaps[$key]+set} ]]; then
    echo "known gap: $key: ${known_gaps[$key]}"
  elif [[ -n $problems ]]; then
    fail "$key: $problems stderr: $said"
  elif [[ -n ${known_gaps[$key]+set} ]]; then
    fail "$key passes now: remove it from known_gaps"
  fi
}

# The good data must pass, or every data case below proves nothing.
for command in fit evidence diagnose; do
  (cd "$out" && "$pm" "$command" "$model" -d "$fixtures/data/good.json" >/dev/null 2>"$scratch/stderr") ||
    fail "$command with the good data: $(head -c 400 "$scratch/stderr")"
done
rm -rf "${out:?}"/*

# ---- bad models: every command that reads a model -----------------------------------------
models="$fixtures/models"
for command in check fit evidence diagnose; do
  data_option=()
  [[ $command != check ]] && data_option=(-d "$fixtures/data/good.json")
  run_case "syntax error" "syntax\.pm:5:19: error: expected ';'" "$command" "$models/syntax.pm" "${data_option[@]}"
  run_case "undefined name" "semantic\.pm:9:[0-9]+: error: .*sigma" "$command" "$models/semantic.pm" "${data_option[@]}"
  run_case "definition cycle" "cycle\.pm:5:[0-9]+: error: .*cycle" "$command" "$models/cycle.pm" "${data_option[@]}"
  run_case "missing model file" "cannot read '.*no_such_model\.pm'" "$command" "$models/no_such_model.pm" "${data_option[@]}"
  run_case "model is a directory" "cannot read '.*models/?'" "$command" "$models" "${data_option[@]}"
done

# ---- bad data: each file differs from data/good.json in one way ------------------------------
data="$fixtures/data"
data_case() {  # data_case FILE PATTERN: against mixture.pm, for every command that reads data
  local file=$1 pattern=$2
  for command in fit evidence diagnose; do
    run_case "$file" "$pattern" "$command" "$model" -d "$data/$file"
  done
}
data_case missing_variable.json "data variable 'sigma' is missing \(declared at .*mixture\.pm:8:3\)"
data_case wrong_shape.json "'y' should have 4 elements \(N = 4\) but has 3"$'\n'"note: 'y' is set by .*wrong_shape\.json"
data_case wrong_type.json "wrong_type\.json.*'flag\[3\]' must be an int.* 0\.5|'flag\[3\]' must be an int.* 0\.5.*wrong_type\.json"
data_case constraint_bound.json "constraint_bound\.json.*'flag\[3\]' = 2 violates upper=1|'flag\[3\]' = 2 violates upper=1.*constraint_bound\.json"
data_case constraint_simplex.json "constraint_simplex\.json.*'weights' is not a valid simplex|'weights' is not a valid simplex.*constraint_simplex\.json"
data_case nan.json "nan\.json.*'y\[2\]' is NaN|'y\[2\]' is NaN.*nan\.json"
data_case inf.json "inf\.json.*'sigma' is inf|'sigma' is inf.*inf\.json"
# A file that cannot be read: its own error only, not "data variable 'N' is missing" for
# every variable it would have set.
forbidden="data variable .* is missing"
data_case truncated.json "truncated\.json:1:[0-9]+: malformed JSON"
data_case malformed.json "malformed\.json:1:[0-9]+: malformed JSON"
data_case not_an_object.json "not_an_object\.json: a JSON data file must be an object"
data_case empty.json "empty\.json: the data file is empty"
data_case blank.csv "blank\.csv: the data file is empty"
data_case number_overflow.json "number_overflow\.json: malformed JSON: number overflow parsing '1e400'"  # once an abort
data_case binary.json "binary\.json:1:1: malformed JSON"
forbidden=""
data_case huge_size.json "huge_size\.json.*'y' would have 1e\+12 elements|'y' would have 1e\+12 elements.*huge_size\.json"
for command in fit evidence diagnose; do  # refused before anything is allocated
  run_case "huge size refused" "'y' would have 1e\+12 elements \(N = 1000000000000\), more than the 1073741824" \
    "$command" "$model" -d "$data/huge_size.json"
done
data_case negative_size.json "negative_size\.json.*'N' = -3 violates lower=0|'N' = -3 violates lower=0.*negative_size\.json"
data_case real_size.json "real_size\.json.*'N' must be an int|'N' must be an int.*real_size\.json"
data_case string_value.json "'N' must be a number but is the string \"four\""$'\n'"note: 'N' is set by .*string_value\.json"
data_case nested_too_deep.json "'y\[1\]' should be a single number but is a list of 1 values"$'\n'"note: 'y' is set by .*nested_too_deep\.json"
for command in fit evidence diagnose; do
  forbidden="data variable .* is missing"  # N, y and flag would have come from the CSV file
  run_case "malformed CSV row" "malformed_row\.csv:3: row has 3 values but the header has 2 columns" \
    "$command" "$model" -d "$data/malformed_row.csv" -d sigma=1 -d "$data/good_weights.json"
  run_case "CSV cell not a number" "not_a_number\.csv:3:5: 'abc' in column 'flag' is not a number" \
    "$command" "$model" -d "$data/not_a_number.csv" -d sigma=1 -d "$data/good_weights.json"
  run_case "missing data file" "cannot open data file '.*no_such_data\.json'" "$command" "$model" -d "$data/no_such_data.json"
  forbidden=""
  run_case "same variable in two files" "'N' is set by two data files: .*good\.json and .*good\.json" \
    "$command" "$model" -d "$data/good.json" -d "$data/good.json"
done

# ---- bad data written here: each differs from data/good.json or data/good.csv in one way ------
made="$scratch/made"
mkdir "$made"
good_json=$(cat "$data/good.json")
printf '%s\n' "${good_json/\"flag\": \[0, 1, 1, 0\]/\"flag\": [0, 1, 1.0, 0]}" >"$made/real_for_int.json"
printf '%s\n' "${good_json/\"N\": 4/\"N\": 4.0}" >"$made/real_size.json"
printf '%s\n' "${good_json/\"y\": \[-1.2, 0.9,/\"y\": [-1.2, NaN,}" >"$made/bare_nan.json"
printf '%s\n' "${good_json/\"sigma\": 0.8/\"sigma\": Infinity}" >"$made/bare_inf.json"
printf '%s\n' "${good_json/\"y\": \[-1.2,/\"y\": [-Infinity,}" >"$made/bare_minus_inf.json"
printf '%s x\n' "$good_json" >"$made/trailing_garbage.json"
printf 'y,flag\n-1.2,0\n0.9,1.0\n' >"$made/real_for_int.csv"
printf 'y,flag[1],flag[3]\n-1.2,0,1\n' >"$made/column_gap.csv"
for file in real_for_int.json real_size.json bare_nan.json bare_inf.json bare_minus_inf.json; do
  cmp -s "$made/$file" "$data/good.json" && fail "$file: the substitution did not apply"
done
made_case() {  # made_case FILE PATTERN [ARGS...]: a file of $made, against mixture.pm
  local file=$1 pattern=$2
  shift 2
  for command in fit evidence diagnose; do
    run_case "$file" "$pattern" "$command" "$model" -d "$made/$file" "$@"
  done
}
# A real where an int is declared, though integral (CLI.md "Data files": wrong type).
made_case real_for_int.json "'flag\[3\]' is declared int but the data has the real 1\.0 \(in .*real_for_int\.json\)"
made_case real_size.json "'N' is declared int but the data has the real 4\.0 \(in .*real_size\.json\)"
made_case real_for_int.csv "'flag\[2\]' is declared int but the data has the real 1\.0 \(in .*real_for_int\.csv\)" \
  -d sigma=1 -d "$data/good_weights.json"
for command in fit evidence diagnose; do
  run_case "-d int written as a real" "'N' is declared int but the data has the real 4\.0 \(-d N\)" \
    "$command" "$model" -d "$data/good.json" -d N=4.0
  run_case "-d int written with an exponent" "'N' is declared int but the data has the real 4\.0 \(-d N\)" \
    "$command" "$model" -d "$data/good.json" -d N=4e0
done
# CmdStan's bare NaN and Infinity are read, then refused by name and index like "NaN".
made_case bare_nan.json "'y\[2\]' is NaN \(in .*bare_nan\.json\)"
made_case bare_inf.json "'sigma' is inf \(in .*bare_inf\.json\)"
made_case bare_minus_inf.json "'y\[1\]' is -inf \(in .*bare_minus_inf\.json\)"
# Unreadable files: their own error only.
forbidden="data variable .* is missing"
made_case trailing_garbage.json "trailing_garbage\.json:1:[0-9]+: malformed JSON"
made_case column_gap.csv "column_gap\.csv: the columns of 'flag' go up to flag\[3\] but flag\[2\] is missing" \
  -d sigma=1 -d "$data/good_weights.json"
forbidden=""

# ---- bad arguments ------------------------------------------------------------------------
good=(-d "$data/good.json")
for command in check fit evidence diagnose; do
  run_case "unknown option" "argument was not expected: --bogus" "$command" "$model" --bogus
  run_case "no model" "model is required" "$command"
done
for command in fit evidence diagnose; do
  run_case "-d without a value" "--data: 1 required TEXT missing" "$command" "$model" -d
  run_case "-d name=value not a number" "-d sigma=abc: 'abc' is not a number" "$command" "$model" "${good[@]}" -d sigma=abc
  run_case "-d with an empty name" "-d =3: the name before '=' is empty" "$command" "$model" "${good[@]}" -d =3
  run_case "--seed not a number" "^pm: $command: --seed must be a whole number from 0 to 18446744073709551615 \\(got twelve\\)" "$command" "$model" "${good[@]}" --seed twelve
done
run_case "unknown subcommand" "frobnicate" frobnicate "$model"
run_case "unknown method" "--method.*newton|newton.*--method" fit "$model" "${good[@]}" --method newton
run_case "unknown method" "--method.*newton|newton.*--method" evidence "$model" "${good[@]}" --method newton
run_case "--iter not a number" "pm: fit: --iter must be a whole number from 0 to 18446744073709551615 \\(got many\\)" fit "$model" "${good[@]}" --iter many
run_case "missing --init file" "cannot read '.*no_such_init\.json'" fit "$model" "${good[@]}" --init "$out/../no_such_init.json"

# Outputs into a missing directory: refused, and the other outputs of the run are not kept
# either (a run's outputs are all written or none is).
for missing in -o --save-params --discrete-out; do
  fit_outputs=(-o "$out/fit.csv" --save-params "$out/params.json" --discrete-out "$out/discrete.csv")
  for k in 0 2 4; do
    [[ ${fit_outputs[$k]} == "$missing" ]] && fit_outputs[$((k + 1))]="$scratch/no_such_directory/file"
  done
  run_case "$missing in a missing directory" "cannot write '.*no_such_directory/file'" fit "$model" "${good[@]}"
done

echo "bad_input: $cases cases, $failures failures"
[[ $failures -eq 0 ]]
