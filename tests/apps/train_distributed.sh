# Data-parallel hifa train (docs/distributed.md) with two processes on 127.0.0.1, launched the way
# torchrun launches them (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set here: no Python needed) and
# by hifa train --nproc:
#   - 2 ranks x batch 2 train every stage (normal, coarse, fine; 20 steps each) to the weights of
#     1 rank x batch 4: the runs end apart by <= 2% of the distance training moved them (measured
#     0.45%; 1 rank on 2 threads against 1 thread: 0.63%; 1 rank x batch 2, the control that saw
#     other data: 10%), and log the same losses to 1e-5 relative (measured 1.3e-6). The config is
#     CONFIG with plain SGD: Adam and RMSprop divide by the gradient's running size, which turns
#     the rounding of a near-zero gradient summed in another order into a full step of either sign
#     -- with them any two runs that round differently (2 threads against 1 too) drift apart;
#   - a run cut after 8 coarse steps on 2 ranks resumes on 1 rank to the 1-rank run's weights;
#   - a rank killed with SIGKILL ends the other with one error naming it, within 60 s;
#   - a store nobody hosts (wrong MASTER_PORT) is one error naming address and port, within the timeout;
#   - a batch the ranks cannot share is one error naming the config key.
# Args: HIFA MAKE_SCANS WORK CONFIG COMPARE_RUNS
set -euo pipefail
COMPARE=${@: -1}
set -- "${@:1:$#-1}"
source "$(dirname "$0")/train_lib.sh"  # HIFA MAKE_SCANS WORK CONFIG; the 24-item dataset in $WORK/data


port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)); }
# torchrun's variables for rank $1 of $2 at port $3, then the command (through env, so that $! of
# a background rank is hifa's own pid).
as_rank() { local r=$1 w=$2 p=$3; shift 3; env RANK="$r" LOCAL_RANK="$r" WORLD_SIZE="$w" MASTER_ADDR=127.0.0.1 MASTER_PORT="$p" "$@"; }
sed -E 's/(normal: \{optimizer: )adam, lr: [0-9.e-]+/\1sgd, lr: 2.0e-4/; s/(coarse|fine)(: \{optimizer: )rmsprop, lr: [0-9.e-]+/\1\2sgd, lr: 1.0e-2/' \
  "$CONFIG" > "$WORK/sgd.yaml"
grep -q "optimizer: sgd" "$WORK/sgd.yaml" && ! grep -q "rmsprop\|adam" "$WORK/sgd.yaml" || fail "no SGD config made of $CONFIG"
TRAIN=(train --config "$WORK/sgd.yaml" --data "$WORK/data" --threads 1)

# 1 rank, then 2 ranks by environment, through all three stages.
"$HIFA" "${TRAIN[@]}" --out "$WORK/one" --max-iterations 20 > "$WORK/one.txt" 2>&1 || fail "1 rank: $(tail -3 "$WORK/one.txt")"
p=$(port)
as_rank 1 2 "$p" "$HIFA" "${TRAIN[@]}" --out "$WORK/two" --max-iterations 20 > "$WORK/rank1.txt" 2>&1 &
rank1=$!
as_rank 0 2 "$p" "$HIFA" "${TRAIN[@]}" --out "$WORK/two" --max-iterations 20 > "$WORK/rank0.txt" 2>&1 \
  || fail "rank 0: $(tail -3 "$WORK/rank0.txt")"
