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

torch::Tensor extended_bce(const torch::Tensor& logits, const torch::Tensor& labels) {
  check(logits, labels);
  torch::Tensor y = labels.to(logits.scalar_type());
  torch::Tensor lambda = (1 - y).mean().detach();  // fraction outside, a constant weight
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

torch::Tensor OccupancyLoss::operator()(const torch::Tensor& logits, const torch::Tensor& labels) const {
  return config_.type == "extended_bce" ? extended_bce(logits, labels) : plain_bce(logits, labels);
}

torch::Tensor OccupancyLoss::operator()(const std::vector<torch::Tensor>& stacks, const torch::Tensor& labels) const {
  if (stacks.empty()) throw Error("occupancy loss", "no stack predictions");
  torch::Tensor sum = (*this)(stacks[0], labels);
  for (std::size_t i = 1; i < stacks.size(); ++i) sum = sum + (*this)(stacks[i], labels);
  return sum / double(stacks.size());
}

}  // namespace hifa::trainer
