#pragma once
// The body estimator's training loss (config.hpp's BodyNetConfig): the estimate against the
// subject's fit in the view frame, both posed by the differentiable body (body/body_layer.hpp).
//
//   BodyLoss loss(config.body_net.value(), body_layer);
//   BodyLossTerms t = loss(estimate, batch);    // batch.body_* on the estimate's device
//   t.total.backward();
//
// Terms (each a mean; distances in the view's normalized units, about 0.9 m per unit for a standing
// adult; SPIN's mix of keypoint and parameter losses, Kolotouros et al. 2019):
//   joints_3d  |(J − J_root) − (J* − J*_root)|   root-relative joints: the pose and the size, not
//              where the body is (PIFu's orthographic view frame fixes depth only by the scan's box)
//   joints_2d  |J_xy − J*_xy|                    the joints where the image shows them
//   vertices   |V − V*|                          every vertex: the shape, scale and translation too
//   pose       (R − R*)^2 over every rotation matrix entry (SPIN's pose loss on matrices)
//   betas      (β − β*)^2 over the β the net predicts
// total = Σ weight x term.

#include "config/config.hpp"
#include "data/batch.hpp"
#include "models/body_net.hpp"

#include "body/body_layer.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

// A body in the view frame: n = scale · posed body(rotations, betas) + translation.
struct ViewFrameBody {
  torch::Tensor vertices;  // B x V x 3
  torch::Tensor joints;    // B x K x 3
};
ViewFrameBody pose_in_view(const BodyLayer& body, const torch::Tensor& rotations, const torch::Tensor& betas,
                           const torch::Tensor& scale, const torch::Tensor& translation);

struct BodyLossTerms {
  torch::Tensor total;
  double joints_3d = 0, joints_2d = 0, vertices = 0, pose = 0, betas = 0;
};

class BodyLoss {
 public:
  BodyLoss(const BodyNetConfig& config, const BodyLayer& body) : config_(config), body_(body) {}
  BodyLossTerms operator()(const BodyEstimate& estimate, const ViewBatch& batch) const;

 private:
  BodyNetConfig config_;
  const BodyLayer& body_;
};

}  // namespace hifa::trainer
