#!/usr/bin/env bash
# Files destroyed or overwritten (issue 15; docs/reliability.md "Output files"): pm writes
# through symbolic links and FIFOs instead of replacing them, refuses an output that is one of
# its inputs or another output (before running), writes all of a run's outputs or none, keeps
# a replaced file's permissions, and removes stale temporaries of dead runs. Everything here
# happens in a scratch directory: never /dev/null or any other system file.
#   usage: outputs.sh PATH/TO/pm SOURCE_DIR
set -u
pm="$1"
source_dir="$2"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
cd "$scratch" || exit 1

cp "$source_dir/examples/coin.pm" m.pm
cp "$source_dir/examples/coin.json" y.json
cp m.pm m.pm.orig
cp y.json y.json.orig
fit() { "$pm" fit m.pm -d y.json --method map --quiet "$@" >stdout 2>stderr; }
# no_temporaries DIR: no TARGET.tmp.PID.N file is left behind
no_temporaries() { [ -z "$(find "${1:-.}" -name '*.tmp.*' -print -quit)" ] || fail "$2: temporaries left: $(find "${1:-.}" -name '*.tmp.*')"; }

# --- writing through links and FIFOs ---------------------------------------------------
echo old > target.csv
ln -s target.csv link.csv
fit -o link.csv || fail "fit -o link.csv exited $?: $(head -3 stderr)"
[ -L link.csv ] || fail "-o onto a symlink replaced the link with a regular file"
grep -q '^lp__\|^#' target.csv || fail "-o onto a symlink did not write its target: $(head -c 200 target.csv)"
[ "$(readlink link.csv)" = target.csv ] || fail "the link now points elsewhere: $(readlink link.csv)"

ln -s made_by_pm.csv dangling.csv
fit -o dangling.csv || fail "fit -o onto a dangling link exited $?: $(head -3 stderr)"
[ -L dangling.csv ] && [ -f made_by_pm.csv ] || fail "a dangling link's target was not created, or the link replaced"

mkdir sub
ln -s ../target.csv sub/relative.csv   # a relative link resolves from its own directory
echo old > target.csv
fit -o sub/relative.csv || fail "fit -o onto a relative link exited $?: $(head -3 stderr)"
[ -L sub/relative.csv ] && ! grep -qx old target.csv || fail "a relative link in a subdirectory was not written through"

ln -s loop_b loop_a
ln -s loop_a loop_b
fit -o loop_a
[ $? -eq 2 ] && grep -q "cannot write 'loop_a'" stderr || fail "a link loop: want exit 2 and a message, got $(head -3 stderr)"

mkfifo out.fifo
cat out.fifo > from_fifo.csv &
reader=$!
timeout 60 "$pm" fit m.pm -d y.json --method map --quiet -o out.fifo >stdout 2>stderr || fail "fit -o FIFO exited $?: $(head -3 stderr)"
wait "$reader"
[ -p out.fifo ] || fail "-o onto a FIFO replaced the FIFO"
grep -q 'p' from_fifo.csv || fail "the FIFO's reader got nothing: $(head -c 200 from_fifo.csv)"

mkfifo graph.fifo
cat graph.fifo > from_graph_fifo.dot &
reader=$!
timeout 60 "$pm" graph m.pm -o graph.fifo >stdout 2>stderr || fail "graph -o FIFO exited $?: $(head -3 stderr)"
wait "$reader"
[ -p graph.fifo ] && grep -q digraph from_graph_fifo.dot || fail "graph through a FIFO: $(head -c 200 from_graph_fifo.dot)"
no_temporaries . "links and FIFOs"

