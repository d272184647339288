#!/usr/bin/env bash
# Negative and out-of-range counts (issue 15; docs/reliability.md "Counts"): every unsigned
# option of every command refuses -1 (which CLI11 would read as 2^64 - 1: `sample -n -1`
# once printed nothing and grew by 230 MB/s) and 2^64, at once, with exit 2 and the option's
# name. The table is every option `pm COMMAND --help` shows as UINT, so that a new count
# option is covered without editing this script; the options issue 15 names must be in it.
#   usage: counts.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
model="$source_dir/examples/coin.pm"
data="$source_dir/examples/coin.json"

# The arguments each command needs besides the option under test (the run must not get that
# far: a refused value stops pm while it reads its arguments).
base_arguments() {
  case "$1" in
    fit | evidence | diagnose) echo "$model -d $data" ;;
    sample) echo "$model -d N=3" ;;
    score | encode) echo "$model -d $data --params $scratch/none.json" ;;
    *) echo "$model" ;;
  esac
}

table="$scratch/table"
: > "$table"
for command in check graph fit evidence sample score encode summary diagnose; do
  "$pm" "$command" --help 2>&1 | grep -oE '^ +(-[a-z],)?--[a-z-]+ UINT' | sed -E 's/^ +(-[a-z],)?//; s/ UINT$//' |
    while read -r option; do echo "$command $option"; done >> "$table"
done
count=$(wc -l < "$table")
[ "$count" -ge 20 ] || fail "only $count unsigned options found in the help texts: $(tr '\n' ';' < "$table")"
for expected in "fit --iter" "fit --draws" "fit --starts" "fit --epochs" "fit --batch" "fit --grad-samples" \
  "fit --eval-elbo" "fit --seed" "fit --threads" "sample --draws" "sample --scale" "evidence --draws" "evidence --k" \
  "evidence --iter" "score --k" "encode --draws" "encode --n" "encode --scale" "diagnose --evaluations"; do
  grep -qx -- "$expected" "$table" || fail "the table lacks '$expected' (is it still a UINT option?)"
done

checked=0
while read -r command option; do
  # shellcheck disable=SC2046
  for value in -1 -0 18446744073709551616 -18446744073709551615 " -2" 1.5 abc; do
    for form in separate equals; do
      if [ "$form" = separate ]; then args=("$option" "$value"); else args=("$option=$value"); fi
      timeout 20 "$pm" "$command" $(base_arguments "$command") "${args[@]}" > "$scratch/out" 2> "$scratch/err"
      status=$?
      checked=$((checked + 1))
      what="pm $command ${args[*]}"
      [ "$status" -eq 2 ] || { fail "$what: want exit 2, got $status: $(head -c 300 "$scratch/err")"; continue; }
      grep -q -- "pm: $command: $option must be a whole number\|pm: $command: .*$option" "$scratch/err" ||
        fail "$what: the message does not name $option: $(head -c 300 "$scratch/err")"
      if grep -qi "internal error\|terminate\|exception" "$scratch/err"; then fail "$what: $(head -c 300 "$scratch/err")"; fi
      [ ! -s "$scratch/out" ] || fail "$what: printed on stdout: $(head -c 200 "$scratch/out")"
    done
  done
done < "$table"
echo "counts: $checked refusals checked over $count options"

# The short form -n of sample, and values that are fine still run.
timeout 20 "$pm" sample "$model" -d N=3 -n -1 > "$scratch/out" 2> "$scratch/err"
[ $? -eq 2 ] && grep -q "must be a whole number" "$scratch/err" || fail "sample -n -1: $(head -c 300 "$scratch/err")"
timeout 60 "$pm" sample "$model" -d N=3 -n 2 > "$scratch/out" 2> "$scratch/err" || fail "sample -n 2: $(head -c 300 "$scratch/err")"
[ "$(wc -l < "$scratch/out")" -eq 2 ] || fail "sample -n 2 printed $(wc -l < "$scratch/out") data sets"
timeout 60 "$pm" fit "$model" -d "$data" --method map --iter 0 --quiet > "$scratch/out" 2> "$scratch/err"
[ $? -ne 2 ] || fail "fit --iter 0 was refused as an argument: $(head -c 300 "$scratch/err")"
timeout 60 "$pm" fit "$model" -d "$data" --method map --iter +20 --starts +2 --quiet > "$scratch/out" 2> "$scratch/err" ||
  fail "fit --iter +20 --starts +2: $(head -c 300 "$scratch/err")"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "counts: all passed"
