# Shared by the prepare test scripts: args HIFA MAKE_SCANS WORK; fail() stops with a message.
set -euo pipefail
HIFA=$1
MAKE_SCANS=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
# Small settings so a run takes well under a second: 4 views at 64², fine level at 96².
SMALL=(--views 4 --res 64 --fine-res 96 --samples 500 --seed 3)
# Every file of a tree with its checksum, for byte-for-byte comparisons of two datasets.
tree_sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
same_trees() {
  diff <(tree_sums "$1") <(tree_sums "$2") >/dev/null || { diff <(tree_sums "$1") <(tree_sums "$2") | head -20 >&2; fail "$1 and $2 differ"; }
}