# --- outputs that are inputs, or each other: refused before running ------------------------
ln y.json hard_link.json
ln -s y.json alias.json
# refuse WHAT EXPECTED_MESSAGE COMMAND...: exit 2, the message, inputs untouched, no output
refuse() {
  local what="$1" pattern="$2"
  shift 2
  rm -f fresh_*
  "$@" >stdout 2>stderr
  local status=$?
  [ $status -eq 2 ] || fail "$what: want exit 2, got $status ($(head -3 stderr))"
  grep -q -- "$pattern" stderr || fail "$what: want '$pattern' in: $(head -3 stderr)"
  cmp -s m.pm m.pm.orig && cmp -s y.json y.json.orig || fail "$what: an input was changed"
  [ -z "$(ls fresh_* 2>/dev/null)" ] || fail "$what: wrote $(ls fresh_*)"
  if [ -s stdout ] && grep -q 'P(\|mean' stdout; then fail "$what: ran before refusing"; fi
}
refuse "fit -o DATA" "it is the -d 'y.json'" "$pm" fit m.pm -d y.json -o y.json
refuse "fit -o MODEL" "it is the model 'm.pm'" "$pm" fit m.pm -d y.json -o m.pm
refuse "fit --save-params MODEL" "(--save-params): it is the model" "$pm" fit m.pm -d y.json --save-params m.pm
refuse "fit --discrete-out DATA" "(--discrete-out): it is the -d" "$pm" fit m.pm -d y.json --discrete-out y.json
refuse "fit -o a hard link of the data" "it is the -d 'y.json'" "$pm" fit m.pm -d y.json -o hard_link.json
refuse "fit -o a symlink to the data" "it is the -d 'y.json'" "$pm" fit m.pm -d y.json -o alias.json
refuse "fit -o DATA spelled differently" "it is the -d" "$pm" fit m.pm -d y.json -o sub/../y.json
refuse "fit -o DATA given by absolute path" "it is the -d" "$pm" fit m.pm -d y.json -o "$scratch/y.json"
refuse "fit -o X --save-params X" "it is also the -o output 'fresh_x'" "$pm" fit m.pm -d y.json -o fresh_x --save-params fresh_x
refuse "fit -o X --discrete-out ./X" "it is also the -o output" "$pm" fit m.pm -d y.json -o fresh_x --discrete-out ./fresh_x
refuse "fit -o LINK --save-params TARGET" "it is also the -o output" "$pm" fit m.pm -d y.json -o link.csv --save-params target.csv
echo '{"p": 0.5}' > init.json
cp init.json init.json.orig
refuse "fit --init P --save-params P" "it is the --init 'init.json'" "$pm" fit m.pm -d y.json --init init.json --save-params init.json
cmp -s init.json init.json.orig || fail "--init was overwritten"
refuse "graph -o MODEL" "it is the model 'm.pm'" "$pm" graph m.pm -o m.pm
ln -s m.pm model_alias.pm
refuse "graph -o a symlink to the model" "it is the model" "$pm" graph m.pm -o model_alias.pm
printf '{"p": 0.3}\n' > params.json
cp params.json params.json.orig
refuse "sample -o PARAMS" "it is the --params 'params.json'" "$pm" sample m.pm -d N=5 --params params.json -o params.json
echo '{"N": 5}' > set_2.json
refuse "sample -n 3 -o X: X_2 is the data" "(-o): it is the -d 'set_2.json'" "$pm" sample m.pm -d set_2.json -n 3 -o set.json
[ ! -e set_1.json ] || fail "sample wrote set_1.json before refusing"
cmp -s params.json params.json.orig || fail "--params was overwritten"
refuse "-o a directory" "it is a directory" "$pm" fit m.pm -d y.json -o sub
no_temporaries . "refusals"

# --- all outputs or none -------------------------------------------------------------------
# The second output fails while writing (its temporary's name, TARGET.tmp.PID.N, is longer
# than a file name may be; root may write anywhere, so permissions cannot make it fail): the
# first output, written before it, is not put in place either.
long_name="$(printf 'p%.0s' $(seq 250)).json"
echo old_fit > out.csv
echo old_discrete > discrete.csv
fit -o out.csv --discrete-out discrete.csv --save-params "$long_name"
status=$?
[ $status -ne 0 ] || fail "a failing --save-params: want a non-zero exit"
grep -q "cannot write '$long_name'" stderr || fail "the failing output is not named: $(head -3 stderr)"
grep -qx old_fit out.csv || fail "-o was replaced although --save-params failed: $(head -c 100 out.csv)"
grep -qx old_discrete discrete.csv || fail "--discrete-out was replaced although --save-params failed"
no_temporaries . "all or none (fit)"

# pm sample -n 3 -o d.json writes d_1.json, d_2.json, d_3.json; d_2.json is a directory.
echo old > d_1.json
mkdir d_2.json
"$pm" sample m.pm -d N=4 -n 3 -o d.json >stdout 2>stderr
[ $? -eq 2 ] || fail "sample onto a directory d_2.json: want exit 2"
grep -q "cannot write 'd_2.json': it is a directory" stderr || fail "sample: $(head -3 stderr)"
grep -qx old d_1.json && [ ! -e d_3.json ] || fail "sample kept some data sets of a failed run"
no_temporaries . "all or none (sample)"
rmdir d_2.json
"$pm" sample m.pm -d N=4 -n 3 -o d.json >stdout 2>stderr || fail "sample -n 3 -o d.json: $(head -3 stderr)"
[ -s d_1.json ] && [ -s d_2.json ] && [ -s d_3.json ] && ! grep -qx old d_1.json || fail "sample -n 3 did not write all three"

# A failing run (bad data) keeps every old output.
echo old_fit > out.csv
echo '{"N": 2, "y": [0, 7]}' > bad.json
"$pm" fit m.pm -d bad.json --method map -o out.csv --save-params params_out.json >stdout 2>stderr
[ $? -eq 2 ] && grep -qx old_fit out.csv && [ ! -e params_out.json ] || fail "a run with bad data changed its outputs"

# --- a replaced file keeps its permissions; stale temporaries are removed ------------------
echo old > kept_mode.csv
chmod 640 kept_mode.csv
fit -o kept_mode.csv || fail "fit -o kept_mode.csv: $(head -3 stderr)"
[ "$(stat -c %a kept_mode.csv)" = 640 ] || fail "the file's mode changed to $(stat -c %a kept_mode.csv)"

dead=999999
while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 1)); done
touch "out.csv.tmp.$dead.0" "out.csv.tmp.$$.0" "other.csv.tmp.$dead.0" "out.csv.tmp.notapid"
fit -o out.csv || fail "fit -o out.csv with stale temporaries: $(head -3 stderr)"
[ ! -e "out.csv.tmp.$dead.0" ] || fail "the stale temporary of a dead run (pid $dead) was not removed"
[ -e "out.csv.tmp.$$.0" ] || fail "the temporary of a live process (this shell) was removed"
[ -e "other.csv.tmp.$dead.0" ] || fail "a temporary of another target was removed"
[ -e "out.csv.tmp.notapid" ] || fail "a file not named TARGET.tmp.PID.N was removed"
rm -f out.csv.tmp.* other.csv.tmp.*

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "outputs: all passed"
