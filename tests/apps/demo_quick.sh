# hifa demo --quick as a user meets it, on a generated scan folder and test body instead of data/:
# two synthetic subjects, prepare, both tiny runs, the evaluation table and the contact sheet; then a
# rerun that keeps what is done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_SCANS MAKE_BODY WORK CONFIGS -- "$@"
mkdir -p "$WORK/data"

# Three scans (tall, twosided, parts); parts is held out as the demo holds out its five figures.
"$MAKE_SCANS" good "$WORK/data/figures"
echo '{"test": ["parts"]}' > "$WORK/data/split.json"
# The mannequin as the synthetic subjects' body; no data/motion: random poses.
mkdir -p "$WORK/data/body"
"$MAKE_BODY" "$WORK/data/body/open_body.npz"
DEMO=(demo --quick --synthetic 2 --data "$WORK/data" --out "$WORK/out" --configs "$CONFIGS" --threads 2)
"$HIFA" "${DEMO[@]}" > "$WORK/first.txt" 2>&1 || { cat "$WORK/first.txt" >&2; fail "the demo failed"; }
OUT=$WORK/out
for f in synth/subject_00001/posed.obj eval_table.md eval_table.csv contact_sheet.png run_pifuhd/checkpoint.pt run_pifu/checkpoint.pt \
         run_pifuhd/eval/metrics.json run_pifu/eval/metrics.json run_pifuhd/eval/parts_000.obj; do
  [ -s "$OUT/$f" ] || fail "no $f: $(cat "$WORK/first.txt")"
done
# One row for the test subject, then the mean: eight cells (P2S, Chamfer, normal consistency, side
# IoU for PIFu and PIFuHD), each a number: a failed reconstruction fails the test.
row='^\| parts \|( [0-9]+\.[0-9]+ \|){8}$'
grep -Eq "$row" "$OUT/eval_table.md" || fail "table: $(cat "$OUT/eval_table.md")"
grep -Eq '^\| mean \|( [0-9]+\.[0-9]+ \|){8}$' "$OUT/eval_table.md" || fail "table mean: $(cat "$OUT/eval_table.md")"
[ "$(head -1 "$OUT/eval_table.csv")" = "subject,pifu_p2s_cm,pifuhd_p2s_cm,pifu_chamfer_cm,pifuhd_chamfer_cm,pifu_normal_consistency,pifuhd_normal_consistency,pifu_side_iou,pifuhd_side_iou,problem" ] \
  || fail "csv header: $(head -1 "$OUT/eval_table.csv")"
[ "$(wc -l < "$OUT/eval_table.csv")" = 3 ] || fail "csv rows: $(cat "$OUT/eval_table.csv")"
# The synthetic subjects train beside the figures; the held-out figure alone is tested.
python3 - "$OUT/dataset/split.json" <<'PY' || fail "split: $(cat "$OUT/dataset/split.json")"
import json, sys
split = json.load(open(sys.argv[1]))
assert split["test"] == ["parts"], split
assert split["train"] == ["subject_00000", "subject_00001", "tall", "twosided"], split
PY
grep -q "^stage times (s, wall / CPU of all threads): synth .*prepare .*train PIFuHD .*train PIFu .*evaluate PIFuHD .*evaluate PIFu .*contact sheet .*total" \
  "$WORK/first.txt" || fail "no stage times: $(cat "$WORK/first.txt")"
grep -q "contact_sheet.png (1 test subjects reconstructed)" "$WORK/first.txt" || fail "summary: $(tail -3 "$WORK/first.txt")"
# The sheet: one row of 11 thumbnails (input, 2 normal maps, 4 predicted and 4 ground-truth views)
# of 128 pixels (the fine images' size) with 4 pixels of padding and a 9-pixel label row.
size=$(python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(*struct.unpack('>II', d[16:24]))" "$OUT/contact_sheet.png")
[ "$size" = "1456 145" ] || fail "contact sheet size $size"

# A rerun continues: the dataset and both runs are complete, so nothing is trained or evaluated again.
"$HIFA" "${DEMO[@]}" > "$WORK/second.txt" 2>&1 || { cat "$WORK/second.txt" >&2; fail "the rerun failed"; }
grep -q "(2 already complete)" "$WORK/second.txt" || fail "synth redid subjects: $(cat "$WORK/second.txt")"
grep -q "(5 already complete)" "$WORK/second.txt" || fail "prepare redid subjects: $(cat "$WORK/second.txt")"
[ "$(grep -c ": 0 steps in this run" "$WORK/second.txt")" = 2 ] || fail "training ran again: $(cat "$WORK/second.txt")"
[ "$(grep -c "^kept .*metrics.json" "$WORK/second.txt")" = 2 ] || fail "evaluation ran again: $(cat "$WORK/second.txt")"
cmp -s "$OUT/eval_table.md" <(sed -n '/^| subject/,/^| mean/p' "$WORK/first.txt") || fail "printed table differs from eval_table.md"
