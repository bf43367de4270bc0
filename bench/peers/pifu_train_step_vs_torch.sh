#!/bin/sh
# hifa's coarse PIFu training step (LibTorch C++) vs the same model in PyTorch (Debian's
# python3-torch, the same 1.13 as Debian's LibTorch): same YAML-configured architecture (parameter
# names, shapes and count checked), same initial weights, batch, points, optimizer and threads; one
# run prints both median step times (wall and process CPU time) and the ratios hifa / torch
# (goal: wall <= 0.8), for glibc's default heap on both sides and for hifa's keep-freed-memory
# setting on both (PyTorch in its own process with the same MALLOC_* environment). The initial-state losses must agree to 1e-4 (they agree to ~1e-6).
# Default case (bench/peers/pifu_train_step.yaml): 2-stack coarse model (256 ch, GroupNorm, bicubic)
# at 256^2, MLP 257-1024-512-256-128-1, batch 2, 5000 points, extended BCE, RMSProp, 2 threads each
# side; 8,576,897 parameters on both sides.
#   bench/peers/pifu_train_step_vs_torch.sh [--rounds 3] [--warmup 2] [--steps 5] [--threads 2]
#       [--config Y.yaml] [--heap both|keep|default]
# Builds nothing: expects pifu_train_step_peer in ${HIFA_BUILD_DIR:-build}/bench (cmake --build
# build --target pifu_train_step_peer; built when LibTorch is found). Threads: --threads, else
# OMP_NUM_THREADS, else 2, the same on both sides.
#
# Measured (2026-12-06, AMD EPYC, OpenBLAS core Cooperlake, the 2-core machine otherwise idle):
#   --rounds 3 --warmup 1 --steps 3     keep freed memory on both sides: wall 0.92, CPU 0.94
#                                       (2.12 s vs 2.30 s per step); glibc defaults: wall 0.96, CPU 0.97
# (Before 2026-12-06 only hifa had the heap setting: 0.86-0.88.)
# Both sides call the same LibTorch 1.13 kernels; hifa's model computes the same maths differently
# where that is faster (the peer is written as the public PIFuHD code writes it):
#   - the point MLP as GEMMs over points-major rows with the bias fused (addmm) instead of 1x1
#     Conv1d (oneDNN reorders NCW each call): the MLP of both stacks is ~half of the step, and this
#     is ~9% faster on it (trainer/models/surface_mlp.cpp);
#   - the hourglass's bicubic upsampling as two GEMMs with LibTorch's own 1-D weights
#     (trainer/models/separable_resize.hpp): 1.13's CPU bicubic backward is a serial scatter loop,
#     ~6% of the step;
#   - trainer/runtime/heap.hpp (halves page faults and system time).
# What is left (torch.profiler on the mirror, 2026-12-06): oneDNN's convolutions are 77% of the
# step (backward 51%, forward 26%), the same kernels on both sides; grid_sample 7.5% (a gather
# formulation of the same bilinear sampling was only 12% faster on that op), bicubic backward 4.7%
# (hifa already avoids it), cat, GroupNorm and ReLU about 1% each. Channels-last tensors were not
# faster. None of these like-for-like changes comes near the 10% the goal still needs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool="${HIFA_BUILD_DIR:-$here/../../build}/bench/pifu_train_step_peer"
if [ ! -x "$tool" ]; then
  echo "pifu_train_step_vs_torch: $tool not found; build the pifu_train_step_peer target first" >&2
  exit 1
fi
exec /usr/bin/python3 "$here/pifu_train_step_vs_torch.py" --tool "$tool" "$@"
