#pragma once
// What the body estimator's and CAR's trainers share (model_trainer.hpp): the normal nets' stage
// (normal_stage.hpp) when the config has the nets, then one stage of the model's own with one
// optimizer. A subclass builds its model, calls set_up, and implements step() and module().
//
//   set_up(model->normal_front, model->normal_back, parameters_of({...}), {"body", {...}, config.train.body}, "optim_body");
//
// Stages: [normal,] own. optimizers(): optim_normal (with the nets), then the own stage's under its
// name. set_epoch / lr: the stage's optimizer and schedule (optimizers.hpp). describe: the normal
// stage's perceptual-loss line, nothing for the own stage.

#include "config/config.hpp"
#include "models/normal_net.hpp"
#include "train/model_trainer.hpp"
#include "train/normal_stage.hpp"

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

class OwnStageTrainer : public ModelTrainer {
 public:
  const std::vector<StageSpec>& stages() const override { return stages_; }
  void set_epoch(const std::string& stage, std::int64_t epoch) override;
  double lr(const std::string& stage) const override;
  NamedOptimizers optimizers() override;
  std::string describe(const std::string& stage) const override;

 protected:
  OwnStageTrainer(const Config& config, torch::Device device) : config_(config), device_(device) {}
  // front, back null: no normal nets.
  void set_up(NormalNet front, NormalNet back, std::vector<torch::Tensor> parameters, StageSpec own,
              std::string optimizer_name);

  Config config_;
  torch::Device device_;
  std::optional<NormalStage> normals_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;  // the own stage's

 private:
  std::vector<StageSpec> stages_;
  std::string optimizer_name_;
};

}  // namespace hifa::trainer
