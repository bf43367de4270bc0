#!/bin/sh
# hifa vs numpy (einsum) and torch forward/inverse linear blend skinning, 100k points x 24 joints,
# same inputs, same threads, one run. Builds nothing: expects lbs_peer in ${HIFA_BUILD_DIR:-build}/bench
# (cmake --build build --target lbs_peer). Extra arguments go to the Python script (--points,
# --runs, --weights sparse|dense|both). Threads: OMP_NUM_THREADS (default 1, the thread count the
# issue's torch figures used), the same for hifa, numpy and torch. Needs Debian's python3-numpy and
# python3-torch.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool="${HIFA_BUILD_DIR:-$here/../../build}/bench/lbs_peer"
if [ ! -x "$tool" ]; then
  echo "lbs_vs_numpy_torch: $tool not found; build the lbs_peer target first" >&2
  exit 1
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec /usr/bin/python3 "$here/lbs_vs_numpy_torch.py" --tool "$tool" "$@"
