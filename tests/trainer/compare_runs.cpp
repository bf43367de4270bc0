// compare_runs RUN_A RUN_B TOLERANCE: how far apart two runs of one config ended, relative to how far
// training moved them: ||a - b|| / max(||a - a0||, ||b - a0||) over every parameter of the models in
// RUN/checkpoint.pt, a0 the initial weights (the model type's trainer built from the config, as
// hifa train builds it). Prints that and the largest |a - b| (with its tensor); exit code 1 when the
// ratio exceeds TOLERANCE or the runs' tensors differ in name or shape. For the data-parallel tests:
// runs that differ only in rounding score far below runs that saw different data.
#include "config/config.hpp"
#include "inference/run_model.hpp"
#include "train/model_trainer.hpp"

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: compare_runs RUN_A RUN_B TOLERANCE\n");
    return 2;
  }
  try {
    using namespace hifa::trainer;
    const Config config = read_run_config(argv[1]);
    const auto start = make_trainer(config, torch::kCPU);
    const auto load = [&](const char* run) {
      auto t = make_trainer(config, torch::kCPU);
      read_run_module(run, t->module());
      return t;
    };
    const auto a = load(argv[1]), b = load(argv[2]);
    const auto named_a = a->module().named_parameters(), named_b = b->module().named_parameters();
    const auto named_0 = start->module().named_parameters();
    double apart = 0, moved_a = 0, moved_b = 0, worst = -1;
    std::string where;
    for (const auto& item : named_a) {
      const torch::Tensor* other = named_b.find(item.key());
      if (other == nullptr || other->sizes() != item.value().sizes()) throw std::runtime_error(item.key() + " differs in shape");
      const torch::Tensor& a0 = named_0[item.key()];
      apart += (item.value() - *other).pow(2).sum().item<double>();
      moved_a += (item.value() - a0).pow(2).sum().item<double>();
      moved_b += (*other - a0).pow(2).sum().item<double>();
      const double d = (item.value() - *other).abs().max().item<double>();
      if (d > worst) {
        worst = d;
        where = item.key();
      }
    }
    const double moved = std::sqrt(std::max(moved_a, moved_b));
    if (moved == 0) throw std::runtime_error("neither run moved from the initial weights");
    const double ratio = std::sqrt(apart) / moved, tolerance = std::stod(argv[3]);
    std::printf("apart / moved %.3g (tolerance %g); max |a - b| %.3g at %s; moved %.4g\n", ratio, tolerance, worst,
                where.c_str(), moved);
    return ratio <= tolerance ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "compare_runs: %s\n", e.what());
    return 1;
  }
}
