#!/usr/bin/env bash
# Issue 5's goal for hifa prepare: 180 views + samples of a ~100k-face textured scan at 512² on
# 2 cores in under a minute. Makes the scan (tests/prepare/make_test_scans big), prepares it with
# the defaults (SH lighting with PRT, procedural backgrounds, 8000 samples per sigma level) and
# prints the wall time of the whole verb: loading, cleaning, PRT, rendering, encoding, samples.
#   bench/prepare_goal.sh [BUILD_DIR]      (default: build; needs targets hifa and make_test_scans)
set -euo pipefail
BUILD=${1:-build}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BUILD/tests/make_test_scans" big "$WORK/scans"
start=$(date +%s.%N)
OMP_NUM_THREADS=2 "$BUILD/bin/hifa" prepare --scans "$WORK/scans" --out "$WORK/data" --views 180 --res 512 \
  --samples 8000 --jobs 2 --threads 2
end=$(date +%s.%N)
echo "prepare_goal: $(echo "$end - $start" | bc) s for 180 views at 512² + samples (goal < 60 s on 2 cores)"
du -sh "$WORK/data/subjects/big" | sed 's/^/prepare_goal: subject folder /'
