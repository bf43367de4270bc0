#!/usr/bin/env bash
# CAR's refinement: the hypernetwork's start against the sphere's (issue goal: the random start's
# normal loss after K iterations reached in <= K/5), and refined against unrefined quality, on the
# test views of a prepared dataset with the subjects' own fits (docs/refine.md, "Convergence").
#   bench/refine_convergence.sh CAR_RUN HYPER_RUN DATASET SCANS [VIEWS] [RES]   (defaults 1, 128)
# Writes CAR_RUN/eval_gt_body{,_refined,_refined_random}/ and CAR_RUN/refine_convergence.png.
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,6p "$0"; exit 2; }
CAR=$1 HYPER=$2 DATA=$3 SCANS=$4 VIEWS=${5:-1} RES=${6:-128}
BUILD=${HIFA_BUILD_DIR:-build}
EVAL=("$BUILD/bin/hifa" eval-run --run "$CAR" --data "$DATA" --scans "$SCANS" --gt-body --views "$VIEWS" --res "$RES")
"${EVAL[@]}"
"${EVAL[@]}" --refine "$HYPER"
"${EVAL[@]}" --refine "$HYPER" --refine-init random
"$BUILD/bench/refine_convergence" "$CAR/eval_gt_body" "$CAR/eval_gt_body_refined" "$CAR/eval_gt_body_refined_random" \
  "$CAR/refine_convergence.png"
