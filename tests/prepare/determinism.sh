# Same scans and seed: the same bytes for --jobs 1 on one thread and --jobs 2 (or 3) on two, with
# pitch jitter, supersampling, the fine level and balancing on; another seed gives other bytes.
source "$(dirname "$0")/lib.sh"
"$MAKE_SCANS" good "$WORK/scans"
RUN=(--views 6 --res 64 --fine-res 80 --samples 800 --seed 11 --pitch-jitter 8 --supersample 2 --balance)
OMP_NUM_THREADS=1 "$HIFA" prepare --scans "$WORK/scans" --out "$WORK/one" "${RUN[@]}" --jobs 1 > /dev/null
"$HIFA" --threads 2 prepare --scans "$WORK/scans" --out "$WORK/two" "${RUN[@]}" --jobs 2 > /dev/null
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/three" "${RUN[@]}" --jobs 3 --threads 2 > /dev/null
same_trees "$WORK/one" "$WORK/two"
same_trees "$WORK/one" "$WORK/three"
"$HIFA" prepare --scans "$WORK/scans" --out "$WORK/other" --views 6 --res 64 --fine-res 80 --samples 800 --seed 12 \
  --pitch-jitter 8 --supersample 2 --balance > /dev/null
cmp -s "$WORK/one/subjects/tall/image/001.png" "$WORK/other/subjects/tall/image/001.png" && fail "seed 12 rendered seed 11's view"
cmp -s "$WORK/one/subjects/tall/samples_coarse.bin" "$WORK/other/subjects/tall/samples_coarse.bin" && fail "seed 12 drew seed 11's samples"
echo ok
