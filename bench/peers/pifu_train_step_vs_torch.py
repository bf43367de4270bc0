#!/usr/bin/python3
"""One training step of hifa's coarse PIFu level vs the same model in PyTorch (python3-torch).

Runs the pifu_train_step_peer tool (bench/peers/pifu_train_step_peer.cpp) on a trainer YAML: it
builds model.coarse (stacked hourglass + surface MLP) in LibTorch, writes its initial weights and a
seeded batch (images, points, calibrations, labels) to setup.pt, and times `warmup + steps` training
steps (encode, project, query every stack, extended BCE over stacks, backward, RMSProp). Then this
script builds the PyTorch mirror (pifu_models.py) from the resolved config the tool printed,
checks that both sides have the same parameters (names, shapes, count), loads the same weights and
batch and times the same steps with the same optimizer and thread count. With --rounds R the two
sides alternate R times (each round: hifa then torch), so load from other processes hits both.

Heap settings: hifa's training sets glibc's heap to keep freed memory (trainer/runtime/heap.hpp:
no mmap per block, no trimming; fewer page faults). PyTorch as a user runs it keeps glibc's
defaults, and glibc reads its own settings only at start-up, so the PyTorch side runs in a process
of its own, started with the same settings as hifa's side: glibc's defaults on both sides, then
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=<2^62> for PyTorch beside hifa's keep_freed_memory().
--heap both (default) measures both pairs and prints both ratios.

Prints the parameter count, each side's median step time over all timed steps (wall, and process
CPU time of all threads: on a machine shared with other jobs the wall time mostly measures how
long threads wait for a core), the ratios hifa / torch per heap setting (goal: wall <= 0.8), the
CPU and each side's BLAS kernels (peer_machine.py; hifa's tool re-executes itself onto faster
OpenBLAS kernels where the library fell back to its SSE3 ones: trainer/runtime/blas_core.hpp) and
the agreement of the losses (the initial-state loss must match to 1e-4 relative: same weights,
same batch, same maths).

Run with Debian's Python (/usr/bin/python3 sees python3-torch, the same 1.13 as Debian's LibTorch):
  /usr/bin/python3 bench/peers/pifu_train_step_vs_torch.py --tool build/bench/pifu_train_step_peer
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch

from peer_machine import machine_line
from pifu_models import PIFuLevel, occupancy_loss, project_points


def check_parameters(model, hifa):
    """The mirror must have hifa's parameters exactly: same names, order-free, same shapes."""
    ours = {name: list(p.shape) for name, p in model.named_parameters()}
    theirs = {name: shape for name, shape in hifa["shapes"]}
    missing, extra = sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))
    wrong = sorted(n for n in set(ours) & set(theirs) if ours[n] != theirs[n])
    count = sum(p.numel() for p in model.parameters())
    if missing or extra or wrong or count != hifa["parameters"]:
        raise SystemExit(f"pifu_train_step_vs_torch: the mirror differs from hifa's model: missing {missing[:5]}, "
                         f"extra {extra[:5]}, wrong shapes {wrong[:5]}, {count} vs {hifa['parameters']} parameters")
    return count


def torch_steps(hifa, setup, warmup, steps):
    cfg = hifa["config"]
    model = PIFuLevel(cfg)
    count = check_parameters(model, hifa)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(setup["param/" + name])
    model.train()
    params = list(model.parameters())
    opt = (torch.optim.RMSprop(params, lr=cfg["lr"]) if cfg["optimizer"] == "rmsprop"
           else torch.optim.Adam(params, lr=cfg["lr"]))
    images, points, calibs, labels = (setup["input/" + k] for k in ("images", "points", "calibs", "labels"))
    seconds, cpu_seconds, losses = [], [], []
    for i in range(warmup + steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        opt.zero_grad()
        logits, _ = model(images, project_points(points, calibs))
        loss = occupancy_loss(cfg["loss"], logits, labels)
        loss.backward()
        opt.step()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        losses.append(loss.item())
        if i >= warmup:
            seconds.append(elapsed)
            cpu_seconds.append(cpu)
    return count, seconds, cpu_seconds, losses


# glibc's environment names for the settings of trainer/runtime/heap.hpp keep_freed_memory().
KEEP_FREED_MEMORY = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(2 ** 62)}


def torch_side(args):
    """The PyTorch steps in this process (started by main with the heap settings in its environment)."""
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.torch_side, "hifa.json")) as f:
        hifa = json.load(f)
    setup = torch.load(os.path.join(args.torch_side, "setup.pt"))
    count, seconds, cpu_seconds, losses = torch_steps(hifa, setup, args.warmup, args.steps)
    json.dump({"parameters": count, "step_seconds": seconds, "cpu_seconds": cpu_seconds, "losses": losses,
               "threads": torch.get_num_threads()}, sys.stdout)
    return 0


