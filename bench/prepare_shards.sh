#!/usr/bin/env bash
# hifa prepare across machines, simulated on this one (docs/distributed.md): the same scans
# prepared by one run (2 threads, 2 jobs) and as 2 shards run at once (1 thread and 1 job each)
# then merged; prints both wall times and their ratio, and checks the bytes are the same.
#   bench/prepare_shards.sh [BUILD_DIR] [SCANS_DIR]   (default scans: tests/prepare's good scans
#                                                      at 180 views of 256²; data/figures is a real set)
set -euo pipefail
BUILD=${1:-build}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HIFA=$BUILD/bin/hifa
SCANS=${2:-}
if [ -z "$SCANS" ]; then
  "$BUILD/tests/make_test_scans" good "$WORK/scans"
  SCANS=$WORK/scans
fi
OPTS=(--scans "$SCANS" --views 180 --res 256 --samples 8000 --seed 1)
now() { date +%s.%N; }
t0=$(now)
"$HIFA" --threads 2 prepare "${OPTS[@]}" --out "$WORK/one" --jobs 2 > /dev/null
t1=$(now)
"$HIFA" --threads 1 prepare "${OPTS[@]}" --out "$WORK/s0" --jobs 1 --shard 0/2 > /dev/null &
"$HIFA" --threads 1 prepare "${OPTS[@]}" --out "$WORK/s1" --jobs 1 --shard 1/2 > /dev/null
wait
t2=$(now)
"$HIFA" prepare --merge "$WORK/s0" "$WORK/s1" --out "$WORK/merged" > /dev/null
t3=$(now)
diff -r -q "$WORK/one" "$WORK/merged" > /dev/null && same=identical || same=DIFFERENT
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v same="$same" 'BEGIN {
  printf "one run: %.1f s; 2 shards at once: %.1f s + merge %.1f s; ratio one / sharded %.2f; bytes %s\n",
         b - a, c - b, d - c, (b - a) / (d - b), same }'
