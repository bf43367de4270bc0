#!/bin/sh
# hifa's coarse PIFu training step (LibTorch C++) vs the same model in PyTorch (Debian's
# python3-torch, the same 1.13 as Debian's LibTorch): same YAML-configured architecture (parameter
# names, shapes and count checked), same initial weights, batch, points, optimizer and threads; one
# run prints both median step times and the ratio hifa / torch (goal <= 0.9).
# Default case (bench/peers/pifu_train_step.yaml): 2-stack coarse model at 256^2, batch 2,
# 5000 points, RMSProp, 2 threads each side.
#   bench/peers/pifu_train_step_vs_torch.sh [--rounds 3] [--steps 5] [--threads 2] [--config Y.yaml]
# Builds nothing: expects pifu_train_step_peer in ${HIFA_BUILD_DIR:-build}/bench (cmake --build
# build --target pifu_train_step_peer; built when LibTorch is found). Threads: --threads, else
# OMP_NUM_THREADS, else 2, the same on both sides.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tool="${HIFA_BUILD_DIR:-$here/../../build}/bench/pifu_train_step_peer"
if [ ! -x "$tool" ]; then
  echo "pifu_train_step_vs_torch: $tool not found; build the pifu_train_step_peer target first" >&2
  exit 1
fi
exec /usr/bin/python3 "$here/pifu_train_step_vs_torch.py" --tool "$tool" "$@"
