#!/usr/bin/env bash
# VI's reported status (issue 13, "Honest status", "Advice that fits"): k-hat is one value in
# the table and --json, "inf" with the verdict "very bad" when no tail could be fitted (never
# null); the advice after a bad k-hat suggests --method nuts and never what is in use (no
# "--guide fullrank" after a fullrank fit, no "--psis" with --psis); --starts is refused
# under vi and --batch rather than ignored.
#   usage: vi_status.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
examples="$source_dir/examples"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

coin="$examples/coin.pm"
coin_data="$examples/coin.json"

# 20 draws: PSIS fits no tail below 25 (M < 5), k-hat is infinite.
for guide in meanfield fullrank; do
  "$pm" fit "$coin" -d "$coin_data" --guide "$guide" --draws 20 --json > "$scratch/$guide.json" 2> "$scratch/$guide.err"
  [ $? -eq 0 ] || fail "coin $guide --draws 20: $(cat "$scratch/$guide.err")"
  "$pm" fit "$coin" -d "$coin_data" --guide "$guide" --draws 20 > "$scratch/$guide.txt" 2> /dev/null
  python3 - "$scratch/$guide.json" <<'PY' || fail "coin $guide: khat in --json"
import json, sys
out = json.load(open(sys.argv[1]))
assert out["khat"] == "inf", out["khat"]
assert out["khat_verdict"].startswith("very bad"), out["khat_verdict"]
PY
  grep -q "PSIS k-hat of the guide: inf (very bad" "$scratch/$guide.txt" ||
    fail "coin $guide: table k-hat: $(grep k-hat "$scratch/$guide.txt")"
  grep -q -- "--method nuts" "$scratch/$guide.err" || fail "coin $guide: advice lacks --method nuts: $(cat "$scratch/$guide.err")"
done
grep -q -- "--guide fullrank" "$scratch/meanfield.err" || fail "meanfield advice lacks --guide fullrank: $(cat "$scratch/meanfield.err")"
! grep -q -- "--guide fullrank" "$scratch/fullrank.err" || fail "fullrank advice suggests fullrank: $(cat "$scratch/fullrank.err")"
"$pm" fit "$coin" -d "$coin_data" --draws 20 --psis > /dev/null 2> "$scratch/psis.err"
! grep -q -- "or --psis" "$scratch/psis.err" || fail "advice suggests --psis under --psis: $(cat "$scratch/psis.err")"

# A finite k-hat: the same two decimals in the table and in --json.
"$pm" fit "$coin" -d "$coin_data" --seed 2 --json > "$scratch/finite.json" 2> /dev/null
"$pm" fit "$coin" -d "$coin_data" --seed 2 > "$scratch/finite.txt" 2> /dev/null
table=$(sed -n 's/^PSIS k-hat of the guide: \([-0-9.]*\) .*/\1/p' "$scratch/finite.txt")
python3 - "$scratch/finite.json" "$table" <<'PY' || fail "finite k-hat: table and --json differ"
import json, sys
out = json.load(open(sys.argv[1]))
assert isinstance(out["khat"], float), out["khat"]
assert f'{out["khat"]:.2f}' == sys.argv[2], (out["khat"], sys.argv[2])
PY

# --starts is L-BFGS's: refused under vi (exit 2), accepted under map.
"$pm" fit "$coin" -d "$coin_data" --method vi --starts 8 > /dev/null 2> "$scratch/err"
[ $? -eq 2 ] || fail "vi --starts 8 should exit 2"
grep -q -- "--starts" "$scratch/err" || fail "vi --starts: message: $(cat "$scratch/err")"
"$pm" fit "$coin" -d "$coin_data" --method map --starts 8 > /dev/null 2> "$scratch/err"
[ $? -eq 0 ] || fail "map --starts 8: $(cat "$scratch/err")"

[ $failures -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "vi_status: all tests passed"
