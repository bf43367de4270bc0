#include "body/canonical_lbs.hpp"

namespace hifa::trainer {

using torch::indexing::Slice;

torch::Tensor blend_points(const torch::Tensor& blend, const torch::Tensor& points) {
  const torch::Tensor linear = blend.index({"...", Slice(), Slice(0, 3)});
  const torch::Tensor offset = blend.index({"...", Slice(), 3});
  return torch::matmul(linear, points.unsqueeze(-1)).squeeze(-1) + offset;
}

torch::Tensor canonical_normals(const torch::Tensor& blend, const torch::Tensor& posed_normals) {
  const torch::Tensor linear = blend.index({"...", Slice(), Slice(0, 3)});
  const torch::Tensor turned = torch::matmul(linear.transpose(-1, -2), posed_normals.unsqueeze(-1)).squeeze(-1);
  return torch::nn::functional::normalize(turned, torch::nn::functional::NormalizeFuncOptions().dim(-1).eps(1e-8));
}

}  // namespace hifa::trainer
