#include "losses/body_loss.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {
namespace {

double value(const torch::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat64).item<double>(); }

torch::Tensor mean_distance(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).norm(2, -1).mean(); }

}  // namespace

ViewFrameBody pose_in_view(const BodyLayer& body, const torch::Tensor& rotations, const torch::Tensor& betas,
                           const torch::Tensor& scale, const torch::Tensor& translation) {
  const BodyPose p = body.pose(betas, rotations, torch::zeros_like(translation));
  const torch::Tensor s = scale.view({-1, 1, 1}), t = translation.unsqueeze(1);
  return {p.vertices * s + t, p.joints * s + t};
}

BodyLossTerms BodyLoss::operator()(const BodyEstimate& e, const ViewBatch& b) const {
  if (!b.body_rotations.defined()) throw Error("body loss", "the batch has no body targets (a dataset without body fits?)");
  const ViewFrameBody predicted = pose_in_view(body_, e.rotations, e.betas, e.scale, e.translation);
  ViewFrameBody target;
  {
    torch::NoGradGuard no_grad;
    target = pose_in_view(body_, b.body_rotations, b.body_betas, b.body_scale, b.body_translation);
  }
  const auto root_relative = [](const torch::Tensor& j) { return j - j.narrow(1, 0, 1); };
  const torch::Tensor joints_3d = mean_distance(root_relative(predicted.joints), root_relative(target.joints));
  const torch::Tensor joints_2d = mean_distance(predicted.joints.narrow(2, 0, 2), target.joints.narrow(2, 0, 2));
  const torch::Tensor vertices = mean_distance(predicted.vertices, target.vertices);
  const torch::Tensor pose = (e.rotations - b.body_rotations).pow(2).mean();
  const int64_t n = std::min(e.betas.size(1), b.body_betas.size(1));
  const torch::Tensor betas = n > 0 ? (e.betas.narrow(1, 0, n) - b.body_betas.narrow(1, 0, n)).pow(2).mean()
                                    : torch::zeros({}, e.betas.options());
  const BodyNetConfig& c = config_;
  BodyLossTerms out;
  out.total = c.joints_3d_weight * joints_3d + c.joints_2d_weight * joints_2d + c.vertices_weight * vertices +
              c.pose_weight * pose + c.betas_weight * betas;
  out.joints_3d = value(joints_3d);
  out.joints_2d = value(joints_2d);
  out.vertices = value(vertices);
  out.pose = value(pose);
  out.betas = value(betas);
  return out;
}

}  // namespace hifa::trainer
