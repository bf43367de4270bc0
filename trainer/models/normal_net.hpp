#pragma once
// Front / back normal-map networks of PIFuHD (section 3.3): the pix2pixHD global generator (Wang et
// al. 2018; public code lib/networks.py GlobalGenerator via define_G(3, 3, 64, "global", 4, 9, ...,
// "instance")).
//
//   NormalNet net(NormalNetOptions{});        // 64 base channels, 4 downsamplings, 9 residual blocks
//   torch::Tensor n = net->forward(image);    // B x 3 x H x W in [-1, 1] (tanh): normals, not (n+1)/2
//
// Layers: reflect-pad 3 -> 7x7 conv -> norm -> ReLU; `downsamplings` x (3x3 stride-2 conv doubling
// the width -> norm -> ReLU); `residual_blocks` x ResnetBlock (reflect-pad, 3x3 conv, norm, ReLU,
// reflect-pad, 3x3 conv, norm, + input); `downsamplings` x (3x3 stride-2 transposed conv halving
// the width, output_padding 1 -> norm -> ReLU); reflect-pad 3 -> 7x7 conv -> tanh. Instance norm
// without affine parameters (pix2pixHD's get_norm_layer('instance')).
// In: H, W divisible by 2^downsamplings; in_channels (+ 6 with body_normals) channels.

#include "config/config.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

using NormalNetOptions = NormalNetConfig;

struct ResnetBlockImpl : torch::nn::Module {
  ResnetBlockImpl(int channels, const std::string& norm);
  torch::Tensor forward(const torch::Tensor& x) { return x + block->forward(x); }
  torch::nn::Sequential block{nullptr};
};
TORCH_MODULE(ResnetBlock);

struct NormalNetImpl : torch::nn::Module {
  explicit NormalNetImpl(NormalNetOptions options);
  torch::Tensor forward(const torch::Tensor& image);
  const NormalNetOptions& options() const { return options_; }

  torch::nn::Sequential model{nullptr};

 private:
  NormalNetOptions options_;
};
TORCH_MODULE(NormalNet);

// What the nets read: the image (B x in_channels x H x W), then, with options.body_normals, the
// posed body's rendered front and back normals (B x 6 x H x W, body/body_render.hpp).
// Errors: hifa::Error when the options take the body's maps and body_normals is undefined.
torch::Tensor normal_net_input(const NormalNetOptions& options, const torch::Tensor& image, const torch::Tensor& body_normals);

}  // namespace hifa::trainer
