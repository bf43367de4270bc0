# Bad scans are skipped with one line each naming the scan and its reason, listed in report.json;
# the exit code is 0 while one subject succeeds and 1 when none does.
source "$(dirname "$0")/lib.sh"
"$MAKE_SCANS" bad "$WORK/bad"
"$HIFA" prepare --scans "$WORK/bad" --out "$WORK/data" "${SMALL[@]}" > "$WORK/out.txt" 2> "$WORK/err.txt" \
  || { cat "$WORK/err.txt"; fail "prepare with one good scan failed"; }
for s in unreadable.obj empty.obj inf.obj nan.ply flat.obj huge.obj; do
  [ "$(grep -c "^hifa: skipped $s: " "$WORK/err.txt")" = 1 ] || { cat "$WORK/err.txt"; fail "no single skip line for $s"; }
  [ -e "$WORK/data/subjects/${s%.*}" ] && fail "$s has a subject folder"
done
grep -q "^hifa: skipped nan.ply: .*non-finite" "$WORK/err.txt" || fail "nan reason"
grep -q "^hifa: skipped inf.obj: .*non-finite" "$WORK/err.txt" || fail "inf reason"
grep -q "^hifa: skipped empty.obj: .*empty" "$WORK/err.txt" || fail "empty reason"
grep -q "^hifa: skipped flat.obj: degenerate" "$WORK/err.txt" || fail "flat reason"
grep -q "^hifa: skipped huge.obj: absurd size" "$WORK/err.txt" || fail "huge reason"
[ -f "$WORK/data/subjects/tall/subject.json" ] || fail "the good scan was not prepared"
/usr/bin/python3 - "$WORK/data" <<'PY' || fail "report"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
assert r["prepared"] == 1 and r["scans"] == 7, r
assert sorted(s["scan"] for s in r["skipped"]) == ["empty.obj", "flat.obj", "huge.obj", "inf.obj", "nan.ply", "unreadable.obj"], r
assert all(s["reason"] for s in r["skipped"]), r
m = json.load(open(sys.argv[1] + "/manifest.json"))
assert {s["name"]: s["status"] for s in m["subjects"]}["nan"] == "skipped"
PY
# Only bad scans: every one reported, then one error line and exit code 1.
"$MAKE_SCANS" none "$WORK/none"
set +e
"$HIFA" prepare --scans "$WORK/none" --out "$WORK/data2" "${SMALL[@]}" > "$WORK/out2.txt" 2> "$WORK/err2.txt"
rc=$?
set -e
[ $rc = 1 ] || fail "exit code $rc with no usable scan"
[ "$(grep -c '^hifa: skipped ' "$WORK/err2.txt")" = 6 ] || fail "skip lines: $(cat "$WORK/err2.txt")"
tail -1 "$WORK/err2.txt" | grep -q "^hifa: error: .*report.json: no subject could be prepared" || fail "last line: $(tail -1 "$WORK/err2.txt")"
[ -f "$WORK/data2/report.json" ] || fail "no report when nothing succeeded"
# A missing scans folder is one error line and exit code 1; a bad option value exit code 2.
set +e
"$HIFA" prepare --scans "$WORK/nowhere" --out "$WORK/data3" 2> "$WORK/err3.txt"; rc3=$?
"$HIFA" prepare --scans "$WORK/bad" --out "$WORK/data3" --views 0 2> "$WORK/err4.txt"; rc4=$?
set -e
[ $rc3 = 1 ] && grep -q "^hifa: error: $WORK/nowhere: no such folder" "$WORK/err3.txt" || fail "missing folder: $rc3 $(cat "$WORK/err3.txt")"
[ $rc4 = 2 ] || fail "--views 0 exit code $rc4"
echo ok
