# hifa synth end to end: args HIFA MAKE_TEST_BODY MOTION_FOLDER WORK. A small run writes the
# documented layout; --jobs 1 and --jobs 2 give the same bytes; a resumed run (a subject deleted,
# a half-written one left behind) equals a clean one; other options on the same folder are refused;
# hifa prepare takes posed.obj and body.json; the motion library poses subjects when given.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_BODY MOTION WORK -- "$@"
"$MAKE_BODY" "$WORK/body.npz"
SMALL=(--body "$WORK/body.npz" --motion "$WORK/no-motion" --count 3 --res 64 --seed 5)

"$HIFA" synth "${SMALL[@]}" --out "$WORK/a" --jobs 2 > "$WORK/a.log" 2>&1 || { cat "$WORK/a.log"; fail "synth run failed"; }
for s in subject_00000 subject_00001 subject_00002; do
  for f in posed.obj canonical.obj body.json weights.npy metadata.json front.png; do
    [ -s "$WORK/a/$s/$f" ] || fail "missing $s/$f"
  done
  # posed.obj and canonical.obj: the same vertex and face counts, vertex colours on every v line.
  [ "$(grep -c '^v ' "$WORK/a/$s/posed.obj")" = "$(grep -c '^v ' "$WORK/a/$s/canonical.obj")" ] || fail "$s: vertex counts differ"
  [ "$(grep -c '^f ' "$WORK/a/$s/posed.obj")" = "$(grep -c '^f ' "$WORK/a/$s/canonical.obj")" ] || fail "$s: face counts differ"
  awk '/^v / && NF != 7 { exit 1 }' "$WORK/a/$s/posed.obj" || fail "$s: a vertex without colour"
  grep -q '"betas"' "$WORK/a/$s/body.json" || fail "$s: body.json without betas"
done
[ -s "$WORK/a/contact_sheet.png" ] || fail "no contact sheet"
[ -s "$WORK/a/synth.json" ] || fail "no synth.json"

"$HIFA" synth "${SMALL[@]}" --out "$WORK/b" --jobs 1 > /dev/null 2>&1 || fail "jobs 1 run failed"
same_trees "$WORK/a" "$WORK/b"

rm -rf "$WORK/a/subject_00001"
mkdir -p "$WORK/a/.partial-subject_00002" && echo junk > "$WORK/a/.partial-subject_00002/posed.obj"
"$HIFA" synth "${SMALL[@]}" --out "$WORK/a" --jobs 2 > "$WORK/resume.log" 2>&1 || { cat "$WORK/resume.log"; fail "resume failed"; }
grep -q "made 1 subjects (2 already complete)" "$WORK/resume.log" || { cat "$WORK/resume.log"; fail "resume did not redo exactly one subject"; }
same_trees "$WORK/a" "$WORK/b"

if "$HIFA" synth "${SMALL[@]}" --out "$WORK/a" --preset loose > "$WORK/other.log" 2>&1; then fail "other options on the same folder were accepted"; fi
grep -q "synth.json" "$WORK/other.log" || fail "the refusal does not name synth.json"

# hifa prepare reads the folder as scans with body fits: posed.obj is the scan, body.json its fit.
# With the body model the fits name, each subject also gets its canonical data.
"$HIFA" prepare --scans "$WORK/a" --out "$WORK/p" --views 2 --res 32 --samples 100 --unlit --body "$WORK/body.npz" > "$WORK/p.log" 2>&1 || { cat "$WORK/p.log"; fail "prepare on the synth folder failed"; }
grep -q '"source": "subject_00000/posed.obj"' "$WORK/p/subjects/subject_00000/subject.json" || fail "prepare did not take posed.obj"
[ -s "$WORK/p/subjects/subject_00000/body.json" ] || fail "prepare did not carry body.json"
for f in scan.ply weights.npy samples.bin preview.png; do
  [ -s "$WORK/p/subjects/subject_00000/canonical/$f" ] || fail "prepare wrote no canonical/$f"
done
[ -s "$WORK/p/canonical_sheet.png" ] || fail "prepare wrote no canonical_sheet.png"

"$HIFA" synth --body "$WORK/body.npz" --motion "$MOTION" --count 1 --res 48 --out "$WORK/m" > "$WORK/m.log" 2>&1 || { cat "$WORK/m.log"; fail "motion run failed"; }
grep -q '"motion"' "$WORK/m/subject_00000/metadata.json" || fail "the motion library was not used"
echo "synth run ok"
