# hifa fit-body as a user runs it, on a real figure (data/figures/male02, fetched by
# scripts/fetch-data; skipped without it): the fit JSON with every documented field, not doubtful,
# at least 95% of the body inside the clothing (measured 96.8%), the contact sheet, and the
# canonical scan with the scan's vertices. About 30 s on 2 cores.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA DATA WORK -- "$@"

FIGURE="$DATA/figures/male02/male02.obj"
BODY="$DATA/body/open_body.npz"
if [ ! -f "$FIGURE" ] || [ ! -f "$BODY" ]; then
  echo "SKIP: $FIGURE or $BODY is missing (scripts/fetch-data)"
  exit 77
fi
"$HIFA" fit-body --scan "$FIGURE" --body "$BODY" --out "$WORK/fit.json" --sheet "$WORK/fit.png" \
  --canonical "$WORK/rest.obj" > "$WORK/out.txt" 2> "$WORK/err.txt" || fail "fit-body failed: $(cat "$WORK/err.txt")"
python3 - "$WORK/fit.json" <<'PY' || fail "fit.json: see above"
import json, sys
fit = json.load(open(sys.argv[1]))
for key in ("format", "version", "model", "units", "betas", "pose", "global_orient", "translation", "scale",
            "rest_joints", "posed_joints", "energies", "inside_fraction", "up", "doubtful", "doubts"):
    assert key in fit, "no " + key
assert fit["format"] == "hifa-body-fit" and fit["units"] == "cm" and fit["up"] == "+y", fit
assert len(fit["pose"]) == 24 and len(fit["posed_joints"]) == 24, "not 24 joints"
assert not fit["doubtful"], fit["doubts"]
assert fit["inside_fraction"] >= 0.95, fit["inside_fraction"]
PY
[ -s "$WORK/fit.png" ] || fail "no contact sheet"
scan_vertices=$(grep -c '^v ' "$FIGURE")
rest_vertices=$(grep -c '^v ' "$WORK/rest.obj")
[ "$rest_vertices" -gt 0 ] && [ "$rest_vertices" -le "$scan_vertices" ] \
  || fail "canonical scan has $rest_vertices vertices, the figure $scan_vertices"
grep -q "inside the rest body" "$WORK/out.txt" || fail "no canonical report: $(cat "$WORK/out.txt")"
