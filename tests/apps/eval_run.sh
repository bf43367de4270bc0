# hifa eval-run as a user meets it: three generated scans prepared with one held out, a run of two
# steps per stage, the held-out subject reconstructed at 32^3 from two views; its table on stdout,
# RUN/eval/metrics.json and the meshes; and a wrong --scans folder. One thread: on a machine shared
# with other jobs, two threads made it 2-5 times slower (about 12 s with one).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_SCANS WORK CONFIG -- "$@"

# tall, twosided and parts; parts is held out, the 8 views of the others are 2 batches of 4.
"$MAKE_SCANS" good "$WORK/scans"
echo '{"test": ["parts"]}' > "$WORK/split.json"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/data" --views 4 --res 64 --fine-res 128 --samples 500 \
  --unlit --split "$WORK/split.json" --seed 1 > /dev/null
"$HIFA" train --config "$CONFIG" --data "$WORK/data" --out "$WORK/run" --max-iterations 2 --threads 1 > /dev/null 2>&1 \
  || fail "training failed"

EVAL=(eval-run --run "$WORK/run" --data "$WORK/data" --res 32 --views 2 --samples 2000 --threads 1)
"$HIFA" "${EVAL[@]}" --scans "$WORK/scans" > "$WORK/eval.txt" 2> "$WORK/eval.err" \
  || fail "eval-run failed: $(cat "$WORK/eval.err")"
# The header, then the subject's line: P2S, Chamfer, NC, F-score, IoU and side IoU (the mean of its views), or
# its failure (after two steps per stage a model may find no surface at 0.5). The table prints a mean
# line only for two or more subjects; metrics.json always has the mean.
metrics='( +-?([0-9]+\.[0-9]+|nan))+$'
grep -Eq '^subject +P2S cm +Chamfer cm +NC +F@1 +IoU +side IoU$' "$WORK/eval.txt" || fail "header: $(cat "$WORK/eval.txt")"
if grep -Eq "^parts$metrics" "$WORK/eval.txt"; then
  # Views 0 and 2 of 4: a mesh each, or views.csv names the view's problem.
  for view in 0 2; do
    [ -s "$WORK/run/eval/parts_$(printf %03d $view).obj" ] || grep -q "^parts/$view,,,,,,,,,,,." "$WORK/run/eval/views.csv" \
      || fail "no mesh and no problem for view $view: $(ls "$WORK/run/eval"; cat "$WORK/run/eval/views.csv")"
  done
else
  grep -Eq "^parts +failed: " "$WORK/eval.txt" || fail "no line for parts: $(cat "$WORK/eval.txt")"
fi
[ "$(wc -l < "$WORK/eval.txt")" = 2 ] || fail "not header + one subject: $(cat "$WORK/eval.txt")"
python3 - "$WORK/run/eval/metrics.json" <<'PY' || fail "metrics.json: $(cat "$WORK/run/eval/metrics.json")"
import json, sys
m = json.load(open(sys.argv[1]))
[s] = m["subjects"]
assert s["name"] == "parts", s
if "metrics" in s:
    assert s["metrics"]["chamfer"] >= 0 and m["mean"] == s["metrics"], m  # the mean of one subject
else:
    assert s["problem"] and m["mean"] is None, m
PY

# A --scans folder that is missing, or is not the one the dataset came from: one line naming it.
expect_error 1 "^hifa: error: $WORK/nowhere: no such folder" "${EVAL[@]}" --scans "$WORK/nowhere"
expect_error 1 "^hifa: error: $WORK/data/.*: no such file: subject '.*' was prepared from" "${EVAL[@]}" --scans "$WORK/data"
echo ok