def measure(args, tmp, heap):
    """R rounds of hifa then PyTorch, both with the `heap` setting; their results, pooled."""
    env = {k: v for k, v in os.environ.items() if k not in KEEP_FREED_MEMORY}
    if heap == "keep":
        env.update(KEEP_FREED_MEMORY)
    pooled = {"hifa": None, "torch": None}
    for _ in range(args.rounds):
        done = subprocess.run([args.tool, args.config, tmp, str(args.threads), str(args.warmup), str(args.steps), heap],
                              check=True, capture_output=True, text=True, env=env)
        with open(os.path.join(tmp, "hifa.json"), "w") as f:
            f.write(done.stdout)
        peer = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-side", tmp, "--threads", str(args.threads),
                               "--warmup", str(args.warmup), "--steps", str(args.steps), "--tool", args.tool],
                              check=True, capture_output=True, text=True, env=env)
        for side, result in (("hifa", json.loads(done.stdout)), ("torch", json.loads(peer.stdout))):
            if pooled[side] is None:
                pooled[side] = dict(result, step_seconds=[], cpu_seconds=[])
            pooled[side]["step_seconds"] += result["step_seconds"]
            pooled[side]["cpu_seconds"] += result["cpu_seconds"]
            pooled[side]["losses"] = result["losses"]
    return pooled["hifa"], pooled["torch"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="path to the built pifu_train_step_peer executable")
    parser.add_argument("--config", default=os.path.join(here, "pifu_train_step.yaml"),
                        help="trainer YAML whose model.coarse is timed (default: pifu_train_step.yaml here)")
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "2")),
                        help="intra-op threads on both sides (default OMP_NUM_THREADS, else 2)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first (default 2)")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per side and round (default 5)")
    parser.add_argument("--heap", choices=["both", "keep", "default"], default="both",
                        help="glibc heap settings, the same on both sides: keep (hifa's training setting, "
                             "trainer/runtime/heap.hpp), default (glibc's), or both pairs (default)")
    parser.add_argument("--rounds", type=int, default=1, help="alternations hifa, torch per heap setting (default 1)")
    parser.add_argument("--torch-side", metavar="DIR", help=argparse.SUPPRESS)  # the PyTorch process of measure()
    args = parser.parse_args()
    if args.torch_side:
        return torch_side(args)

    heaps = ["default", "keep"] if args.heap == "both" else [args.heap]
    results = {}
    with tempfile.TemporaryDirectory(prefix="hifa-pifu-peer-") as tmp:
        for heap in heaps:
            results[heap] = measure(args, tmp, heap)

    hifa, peer = results[heaps[-1]]
    cfg = hifa["config"]
    enc = cfg["encoder"]
    print(f"coarse PIFu: {enc['stacks']}-stack hourglass ({enc['channels']} ch, {enc['norm']} norm, {enc['upsample']} "
          f"upsampling) at {cfg['image_size']}^2, MLP {'-'.join(map(str, cfg['mlp']['widths']))}, {peer['parameters']} "
          f"parameters on both sides; batch {cfg['batch']}, {cfg['points']} points, {cfg['loss']}, {cfg['optimizer']}")
    print(f"threads: hifa {hifa['threads']}, torch {peer['threads']}; median of {len(hifa['step_seconds'])} steps per side "
          f"and heap setting after {args.warmup} warm-up, {args.rounds} round(s)")
    print(f"  {'heap (both sides)':18s} {'':30s} {'wall':>9s} {'CPU (all threads)':>18s}")
    for heap in heaps:
        hifa, peer = results[heap]
        h, t = statistics.median(hifa["step_seconds"]), statistics.median(peer["step_seconds"])
        hc, tc = statistics.median(hifa["cpu_seconds"]), statistics.median(peer["cpu_seconds"])
        label = "glibc default" if heap == "default" else "keep freed memory"
        print(f"  {label:18s} {'hifa (LibTorch ' + torch.__version__ + ', C++)':30s} {h:7.3f} s {hc:16.3f} s")
        print(f"  {'':18s} {'PyTorch ' + torch.__version__ + ' (Python)':30s} {t:7.3f} s {tc:16.3f} s")
        print(f"  {'':18s} ratio hifa / torch: wall {h / t:.2f} (goal <= 0.8), CPU time {hc / tc:.2f}")
    print(f"  {machine_line()}; hifa blas: {hifa.get('blas_core', 'not reported (an older pifu_train_step_peer)')}")
    first = abs(hifa["losses"][0] - peer["losses"][0]) / max(abs(peer["losses"][0]), 1e-12)
    worst = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(hifa["losses"], peer["losses"]))
    print(f"  losses (last round): hifa {hifa['losses'][0]:.6f} -> {hifa['losses'][-1]:.6f}, torch {peer['losses'][0]:.6f} -> "
          f"{peer['losses'][-1]:.6f}; initial-state difference {first:.1e} (relative), largest over the steps {worst:.1e}")
    if first > 1e-4:
        print("pifu_train_step_vs_torch: the two sides disagree on the initial loss", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
