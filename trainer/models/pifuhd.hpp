#pragma once
// PIFuHD (Saito et al., CVPR 2020): normal-map nets, a coarse PIFu level and a fine level fed with
// Omega, the coarse MLP's 4th-layer activation (section 3.2; public code HGPIFuMRNet.query).
// With no fine level it is the single-level PIFu of the paper's ablation (configs/pifu.yaml).
//
//   PIFuHD model(PIFuHDOptions{...});                                   // or make_model(config)
//   auto [front, back] = model->predict_normals(image);                 // B x 3 x H x W each
//   torch::Tensor in = PIFuHDImpl::condition(image, front, back);       // B x 9 x H x W
//   torch::Tensor f = PIFuHDImpl::fine_normals(front, 1024, origins, 512);  // a fine crop's normals
//   PIFuHDOutput o = model->forward(coarse_in, fine_in, xyz_n);         // xyz_n: B x 3 x N normalized
//   PIFuHDOutput t = model->forward(coarse_in, crop_in, xyz_n, xyz_crop);  // training on a fine crop
//
// coarse_in is the 512^2 conditioned image, fine_in the 1024^2 one; with one point set both levels
// share its frame (the whole image). Training crops the fine image (section 3.4: random 512^2 crops
// of 1024^2), so the fine level then takes the same points in the crop's frame (xyz_crop) while
// Omega comes from the coarse level queried at them in the coarse frame (xyz_n); the coarse output
// is at xyz_n. detach_omega stops the fine loss at Omega (coarse frozen, the public default
// train_full_pifu = false); otherwise gradients reach the coarse MLP and encoder through Omega.
// Predicted normals reach the fine level one way in training and inference (the public inference
// code's): predicted from the coarse-size image, upsampled to the fine size, then cropped.

#include "config/config.hpp"
#include "models/normal_net.hpp"
#include "models/pifu_level.hpp"

#include <torch/torch.h>

#include <optional>
#include <utility>

namespace hifa::trainer {

struct PIFuHDOptions {
  LevelConfig coarse = default_coarse_level();
  std::optional<LevelConfig> fine = default_fine_level();  // nullopt: single-level PIFu
  NormalNetConfig normal_net;                              // type "none": no normal nets
};

struct PIFuHDOutput {
  LevelOutput coarse;
  std::optional<LevelOutput> fine;
};

struct PIFuHDImpl : torch::nn::Module {
  explicit PIFuHDImpl(PIFuHDOptions options);

  // Both normal maps of an RGB image, resized to the image (bilinear, align_corners = true as the
  // public code's nn.Upsample) -- the nets see the image at its own size.
  std::pair<torch::Tensor, torch::Tensor> predict_normals(const torch::Tensor& image);
  static torch::Tensor condition(const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back);
  // B x C x S x S maps (S = size) by bilinear resizing with align_corners, as the public code's
  // nn.Upsample; unchanged when they already are S x S.
  static torch::Tensor resized(const torch::Tensor& maps, int64_t size);
  // Coarse-size normal maps as the fine level sees them: resized to fine_size, then per item b the
  // crop x crop window whose top-left pixel is origins[b] = (x, y) (B x 2 integers). With crop =
  // fine_size and origins 0 this is the whole upsampled map (inference).
  static torch::Tensor fine_normals(const torch::Tensor& normals, int64_t fine_size, const torch::Tensor& origins,
                                    int64_t crop);

  PIFuHDOutput forward(const torch::Tensor& coarse_image, const torch::Tensor& fine_image, const torch::Tensor& xyz_n,
                       bool detach_omega = false);
  PIFuHDOutput forward(const torch::Tensor& coarse_image, const torch::Tensor& fine_image, const torch::Tensor& xyz_n,
                       const torch::Tensor& xyz_fine, bool detach_omega = false);

  bool has_fine() const { return !fine.is_empty(); }
  bool has_normal_nets() const { return !normal_front.is_empty(); }
  const PIFuHDOptions& options() const { return options_; }

  PIFuLevel coarse{nullptr};
  PIFuLevel fine{nullptr};
  NormalNet normal_front{nullptr}, normal_back{nullptr};

 private:
  PIFuHDOptions options_;
};
TORCH_MODULE(PIFuHD);

}  // namespace hifa::trainer
