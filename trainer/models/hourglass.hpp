#pragma once
// Stacked hourglass image encoder (Newell et al., ECCV 2016) as PIFu/PIFuHD use it
// (facebookresearch/pifuhd lib/model/HGFilters.py: HGFilter, HourGlass, ConvBlock), with GroupNorm.
//
//   StackedHourglass enc(HourglassOptions{});          // PIFuHD coarse: 9 x 512^2 -> 4 x (256 x 128^2)
//   std::vector<torch::Tensor> f = enc->forward(x);    // one map per stack, last = deepest
//
// In:  x, B x in_channels x H x W (H, W divisible by 2^(downsamplings + depth)).
// Out: `stacks` tensors, each B x out_channels x H / 2^downsamplings x W / 2^downsamplings.
//   The stem is a 7x7 conv (stride 2 when downsamplings >= 1) -> norm -> ReLU -> ConvBlock(stem,
//   channels/2) -> (downsamplings - 1) 2x2 average poolings (HGFilter's 'ave_pool'; 'no_down' is
//   downsamplings = 1) -> ConvBlock(c/2, c/2) -> ConvBlock(c/2, c). Each stack: hourglass of `depth`
//   levels -> ConvBlock -> 1x1 conv -> norm -> ReLU -> 1x1 conv to out_channels (the stack's output,
//   supervised in training); between stacks the output and the features are mapped back by 1x1
//   convs and added to the stack's input (Newell et al. section 3.4).
// Options are the config section itself (config/config.hpp EncoderConfig): a YAML key is a field.

#include "config/config.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

using HourglassOptions = EncoderConfig;

// A 2-D normalization layer by name: "group" (gcd(groups, channels) groups), "batch", "instance"
// (no affine parameters, as pix2pixHD) or "none" (identity). One module type for every choice, so
// that it can sit in a Sequential.
struct Norm2dImpl : torch::nn::Module {
  Norm2dImpl(const std::string& norm, int groups, int channels);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::GroupNorm group{nullptr};
  torch::nn::BatchNorm2d batch{nullptr};
  torch::nn::InstanceNorm2d instance{nullptr};
};
TORCH_MODULE(Norm2d);

// PIFu's residual block (the modification of Bulat & Tzimiropoulos 2017 that PIFuHD cites): three
// 3x3 convs (pre-activation norm -> ReLU -> conv) producing out/2, out/4 and out/4 channels,
// concatenated, plus the input (through norm -> ReLU -> 1x1 conv when the widths differ).
struct ConvBlockImpl : torch::nn::Module {
  ConvBlockImpl(int in_channels, int out_channels, const std::string& norm, int groups);
  torch::Tensor forward(const torch::Tensor& x);

  Norm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  torch::nn::Sequential downsample{nullptr};  // empty holder when in == out
};
TORCH_MODULE(ConvBlock);

// One hourglass of `depth` levels at constant width: each level keeps a full-resolution branch
// (b1) and recurses on a 2x average-pooled branch (b2 -> inner -> b3), upsampled and added.
struct HourglassImpl : torch::nn::Module {
  HourglassImpl(int depth, int channels, const std::string& norm, int groups, std::string upsample);
  torch::Tensor forward(const torch::Tensor& x) { return level(depth_, x); }

 private:
  torch::Tensor level(int l, const torch::Tensor& x);
  int depth_;
  std::string upsample_;
  std::vector<ConvBlock> b1_, b2_, b3_;  // index l - 1
  ConvBlock b2_plus_{nullptr};           // the bottom level's extra block
};
TORCH_MODULE(Hourglass);

struct StackedHourglassImpl : torch::nn::Module {
  explicit StackedHourglassImpl(HourglassOptions options);
  std::vector<torch::Tensor> forward(const torch::Tensor& x);
  const HourglassOptions& options() const { return options_; }

 private:
  HourglassOptions options_;
  torch::nn::Conv2d stem{nullptr};
  Norm2d stem_norm{nullptr};
  ConvBlock conv2{nullptr}, conv3{nullptr}, conv4{nullptr};
  std::vector<Hourglass> hg_;
  std::vector<ConvBlock> top_;
  std::vector<torch::nn::Conv2d> conv_last_, out_, back_features_, back_output_;
  std::vector<Norm2d> norm_end_;
};
TORCH_MODULE(StackedHourglass);

}  // namespace hifa::trainer
