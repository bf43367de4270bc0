#include "models/projection.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/camera.hpp"

namespace hifa::trainer {
namespace F = torch::nn::functional;

torch::Tensor calibration_matrix(const hifa::Calibration& calibration) {
  check_calibration(calibration);
  const Mat4<float> m = world_to_normalized_matrix(calibration);
  torch::Tensor t = torch::empty({4, 4}, torch::kFloat32);
  auto a = t.accessor<float, 2>();
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) a[r][c] = m(r, c);
  return t;
}

torch::Tensor project_points(const torch::Tensor& points, const torch::Tensor& calibs) {
  if (points.dim() != 3 || points.size(1) != 3) throw Error("project_points", "points must be B x 3 x N");
  torch::Tensor m = calibs.dim() == 2 ? calibs.unsqueeze(0).expand({points.size(0), 4, 4}) : calibs;
  if (m.dim() != 3 || m.size(1) != 4 || m.size(2) != 4 || m.size(0) != points.size(0)) {
    throw Error("project_points", "calibs must be 4 x 4 or B x 4 x 4 with the points' B");
  }
  using torch::indexing::Slice;
  torch::Tensor rot = m.index({Slice(), Slice(0, 3), Slice(0, 3)});
  torch::Tensor trans = m.index({Slice(), Slice(0, 3), Slice(3, 4)});
  return torch::baddbmm(trans, rot, points);
}

torch::Tensor pixel_grid(const torch::Tensor& normalized) {
  using torch::indexing::Slice;
  // camera.hpp: image rows run down while y_n runs up, so grid y = -y_n; x unchanged.
  torch::Tensor x = normalized.index({Slice(), Slice(0, 1), Slice()});
  torch::Tensor y = normalized.index({Slice(), Slice(1, 2), Slice()});
  return torch::cat({x, -y}, 1).transpose(1, 2).unsqueeze(1);  // B x 1 x N x 2
}

torch::Tensor sample_features(const torch::Tensor& features, const torch::Tensor& normalized) {
  if (features.dim() != 4) throw Error("sample_features", "features must be B x C x H x W");
  torch::Tensor s = F::grid_sample(features, pixel_grid(normalized),
                                   F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
  return s.squeeze(2);  // B x C x 1 x N -> B x C x N
}

torch::Tensor inside_cube(const torch::Tensor& normalized) {
  return (normalized.abs() <= 1.0).all(1, /*keepdim=*/true).to(normalized.scalar_type());
}

}  // namespace hifa::trainer
