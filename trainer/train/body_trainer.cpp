#include "train/body_trainer.hpp"

#include "config/factory.hpp"
#include "train/optimizers.hpp"

namespace hifa::trainer {
namespace {

constexpr std::uint64_t body_stream = 3;  // NormalStage coins (pifuhd_trainer.cpp has 1 and 2)

}  // namespace

BodyTrainer::BodyTrainer(const Config& config, torch::Device device)
    : OwnStageTrainer(config, device), body_(std::make_unique<BodyLayer>(make_body_layer(config, device))) {
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = BodyEstimator(config, int(body_->joint_count()));
  model_->to(device_);
  loss_.emplace(*config.body_net, *body_);
  set_up(model_->normal_front, model_->normal_back, parameters_of({model_->net.ptr().get()}),
         {"body", {"body", "body_joints_3d", "body_joints_2d", "body_vertices", "body_pose", "body_betas"}, config.train.body},
         "optim_body");
}

std::vector<double> BodyTrainer::step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) {
  find_stage(stages(), stage, config_.source);
  const ViewBatch b = to_device(batch, device_);
  if (stage == "normal") return normals_->step(b, group_);
  torch::Tensor front, back;
  if (model_->takes_normals()) {
    const torch::Tensor use_gt = normals_->gt_coins(body_stream, iteration, b);
    std::tie(front, back) = normals_->inputs(b, use_gt);
  }
  model_->net->train();
  const BodyEstimate e = model_->net->forward(model_->input(b.image, front, back));
  const BodyLossTerms l = (*loss_)(e, b);
  optimizer_->zero_grad();
  l.total.backward();
  average_gradients(group_, {optimizer_.get()});
  optimizer_->step();
  return {scalar(l.total), l.joints_3d, l.joints_2d, l.vertices, l.pose, l.betas};
}

}  // namespace hifa::trainer
