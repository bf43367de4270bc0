# hifa synth stopped by Ctrl-C (SIGINT): the subject in progress finishes, the command fails with
# one "interrupted with K of N subjects complete" line and exit code 1, and the same command then
# makes exactly the missing ones.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_BODY WORK -- "$@"
"$MAKE_BODY" "$WORK/body.npz"
SYNTH=(synth --body "$WORK/body.npz" --motion "$WORK/no-motion" --count 40 --res 48 --seed 2 --out "$WORK/s" --threads 1)
interrupt_at "$WORK/s/subject_00000" "${SYNTH[@]}"
error=$ERROR_LINE
echo "$error" | grep -q "^hifa: error: $WORK/s: interrupted with [0-9]* of 40 subjects complete; run the same command again to resume\$" \
  || fail "error line: $error"
complete=$(echo "$error" | sed 's/.*interrupted with \([0-9]*\) of.*/\1/')
[ "$(ls -d "$WORK"/s/subject_* | wc -l)" = "$complete" ] || fail "$complete reported, $(ls "$WORK/s") there"
"$HIFA" "${SYNTH[@]}" > "$WORK/second.txt" 2>&1 || { cat "$WORK/second.txt" >&2; fail "the rerun failed"; }
grep -q "made $((40 - complete)) subjects ($complete already complete)" "$WORK/second.txt" || fail "rerun: $(cat "$WORK/second.txt")"
echo ok
