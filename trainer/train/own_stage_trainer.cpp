#include "train/own_stage_trainer.hpp"

#include "hifa/core/error.hpp"
#include "train/optimizers.hpp"

namespace hifa::trainer {

void OwnStageTrainer::set_up(NormalNet front, NormalNet back, std::vector<OwnStage> own) {
  normals_.emplace(config_, front, back, device_);
  if (normals_->has_nets()) stages_.push_back(NormalStage::spec(config_));
  for (OwnStage& s : own) {
    optimizers_.push_back(make_optimizer(s.spec.optimizer, std::move(s.parameters)));
    optimizer_names_.push_back(std::move(s.optimizer_name));
    stages_.push_back(std::move(s.spec));
  }
}

std::size_t OwnStageTrainer::own_index(const std::string& stage) const {
  const std::size_t first_own = normals_->has_nets() ? 1 : 0;
  for (std::size_t i = first_own; i < stages_.size(); ++i) {
    if (stages_[i].name == stage) return i - first_own;
  }
  find_stage(stages_, stage, config_.source);  // throws, naming the stages there are
  throw Error(config_.source, "stage '" + stage + "' has no optimizer of its own");
}

torch::optim::Optimizer* OwnStageTrainer::optimizer(const std::string& stage) {
  return stage == "normal" ? normals_->optimizer() : optimizers_[own_index(stage)].get();
}

NamedOptimizers OwnStageTrainer::optimizers() {
  NamedOptimizers list;
  if (normals_->has_nets()) list.emplace_back("optim_normal", normals_->optimizer());
  for (std::size_t i = 0; i < optimizers_.size(); ++i) list.emplace_back(optimizer_names_[i], optimizers_[i].get());
  return list;
}

std::string OwnStageTrainer::describe(const std::string& stage) const {
  return stage == "normal" ? normals_->describe() : std::string();
}

void OwnStageTrainer::set_epoch(const std::string& stage, std::int64_t epoch) {
  set_rate(optimizer(stage), find_stage(stages_, stage, config_.source).optimizer, epoch);
}

double OwnStageTrainer::lr(const std::string& stage) const {
  return rate_of(stage == "normal" ? normals_->optimizer() : optimizers_[own_index(stage)].get());
}

}  // namespace hifa::trainer
