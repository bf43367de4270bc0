#!/usr/bin/python3
"""hifa's forward and inverse LBS vs numpy (einsum) and torch, same inputs, same threads.

Runs the lbs_peer tool (bench/peers/lbs_peer.cpp), which writes N points, N x 24 skinning weights
and 24 skinning transforms and times hifa's LbsWarper on them; then times the usual numpy and torch
formulations on the same arrays (best of `runs` each):
  forward  T = Σ_k w_k A_k per point (numpy: einsum 'nk,kij->nij'; torch: W @ A.view(24, 16)),
           x' = T[:3, :3] x + T[:3, 3]
  inverse  the same T, inverted per point (numpy.linalg.inv / torch.linalg.inv on N x 4 x 4),
           applied to the posed points
Prints each side's time, the ratios numpy / hifa and torch / hifa, and the agreement of both hifa
warpers' results with both peers' (largest difference; the run fails beyond 1e-4 forward, 1e-3
inverse). Weights: "sparse" (1-4 non-zero joints per point, like SMPL's) and
"dense" (all 24 non-zero); numpy, torch and hifa's LbsWarper do the same dense work either way.
hifa runs twice: LbsWarper over the dense N x 24 weights and SparseLbsWarper over their
(joint, weight) pairs (sparsify_weights, timed apart: it is done once per body).

Run with Debian's Python (/usr/bin/python3 sees python3-numpy and python3-torch):
  OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/lbs_vs_numpy_torch.py --tool build/bench/lbs_peer
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

from peer_machine import machine_line
from peer_timing import best_of


def numpy_blend(w, a):
    return np.einsum("nk,kij->nij", w, a)


def numpy_forward(w, a, x):
    t = numpy_blend(w, a)
    return np.einsum("nij,nj->ni", t[:, :3, :3], x) + t[:, :3, 3]


def numpy_inverse(w, a, y):
    t = np.linalg.inv(numpy_blend(w, a))
    return np.einsum("nij,nj->ni", t[:, :3, :3], y) + t[:, :3, 3]


def torch_blend(w, a):
    return (w @ a.reshape(a.shape[0], 16)).reshape(-1, 4, 4)


def torch_forward(w, a, x):
    t = torch_blend(w, a)
    return (t[:, :3, :3] @ x.unsqueeze(-1)).squeeze(-1) + t[:, :3, 3]


def torch_inverse(w, a, y):
    t = torch.linalg.inv(torch_blend(w, a))
    return (t[:, :3, :3] @ y.unsqueeze(-1)).squeeze(-1) + t[:, :3, 3]


def run(args, kind):
    with tempfile.TemporaryDirectory(prefix="hifa-lbs-peer-") as tmp:
        done = subprocess.run([args.tool, tmp, str(args.points), str(args.runs), kind],
                              check=True, capture_output=True, text=True)
        hifa = json.loads(done.stdout)
        load = lambda name, shape: np.fromfile(os.path.join(tmp, name), dtype="<f4").reshape(shape)
        n, k = hifa["points"], hifa["joints"]
        x, w, a = load("points.raw", (n, 3)), load("weights.raw", (n, k)), load("transforms.raw", (k, 4, 4))
        hifa_y, hifa_back = load("forward.raw", (n, 3)), load("inverse.raw", (n, 3))
        sparse_y, sparse_back = load("sparse_forward.raw", (n, 3)), load("sparse_inverse.raw", (n, 3))

    threads = hifa["threads"]
    torch.set_num_threads(threads)
    np_fwd_s, np_y = best_of(args.runs, lambda: numpy_forward(w, a, x))
    np_inv_s, np_back = best_of(args.runs, lambda: numpy_inverse(w, a, hifa_y))
    tw, ta, tx, ty = (torch.from_numpy(v) for v in (w, a, x, hifa_y))
    with torch.no_grad():
        torch_fwd_s, torch_y = best_of(args.runs, lambda: torch_forward(tw, ta, tx))
        torch_inv_s, torch_back = best_of(args.runs, lambda: torch_inverse(tw, ta, ty))

    print(f"{n} points x {k} joints, {kind} weights, {threads} thread(s) each side "
          f"(torch.get_num_threads() = {torch.get_num_threads()}), best of {args.runs}")
    sparse_name = f"hifa sparse (M={hifa['sparse_width']})"
    print(f"  {'':24s} {'forward':>10s} {'inverse':>10s}")
    print(f"  {'hifa LbsWarper (dense)':24s} {hifa['forward_seconds'] * 1e3:8.2f}ms {hifa['inverse_seconds'] * 1e3:8.2f}ms")
    print(f"  {sparse_name:24s} {hifa['sparse_forward_seconds'] * 1e3:8.2f}ms "
          f"{hifa['sparse_inverse_seconds'] * 1e3:8.2f}ms   (sparsify_weights once: {hifa['sparsify_seconds'] * 1e3:.2f}ms)")
    print(f"  {'numpy ' + np.__version__:24s} {np_fwd_s * 1e3:8.2f}ms {np_inv_s * 1e3:8.2f}ms")
    print(f"  {'torch ' + torch.__version__:24s} {torch_fwd_s * 1e3:8.2f}ms {torch_inv_s * 1e3:8.2f}ms")
    for name, prefix in (("dense", ""), ("sparse", "sparse_")):
        fwd, inv = hifa[prefix + "forward_seconds"], hifa[prefix + "inverse_seconds"]
        print(f"  ratio numpy / hifa {name:6s}: forward {np_fwd_s / fwd:.1f}x, inverse {np_inv_s / inv:.1f}x   (goal >= 5x)")
        print(f"  ratio torch / hifa {name:6s}: forward {torch_fwd_s / fwd:.1f}x, inverse {torch_inv_s / inv:.1f}x   (goal >= 2x)")
    # Both hifa warpers against both peers: the inverse maps hifa's dense forward result back.
    peers_y, peers_back = (np_y, torch_y.numpy()), (np_back, torch_back.numpy())
    ok = True
    for name, y, back in (("dense", hifa_y, hifa_back), ("sparse", sparse_y, sparse_back)):
        fwd_err = max(np.abs(y - p).max() for p in peers_y)
        inv_err = max(np.abs(back - p).max() for p in peers_back)
        round_trip = np.abs(back - x).max()
        print(f"  agreement, hifa {name:6s}: max |hifa - peer| forward {fwd_err:.2g}, inverse {inv_err:.2g}; "
              f"max |inverse(forward(x)) - x| = {round_trip:.2g}")
        ok = ok and fwd_err < 1e-4 and inv_err < 1e-3
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="path to the built lbs_peer executable")
    parser.add_argument("--points", type=int, default=100000, help="points (default 100k)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side, best is kept (default 5)")
    parser.add_argument("--weights", choices=["sparse", "dense", "both"], default="both",
                        help="SMPL-like weights (1-4 joints per point), all 24 joints, or both (default)")
    args = parser.parse_args()
    kinds = ["sparse", "dense"] if args.weights == "both" else [args.weights]
    ok = all([run(args, kind) for kind in kinds])
    print(machine_line())
    if not ok:
        print("lbs_vs_numpy_torch: hifa and the peers disagree", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
