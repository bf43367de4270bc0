#include "train/normal_stage.hpp"

#include "config/factory.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "train/optimizers.hpp"

#include <limits>

namespace hifa::trainer {
namespace F = torch::nn::functional;

NormalStage::NormalStage(const Config& config, NormalNet front, NormalNet back, torch::Device device)
    : config_(config), device_(device), front_(std::move(front)), back_(std::move(back)) {
  if (!has_nets()) return;
  loss_ = make_normal_loss(config);
  loss_->to(device_);
  optimizer_ = make_optimizer(config.train.normal, parameters_of({front_.ptr().get(), back_.ptr().get()}));
}

StageSpec NormalStage::spec(const Config& config) {
  return {"normal", {"normal", "normal_l1", "normal_perceptual"}, config.train.normal};
}

std::string NormalStage::describe() const { return has_nets() ? loss_->describe() : std::string(); }

std::vector<double> NormalStage::step(const ViewBatch& b, Collective* group) {
  if (!has_nets()) throw Error(config_.source, "the normal stage needs normal nets (normal_net.type is none)");
  front_->train();
  back_->train();
  const torch::Tensor in = normal_net_input(config_.normal_net, b.image, b.body_normals);
  const torch::Tensor front = front_->forward(in), back = back_->forward(in);
  torch::Tensor loss = loss_->forward(front, b.normal_front) + loss_->forward(back, b.normal_back);
  optimizer_->zero_grad();
  loss.backward();
  average_gradients(group, {optimizer_.get()});
  optimizer_->step();
  // The parts, unweighted, for the log (NormalLoss returns their weighted sum).
  const NormalNetConfig& n = config_.normal_net;
  torch::NoGradGuard no_grad;
  const double total = scalar(loss);
  const double l1 = scalar(F::l1_loss(front, b.normal_front) + F::l1_loss(back, b.normal_back));
  const double perceptual = n.perceptual_weight > 0 ? (total - n.l1_weight * l1) / n.perceptual_weight
                                                    : std::numeric_limits<double>::quiet_NaN();
  return {total, l1, perceptual};
}

torch::Tensor NormalStage::gt_coins(std::uint64_t stream, std::int64_t iteration, const ViewBatch& batch) const {
  const CounterRng rng(config_.train.seed);
  const std::int64_t items = batch.size();
  const std::int64_t global = batch.global_size > 0 ? batch.global_size : items;
  std::vector<float> use(static_cast<std::size_t>(items), 0.0f);
  for (std::int64_t b = 0; b < items; ++b) {
    const auto key = std::uint64_t(iteration * global + batch.first_item + b);
    const bool gt = !has_nets() || rng.uniform(stream, key) < config_.train.gt_normal_probability;
    use[std::size_t(b)] = gt ? 1.0f : 0.0f;
  }
  return torch::tensor(use).view({items, 1, 1, 1}).to(device_);
}

std::pair<torch::Tensor, torch::Tensor> NormalStage::predict(const ViewBatch& b) {
  torch::NoGradGuard no_grad;
  front_->eval();
  back_->eval();
  const torch::Tensor in = normal_net_input(config_.normal_net, b.image, b.body_normals);
  return {front_->forward(in), back_->forward(in)};
}

std::pair<torch::Tensor, torch::Tensor> NormalStage::inputs(const ViewBatch& b, const torch::Tensor& use_gt) {
  if (use_gt.min().item<float>() == 1.0f) return {b.normal_front, b.normal_back};
  auto [front, back] = predict(b);
  return {torch::where(use_gt > 0.5f, b.normal_front, front), torch::where(use_gt > 0.5f, b.normal_back, back)};
}

}  // namespace hifa::trainer
