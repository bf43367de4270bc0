#pragma once
// The hypernetwork's stage (model.type hyper; model_trainer.hpp):
//
//   HyperTrainer t(config, torch::kCPU);        // seeds the weights
//   std::vector<double> l = t.step("hyper", batch, iteration);   // batch: data/body_tasks.hpp's
//
// Stages: hyper -- first-order meta-learning (refine/meta_learning.hpp) on the batch's body tasks:
// the hypernetwork emits each task's MLP tensors from its body, hyper.inner_steps SGD steps adapt
// them, and the adapted tensors' task loss trains the hypernetwork (optimizer train.hyper). The MLP's
// own tensors stay as made. Logs hyper (the meta loss) and hyper_start (the task loss of the
// emitted tensors before adapting: how good a start the hypernetwork gives).
// Errors: hifa::Error naming the stage for a batch without body tasks.

#include "config/config.hpp"
#include "models/refine_net.hpp"
#include "train/own_stage_trainer.hpp"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace hifa::trainer {

class HyperTrainer final : public OwnStageTrainer {
 public:
  HyperTrainer(const Config& config, torch::Device device);

  std::vector<double> step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) override;
  torch::nn::Module& module() override { return *model_; }  // optimizer: optim_hyper

  RefineNet& model() { return model_; }

 private:
  RefineNet model_{nullptr};
};

}  // namespace hifa::trainer
