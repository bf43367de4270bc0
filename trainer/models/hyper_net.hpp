#pragma once
// CAR's hypernetwork (Liao et al. CVPR 2023, section 3.4): from a posed body, every weight and bias
// of the refinement's SDF MLP (refine/refiner.hpp), so the per-image refinement starts near the
// body's own SDF instead of a sphere.
//
//   SdfMlp mlp(refine.sdf, positional_channels(refine.sdf.frequencies));  // the MLP whose tensors are emitted
//   HyperNet hyper(config.hyper, *mlp);
//   std::vector<SdfMlpParameters> p = hyper->forward(body);   // body: B x N x 6 (xyz, unit normal)
//   torch::Tensor g = mlp->at_points(p[0], points);
//
// Input: points of the posed body's surface with their normals, in the frame the refinement works
//   in (the image's view frame). Points rather than the body's parameters: they carry shape, pose
//   and the view's scale and turn at once, with no LBS for the network to learn, and any body
//   model's surface reads the same (SMPL's 6890 vertices or OpenBody's 14608).
// Encoder: PointNet (Qi et al. 2017): a shared per-point MLP 6 -> encoder_widths (ReLU between),
//   max-pooled over the points into the code.
// Heads: per emitted tensor, Linear(code, head_width) -> ReLU -> Linear(head_width, numel). The last
//   linear's weights start ×last_layer_scale (the public CAR code's 0.1, after SIREN's hypernetwork:
//   the emitted tensors depend on the body gently at first) and its bias is the MLP's own tensor as
//   made (the geometric initialisation: a sphere), so the untrained hypernetwork emits that sphere
//   plus a small body-dependent part.
// Errors: hifa::Error naming "HyperNet" for a body that is not B x N x 6.

#include "config/config.hpp"
#include "models/sdf_mlp.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

struct HyperNetImpl : torch::nn::Module {
  HyperNetImpl(const HyperConfig& config, const SdfMlpImpl& mlp);
  std::vector<SdfMlpParameters> forward(const torch::Tensor& body);

 private:
  struct Head {
    torch::nn::Linear hidden{nullptr}, out{nullptr};
    std::vector<int64_t> shape;
  };
  torch::nn::Sequential encoder{nullptr};
  std::vector<Head> weight_heads_, bias_heads_;
};
TORCH_MODULE(HyperNet);

}  // namespace hifa::trainer
