# A good run produces the documented files (docs/dataset.md) with sensible contents.
source "$(dirname "$0")/lib.sh"
"$MAKE_SCANS" good "$WORK/scans"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/data" "${SMALL[@]}" --test-fraction 0.34 > "$WORK/out.txt" 2> "$WORK/err.txt" \
  || { cat "$WORK/err.txt"; fail "prepare failed"; }
grep -q "prepared 3 subjects (0 already complete) of 3 scans" "$WORK/out.txt" || fail "summary: $(cat "$WORK/out.txt")"
D=$WORK/data
for f in manifest.json report.json split.json; do [ -f "$D/$f" ] || fail "missing $f"; done
for s in tall twosided parts; do
  S=$D/subjects/$s
  [ -f "$S/subject.json" ] || fail "missing $s/subject.json"
  for v in 000 001 002 003; do
    for k in image mask normal_front normal_back fine/image fine/mask fine/normal_front fine/normal_back; do
      [ -f "$S/$k/$v.png" ] || fail "missing $s/$k/$v.png"
    done
    [ -f "$S/calib/$v.json" ] || fail "missing $s/calib/$v.json"
  done
  [ -f "$S/calib/004.json" ] && fail "a fifth view"
  # 500 records of 16 bytes after the 32-byte header.
  for l in coarse fine; do
    [ "$(stat -c %s "$S/samples_$l.bin")" = 8032 ] || fail "$s samples_$l.bin has $(stat -c %s "$S/samples_$l.bin") bytes"
    [ "$(head -c 8 "$S/samples_$l.bin")" = HIFASMPL ] || fail "$s samples_$l.bin magic"
  done
done
# PNG sizes: 64² coarse, 96² fine (width and height at bytes 16..23 of the IHDR).
[ "$(od -An -tx1 -j16 -N8 "$D/subjects/tall/image/000.png" | tr -d ' \n')" = 0000004000000040 ] || fail "coarse size"
[ "$(od -An -tx1 -j16 -N8 "$D/subjects/tall/fine/image/000.png" | tr -d ' \n')" = 0000006000000060 ] || fail "fine size"
# The contact sheet: 3 subjects x (4 views x 4 maps), thumbnails min(128, 64) = 64 px, padding 4:
# (16 x 68 + 4) x (3 x (64 + 9 + 4) + 4) = 1092 x 235.
[ -f "$D/contact_sheet.png" ] || fail "missing contact_sheet.png"
[ "$(od -An -tx1 -j16 -N8 "$D/contact_sheet.png" | tr -d ' \n')" = 00000444000000eb ] || fail "contact sheet size $(od -An -tx1 -j16 -N8 "$D/contact_sheet.png")"
# Body fits are copied through untouched; a scan without one gets none.
cmp "$D/subjects/tall/body.json" "$WORK/scans/tall.body.json" || fail "tall body"
cmp "$D/subjects/twosided/body.json" "$WORK/scans/twosided/body.json" || fail "twosided body"
[ -e "$D/subjects/parts/body.json" ] && fail "parts has no body file"
/usr/bin/python3 - "$D" <<'PY' || fail "contents"
import json, struct, sys, math
d = sys.argv[1]
m = json.load(open(f"{d}/manifest.json"))
assert m["format"] == "hifa-pifu-dataset" and m["version"] == 2, m
assert [s["status"] for s in m["subjects"]] == ["done"] * 3, m["subjects"]
r = json.load(open(f"{d}/report.json"))
assert r["prepared"] == 3 and r["skipped"] == [], r
sp = json.load(open(f"{d}/split.json"))
assert len(sp["test"]) == 1 and len(sp["train"]) == 2 and sorted(sp["train"] + sp["test"]) == ["parts", "tall", "twosided"], sp
units = {}
for s in ["tall", "twosided", "parts"]:
    j = json.load(open(f"{d}/subjects/{s}/subject.json"))
    units[s] = j["unit"]
    # Their body files are not hifa-body-fit JSON: copied through, no canonical data.
    assert j["body_source"] == (None if s == "parts" else "given") and j["canonical"] is None, j
    assert j["canonical_missing"].startswith("no body fit" if s == "parts" else "the body file is not"), j
    for level, cm in [("coarse", 5), ("fine", 3)]:
        b = open(f"{d}/subjects/{s}/samples_{level}.bin", "rb").read()
        n, width = struct.unpack_from("<II", b, 12)
        sigma, sigma_cm, inside = struct.unpack_from("<ffI", b, 20)
        assert n == 500 and width == 4 and sigma_cm == cm, (s, n, width, sigma_cm)
        # sigma in normalized units = cm / cm_per_unit * scale
        expect = cm / j["cm_per_unit"] * j["normalization"]["scale"]
        assert math.isclose(sigma, expect, rel_tol=1e-5), (s, sigma, expect)
        labels = [struct.unpack_from("<f", b, 32 + 16 * i + 12)[0] for i in range(n)]
        assert set(labels) <= {0.0, 1.0} and sum(labels) == inside, s
        # A solid subject: a good share of near-surface samples falls inside (both-windings box included).
        assert 0.2 * n < inside < 0.8 * n, (s, level, inside)
        # The uniform share spans the whole cube that reconstruction evaluates, beyond the subject.
        pts = [struct.unpack_from("<fff", b, 32 + 16 * i) for i in range(n)]
        assert max(max(abs(p[0]), abs(p[2])) for p in pts) > 0.8, (s, level)
    assert j["samples"]["box"] == {"min": [-1, -1, -1], "max": [1, 1, 1]}, j["samples"]["box"]
    c = json.load(open(f"{d}/subjects/{s}/calib/001.json"))
    assert c["yaw_degrees"] == 90 and c["pitch_degrees"] == 0, c
    assert len(c["world_to_normalized"]) == 4
    # Lit by default: a 3 x 9 SH light per view, and the scan's PRT cached once.
    assert len(c["light"]["sh_rgb"]) == 3 and all(len(ch) == 9 for ch in c["light"]["sh_rgb"]), c["light"]
    assert open(f"{d}/cache/{s}.prt", "rb").read(8) == b"HIFAPRT\0"
assert units == {"tall": "m", "twosided": "cm", "parts": "mm"}, units
tw = json.load(open(f"{d}/subjects/twosided/subject.json"))["mesh"]
assert tw["opposite_pairs_removed"] == 12 and tw["faces_used"] == 12, tw
PY
# A fixed split (--split): rerunning resumes every subject and only rewrites split.json; a listed name
# that was not prepared is kept as missing.
echo '{"test": ["parts", "nobody"]}' > "$WORK/split.json"
"$HIFA" prepare --scans "$WORK/scans" --out "$D" "${SMALL[@]}" --split "$WORK/split.json" > "$WORK/out2.txt" 2>&1 \
  || { cat "$WORK/out2.txt"; fail "prepare --split failed"; }
/usr/bin/python3 - "$D/split.json" <<'PY' || fail "fixed split"
import json, sys
sp = json.load(open(sys.argv[1]))
assert sp["test"] == ["parts"] and sp["train"] == ["tall", "twosided"] and sp["missing"] == ["nobody"], sp
PY
echo '{"train": []}' > "$WORK/bad_split.json"
"$HIFA" prepare --scans "$WORK/scans" --out "$D" "${SMALL[@]}" --split "$WORK/bad_split.json" > /dev/null 2> "$WORK/err3.txt" \
  && fail "a split file without a test list was accepted"
grep -q 'bad_split.json: a split file needs a "test" list' "$WORK/err3.txt" || fail "split error: $(cat "$WORK/err3.txt")"
echo ok
