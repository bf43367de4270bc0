#include "train/body_trainer.hpp"

#include "train/optimizers.hpp"

namespace hifa::trainer {

BodyTrainer::BodyTrainer(const Config& config, torch::Device device) : OwnStageTrainer(config, device), body_(config, device) {
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = BodyEstimator(config, body_.joint_count());
  model_->to(device_);
  set_up(model_->normal_front, model_->normal_back,
         {{BodyStage::spec(config), parameters_of({model_->net.ptr().get()}), "optim_body"}});
}

std::vector<double> BodyTrainer::step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) {
  find_stage(stages(), stage, config_.source);
  const ViewBatch b = to_device(batch, device_);
  if (stage == "normal") return normals_->step(b, group_);
  return body_.step(model_->net, *normals_, b, iteration, *optimizer("body"), group_);
}

}  // namespace hifa::trainer
