#pragma once
// CAR's canonical SDF loss (config.hpp's CarConfig weights; the public CAR code's terms, after IGR,
// Gropp et al. 2020), over one view's canonical samples in the loader's group order
// (data/view_loader.hpp): `surface` points on the scan, then `near` jittered ones, then uniform ones.
//
//   points.requires_grad_(true);                       // B x N x 3, before the model's query
//   std::vector<torch::Tensor> f = model->query(maps, front, back, {points, blend, facing});
//   SdfLossTerms t = sdf_loss(config.car.value(), f, points, sdf, normals, counts);
//   t.total.backward();                                // second derivatives of f: double backward
//
// Terms (means over the group named; distances in body metres; g = ∇_x f by autograd, with the graph
// kept so the gradient terms train the network):
//   surface      |f|                   on the surface: the zero level set passes through the scan
//   off_surface  exp(−10 |f|)          on the others: no spurious zero away from the surface
//   normal       ‖g/‖g‖ − n‖           on the surface, n the canonical scan normal
//   eikonal      (‖g‖ − 1)²            on the others: f is a distance, not just any level set
//   sdf          |f − sdf|             on the near and uniform groups: the distance itself, which
//                                      the samples carry (hifa's addition, docs/car.md: without it
//                                      the sign of space the surface terms never see -- between the
//                                      limbs, around the initial sphere -- is left to chance)
// total = Σ weight · term, averaged over the stacks queried (intermediate supervision). A group
// with no points contributes 0.

#include "config/config.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

struct SdfSampleCounts {
  int64_t surface = 0, near = 0, uniform = 0;
};

struct SdfLossTerms {
  torch::Tensor total;
  double surface = 0, off_surface = 0, normal = 0, eikonal = 0, sdf = 0;  // the last stack's, unweighted
};

SdfLossTerms sdf_loss(const CarConfig& config, const std::vector<torch::Tensor>& predictions,
                      const torch::Tensor& points, const torch::Tensor& sdf, const torch::Tensor& normals,
                      const SdfSampleCounts& counts);

// ∇_x f for f (B x N, or any shape of values) computed from the points x it was computed from
// (... x 3, requires_grad), keeping the graph.
torch::Tensor sdf_gradient(const torch::Tensor& f, const torch::Tensor& points);

// ‖g/‖g‖ − n‖ per point for gradients g and unit normals n (... x 3): the normal term of IGR's loss.
torch::Tensor unit_normal_error(const torch::Tensor& gradient, const torch::Tensor& normals);

}  // namespace hifa::trainer
