#pragma once
// Keeps LibTorch at one thread while it lives (its reductions then sum in one order: the same
// bytes for any machine and thread count), restoring the caller's count after. The body fits
// (body/scan_fit.hpp, body/image_fit.hpp) run under it.

#include <torch/torch.h>

namespace hifa::trainer {

class OneTorchThread {
 public:
  OneTorchThread() : previous_(torch::get_num_threads()) { torch::set_num_threads(1); }
  ~OneTorchThread() { torch::set_num_threads(previous_); }
  OneTorchThread(const OneTorchThread&) = delete;
  OneTorchThread& operator=(const OneTorchThread&) = delete;

 private:
  int previous_;
};

}  // namespace hifa::trainer
