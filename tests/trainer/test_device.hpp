#pragma once
// The torch::Device of the trainer's [device] tests: `--device` of the test executable
// (support/test_device.hpp), cpu by default. On CUDA, TF32 is turned off first: it keeps 10 bits
// of a float32 product on recent GPUs, and these tests compare float32 results across devices and
// chunkings.
#include "inference/run_model.hpp"
#include "support/test_device.hpp"

#include <torch/torch.h>

namespace hifa::test {

inline torch::Device test_device() {
  const torch::Device device = trainer::parse_device(device_name());
  if (device.is_cuda()) {
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
  }
  return device;
}

}  // namespace hifa::test
