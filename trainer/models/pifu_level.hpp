#pragma once
// One level of PIFu/PIFuHD: image encoder -> pixel-aligned features at each point's projection ->
// point MLP (Saito et al. 2019 eq. 1; PIFuHD section 3.1; public code HGPIFuNetwNML.query).
//
//   PIFuLevel coarse(PIFuLevelOptions{default_coarse_level(), 0});
//   LevelOutput o = coarse->forward(image, xyz_n);        // xyz_n: B x 3 x N normalized points
//
// Point feature = [sample(stack's map, x_n, y_n) (C), z_n * depth_scale (1, if depth_feature),
//   extra (E: the fine level's Omega)]; its width must equal mlp.widths[0].
// In training every stack's map is queried (intermediate supervision, PIFuHD section 3.4 / Newell
//   et al.); in eval mode only the last one (as the public code does after filter()).
// Out: logits per queried stack (B x 1 x N); occupancy = sigmoid(last logits) set to 0 outside the
//   cube [-1,1]^3 (public code's in_bb); omega of the last stack when the MLP exposes it.

#include "config/config.hpp"
#include "models/hourglass.hpp"
#include "models/surface_mlp.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

struct PIFuLevelOptions {
  LevelConfig level = default_coarse_level();
  int extra_channels = 0;  // per-point features appended after the image features (fine: 256, Omega)
  bool inside_xy_only = false;  // in_bb on x, y only (public fine level, which trains on crops)
};

struct LevelOutput {
  std::vector<torch::Tensor> logits;  // one per queried stack, B x 1 x N
  torch::Tensor occupancy;            // last stack, sigmoid, 0 outside the cube: B x 1 x N
  torch::Tensor omega;                // last stack's Omega (B x W x N) or undefined
};

struct PIFuLevelImpl : torch::nn::Module {
  explicit PIFuLevelImpl(PIFuLevelOptions options);

  std::vector<torch::Tensor> encode(const torch::Tensor& image) { return encoder->forward(image); }
  LevelOutput query(const std::vector<torch::Tensor>& features, const torch::Tensor& xyz_n,
                    const torch::Tensor& extra = {});
  LevelOutput forward(const torch::Tensor& image, const torch::Tensor& xyz_n, const torch::Tensor& extra = {}) {
    return query(encode(image), xyz_n, extra);
  }
  const PIFuLevelOptions& options() const { return options_; }

  StackedHourglass encoder{nullptr};
  SurfaceMLP mlp{nullptr};

 private:
  PIFuLevelOptions options_;
};
TORCH_MODULE(PIFuLevel);

}  // namespace hifa::trainer
