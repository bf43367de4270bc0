# The whole path as a user runs it, required to find the surface: two scans of the same asymmetric
# box person (make_test_scans twins) prepared with "twin" held out, `hifa train` through every stage
# of tests/apps/end_to_end.yaml (bounded by its epochs: 4 views are one step per epoch), then
# `hifa eval-run` on the twin's 4 views and `hifa reconstruct` of one of them. The twin's images
# differ from the training ones in background and lighting only, so a pipeline that works must
# reconstruct it: volumetric IoU >= 0.5 against the scan (measured 0.73; a solid as deep as the
# silhouette is wide, which a model blind to depth gives, scores about 0.3). Also eval-run's table,
# metrics.json, meshes, the coarse level's evaluation, and a wrong --scans folder. One thread
# (about 90 s).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_SCANS WORK CONFIG -- "$@"

"$MAKE_SCANS" twins "$WORK/scans"
echo '{"test": ["twin"]}' > "$WORK/split.json"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/data" --views 4 --res 64 --fine-res 128 --samples 2000 \
  --split "$WORK/split.json" --seed 1 > /dev/null
"$HIFA" train --config "$CONFIG" --data "$WORK/data" --out "$WORK/run" --threads 1 > "$WORK/train.txt" 2>&1 \
  || fail "training failed: $(tail -3 "$WORK/train.txt")"

EVAL=(eval-run --run "$WORK/run" --data "$WORK/data" --res 64 --views 4 --samples 4000 --threads 1)
"$HIFA" "${EVAL[@]}" --scans "$WORK/scans" > "$WORK/eval.txt" 2> "$WORK/eval.err" \
  || fail "eval-run failed: $(cat "$WORK/eval.err")"
# The header, then the twin's line: P2S, Chamfer, NC, F-score, IoU and side IoU, the means of its
# views, each a number (a failed view fails the test). One subject: no mean line.
grep -Eq '^subject +P2S cm +Chamfer cm +NC +F@1 +IoU +side IoU$' "$WORK/eval.txt" || fail "header: $(cat "$WORK/eval.txt")"
grep -Eq '^twin( +[0-9]+\.[0-9]+){6}$' "$WORK/eval.txt" || fail "no numbers for twin: $(cat "$WORK/eval.txt")"
[ "$(wc -l < "$WORK/eval.txt")" = 2 ] || fail "not header + one subject: $(cat "$WORK/eval.txt")"
for view in 0 1 2 3; do
  [ -s "$WORK/run/eval/twin_00$view.obj" ] || fail "no mesh for view $view: $(ls "$WORK/run/eval")"
done
python3 - "$WORK/run/eval/metrics.json" <<'PY' || fail "metrics.json: $(cat "$WORK/run/eval/metrics.json")"
import json, sys
m = json.load(open(sys.argv[1]))
[s] = m["subjects"]
assert s["name"] == "twin" and "problem" not in s, s
assert m["mean"] == s["metrics"], m  # the mean of one subject
assert s["metrics"]["iou"] >= 0.5, s["metrics"]
PY

# hifa reconstruct of view 2 (the input eval-run took: the fine image and its mask, at the same
# grid and thread count) writes the mesh eval-run wrote for it. (At another thread count LibTorch's
# kernels sum in another order: the vertices then differ in their last digits.)
FINE=$WORK/data/subjects/twin/fine
"$HIFA" reconstruct --run "$WORK/run" --image "$FINE/image/002.png" --mask "$FINE/mask/002.png" --res 64 \
  --threads 1 --out "$WORK/view2.obj" > /dev/null 2>&1 || fail "reconstruct failed"
cmp -s "$WORK/view2.obj" "$WORK/run/eval/twin_002.obj" || fail "hifa reconstruct and eval-run differ on view 2"

# --level coarse on this two-level model: the coarse level's own table, written to RUN/eval_coarse/
# beside the model's results, which stay as they were.
cp "$WORK/run/eval/metrics.json" "$WORK/fine_metrics.json"
"$HIFA" "${EVAL[@]}" --scans "$WORK/scans" --level coarse > "$WORK/coarse.txt" 2>&1 || fail "coarse eval-run failed: $(cat "$WORK/coarse.txt")"
grep -Eq '^twin( +[0-9]+\.[0-9]+){6}$' "$WORK/coarse.txt" || fail "no numbers for the coarse level: $(cat "$WORK/coarse.txt")"
[ -s "$WORK/run/eval_coarse/metrics.json" ] || fail "no RUN/eval_coarse/metrics.json"
cmp -s "$WORK/fine_metrics.json" "$WORK/run/eval/metrics.json" || fail "the coarse evaluation changed RUN/eval"

# A --scans folder that is missing, or is not the one the dataset came from: one line naming it.
expect_error 1 "^hifa: error: $WORK/nowhere: no such folder" "${EVAL[@]}" --scans "$WORK/nowhere"
expect_error 1 "^hifa: error: $WORK/data/.*: no such file: subject '.*' was prepared from" "${EVAL[@]}" --scans "$WORK/data"
echo ok
