# Resumability: a run killed mid-way, a leftover staging folder, a deleted subject, all rerun into
# exactly the bytes of a clean run; a rerun with other options is refused.
source "$(dirname "$0")/lib.sh"
# wait_for_entry DIR [ls option]: polls (up to ~10 s) until `ls [option] DIR` lists something:
# a complete subject with no option, any entry (also a .partial- staging folder) with -A.
wait_for_entry() {
  for _ in $(seq 1 2000); do
    [ -n "$(ls ${2:-} "$1" 2>/dev/null | head -1)" ] && return 0
    sleep 0.005
  done
}
"$MAKE_SCANS" good "$WORK/scans"
RUN=(--views 24 --res 96 --samples 2000 --seed 5)
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/clean" "${RUN[@]}" > /dev/null
# 1. Killed (SIGKILL: no clean-up at all) as soon as the first subject is complete.
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/killed" "${RUN[@]}" > /dev/null 2>&1 &
pid=$!
wait_for_entry "$WORK/killed/subjects"
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
# (report.json is written last: without it the kill really hit a run in progress; on a very loaded
# machine the run may finish first, and part 3 below still checks the resume deterministically.)
[ -f "$WORK/killed/report.json" ] && echo "note: the run finished before the kill" >&2
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/killed" "${RUN[@]}" > "$WORK/resumed.txt"
same_trees "$WORK/clean" "$WORK/killed"
# 2. Interrupted by SIGINT: the command stops, says so, exits 1 and leaves no staging folder.
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/int" "${RUN[@]}" > /dev/null 2> "$WORK/int.txt" &
pid=$!
wait_for_entry "$WORK/int/subjects" -A
kill -INT $pid 2>/dev/null || true
set +e; wait $pid; rc=$?; set -e
if [ $rc != 0 ]; then
  [ $rc = 1 ] || fail "SIGINT exit code $rc"
  grep -q "interrupted with .* subjects complete; run the same command again to resume" "$WORK/int.txt" || fail "$(cat "$WORK/int.txt")"
  ls -A "$WORK/int/subjects" | grep -q '^\.partial-' && fail "a staging folder survived SIGINT"
  grep -q '"status": "pending"' "$WORK/int/manifest.json" || fail "no pending subject in the interrupted manifest"
fi
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/int" "${RUN[@]}" > /dev/null
same_trees "$WORK/clean" "$WORK/int"
# 3. Deterministic variant: a complete dataset with one subject deleted and a half-written
#    staging folder of another (as a kill leaves it) resumes to the clean bytes.
cp -r "$WORK/clean" "$WORK/partial"
rm -rf "$WORK/partial/subjects/tall" "$WORK/partial/subjects/twosided" "$WORK/partial/report.json" "$WORK/partial/split.json"
mkdir -p "$WORK/partial/subjects/.partial-twosided/image"
echo junk > "$WORK/partial/subjects/.partial-twosided/image/000.png"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/partial" "${RUN[@]}" > "$WORK/partial.txt"
grep -q "prepared 2 subjects (1 already complete) of 3 scans.*redid 1 unfinished" "$WORK/partial.txt" || fail "$(cat "$WORK/partial.txt")"
same_trees "$WORK/clean" "$WORK/partial"
# 4. A finished dataset reruns as a no-op, and other options are refused with exit code 1.
before=$(tree_sums "$WORK/clean")
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/clean" "${RUN[@]}" > "$WORK/again.txt"
grep -q "prepared 0 subjects (3 already complete)" "$WORK/again.txt" || fail "$(cat "$WORK/again.txt")"
[ "$before" = "$(tree_sums "$WORK/clean")" ] || fail "a rerun changed the dataset"
set +e
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/clean" --views 12 --res 96 --samples 2000 --seed 5 2> "$WORK/other.txt"; rc=$?
set -e
[ $rc = 1 ] && grep -q "was prepared with other options (views: 24 there, 12 now)" "$WORK/other.txt" || fail "other options: $rc $(cat "$WORK/other.txt")"
echo ok
