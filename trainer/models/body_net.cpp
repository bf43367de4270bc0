#include "models/body_net.hpp"

#include "body/rotations.hpp"
#include "hifa/core/error.hpp"

#include <numeric>

namespace hifa::trainer {
namespace nn = torch::nn;

namespace {

nn::AnyModule norm_layer(const BodyNetConfig& c, int channels) {
  if (c.norm == "group") return nn::AnyModule(nn::GroupNorm(nn::GroupNormOptions(std::gcd(c.groups, channels), channels)));
  return nn::AnyModule(nn::Identity());
}

nn::Conv2d conv(int in, int out, int kernel, int stride) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

struct ResidualBlockImpl : nn::Module {
  ResidualBlockImpl(const BodyNetConfig& c, int in, int out, int stride) {
    body = register_module("body", nn::Sequential(conv(in, out, 3, stride), norm_layer(c, out), nn::ReLU(),
                                                  conv(out, out, 3, 1), norm_layer(c, out)));
    if (stride != 1 || in != out) shortcut = register_module("shortcut", nn::Sequential(conv(in, out, 1, stride), norm_layer(c, out)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::relu(body->forward(x) + (shortcut.is_empty() ? x : shortcut->forward(x)));
  }
  nn::Sequential body{nullptr}, shortcut{nullptr};
};
TORCH_MODULE(ResidualBlock);

}  // namespace

BodyNetImpl::BodyNetImpl(const BodyNetConfig& c, int in_channels, int joints)
    : config_(c), in_channels_(in_channels), joints_(joints) {
  nn::Sequential e(conv(in_channels, c.channels.front(), 3, 2), norm_layer(c, c.channels.front()), nn::ReLU());
  int width = c.channels.front();
  for (int out : c.channels) {
    for (int b = 0; b < c.blocks; ++b) {
      e->push_back(ResidualBlock(c, b == 0 ? width : out, out, b == 0 ? 2 : 1));
    }
    width = out;
  }
  e->push_back(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  e->push_back(nn::Flatten());
  encoder = register_module("encoder", e);

  const int params = joints * 6 + c.betas + 1 + 3;
  nn::Sequential r;
  int in = width + params;
  for (int w : c.regressor_widths) {
    r->push_back(nn::Linear(in, w));
    r->push_back(nn::ReLU());
    in = w;
  }
  nn::Linear last(in, params);
  nn::init::xavier_uniform_(last->weight, 0.01);
  nn::init::zeros_(last->bias);
  r->push_back(last);
  regressor = register_module("regressor", r);

  const torch::Tensor identity_6d = matrix_to_rotation_6d(torch::eye(3)).repeat({joints});
  mean_ = register_buffer("mean", torch::cat({identity_6d, torch::zeros({params - joints * 6})}));
}

BodyEstimate BodyNetImpl::forward(const torch::Tensor& input) {
  if (input.dim() != 4 || input.size(1) != in_channels_) {
    throw Error("body estimator", "input of shape " + std::string(c10::str(input.sizes())) + ", expected B x " +
                                      std::to_string(in_channels_) + " x S x S");
  }
  const torch::Tensor features = encoder->forward(input);
  torch::Tensor theta = mean_.unsqueeze(0).expand({input.size(0), mean_.size(0)});
  for (int i = 0; i < config_.iterations; ++i) theta = theta + regressor->forward(torch::cat({features, theta}, 1));

  BodyEstimate e;
  const int64_t k6 = int64_t(joints_) * 6, b = config_.betas;
  e.rotations_6d = theta.narrow(1, 0, k6).reshape({-1, joints_, 6});
  e.rotations = rotation_6d_to_matrix(e.rotations_6d);
  e.betas = theta.narrow(1, k6, b);
  e.scale = theta.select(1, k6 + b).exp();
  e.translation = theta.narrow(1, k6 + b + 1, 3);
  return e;
}

BodyEstimatorImpl::BodyEstimatorImpl(const Config& c, int joints) {
  if (!c.body_net) throw Error(c.source, "model.type body needs body_net");
  if (c.normal_net.type != "none") {
    normal_front = register_module("netF", NormalNet(c.normal_net));
    normal_back = register_module("netB", NormalNet(c.normal_net));
  }
  net = register_module("body", BodyNet(*c.body_net, body_net_channels(*c.body_net), joints));
}

int body_net_channels(const BodyNetConfig& c) { return c.inputs == "image_normals" ? 9 : 3; }

torch::Tensor BodyNetImpl::input(const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back) const {
  const int64_t s = config_.image_size;
  const auto sized = [s](const torch::Tensor& t) { return t.size(3) == s ? t : torch::adaptive_avg_pool2d(t, {s, s}); };
  return takes_normals() ? torch::cat({sized(image), sized(front), sized(back)}, 1) : sized(image);
}

}  // namespace hifa::trainer
