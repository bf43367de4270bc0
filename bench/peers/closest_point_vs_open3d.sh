#!/bin/sh
# hifa vs Open3D closest points on one mesh and 1M points. Builds nothing: expects closest_point_peer
# in ${HIFA_BUILD_DIR:-build}/bench (cmake --build build --target closest_point_peer). Extra
# arguments go to the Python script (--points, --runs, --where). Threads: OMP_NUM_THREADS (default 2),
# used by both sides. Needs Debian's python3-open3d.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool="${HIFA_BUILD_DIR:-$here/../../build}/bench/closest_point_peer"
if [ ! -x "$tool" ]; then
  echo "closest_point_vs_open3d: $tool not found; build the closest_point_peer target first" >&2
  exit 1
fi
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
exec /usr/bin/python3 "$here/closest_point_vs_open3d.py" --tool "$tool" "$@"
