#pragma once
// The normal-net loss of PIFuHD (section 3.3): L = l1_weight * L1 + perceptual_weight * VGG, the
// pix2pixHD VGGLoss (lib/networks? pix2pixHD models/networks.py VGGLoss): L1 between VGG19 features
// of prediction and target at relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 weighted 1/32, 1/16,
// 1/8, 1/4, 1. Like pix2pixHD, the [-1, 1] images go into VGG unnormalized.
//
// No pretrained VGG can be downloaded here, so the weights come from a user file
// (normal_net.vgg_weights, losses/tensor_file.hpp format) holding torchvision's names
// "features.{0,2,5,7,10,12,14,16,19,21,23,25,28}.{weight,bias}" (other tensors are ignored).
// Without a file the perceptual term is replaced by a multi-scale image-gradient loss: the L1
// distance of the horizontal and vertical finite differences of prediction and target at
// gradient_scales scales (2x average pooling between scales), averaged over scales.
// describe() says which is in use; the training loop logs it.
//
//   NormalLoss loss(config.normal_net);        // throws hifa::Error for a missing/mismatched file
//   torch::Tensor l = loss->forward(pred, target);   // B x 3 x H x W each

#include "config/config.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

namespace hifa::trainer {

// VGG19's convolutions up to relu5_1, frozen (requires_grad false).
struct Vgg19FeaturesImpl : torch::nn::Module {
  Vgg19FeaturesImpl();
  // Loads every conv weight and bias by torchvision name; an absent name or a wrong shape is an
  // error naming the tensor, its expected shape and the file.
  void load(const std::filesystem::path& file);
  // relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 activations.
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

  // torchvision's index in vgg19().features of each conv we use.
  static const std::vector<int>& conv_indices();
  std::vector<torch::nn::Conv2d> convs;
};
TORCH_MODULE(Vgg19Features);

// Multi-scale image-gradient L1 (the fallback term above).
torch::Tensor gradient_loss(const torch::Tensor& pred, const torch::Tensor& target, int scales);

struct NormalLossImpl : torch::nn::Module {
  explicit NormalLossImpl(NormalNetConfig config);
  torch::Tensor forward(const torch::Tensor& pred, const torch::Tensor& target);
  bool uses_vgg() const { return !vgg.is_empty(); }
  std::string describe() const;

  Vgg19Features vgg{nullptr};

 private:
  NormalNetConfig config_;
};
TORCH_MODULE(NormalLoss);

}  // namespace hifa::trainer
