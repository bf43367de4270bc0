#!/usr/bin/python3
"""hifa::marching_cubes vs skimage.measure.marching_cubes (Lewiner) on the same grid, in one run.

Runs the mc_peer tool (bench/peers/mc_peer.cpp), which writes an n^3 float32 SDF grid and times hifa on
it, then loads that grid and times skimage on it with the same level and spacing (best of `runs`
each, normals included on both sides). Prints both times, the ratio skimage / hifa and both
vertex/face counts. Threads: hifa uses OMP_NUM_THREADS; skimage's marching cubes is single-threaded.

Run with Debian's Python (/usr/bin/python3 sees python3-skimage and python3-numpy):
  OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/marching_cubes_vs_skimage.py --tool build/bench/mc_peer
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import skimage
from skimage.measure import marching_cubes

from peer_machine import machine_line


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="path to the built mc_peer executable")
    parser.add_argument("--n", type=int, default=256, help="grid points per axis (default 256)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side, best is kept (default 5)")
    parser.add_argument("--surface", choices=["sphere", "rough"], default="rough")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hifa-mc-peer-") as tmp:
        grid_path = os.path.join(tmp, "grid.raw")
        done = subprocess.run([args.tool, grid_path, str(args.n), str(args.runs), args.surface],
                              check=True, capture_output=True, text=True)
        hifa = json.loads(done.stdout)
        volume = np.fromfile(grid_path, dtype="<f4").reshape(hifa["shape"])

    best = float("inf")
    for _ in range(args.runs):
        start = time.perf_counter()
        verts, faces, _normals, _values = marching_cubes(volume, level=hifa["level"], spacing=tuple(hifa["spacing"]))
        best = min(best, time.perf_counter() - start)

    n = args.n
    print(f"grid {n}^3 float32, surface '{args.surface}', level {hifa['level']}, best of {args.runs}")
    print(f"hifa::marching_cubes ({hifa['threads']} thread(s)):     {hifa['seconds'] * 1e3:9.1f} ms   "
          f"{hifa['vertices']:>9} vertices {hifa['faces']:>9} faces")
    print(f"skimage {skimage.__version__} marching_cubes (lewiner, 1 thread): {best * 1e3:9.1f} ms   "
          f"{len(verts):>9} vertices {len(faces):>9} faces")
    print(f"ratio skimage / hifa: {best / hifa['seconds']:.2f}x")
    print(machine_line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
