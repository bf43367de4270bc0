#!/usr/bin/python3
"""hifa's BVH closest-point query vs Open3D's RaycastingScene, same mesh, same points, same threads.

Runs the closest_point_peer tool (bench/peers/closest_point_peer.cpp), which writes a ~100k-face
sphere mesh and N query points and times hifa's BVH build and closest-point query on them; then
loads both and times Open3D's scene build and compute_closest_points with nthreads equal to hifa's
thread count (best of `runs` each). Prints throughput of both, the ratio hifa / Open3D and the
agreement (largest difference of the unsigned distances).

Run with Debian's Python (/usr/bin/python3 sees python3-open3d and python3-numpy):
  OMP_NUM_THREADS=2 /usr/bin/python3 bench/peers/closest_point_vs_open3d.py --tool build/bench/closest_point_peer
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import open3d as o3d


from peer_timing import best_of

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="path to the built closest_point_peer executable")
    parser.add_argument("--points", type=int, default=1000000, help="query points (default 1M)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side, best is kept (default 3)")
    parser.add_argument("--where", choices=["uniform", "near"], default="uniform",
                        help="points uniform in [-1,1]^3 or within 0.05 of the surface")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hifa-cp-peer-") as tmp:
        done = subprocess.run([args.tool, tmp, str(args.points), str(args.runs), args.where],
                              check=True, capture_output=True, text=True)
        hifa = json.loads(done.stdout)
        mesh = o3d.io.read_triangle_mesh(os.path.join(tmp, "mesh.ply"))
        points = np.fromfile(os.path.join(tmp, "points.raw"), dtype="<f4").reshape(-1, 3)
        hifa_distances = np.fromfile(os.path.join(tmp, "distances.raw"), dtype="<f4")

    threads = hifa["threads"]
    triangles = o3d.t.geometry.TriangleMesh.from_legacy(mesh)

    def build():
        scene = o3d.t.geometry.RaycastingScene()
        scene.add_triangles(triangles)
        return scene

    build_seconds, scene = best_of(args.runs, build)
    query = o3d.core.Tensor(points, dtype=o3d.core.Dtype.Float32)
    query_seconds, closest = best_of(args.runs, lambda: scene.compute_closest_points(query, nthreads=threads))
    o3d_distances = np.linalg.norm(closest["points"].numpy() - points, axis=1)

    n = len(points)
    print(f"{hifa['faces']} faces, {n} points ({args.where}), {threads} thread(s) each side, best of {args.runs}")
    print(f"hifa MeshBvh:           build {hifa['build_seconds'] * 1e3:8.1f} ms   "
          f"closest points {n / hifa['query_seconds'] / 1e6:7.3f} M points/s")
    print(f"Open3D {o3d.__version__} Raycasting: build {build_seconds * 1e3:8.1f} ms   "
          f"closest points {n / query_seconds / 1e6:7.3f} M points/s")
    print(f"ratio hifa / Open3D (closest-point throughput): {query_seconds / hifa['query_seconds']:.2f}x")
    print(f"agreement: max |distance difference| = {np.abs(hifa_distances - o3d_distances).max():.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
