# Shared by the prepare test scripts: args HIFA MAKE_SCANS WORK; ../lib/cli.sh's helpers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
script_args HIFA MAKE_SCANS WORK -- "$@"
# Small settings so a run takes well under a second: 4 views at 64², fine level at 96².
SMALL=(--views 4 --res 64 --fine-res 96 --samples 500 --seed 3)
