#pragma once
// The device a LibTorch benchmark runs on: HIFA_BENCH_DEVICE = cpu (default), cuda or cuda:N,
// parsed as `hifa ... --device` is. scripts/gpu-check runs the same benchmarks on both.
//
//   const torch::Device device = bench_device();
//   ... queue work on device ...
//   wait_for(device);   // CUDA kernels run asynchronously: stop a timer only after this
#include "inference/run_model.hpp"

#include <torch/torch.h>

#include <cstdlib>

namespace hifa::trainer {

inline torch::Device bench_device() {
  const char* name = std::getenv("HIFA_BENCH_DEVICE");
  return parse_device(name != nullptr && *name != '\0' ? name : "cpu");
}

inline void wait_for(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? -1 : device.index());
}

}  // namespace hifa::trainer
