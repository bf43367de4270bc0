# hifa train as a user meets it: configs/tiny.yaml on a tiny dataset from hifa prepare, killed with
# SIGKILL after its first checkpoint, resumed with --resume to the end with the losses of an
# uninterrupted run; and its one-line errors.
# Args: HIFA MAKE_SCANS WORK CONFIG
source "$(dirname "$0")/train_lib.sh"  # HIFA MAKE_SCANS WORK CONFIG; the 24-item dataset in $WORK/data
# 8 steps per stage (one epoch and 2 batches), log_every 5 in tiny.yaml: rows at steps 5 and 8 of
# each of the 3 stages; checkpoints at every epoch end (step 6) and stage end.
TRAIN=(train --data "$WORK/data" --out "$WORK/run" --max-iterations 8 --threads 1)
"$HIFA" "${TRAIN[@]}" --config "$CONFIG" > "$WORK/first.txt" 2>&1 &
pid=$!
wait_for "$WORK/run/checkpoint.pt" $pid || { cat "$WORK/first.txt" >&2; fail "no checkpoint was written"; }
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
grep -q "^trained" "$WORK/first.txt" && echo "note: the run finished before the kill" >&2
# Resumed without --config: the run's own config.yaml.
"$HIFA" "${TRAIN[@]}" --resume > "$WORK/resumed.txt" 2>&1 || { cat "$WORK/resumed.txt" >&2; fail "resume failed"; }
grep -q "^resuming .* at stage normal" "$WORK/resumed.txt" || fail "no resume line: $(cat "$WORK/resumed.txt")"
grep -q "^trained $WORK/run on $WORK/data (24 items): normal 8 steps.*coarse 8 steps.*fine 8 steps" "$WORK/resumed.txt" \
  || fail "summary: $(cat "$WORK/resumed.txt")"
CSV=$WORK/run/losses.csv
[ "$(head -1 "$CSV")" = "stage,epoch,iteration,normal,normal_l1,normal_perceptual,coarse,fine,lr,seconds" ] || fail "header: $(head -1 "$CSV")"
rows=$(tail -n +2 "$CSV" | cut -d, -f1,3 | tr '\n' ' ')
[ "$rows" = "normal,5 normal,8 coarse,5 coarse,8 fine,5 fine,8 " ] || fail "rows (stage,iteration): $rows"
cmp -s "$CONFIG" "$WORK/run/config.yaml" || fail "config.yaml is not the config as given"
# The same losses as a run that was never interrupted (all but the seconds column; one thread).
"$HIFA" train --data "$WORK/data" --out "$WORK/whole" --max-iterations 8 --threads 1 --config "$CONFIG" > /dev/null 2>&1
diff <(cut -d, -f1-9 "$WORK/whole/losses.csv") <(cut -d, -f1-9 "$CSV") >&2 || fail "the resumed run's losses differ"
[ -s "$WORK/run/loss_curves.png" ] || fail "no loss_curves.png"
ls "$WORK/run" | grep -q tmp && fail "a temporary file was left: $(ls "$WORK/run")"

# One-line errors, exit code 1.
expect_error 1 "$WORK/run.*already holds a run.*--resume" "${TRAIN[@]}" --config "$CONFIG"
expect_error 1 "$WORK/missing" train --config "$CONFIG" --data "$WORK/missing" --out "$WORK/run2"
sed 's/^  log_every:/  log_evry:/' "$CONFIG" > "$WORK/typo.yaml"
expect_error 1 "$WORK/typo.yaml: unknown key 'train.log_evry'" train --config "$WORK/typo.yaml" --data "$WORK/data" --out "$WORK/run3"
expect_error 1 "$CSV/run: cannot create the run folder" train --config "$CONFIG" --data "$WORK/data" --out "$CSV/run"
expect_error 2 "device" train --config "$CONFIG" --data "$WORK/data" --out "$WORK/run4" --device tpu
echo ok
