#include "train/car_trainer.hpp"

#include "hifa/core/error.hpp"
#include "losses/sdf_loss.hpp"
#include "train/optimizers.hpp"

namespace hifa::trainer {
namespace {

constexpr std::uint64_t canonical_stream = 4;  // NormalStage coins (PIFuHD has 1 and 2, the body stage 3)

}  // namespace

CarTrainer::CarTrainer(const Config& config, torch::Device device) : OwnStageTrainer(config, device) {
  if (config.body_net) body_.emplace(config, device);
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = CarNet(config, body_ ? body_->joint_count() : 0);
  model_->to(device_);
  std::vector<OwnStage> own;
  if (body_) own.push_back({BodyStage::spec(config), parameters_of({model_->body.ptr().get()}), "optim_body"});
  own.push_back({{"canonical",
                  {"canonical", "canonical_surface", "canonical_off_surface", "canonical_normal", "canonical_eikonal",
                   "canonical_sdf"},
                  config.train.car},
                 parameters_of({model_->encoder.ptr().get(), model_->sdf.ptr().get()}),
                 "optim_car"});
  set_up(model_->normal_front, model_->normal_back, std::move(own));
}

std::vector<double> CarTrainer::step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) {
  find_stage(stages(), stage, config_.source);
  const ViewBatch b = to_device(batch, device_);
  if (stage == "normal") return normals_->step(b, group_);
  if (stage == "body") return body_->step(model_->body, *normals_, b, iteration, *optimizer("body"), group_);
  if (!b.canonical_points.defined()) throw Error("canonical stage", "the batch has no canonical samples");
  const torch::Tensor use_gt = normals_->gt_coins(canonical_stream, iteration, b);
  const auto [front, back] = normals_->inputs(b, use_gt);
  model_->encoder->train();
  model_->sdf->train();
  const torch::Tensor points = b.canonical_points.detach().requires_grad_(true);
  const std::vector<torch::Tensor> f =
      model_->query(model_->encode(b.image, front, back), front, back, {points, b.canonical_blend, b.canonical_front});
  const CanonicalSamplerConfig& s = config_.train.car_sampler;
  const SdfLossTerms l = sdf_loss(*config_.car, f, points, b.canonical_sdf, b.canonical_normals, {s.surface, s.near, s.uniform});
  torch::optim::Optimizer* o = optimizer("canonical");
  o->zero_grad();
  l.total.backward();
  average_gradients(group_, {o});
  o->step();
  return {scalar(l.total), l.surface, l.off_surface, l.normal, l.eikonal, l.sdf};
}

}  // namespace hifa::trainer
