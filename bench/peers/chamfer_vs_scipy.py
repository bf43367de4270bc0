#!/usr/bin/python3
"""hifa's P2S / Chamfer vs a scipy cKDTree point-cloud Chamfer, same samples, same threads.

Runs the chamfer_peer tool (bench/peers/chamfer_peer.cpp), which makes two ~100k-face sphere meshes
(pred, and gt = pred scaled by 1.02 and shifted), draws N surface samples on each, writes them and
times hifa's directed distances both ways (MeshBvh build on each mesh + closest points of the other
mesh's samples: the P2S / Chamfer part of evaluate_reconstruction). Then loads the samples and
times the usual PyTorch / PIFu-style point-cloud Chamfer: a scipy.spatial.cKDTree on each cloud,
queried with the other (workers = hifa's thread count), Chamfer = (mean d(pred->gt) + mean
d(gt->pred)) / 2; best of `runs` each. Prints both times, the ratio scipy / hifa and both Chamfer
values. hifa's distances are point-to-surface, scipy's point-to-point (nearest sample), so scipy's
Chamfer is larger, by roughly the sample spacing.

Run with Debian's Python (/usr/bin/python3 sees python3-scipy and python3-numpy):
  OMP_NUM_THREADS=2 /usr/bin/python3 bench/peers/chamfer_vs_scipy.py --tool build/bench/chamfer_peer
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy
from scipy.spatial import cKDTree


from peer_machine import machine_line
from peer_timing import best_of

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="path to the built chamfer_peer executable")
    parser.add_argument("--samples", type=int, default=10000, help="surface samples per mesh (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side, best is kept (default 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="hifa-chamfer-peer-") as tmp:
        done = subprocess.run([args.tool, tmp, str(args.samples), str(args.runs)],
                              check=True, capture_output=True, text=True)
        hifa = json.loads(done.stdout)
        pred = np.fromfile(os.path.join(tmp, "pred.raw"), dtype="<f4").reshape(-1, 3).astype(np.float64)
        gt = np.fromfile(os.path.join(tmp, "gt.raw"), dtype="<f4").reshape(-1, 3).astype(np.float64)

    threads = hifa["threads"]

    build_seconds, _ = best_of(args.runs, lambda: (cKDTree(pred), cKDTree(gt)))

    def chamfer():
        pred_tree, gt_tree = cKDTree(pred), cKDTree(gt)
        pred_to_gt = gt_tree.query(pred, k=1, workers=threads)[0].mean()
        gt_to_pred = pred_tree.query(gt, k=1, workers=threads)[0].mean()
        return pred_to_gt, (pred_to_gt + gt_to_pred) / 2

    seconds, (p2s, value) = best_of(args.runs, chamfer)

    n = len(pred)
    print(f"{hifa['faces']} faces per mesh, {n} samples per mesh, {threads} thread(s) each side, best of {args.runs}")
    print(f"hifa MeshBvh (point-to-surface):      {hifa['seconds'] * 1e3:8.2f} ms   "
          f"p2s {hifa['p2s']:.6f}   chamfer {hifa['chamfer']:.6f}   "
          f"(of which two BVH builds {hifa['build_seconds'] * 1e3:.2f} ms)")
    print(f"scipy {scipy.__version__} cKDTree (point-to-point): {seconds * 1e3:8.2f} ms   "
          f"p2s {p2s:.6f}   chamfer {value:.6f}   "
          f"(of which two tree builds {build_seconds * 1e3:.2f} ms)")
    print(f"ratio scipy / hifa (time): {seconds / hifa['seconds']:.2f}x")
    print(machine_line())
    print("note: hifa's distances are to the other mesh's surface, scipy's to its nearest sample, so scipy's "
          f"values are larger by roughly the sample spacing (here {value - hifa['chamfer']:+.6f} in Chamfer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
