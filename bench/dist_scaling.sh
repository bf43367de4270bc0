#!/usr/bin/env bash
# Data-parallel scaling on this machine (docs/distributed.md): the same global batch trained by
# 2 ranks x 1 thread (hifa train --nproc 2) and by 1 rank x 2 threads, per stage of CONFIG; prints
# each stage's step time of both, their throughput ratio (goal >= 0.9: the ranks as fast as the
# threads) and the share of the ranks' step time spent in all-reduce.
#   bench/dist_scaling.sh [BUILD_DIR] [CONFIG] [STEPS]   (defaults: build, configs/tiny.yaml, 40)
# Needs targets hifa and make_test_scans. The dataset: tests/prepare's good scans, 16 views at the
# tiny config's sizes. Run it on an otherwise idle machine: both runs want both cores.
set -euo pipefail
BUILD=${1:-build}
CONFIG=${2:-configs/tiny.yaml}
STEPS=${3:-40}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HIFA=$BUILD/bin/hifa
"$BUILD/tests/make_test_scans" good "$WORK/scans"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/data" --views 16 --res 64 --fine-res 128 --samples 2000 \
  --unlit --test-fraction 0 --seed 1 > /dev/null
"$HIFA" --version | tail -1
TRAIN=(train --config "$CONFIG" --data "$WORK/data" --max-iterations "$STEPS")
"$HIFA" --threads 2 "${TRAIN[@]}" --out "$WORK/threads" > "$WORK/threads.txt" 2>&1
"$HIFA" --threads 2 "${TRAIN[@]}" --out "$WORK/ranks" --nproc 2 > "$WORK/ranks.txt" 2>&1
# losses.csv: the last row of each stage holds its cumulative step seconds (the 'seconds' column).
seconds() { awk -F, -v s="$2" 'NR == 1 { for (c = 1; c <= NF; ++c) if ($c == "seconds") col = c }
                                $1 == s { t = $col } END { print t }' "$1/losses.csv"; }
printf '%-8s %12s %12s %8s  %s\n' stage "1x2 s/step" "2x1 s/step" ratio "2 ranks: time in all-reduce"
for stage in $(tail -n +2 "$WORK/threads/losses.csv" | cut -d, -f1 | uniq); do
  a=$(seconds "$WORK/threads" "$stage")
  b=$(seconds "$WORK/ranks" "$stage")
  share=$(grep "^$stage stage on 2 ranks:" "$WORK/ranks.txt" | sed 's/^[^:]*: //')
  awk -v s="$stage" -v a="$a" -v b="$b" -v n="$STEPS" -v share="$share" \
    'BEGIN { printf "%-8s %12.4f %12.4f %8.3f  %s\n", s, a / n, b / n, a / b, share }'
done
