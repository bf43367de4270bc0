#include "train/car_trainer.hpp"

#include "hifa/core/error.hpp"
#include "losses/sdf_loss.hpp"
#include "train/optimizers.hpp"

namespace hifa::trainer {
namespace {

constexpr std::uint64_t canonical_stream = 4;  // NormalStage coins (PIFuHD has 1 and 2, the body 3)

}  // namespace

CarTrainer::CarTrainer(const Config& config, torch::Device device) : OwnStageTrainer(config, device) {
  torch::manual_seed(config.train.seed);  // the initial weights are a function of the seed
  model_ = CarNet(config);
  model_->to(device_);
  set_up(model_->normal_front, model_->normal_back, parameters_of({model_->encoder.ptr().get(), model_->sdf.ptr().get()}),
         {"canonical",
          {"canonical", "canonical_surface", "canonical_off_surface", "canonical_normal", "canonical_eikonal",
           "canonical_sdf"},
          config.train.car},
         "optim_car");
}

std::vector<double> CarTrainer::step(const std::string& stage, const ViewBatch& batch, std::int64_t iteration) {
  find_stage(stages(), stage, config_.source);
  const ViewBatch b = to_device(batch, device_);
  if (stage == "normal") return normals_->step(b, group_);
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
  optimizer_->zero_grad();
  l.total.backward();
  average_gradients(group_, {optimizer_.get()});
  optimizer_->step();
  return {scalar(l.total), l.surface, l.off_surface, l.normal, l.eikonal, l.sdf};
}

}  // namespace hifa::trainer
