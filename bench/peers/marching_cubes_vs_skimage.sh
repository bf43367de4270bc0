#!/bin/sh
# hifa vs scikit-image marching cubes on one 256^3 grid. Builds nothing: expects mc_peer in
# ${HIFA_BUILD_DIR:-build}/bench (cmake --build build --target mc_peer). Extra arguments go to the
# Python script (--n, --runs, --surface). Threads for hifa: OMP_NUM_THREADS (default 1, like skimage).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool="${HIFA_BUILD_DIR:-$here/../../build}/bench/mc_peer"
if [ ! -x "$tool" ]; then
  echo "marching_cubes_vs_skimage: $tool not found; build the mc_peer target first" >&2
  exit 1
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec /usr/bin/python3 "$here/marching_cubes_vs_skimage.py" --tool "$tool" "$@"
