#include "losses/occupancy_loss.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {
namespace F = torch::nn::functional;

namespace {
void check(const torch::Tensor& logits, const torch::Tensor& labels) {
  if (!logits.defined() || !labels.defined() || logits.sizes() != labels.sizes()) {
    throw Error("occupancy loss", "logits and labels must have the same shape");
  }
  if (logits.numel() == 0) throw Error("occupancy loss", "no points");
}
}  // namespace

torch::Tensor outside_fraction(const torch::Tensor& labels, Collective* group) {
  torch::NoGradGuard no_grad;  // a constant weight
  const torch::Tensor outside = (1 - labels.to(torch::kFloat64)).sum();
  const torch::Tensor counts = torch::stack({outside, torch::full_like(outside, double(labels.numel()))});
  if (group != nullptr) group->sum({counts});
  return counts[0] / counts[1];
}

torch::Tensor extended_bce(const torch::Tensor& logits, const torch::Tensor& labels) {
  check(logits, labels);
  return extended_bce(logits, labels, outside_fraction(labels, nullptr));
}

torch::Tensor extended_bce(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& lambda_any) {
  check(logits, labels);
  const torch::Tensor y = labels.to(logits.scalar_type());
  const torch::Tensor lambda = lambda_any.to(logits.scalar_type());
  torch::Tensor log_f = F::logsigmoid(logits), log_1mf = F::logsigmoid(-logits);
  return -(lambda * y * log_f + (1 - lambda) * (1 - y) * log_1mf).mean();
}

torch::Tensor plain_bce(const torch::Tensor& logits, const torch::Tensor& labels) {
  check(logits, labels);
  return F::binary_cross_entropy_with_logits(logits, labels.to(logits.scalar_type()));
}

OccupancyLoss::OccupancyLoss(LossConfig config) : config_(std::move(config)) {
  if (config_.type != "extended_bce" && config_.type != "bce") {
    throw Error("loss.type", "unknown occupancy loss '" + config_.type + "' (extended_bce, bce)");
  }
}

torch::Tensor OccupancyLoss::operator()(const torch::Tensor& logits, const torch::Tensor& labels, Collective* group) const {
  return (*this)(std::vector<torch::Tensor>{logits}, labels, group);
}

torch::Tensor OccupancyLoss::operator()(const std::vector<torch::Tensor>& stacks, const torch::Tensor& labels,
                                        Collective* group) const {
  if (stacks.empty()) throw Error("occupancy loss", "no stack predictions");
  const bool extended = config_.type == "extended_bce";
  const torch::Tensor lambda = extended ? outside_fraction(labels, group) : torch::Tensor();
  const auto one = [&](const torch::Tensor& logits) {
    return extended ? extended_bce(logits, labels, lambda) : plain_bce(logits, labels);
  };
  torch::Tensor sum = one(stacks[0]);
  for (std::size_t i = 1; i < stacks.size(); ++i) sum = sum + one(stacks[i]);
  return sum / double(stacks.size());
}

}  // namespace hifa::trainer
