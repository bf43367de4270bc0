#include "train/hyper_trainer.hpp"

#include "hifa/core/error.hpp"
#include "refine/meta_learning.hpp"
#include "train/optimizers.hpp"

namespace hifa::trainer {

HyperTrainer::HyperTrainer(const Config& config, torch::Device device) : OwnStageTrainer(config, device) {
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = RefineNet(config);
  model_->to(device_);
  set_up(nullptr, nullptr,
         {{{"hyper", {"hyper", "hyper_start"}, config.train.hyper}, parameters_of({model_->hyper.ptr().get()}), "optim_hyper"}});
}

std::vector<double> HyperTrainer::step(const std::string& stage, const ViewBatch& batch, std::int64_t) {
  find_stage(stages(), stage, config_.source);
  if (!batch.task_body.defined()) throw Error("hyper stage", "the batch has no body tasks");
  const ViewBatch b = to_device(batch, device_);
  model_->train();
  std::vector<SdfTask> tasks;
  for (int64_t i = 0; i < b.task_body.size(0); ++i) tasks.push_back({b.task_surface[i], b.task_normals[i], b.task_space[i]});
  double start = 0;
  const torch::Tensor loss =
      meta_loss(*model_->hyper, *model_->mlp, b.task_body, tasks, *config_.hyper, *config_.refine, &start);
  torch::optim::Optimizer* o = optimizer("hyper");
  o->zero_grad();
  loss.backward();
  average_gradients(group_, {o});
  o->step();
  return {loss.item<double>(), start};
}

}  // namespace hifa::trainer
