// gradient_bytes CONFIG...: what a data-parallel step all-reduces for each stage of each config --
// the gradients of the stage's optimizer(s), float32 -- the "bytes per step" of docs/distributed.md's
// scaling model. Builds the model type's trainer (train/model_trainer.hpp) on the CPU; trains nothing.
#include "config/config.hpp"
#include "train/model_trainer.hpp"

#include <cstdio>
#include <exception>
#include <map>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gradient_bytes CONFIG...\n");
    return 2;
  }
  try {
    for (int i = 1; i < argc; ++i) {
      const hifa::trainer::Config config = hifa::trainer::load_config(argv[i]);
      const auto trainer = hifa::trainer::make_trainer(config, torch::kCPU);
      std::map<std::string, std::int64_t> elements;
      for (const auto& [name, optimizer] : trainer->optimizers()) {
        for (const auto& group : optimizer->param_groups()) {
          for (const torch::Tensor& p : group.params()) elements[name] += p.numel();
        }
      }
      for (const auto& [name, n] : elements) {
        std::printf("%s  %-16s %12lld parameters  %8.1f MiB of float32 gradients per step\n", argv[i], name.c_str(),
                    static_cast<long long>(n), double(n) * 4 / (1 << 20));
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gradient_bytes: %s\n", e.what());
    return 1;
  }
}
