#pragma once
// Per-point LBS blends applied in LibTorch: the twins of the toolkit's LbsWarper::forward_points and
// ::canonical_normals (hifa/skinning/lbs.hpp) for blends made once per point on the CPU
// (body/canonical_skinning.hpp), differentiable in the points and normals, on any device.
//
//   torch::Tensor p = blend_points(blend, x);           // x_p = L x + t
//   torch::Tensor n = canonical_normals(blend, n_p);    // n_c = normalize(L^T n_p)
//
// blend: ... x 3 x 4 ([L | t]); points and normals: ... x 3 with the same leading shape.
// canonical_normals is CAR's canonical normal (Liao et al. 2023, section 3.2): the posed normal
// rotated back by the inverse of the blended rotation. For a rigid blend L^T = L^-1; where blending
// shears, L^T is the map that takes the posed surface's normal to the canonical surface's (normals
// are covectors), as lbs.hpp explains. A zero normal stays zero (normalize with eps), which is what
// the model sees outside the silhouette, where the normal maps are 0.

#include <torch/torch.h>

namespace hifa::trainer {

torch::Tensor blend_points(const torch::Tensor& blend, const torch::Tensor& points);
torch::Tensor canonical_normals(const torch::Tensor& blend, const torch::Tensor& posed_normals);

}  // namespace hifa::trainer
