#include "models/hourglass.hpp"

#include "models/separable_resize.hpp"

#include "hifa/core/error.hpp"

#include <numeric>

namespace hifa::trainer {
namespace F = torch::nn::functional;

Norm2dImpl::Norm2dImpl(const std::string& norm, int groups, int channels) {
  if (norm == "group") {
    group = register_module("norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(std::gcd(groups, channels), channels)));
  } else if (norm == "batch") {
    batch = register_module("norm", torch::nn::BatchNorm2d(channels));
  } else if (norm == "instance") {
    instance = register_module("norm", torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(channels)));
  } else if (norm != "none") {
    throw Error("norm", "unknown normalization '" + norm + "' (group, batch, instance, none)");
  }
}

torch::Tensor Norm2dImpl::forward(const torch::Tensor& x) {
  if (group) return group(x);
  if (batch) return batch(x);
  if (instance) return instance(x);
  return x;
}

namespace {
torch::nn::Conv2d conv3x3(int in, int out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(1).padding(1).bias(false));
}
torch::nn::Conv2d conv1x1(int in, int out, bool bias = true) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).bias(bias));
}
}  // namespace

ConvBlockImpl::ConvBlockImpl(int in, int out, const std::string& norm, int groups) {
  if (out % 4 != 0) throw Error("ConvBlock", "out_channels must be a multiple of 4, got " + std::to_string(out));
  bn1 = register_module("bn1", Norm2d(norm, groups, in));
  conv1 = register_module("conv1", conv3x3(in, out / 2));
  bn2 = register_module("bn2", Norm2d(norm, groups, out / 2));
  conv2 = register_module("conv2", conv3x3(out / 2, out / 4));
  bn3 = register_module("bn3", Norm2d(norm, groups, out / 4));
  conv3 = register_module("conv3", conv3x3(out / 4, out / 4));
  if (in != out) {
    torch::nn::Sequential d;
    d->push_back(Norm2d(norm, groups, in));
    d->push_back(torch::nn::ReLU());
    d->push_back(conv1x1(in, out, false));
    downsample = register_module("downsample", d);
  }
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor o1 = conv1(torch::relu(bn1(x)));
  torch::Tensor o2 = conv2(torch::relu(bn2(o1)));
  torch::Tensor o3 = conv3(torch::relu(bn3(o2)));
  torch::Tensor out = torch::cat({o1, o2, o3}, 1);
  return out + (downsample ? downsample->forward(x) : x);
}

HourglassImpl::HourglassImpl(int depth, int channels, const std::string& norm, int groups, std::string upsample)
    : depth_(depth), upsample_(std::move(upsample)) {
  for (int l = 1; l <= depth; ++l) {
    b1_.push_back(register_module("b1_" + std::to_string(l), ConvBlock(channels, channels, norm, groups)));
    b2_.push_back(register_module("b2_" + std::to_string(l), ConvBlock(channels, channels, norm, groups)));
    b3_.push_back(register_module("b3_" + std::to_string(l), ConvBlock(channels, channels, norm, groups)));
  }
  b2_plus_ = register_module("b2_plus_1", ConvBlock(channels, channels, norm, groups));
}

torch::Tensor HourglassImpl::level(int l, const torch::Tensor& x) {
  torch::Tensor up1 = b1_[l - 1](x);
  torch::Tensor low = b2_[l - 1](F::avg_pool2d(x, F::AvgPool2dFuncOptions(2).stride(2)));
  low = l > 1 ? level(l - 1, low) : b2_plus_(low);
  low = b3_[l - 1](low);
  // Back to up1's size (PIFuHD: bicubic with align_corners=True; PIFu: nearest), as two GEMMs.
  auto mode = F::InterpolateFuncOptions().mode(torch::kNearest);
  if (upsample_ == "bicubic") mode = mode.mode(torch::kBicubic).align_corners(true);
  else if (upsample_ == "bilinear") mode = mode.mode(torch::kBilinear).align_corners(true);
  return up1 + separable_resize(low, {up1.size(2), up1.size(3)}, mode);
}

StackedHourglassImpl::StackedHourglassImpl(HourglassOptions o) : options_(std::move(o)) {
  const auto& p = options_;
  const char* where = "StackedHourglass";
  if (p.channels % 8 != 0) throw Error(where, "channels must be a multiple of 8, got " + std::to_string(p.channels));
  if (p.stacks < 1 || p.depth < 1 || p.downsamplings < 0) throw Error(where, "stacks and depth must be >= 1, downsamplings >= 0");
  const int c = p.channels, half = c / 2;
  stem = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(p.in_channels, p.stem_channels, 7)
                                                        .stride(p.downsamplings >= 1 ? 2 : 1).padding(3)));
  stem_norm = register_module("bn1", Norm2d(p.norm, p.groups, p.stem_channels));
  conv2 = register_module("conv2", ConvBlock(p.stem_channels, half, p.norm, p.groups));
  conv3 = register_module("conv3", ConvBlock(half, half, p.norm, p.groups));
  conv4 = register_module("conv4", ConvBlock(half, c, p.norm, p.groups));
  for (int s = 0; s < p.stacks; ++s) {
    const std::string k = std::to_string(s);
    hg_.push_back(register_module("m" + k, Hourglass(p.depth, c, p.norm, p.groups, p.upsample)));
    top_.push_back(register_module("top_m_" + k, ConvBlock(c, c, p.norm, p.groups)));
    conv_last_.push_back(register_module("conv_last" + k, conv1x1(c, c)));
    norm_end_.push_back(register_module("bn_end" + k, Norm2d(p.norm, p.groups, c)));
    out_.push_back(register_module("l" + k, conv1x1(c, p.out_channels)));
    if (s + 1 < p.stacks) {
      back_features_.push_back(register_module("bl" + k, conv1x1(c, c)));
      back_output_.push_back(register_module("al" + k, conv1x1(p.out_channels, c)));
    }
  }
}

std::vector<torch::Tensor> StackedHourglassImpl::forward(const torch::Tensor& x) {
  const auto& p = options_;
  if (x.dim() != 4 || x.size(1) != p.in_channels) {
    throw Error("StackedHourglass", "expects B x " + std::to_string(p.in_channels) + " x H x W, got " +
                                        std::to_string(x.dim()) + "-d input with " +
                                        std::to_string(x.dim() > 1 ? x.size(1) : 0) + " channels");
  }
  torch::Tensor y = conv2(torch::relu(stem_norm(stem(x))));
  for (int d = 1; d < p.downsamplings; ++d) y = F::avg_pool2d(y, F::AvgPool2dFuncOptions(2).stride(2));
  y = conv4(conv3(y));
  std::vector<torch::Tensor> outputs;
  torch::Tensor previous = y;
  for (int s = 0; s < p.stacks; ++s) {
    torch::Tensor ll = top_[s](hg_[s](previous));
    ll = torch::relu(norm_end_[s](conv_last_[s](ll)));
    torch::Tensor out = out_[s](ll);
    outputs.push_back(p.output_activation == "tanh" ? torch::tanh(out) : out);
    if (s + 1 < p.stacks) previous = previous + back_features_[s](ll) + back_output_[s](out);
  }
  return outputs;
}

}  // namespace hifa::trainer
