#include "train/own_stage_trainer.hpp"

#include "train/optimizers.hpp"

namespace hifa::trainer {

void OwnStageTrainer::set_up(NormalNet front, NormalNet back, std::vector<torch::Tensor> parameters, StageSpec own,
                             std::string optimizer_name) {
  normals_.emplace(config_, front, back, device_);
  optimizer_ = make_optimizer(own.optimizer, std::move(parameters));
  optimizer_name_ = std::move(optimizer_name);
  if (normals_->has_nets()) stages_.push_back(NormalStage::spec(config_));
  stages_.push_back(std::move(own));
}

NamedOptimizers OwnStageTrainer::optimizers() {
  NamedOptimizers list;
  if (normals_->has_nets()) list.emplace_back("optim_normal", normals_->optimizer());
  list.emplace_back(optimizer_name_, optimizer_.get());
  return list;
}

std::string OwnStageTrainer::describe(const std::string& stage) const {
  return stage == "normal" ? normals_->describe() : std::string();
}

void OwnStageTrainer::set_epoch(const std::string& stage, std::int64_t epoch) {
  const OptimizerConfig& o = find_stage(stages_, stage, config_.source).optimizer;
  set_rate(stage == "normal" ? normals_->optimizer() : optimizer_.get(), o, epoch);
}

double OwnStageTrainer::lr(const std::string& stage) const {
  return rate_of(stage == "normal" ? normals_->optimizer() : optimizer_.get());
}

}  // namespace hifa::trainer
