#pragma once
// What the body estimator's and CAR's trainers share (model_trainer.hpp): the normal nets' stage
// (normal_stage.hpp) when the config has the nets, then the model's own stages in training order,
// each with its own optimizer. A subclass builds its model, calls set_up, and implements step() and
// module().
//
//   set_up(model->normal_front, model->normal_back,
//          {{{"body", {...}, config.train.body}, parameters_of({...}), "optim_body"}});
//
// Stages: [normal,] own... optimizers(): optim_normal (with the nets), then each own stage's under
// its name. set_epoch / lr: the stage's optimizer and schedule (optimizers.hpp). describe: the
// normal stage's perceptual-loss line, nothing for the own stages.

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

// One stage of the model's own: what it logs and trains on, the tensors its optimizer updates, and
// the optimizer's name in the checkpoint.
struct OwnStage {
  StageSpec spec;
  std::vector<torch::Tensor> parameters;
  std::string optimizer_name;
};

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
  void set_up(NormalNet front, NormalNet back, std::vector<OwnStage> own);
  // The optimizer of a stage of set_up's (normal included).
  torch::optim::Optimizer* optimizer(const std::string& stage);

  Config config_;
  torch::Device device_;
  std::optional<NormalStage> normals_;

 private:
  // The position of an own stage in optimizers_; throws for a stage the model does not have.
  std::size_t own_index(const std::string& stage) const;

  std::vector<StageSpec> stages_;
  std::vector<std::string> optimizer_names_;                       // per own stage
  std::vector<std::unique_ptr<torch::optim::Optimizer>> optimizers_;  // per own stage
};

}  // namespace hifa::trainer
