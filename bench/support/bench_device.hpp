#pragma once
// Where a LibTorch benchmark runs: the device, HIFA_BENCH_DEVICE = cpu (default), cuda or cuda:N,
// parsed as `hifa ... --device` is (scripts/gpu-check runs the same benchmarks on both); and
// LibTorch's CPU threads, OMP_NUM_THREADS (Debian's LibTorch otherwise uses one).
//
//   set_torch_threads();
//   const torch::Device device = bench_device();
//   ... queue work on device ...
//   wait_for(device);   // CUDA kernels run asynchronously: stop a timer only after this
#include "inference/run_model.hpp"

#include <torch/torch.h>

#include <cstdlib>

namespace hifa::trainer {

inline void set_torch_threads() {
  const char* e = std::getenv("OMP_NUM_THREADS");
  const int t = e != nullptr ? std::atoi(e) : 0;
  if (t > 0) torch::set_num_threads(t);
}

inline torch::Device bench_device() {
  const char* name = std::getenv("HIFA_BENCH_DEVICE");
  return parse_device(name != nullptr && *name != '\0' ? name : "cpu");
}

inline void wait_for(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? -1 : device.index());
}

}  // namespace hifa::trainer
