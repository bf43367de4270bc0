#!/bin/sh
# hifa P2S / Chamfer vs a scipy cKDTree point-cloud Chamfer on two ~100k-face meshes. Builds nothing:
# expects chamfer_peer in ${HIFA_BUILD_DIR:-build}/bench (cmake --build build --target chamfer_peer).
# Extra arguments go to the Python script (--samples, --runs). Threads: OMP_NUM_THREADS (default 2),
# used by both sides. Needs Debian's python3-scipy.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool="${HIFA_BUILD_DIR:-$here/../../build}/bench/chamfer_peer"
if [ ! -x "$tool" ]; then
  echo "chamfer_vs_scipy: $tool not found; build the chamfer_peer target first" >&2
  exit 1
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec /usr/bin/python3 "$here/chamfer_vs_scipy.py" --tool "$tool" "$@"
