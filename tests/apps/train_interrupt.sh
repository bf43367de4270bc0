# hifa train stopped by Ctrl-C (SIGINT): the step in progress finishes, a checkpoint is written
# there, the command fails with one "interrupted ... --resume" line and exit code 1, and --resume
# continues at exactly that step to the end.
# Args: HIFA MAKE_SCANS WORK CONFIG
source "$(dirname "$0")/train_lib.sh"  # HIFA MAKE_SCANS WORK CONFIG; the 24-item dataset in $WORK/data
# 12 steps per stage: the first checkpoint (the normal stage's epoch end, step 6) leaves 30 steps in
# which the signal lands.
TRAIN=(train --config "$CONFIG" --data "$WORK/data" --out "$WORK/run" --max-iterations 12 --threads 1)
interrupt_at "$WORK/run/checkpoint.pt" "${TRAIN[@]}"
error=$ERROR_LINE
pattern="^hifa: error: $WORK/run: interrupted at [a-z]* step [0-9]* of 12; checkpoint written: run the same command with --resume to continue\$"
echo "$error" | grep -q "$pattern" || fail "error line: $error"
stage=$(echo "$error" | sed 's/.*interrupted at \([a-z]*\) step.*/\1/')
step=$(echo "$error" | sed 's/.* step \([0-9]*\) of.*/\1/')
ls "$WORK/run" | grep -q tmp && fail "a temporary file was left: $(ls "$WORK/run")"

"$HIFA" "${TRAIN[@]}" --resume > "$WORK/resumed.txt" 2>&1 || { cat "$WORK/resumed.txt" >&2; fail "resume failed"; }
grep -q "^resuming $WORK/run at stage $stage, epoch [0-9]*, step $step\$" "$WORK/resumed.txt" \
  || fail "not resumed at $stage step $step: $(cat "$WORK/resumed.txt")"
grep -q "^trained $WORK/run on $WORK/data (24 items): normal 12 steps.*coarse 12 steps.*fine 12 steps" "$WORK/resumed.txt" \
  || fail "summary: $(cat "$WORK/resumed.txt")"
echo ok
