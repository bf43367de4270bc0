#pragma once
// Process-wide heap policy for training loops (no LibTorch here).
//
//   hifa::trainer::keep_freed_memory();   // once, before the first training step
//
// A LibTorch CPU training step allocates and frees the same few hundred large tensors every
// iteration (activations and gradients of 4-40 MB each). With glibc's defaults, blocks over the
// mmap threshold are fresh mmap()s and freed heap tops are trimmed back to the kernel, so every step
// touches new pages: the kernel zeroes each 4 KiB page on its first touch. Measured on the coarse
// PIFu step of bench/peers/pifu_train_step_vs_torch.sh (2 stacks at 256^2, batch 2, 5000 points,
// 1 thread, 3 steps): 682k page faults and 1.42 s system time by default, 322k (the first step's
// heap growth) and 0.75 s with this policy; the user time did not change (the kernels are the same).
// The policy: serve every block from the heap (no mmap) and never trim it, so freed memory is
// reused by the next step. The cost: the process keeps its peak heap for its lifetime, which is
// what a training loop reaches again every step anyway. Not for inference or tools whose peak
// memory is reported (it would hold the peak after it is passed).
// Set by the verbs that run such loops: train, demo, fit-body (and prepare's fits), and refine,
// reconstruct and eval-run when they refine. Measured 2026-12-07 (AMD EPYC, 2 threads; the policy
// given as GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295, runs
// alternated): bench_refine's tiny refinement 36.0 and 37.7 s against 40.9 and 42.5 s (2.4M page
// faults -> 66k, system time 10 s -> 3 s); hifa fit-body of data/figures/female03 29.1-30.8 s
// against 34.2 s (1.56M page faults -> 26k, system time 4.6 s -> 0.15 s, the same fit file). A CAR
// eval-run without refinement: 49.3 s against 50.1 s, no gain (the field's chunks are few), so the
// inference verbs are left alone.
// No-op where the C library is not glibc.

namespace hifa::trainer {

void keep_freed_memory();

}  // namespace hifa::trainer
