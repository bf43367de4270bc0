#pragma once
// Where the trainer's [device] tests run: `--device cpu|cuda|cuda:N` on a test executable's command
// line (tests/main.cpp), cpu by default. scripts/gpu-check runs them with --device cuda; every
// other test ignores the option. No LibTorch here: the trainer's tests turn the name into a
// torch::Device with parse_device (inference/run_model.hpp), which refuses a CUDA name where
// LibTorch sees no GPU.

#include <string>

namespace hifa::test {

inline std::string& device_name() {
  static std::string name = "cpu";
  return name;
}

}  // namespace hifa::test
