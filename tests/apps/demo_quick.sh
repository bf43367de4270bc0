# hifa demo --quick as a user meets it, on a generated scan folder and test body instead of data/:
# two synthetic subjects, prepare (fitting the held-out scan's body), the tiny PIFuHD, CAR (with its
# body stage) and hypernetwork runs, the five evaluations, the table and the contact sheet; then a
# rerun that keeps what is done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_SCANS MAKE_BODY WORK CONFIGS -- "$@"
mkdir -p "$WORK/data"

# Three scans (tall, twosided, parts); parts is held out as the demo holds out its five figures.
"$MAKE_SCANS" good "$WORK/data/figures"
echo '{"test": ["parts"]}' > "$WORK/data/split.json"
# The mannequin as the synthetic subjects' body; an excerpt of CMU 01_01 as the motion their poses
# and the sheet's reposed CAR avatar come from.
mkdir -p "$WORK/data/body" "$WORK/data/motion"
"$MAKE_BODY" "$WORK/data/body/open_body.npz"
cp "$(dirname "${BASH_SOURCE[0]}")/../data/cmu_01_01_excerpt.bvh" "$WORK/data/motion/01_01.bvh"
# The mannequin has one shape parameter: CAR's body stage regresses that one.
mkdir -p "$WORK/configs"
cp "$CONFIGS"/*.yaml "$WORK/configs/"
sed -i 's/^  betas: 10$/  betas: 1/' "$WORK/configs/car_tiny.yaml"
grep -qx '  betas: 1' "$WORK/configs/car_tiny.yaml" || fail "car_tiny.yaml has no 'betas: 10' line to edit"
DEMO=(demo --quick --synthetic 2 --data "$WORK/data" --out "$WORK/out" --configs "$WORK/configs" --threads 2)
"$HIFA" "${DEMO[@]}" > "$WORK/first.txt" 2>&1 || { cat "$WORK/first.txt" >&2; fail "the demo failed"; }
OUT=$WORK/out
for f in synth/subject_00001/posed.obj eval_table.md eval_table.csv contact_sheet.png run_pifuhd/checkpoint.pt \
         run_pifuhd/after_coarse/checkpoint.pt run_car/checkpoint.pt run_hyper/checkpoint.pt \
         run_pifuhd/eval/metrics.json run_pifuhd/after_coarse/eval/metrics.json run_car/eval/metrics.json \
         run_car/eval_gt_body/metrics.json run_pifuhd/eval/parts_000.obj run_car/eval_gt_body/parts_000.obj \
         run_car/eval_gt_body/parts_000_avatar/canonical.obj run_car/eval_gt_body/parts_000_avatar/weights.npy \
         run_car/eval_gt_body_refined/metrics.json run_car/eval_gt_body_refined/parts_000.obj \
         run_car/eval_gt_body_refined/parts_000_avatar/canonical.obj run_car/eval_gt_body_refined/parts_000_avatar/refine_log.csv \
         report/index.html report/models.js report/viewer/model-viewer-umd.min.js report_avatar.glb; do
  [ -s "$OUT/$f" ] || fail "no $f: $(cat "$WORK/first.txt")"
done
# The results page: the test subject's five reconstructions and its ground truth, the avatar.
viewers=$(grep -o '<model-viewer ' "$OUT/report/index.html" | wc -l)
[ "$viewers" = 7 ] || fail "report/index.html has $viewers 3D viewers, expected 7 (5 methods, the ground truth, the avatar)"
grep -q 'ground truth' "$OUT/report/index.html" || fail "report/index.html shows no ground truth"
# One row per model for the test subject, then one mean row per model: four cells (P2S, Chamfer,
# normal consistency, side IoU), each a number: a failed reconstruction fails the test.
for model in 'PIFu' 'PIFuHD' 'CAR \(estimated body\)' 'CAR \(own fit\)' 'CAR refined \(own fit\)'; do
  for subject in parts mean; do
    grep -Eq "^\| $subject \| $model( \| [0-9]+\.[0-9]+){4} \|$" "$OUT/eval_table.md" \
      || fail "table row $subject $model: $(cat "$OUT/eval_table.md")"
  done
done
[ "$(head -1 "$OUT/eval_table.csv")" = "subject,model,p2s_cm,chamfer_cm,normal_consistency,side_iou,problem" ] \
  || fail "csv header: $(head -1 "$OUT/eval_table.csv")"
[ "$(wc -l < "$OUT/eval_table.csv")" = 11 ] || fail "csv rows: $(cat "$OUT/eval_table.csv")"
# The synthetic subjects train beside the figures; the held-out figure alone is tested.
python3 - "$OUT/dataset/split.json" <<'PY' || fail "split: $(cat "$OUT/dataset/split.json")"
import json, sys
split = json.load(open(sys.argv[1]))
assert split["test"] == ["parts"], split
assert split["train"] == ["subject_00000", "subject_00001", "tall", "twosided"], split
PY
grep -q "^stage times (s, wall / CPU of all threads): synth .*prepare .*train PIFuHD .*train CAR .*train hypernetwork .*evaluate PIFu .*evaluate PIFuHD .*evaluate CAR (estimated body) .*evaluate CAR (own fit) .*evaluate CAR refined (own fit) .*contact sheet .*total" \
  "$WORK/first.txt" || fail "no stage times: $(cat "$WORK/first.txt")"
grep -q "contact_sheet.png (1 test subjects reconstructed)" "$WORK/first.txt" || fail "summary: $(tail -3 "$WORK/first.txt")"
# The sheet: one row of 20 thumbnails (input, 2 normal maps, 4 views each of PIFuHD, CAR and refined CAR, the
# reposed CAR avatar, 4 ground-truth views) of 128 pixels (the fine images' size) with 4 pixels of
# padding and a 9-pixel label row.
size=$(python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(*struct.unpack('>II', d[16:24]))" "$OUT/contact_sheet.png")
[ "$size" = "2644 145" ] || fail "contact sheet size $size"

# A rerun continues: the dataset and both runs are complete, so nothing is trained or evaluated again.
"$HIFA" "${DEMO[@]}" > "$WORK/second.txt" 2>&1 || { cat "$WORK/second.txt" >&2; fail "the rerun failed"; }
grep -q "(2 already complete)" "$WORK/second.txt" || fail "synth redid subjects: $(cat "$WORK/second.txt")"
grep -q "(5 already complete)" "$WORK/second.txt" || fail "prepare redid subjects: $(cat "$WORK/second.txt")"
[ "$(grep -c ": 0 steps in this run" "$WORK/second.txt")" = 3 ] || fail "training ran again: $(cat "$WORK/second.txt")"
[ "$(grep -c "^kept .*metrics.json" "$WORK/second.txt")" = 5 ] || fail "evaluation ran again: $(cat "$WORK/second.txt")"
cmp -s "$OUT/eval_table.md" <(grep '^|' "$WORK/first.txt") || fail "printed table differs from eval_table.md"

# hifa report on the demo's runs alone: their five evaluations found in the run folders (PIFuHD's
# eval and its after_coarse snapshot's, CAR's three), each beside the ground truth, and the curves.
"$HIFA" report --out "$WORK/from_runs" --runs "$OUT/run_pifuhd" "$OUT/run_car" --data "$OUT/dataset" \
  --scans "$WORK/data/figures" "$OUT/synth" > "$WORK/report.txt" 2>&1 || { cat "$WORK/report.txt" >&2; fail "hifa report failed"; }
for label in '>run_car<' '>run_car eval_gt_body<' '>run_car eval_gt_body_refined<' '>run_pifuhd<' '>run_pifuhd/after_coarse<' '>ground truth<'; do
  grep -q "$label" "$WORK/from_runs/index.html" || fail "hifa report --runs: no $label on the page"
done
[ "$(grep -o '<model-viewer ' "$WORK/from_runs/index.html" | wc -l)" = 6 ] || fail "hifa report --runs: not 6 viewers"
[ "$(grep -c 'class="curves"' "$WORK/from_runs/index.html")" = 2 ] || fail "hifa report --runs: not 2 loss curves"

# One image through the demo's runs as a user would: the body from the image by the CAR run's body
# stage (hifa fit-body --image), then CAR and its refinement in one call (hifa reconstruct --refine);
# and CAR finding the body itself (hifa reconstruct without --body). The refinement starts from the
# MLP's sphere: the quick hypernetwork (20 steps) may emit an SDF with no surface near this body,
# and its start is the demo's refined evaluation's above.
IMG=$OUT/dataset/subjects/parts/fine/image/000.png
MASK=$OUT/dataset/subjects/parts/fine/mask/000.png
export HIFA_DATA=$WORK/data  # the configs' body model "open"
"$HIFA" reconstruct --run "$OUT/run_car" --image "$IMG" --mask "$MASK" --out "$WORK/found" --res 32 > "$WORK/found.txt" 2>&1 \
  || { cat "$WORK/found.txt" >&2; fail "hifa reconstruct without --body failed"; }
for f in posed.obj canonical.obj weights.npy body.json normal_front.png; do
  [ -s "$WORK/found/$f" ] || fail "hifa reconstruct without --body wrote no $f: $(cat "$WORK/found.txt")"
done
python3 - "$WORK/found/body.json" <<'PY' || fail "found/body.json: $(cat "$WORK/found/body.json")"
import json, sys
fit = json.load(open(sys.argv[1]))
assert fit["format"] == "hifa-body-fit" and fit["units"] == "normalized" and "estimate" in fit, fit.keys()
PY
"$HIFA" fit-body --image "$IMG" --mask "$MASK" --run "$OUT/run_car" \
  --out "$WORK/fit.json" > "$WORK/fit.txt" 2>&1 || { cat "$WORK/fit.txt" >&2; fail "hifa fit-body --image failed"; }
"$HIFA" reconstruct --run "$OUT/run_car" --image "$IMG" --body "$WORK/fit.json" --out "$WORK/recon" --res 32 \
  --refine "$OUT/run_hyper" --refine-init random --refine-iterations 3 > "$WORK/recon.txt" 2>&1 || { cat "$WORK/recon.txt" >&2; fail "hifa reconstruct --refine failed"; }
for f in posed.obj canonical.obj weights.npy refined/posed.obj refined/canonical.obj refined/weights.npy refined/body.json; do
  [ -s "$WORK/recon/$f" ] || fail "hifa reconstruct --refine wrote no $f: $(cat "$WORK/recon.txt")"
done
[ "$(wc -l < "$WORK/recon/refined/refine_log.csv")" = 4 ] || fail "refine_log.csv: $(cat "$WORK/recon/refined/refine_log.csv")"
grep -q "^refine 3/3: normal " "$WORK/recon.txt" || fail "no refinement line: $(cat "$WORK/recon.txt")"