wait $rank1 || fail "rank 1: $(tail -3 "$WORK/rank1.txt")"
grep -q "2 ranks" "$WORK/rank0.txt" || fail "rank 0 does not say it has 2 ranks: $(head -2 "$WORK/rank0.txt")"
[ ! -s "$WORK/rank1.txt" ] || fail "rank 1 printed: $(head -3 "$WORK/rank1.txt")"
"$COMPARE" "$WORK/one" "$WORK/two" 0.02 || fail "2 ranks x batch 2 differ from 1 rank x batch 4"
# The control: the comparison tells runs that saw other data apart.
sed 's/batch: 4/batch: 2/' "$WORK/sgd.yaml" > "$WORK/half.yaml"
"$HIFA" train --config "$WORK/half.yaml" --data "$WORK/data" --threads 1 --out "$WORK/half" --max-iterations 20 > /dev/null 2>&1
"$COMPARE" "$WORK/one" "$WORK/half" 0.02 > "$WORK/control.txt" && fail "1 rank x batch 2 passes as 1 rank x batch 4: $(cat "$WORK/control.txt")"
# The logged losses (rows of 5 steps' means): the same to 1e-5 relative, the rows the same.
paste -d, <(tail -n +2 "$WORK/one/losses.csv") <(tail -n +2 "$WORK/two/losses.csv") | awk -F, '
  { for (c = 4; c <= 8; ++c) { a = $c; b = $(c + 10)
      if ($1 != $11 || $3 != $13) { print "row " NR ": " $1 "," $3 " against " $11 "," $13; bad = 1 }
      if (a != "nan" && (b == "nan" || (a - b > 1e-5 * (a > 0 ? a : -a) + 1e-7) || (b - a > 1e-5 * (a > 0 ? a : -a) + 1e-7))) {
        print "row " NR " column " c ": " a " against " b; bad = 1 } } }
  END { exit bad }' >&2 || fail "the logged losses differ"
[ "$(wc -l < "$WORK/one/losses.csv")" = "$(wc -l < "$WORK/two/losses.csv")" ] || fail "not as many loss rows"

# Resume at another world size: 8 coarse steps on 2 ranks (hifa train --nproc), the rest on 1 rank.
"$HIFA" "${TRAIN[@]}" --out "$WORK/ref" --stages coarse --max-iterations 14 > /dev/null 2>&1 || fail "coarse reference run"
"$HIFA" "${TRAIN[@]}" --out "$WORK/cut" --stages coarse --max-iterations 8 --nproc 2 > "$WORK/cut.txt" 2>&1 \
  || fail "--nproc 2: $(tail -3 "$WORK/cut.txt")"
"$HIFA" "${TRAIN[@]}" --out "$WORK/cut" --stages coarse --max-iterations 14 --resume > "$WORK/resumed.txt" 2>&1 \
  || fail "resume on 1 rank: $(tail -3 "$WORK/resumed.txt")"
grep -q "^resuming .* at stage coarse, epoch 1, step 8" "$WORK/resumed.txt" || fail "no resume line: $(cat "$WORK/resumed.txt")"
"$COMPARE" "$WORK/ref" "$WORK/cut" 0.02 || fail "2 ranks then 1 rank differ from 1 rank"

# A rank killed (SIGKILL) while training: the other stops with one error naming it, within 60 s.
p=$(port)
env RANK=1 LOCAL_RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT="$p" "$HIFA" "${TRAIN[@]}" --out "$WORK/killed" \
  > "$WORK/k1.txt" 2>&1 &
victim=$!
as_rank 0 2 "$p" "$HIFA" "${TRAIN[@]}" --out "$WORK/killed" > "$WORK/k0.txt" 2> "$WORK/k0.err" &
survivor=$!
wait_for "$WORK/killed/losses.csv" $survivor || fail "the 2-rank run did not start: $(cat "$WORK/k0.err")"
sleep 2
kill -KILL $victim
start=$SECONDS
rc=0
wait $survivor || rc=$?
[ $rc = 1 ] || fail "rank 0 exit code $rc after rank 1 was killed"
[ $((SECONDS - start)) -le 60 ] || fail "rank 0 took $((SECONDS - start)) s to stop"
last=$(tail -1 "$WORK/k0.err")
[[ "$last" =~ ^"hifa: error: distributed training: rank 0 of 2: rank 1 stopped responding" ]] || fail "rank 0 said: $last"

# Nobody hosts the store: one error naming it, within --dist-timeout (3 s) and some slack.
p=$(port)
start=$SECONDS
set +e
as_rank 1 2 "$p" "$HIFA" "${TRAIN[@]}" --out "$WORK/lonely" --dist-timeout 3 > /dev/null 2> "$WORK/lonely.err"
rc=$?
set -e
[ $rc = 1 ] || fail "exit code $rc without a store"
[ $((SECONDS - start)) -le 30 ] || fail "$((SECONDS - start)) s to give up on the store"
[ "$(wc -l < "$WORK/lonely.err")" = 1 ] || fail "not one line: $(cat "$WORK/lonely.err")"
grep -q "^hifa: error: distributed training: rank 1 of 2: cannot reach the rendezvous store at 127.0.0.1:$p" "$WORK/lonely.err" \
  || fail "$(cat "$WORK/lonely.err")"

