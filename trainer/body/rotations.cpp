#include "body/rotations.hpp"

#include "hifa/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace hifa::trainer {
namespace {

void require_last(const torch::Tensor& t, int64_t size, const char* who) {
  if (t.dim() < 1 || t.size(-1) != size) {
    throw Error(who, "expected a tensor of ... x " + std::to_string(size) + ", got " + std::to_string(t.dim()) +
                         " dimensions" + (t.dim() ? " ending in " + std::to_string(t.size(-1)) : std::string()));
  }
}

// [w]x, the cross-product matrix, for ... x 3 -> ... x 3 x 3.
torch::Tensor cross_matrix(const torch::Tensor& w) {
  const torch::Tensor x = w.select(-1, 0), y = w.select(-1, 1), z = w.select(-1, 2), o = torch::zeros_like(x);
  return torch::stack({o, -z, y, z, o, -x, -y, x, o}, -1).unflatten(-1, {3, 3});
}

}  // namespace

torch::Tensor axis_angle_to_matrix(const torch::Tensor& axis_angle) {
  require_last(axis_angle, 3, "axis_angle_to_matrix");
  const torch::Tensor t2 = axis_angle.square().sum(-1, true).unsqueeze(-1);  // ... x 1 x 1
  const torch::Tensor small = t2 < 1e-8;
  // The exact branch at a clamped angle: its gradient is finite where the Taylor branch is taken.
  const torch::Tensor t2_safe = t2.clamp_min(1e-8), t = t2_safe.sqrt();
  const torch::Tensor a = torch::where(small, 1 - t2 / 6, t.sin() / t);
  const torch::Tensor b = torch::where(small, 0.5 - t2 / 24, (1 - t.cos()) / t2_safe);
  const torch::Tensor k = cross_matrix(axis_angle);
  const torch::Tensor eye = torch::eye(3, axis_angle.options()).expand_as(k);
  return eye + a * k + b * torch::matmul(k, k);
}

torch::Tensor rotation_6d_to_matrix(const torch::Tensor& r6) {
  require_last(r6, 6, "rotation_6d_to_matrix");
  const torch::Tensor a1 = r6.narrow(-1, 0, 3), a2 = r6.narrow(-1, 3, 3);
  const torch::Tensor b1 = torch::nn::functional::normalize(a1, torch::nn::functional::NormalizeFuncOptions().dim(-1));
  const torch::Tensor b2 = torch::nn::functional::normalize(a2 - (b1 * a2).sum(-1, true) * b1,
                                                            torch::nn::functional::NormalizeFuncOptions().dim(-1));
  const torch::Tensor b3 = torch::linalg_cross(b1, b2, -1);
  return torch::stack({b1, b2, b3}, -1);  // columns
}

torch::Tensor matrix_to_rotation_6d(const torch::Tensor& rotation) {
  if (rotation.dim() < 2 || rotation.size(-1) != 3 || rotation.size(-2) != 3) {
    throw Error("matrix_to_rotation_6d", "expected a tensor of ... x 3 x 3");
  }
  return torch::cat({rotation.select(-1, 0), rotation.select(-1, 1)}, -1);
}

double angle_between(const torch::Tensor& a, const torch::Tensor& b) {
  const double c = (a.transpose(0, 1).matmul(b).trace().item<double>() - 1) / 2;
  return std::acos(std::clamp(c, -1.0, 1.0)) * 180 / 3.14159265358979;
}

}  // namespace hifa::trainer
