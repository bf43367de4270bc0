# Shared by the hifa train test scripts: args HIFA MAKE_SCANS WORK CONFIG, ../lib/cli.sh's helpers,
# and the dataset they train on: 3 subjects x 8 views at the tiny config's sizes (64², fine 128²),
# all in the train split: 24 items, 6 batches of 4 per epoch, in $WORK/data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_SCANS WORK CONFIG -- "$@"
"$MAKE_SCANS" good "$WORK/scans"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/data" --views 8 --res 64 --fine-res 128 --samples 600 \
  --unlit --test-fraction 0 --seed 1 > /dev/null