# Ctrl-C reaching hifa train --nproc: every rank stops at the same step after rank 0's checkpoint,
# the command says so in one last line, and --resume (here on 1 rank) continues there.
"$HIFA" "${TRAIN[@]}" --out "$WORK/ctrl_c" --nproc 2 > /dev/null 2> "$WORK/ctrl_c.err" &
launcher=$!
wait_for "$WORK/ctrl_c/losses.csv" $launcher || fail "the --nproc run did not start: $(cat "$WORK/ctrl_c.err")"
sleep 2
kill -INT $launcher
rc=0
wait $launcher || rc=$?
[ $rc = 1 ] || fail "exit code $rc after SIGINT"
[[ "$(tail -1 "$WORK/ctrl_c.err")" =~ ^"hifa: error: hifa train --nproc 2: interrupted: the workers stopped after a checkpoint" ]] \
  || fail "after SIGINT: $(tail -3 "$WORK/ctrl_c.err")"
"$HIFA" "${TRAIN[@]}" --out "$WORK/ctrl_c" --resume --max-iterations 1 > "$WORK/ctrl_c.txt" 2>&1 \
  || fail "resume after SIGINT: $(tail -3 "$WORK/ctrl_c.txt")"
grep -q "^resuming $WORK/ctrl_c at stage" "$WORK/ctrl_c.txt" || fail "$(cat "$WORK/ctrl_c.txt")"

# The launcher killed outright (SIGKILL): its workers get SIGTERM from the kernel, checkpoint and end.
"$HIFA" "${TRAIN[@]}" --out "$WORK/orphans" --nproc 2 > /dev/null 2>&1 &
launcher=$!
wait_for "$WORK/orphans/losses.csv" $launcher || fail "the --nproc run did not start"
sleep 2
workers=$(pgrep -P $launcher | tr '\n' ' ')
[ -n "$workers" ] || fail "no workers under the launcher"
kill -KILL $launcher
wait $launcher 2>/dev/null || true
for _ in $(seq 1 300); do
  alive=0
  for w in $workers; do  # a zombie (ended, not yet reaped by whoever adopted it) counts as ended
    case "$(ps -o stat= -p "$w" 2>/dev/null)" in ""|Z*) ;; *) alive=1 ;; esac
  done
  [ $alive = 0 ] && break
  sleep 0.1
done
[ $alive = 0 ] || { kill -KILL $workers 2>/dev/null; fail "workers $workers outlived their launcher by 30 s"; }

# Rank 0 cannot open the run (it holds one already): both ranks stop at once, rank 0 saying why.
start=$SECONDS
set +e
"$HIFA" "${TRAIN[@]}" --out "$WORK/one" --nproc 2 > /dev/null 2> "$WORK/taken.err"
rc=$?
set -e
[ $rc = 1 ] || fail "exit code $rc for a taken run folder"
[ $((SECONDS - start)) -le 30 ] || fail "$((SECONDS - start)) s to stop on a taken run folder"
grep -q "^hifa: error: $WORK/one: already holds a run" "$WORK/taken.err" || fail "$(cat "$WORK/taken.err")"

# NCCL for CPU training (or in a build without NCCL, as Debian's): one error naming the option.
p=$(port)
RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$p expect_error 1 "^hifa: error: --dist-backend nccl: " train --config "$WORK/sgd.yaml" --data "$WORK/data" --out "$WORK/nccl" \
  --dist-backend nccl
# 3 ranks cannot share tiny.yaml's batch of 4.
set +e
"$HIFA" "${TRAIN[@]}" --out "$WORK/three" --nproc 3 > /dev/null 2> "$WORK/three.err"
rc=$?
set -e
[ $rc = 1 ] || fail "exit code $rc for 3 ranks"
grep -q "train.normal.batch is 4, which 3 ranks cannot share" "$WORK/three.err" || fail "$(cat "$WORK/three.err")"
grep -q "^hifa: error: hifa train --nproc 3: rank [0-2] exited with code 1; the other ranks were stopped" "$WORK/three.err" \
  || fail "$(cat "$WORK/three.err")"
echo ok
