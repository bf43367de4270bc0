#include "models/separable_resize.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {
namespace F = torch::nn::functional;

namespace {

// The out x in matrix of `mode` resizing one axis: column j is the resized unit impulse e_j. The
// other axis has size 1 on both sides, where every mode is the identity.
torch::Tensor interpolation_matrix(int64_t in, int64_t out, const F::InterpolateFuncOptions& mode,
                                   const torch::TensorOptions& like) {
  const torch::Tensor impulses = torch::eye(in, like).view({in, 1, in, 1});
  F::InterpolateFuncOptions o = mode;
  const torch::Tensor columns = F::interpolate(impulses, o.size(std::vector<int64_t>{out, 1}));
  return columns.view({in, out}).t();
}

}  // namespace

torch::Tensor separable_resize(const torch::Tensor& x, std::array<int64_t, 2> size, F::InterpolateFuncOptions mode) {
  if (x.dim() != 4) throw Error("separable_resize", "expects B x C x h x w, got a " + std::to_string(x.dim()) + "-d tensor");
  torch::Tensor rows, cols_t;
  {
    const torch::NoGradGuard constants;  // gradient flows through x only
    rows = interpolation_matrix(x.size(2), size[0], mode, x.options());
    cols_t = interpolation_matrix(x.size(3), size[1], mode, x.options()).t().contiguous();
  }
  return torch::matmul(rows, torch::matmul(x, cols_t));
}

}  // namespace hifa::trainer
