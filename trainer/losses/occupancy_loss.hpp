#pragma once
// Occupancy losses of PIFuHD (section 3.4, eq. 4) over the sampled points S of a batch:
//   L = -1/|S| sum_{x in S} [ lambda f*(x) log f(x) + (1 - lambda) (1 - f*(x)) log(1 - f(x)) ]
// with lambda = the fraction of S that is outside (f* = 0), so the rarer class weighs more. In a
// data-parallel run S is the global batch: lambda counts the points of every rank (dist/collective.hpp).
// f = sigmoid(logits), evaluated with log-sigmoid (stable for large |logits|).
// Intermediate supervision: the mean of the loss over every hourglass stack's prediction (public
// code HGPIFuNetwNML.get_error: sum over intermediate_preds_list / its length).
//
// In: logits and labels of one shape (B x 1 x N), labels 1 inside, 0 outside. Out: a scalar.

#include "config/config.hpp"
#include "dist/collective.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

torch::Tensor extended_bce(const torch::Tensor& logits, const torch::Tensor& labels);
torch::Tensor extended_bce(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& lambda);
// lambda over the labels of every rank of `group` (this process's alone for nullptr).
torch::Tensor outside_fraction(const torch::Tensor& labels, Collective* group);
torch::Tensor plain_bce(const torch::Tensor& logits, const torch::Tensor& labels);  // lambda = 1/2, x2

// The loss picked by `loss.type` (extended_bce | bce), averaged over stacks.
class OccupancyLoss {
 public:
  explicit OccupancyLoss(LossConfig config);
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& labels, Collective* group = nullptr) const;
  torch::Tensor operator()(const std::vector<torch::Tensor>& stack_logits, const torch::Tensor& labels,
                           Collective* group = nullptr) const;
  const std::string& type() const { return config_.type; }

 private:
  LossConfig config_;
};

}  // namespace hifa::trainer
