# Shared by the command-line test scripts. Source it, then name the script's arguments with
# script_args (the helpers use HIFA, the hifa command, and WORK, the test's own folder):
#   script_args NAME... -- "$@"     the script's arguments into the variables NAME... (one each, all
#                                   required: another count stops with a usage line), then fresh_work
#   fail MESSAGE...                 stop the test with a message
#   fresh_work                      an empty $WORK
#   expect_error RC PATTERN ARGS... "$HIFA" ARGS fails with exit code RC and one stderr line matching
#                                   PATTERN
#   wait_for PATH PID               wait until PATH exists or process PID has ended (at most 60 s);
#                                   fails (returns 1) when PATH is still absent
#   interrupt_at PATH ARGS...       "$HIFA" ARGS in the background (stdout $WORK/first.txt, stderr
#                                   $WORK/first.err), SIGINT once PATH exists; it must then fail
#                                   with exit code 1 and one "hifa: error:" line, which ends stderr
#                                   (progress lines may come first) and is left in $ERROR_LINE
#   same_trees DIR DIR              the two trees hold the same files with the same bytes
fail() { echo "FAIL: $*" >&2; exit 1; }

fresh_work() {
  rm -rf "$WORK"
  mkdir -p "$WORK"
}

script_args() {
  local _sa_names=() _sa_name
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do _sa_names+=("$1"); shift; done
  [ $# -gt 0 ] || fail "script_args: no -- before the arguments"
  shift
  [ $# = ${#_sa_names[@]} ] || fail "usage: $(basename "$0") ${_sa_names[*]} (got $# arguments)"
  for _sa_name in "${_sa_names[@]}"; do
    printf -v "$_sa_name" '%s' "$1"
    shift
  done
  fresh_work
}

expect_error() {
  local rc=$1 pattern=$2 got
  shift 2
  set +e
  "$HIFA" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt"
  got=$?
  set -e
  [ $got = "$rc" ] || fail "exit code $got, expected $rc: $* ($(cat "$WORK/err.txt"))"
  [ "$(wc -l < "$WORK/err.txt")" = 1 ] || fail "not one line: $(cat "$WORK/err.txt")"
  grep -q -- "$pattern" "$WORK/err.txt" || fail "'$pattern' not in: $(cat "$WORK/err.txt")"
}

wait_for() {
  local path=$1 pid=$2
  for _ in $(seq 1 6000); do
    [ -e "$path" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  [ -e "$path" ]
}

interrupt_at() {
  local path=$1 pid rc
  shift
  "$HIFA" "$@" > "$WORK/first.txt" 2> "$WORK/first.err" &
  pid=$!
  wait_for "$path" $pid || { cat "$WORK/first.err" >&2; fail "$path was never written"; }
  kill -INT $pid
  set +e; wait $pid; rc=$?; set -e
  [ $rc = 1 ] || fail "exit code $rc after SIGINT, expected 1: $(cat "$WORK/first.txt" "$WORK/first.err")"
  [ "$(grep -c '^hifa: error: ' "$WORK/first.err")" = 1 ] || fail "not one error line: $(cat "$WORK/first.err")"
  ERROR_LINE=$(tail -1 "$WORK/first.err")
}

tree_sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
same_trees() {
  diff <(tree_sums "$1") <(tree_sums "$2") >/dev/null || { diff <(tree_sums "$1") <(tree_sums "$2") | head -20 >&2; fail "$1 and $2 differ"; }
}
