# hifa prepare --shard I/N on each machine, then --merge: the dataset of one run over all the scans,
# byte for byte -- here the good scans and the bad ones (skipped, with their reasons in the merged
# report) prepared whole and as 2 shards, merged in either order; and the merge's errors.
source "$(dirname "$0")/lib.sh"
"$MAKE_SCANS" good "$WORK/scans"
"$MAKE_SCANS" none "$WORK/bad"  # the bad scans only (no second "tall")
SCANS=(--scans "$WORK/scans" --scans "$WORK/bad")
"$HIFA" prepare "${SCANS[@]}" --out "$WORK/whole" "${SMALL[@]}" > /dev/null 2>&1
for i in 0 1; do
  "$HIFA" prepare "${SCANS[@]}" --out "$WORK/shard$i" "${SMALL[@]}" --shard $i/2 > /dev/null 2>&1
done
# Each shard holds its own subjects only, and together all of them.
a=$(ls "$WORK/shard0/subjects" | tr '\n' ' ')
b=$(ls "$WORK/shard1/subjects" | tr '\n' ' ')
[ -n "$a" ] && [ -n "$b" ] || fail "a shard is empty: '$a' / '$b'"
[ "$(ls "$WORK/shard0/subjects" "$WORK/shard1/subjects" | grep -v '^$\|:$' | sort | tr '\n' ' ')" = \
  "$(ls "$WORK/whole/subjects" | sort | tr '\n' ' ')" ] || fail "shards hold '$a' and '$b'"
"$HIFA" prepare --merge "$WORK/shard1" "$WORK/shard0" --out "$WORK/merged" > "$WORK/merge.txt" \
  || fail "merge: $(cat "$WORK/merge.txt")"
grep -q "^merged 2 shards into $WORK/merged in .* s: [0-9]* subjects, 6 scans skipped$" "$WORK/merge.txt" || fail "$(cat "$WORK/merge.txt")"
same_trees "$WORK/whole" "$WORK/merged"
"$HIFA" prepare --merge "$WORK/shard0" "$WORK/shard1" --out "$WORK/slash/" > /dev/null || fail "merge into DIR/"
same_trees "$WORK/whole" "$WORK/slash"
ls "$WORK" | grep -q partial && fail "a staging folder was left: $(ls "$WORK")"

# Errors, one line each.
expect_error 1 "^hifa: error: --merge: shard 1/2 is missing" prepare --merge "$WORK/shard0" --out "$WORK/m1"
expect_error 1 "^hifa: error: $WORK/shard0: is shard 0/2, as is $WORK/shard0" prepare --merge "$WORK/shard0" "$WORK/shard0" --out "$WORK/m2"
expect_error 1 "^hifa: error: $WORK/whole: is a whole dataset, not a shard" prepare --merge "$WORK/whole" --out "$WORK/m3"
expect_error 1 "^hifa: error: $WORK/merged: exists: merge into a new --out" prepare --merge "$WORK/shard0" "$WORK/shard1" --out "$WORK/merged"
expect_error 1 "^hifa: error: $WORK/shard0: holds shard 0/2, not shard 1/2" prepare "${SCANS[@]}" --out "$WORK/shard0" "${SMALL[@]}" --shard 1/2
expect_error 1 "^hifa: error: --shard: '2/2' is not I/N" prepare "${SCANS[@]}" --out "$WORK/m4" "${SMALL[@]}" --shard 2/2
"$HIFA" prepare "${SCANS[@]}" --out "$WORK/other" --views 4 --res 64 --fine-res 96 --samples 500 --seed 4 --shard 1/2 > /dev/null 2>&1
expect_error 1 "^hifa: error: $WORK/other: was prepared with other options than $WORK/shard0" prepare --merge "$WORK/shard0" "$WORK/other" --out "$WORK/m5"
# The split's settings are not options of the manifest: the merge compares them itself.
"$HIFA" prepare "${SCANS[@]}" --out "$WORK/half" "${SMALL[@]}" --test-fraction 0.5 --shard 1/2 > /dev/null 2>&1
expect_error 1 "^hifa: error: $WORK/half: was split with other settings" prepare --merge "$WORK/shard0" "$WORK/half" --out "$WORK/m6"
echo ok
