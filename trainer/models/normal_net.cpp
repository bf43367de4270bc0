#include "models/normal_net.hpp"

#include "hifa/core/error.hpp"
#include "models/hourglass.hpp"

namespace hifa::trainer {
namespace nn = torch::nn;

ResnetBlockImpl::ResnetBlockImpl(int c, const std::string& norm) {
  nn::Sequential b;
  b->push_back(nn::ReflectionPad2d(1));
  b->push_back(nn::Conv2d(nn::Conv2dOptions(c, c, 3)));
  b->push_back(Norm2d(norm, 1, c));
  b->push_back(nn::ReLU());
  b->push_back(nn::ReflectionPad2d(1));
  b->push_back(nn::Conv2d(nn::Conv2dOptions(c, c, 3)));
  b->push_back(Norm2d(norm, 1, c));
  block = register_module("conv_block", b);
}

NormalNetImpl::NormalNetImpl(NormalNetOptions o) : options_(std::move(o)) {
  const auto& p = options_;
  if (p.type != "pix2pixhd_global") throw Error("NormalNet", "unknown type '" + p.type + "' (pix2pixhd_global)");
  const int g = p.base_channels;
  nn::Sequential m;
  m->push_back(nn::ReflectionPad2d(3));
  m->push_back(nn::Conv2d(nn::Conv2dOptions(p.input_channels(), g, 7)));
  m->push_back(Norm2d(p.norm, 1, g));
  m->push_back(nn::ReLU());
  for (int i = 0; i < p.downsamplings; ++i) {
    const int c = g << i;
    m->push_back(nn::Conv2d(nn::Conv2dOptions(c, 2 * c, 3).stride(2).padding(1)));
    m->push_back(Norm2d(p.norm, 1, 2 * c));
    m->push_back(nn::ReLU());
  }
  const int bottom = g << p.downsamplings;
  for (int i = 0; i < p.residual_blocks; ++i) m->push_back(ResnetBlock(bottom, p.norm));
  for (int i = 0; i < p.downsamplings; ++i) {
    const int c = g << (p.downsamplings - i);
    m->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c, c / 2, 3).stride(2).padding(1).output_padding(1)));
    m->push_back(Norm2d(p.norm, 1, c / 2));
    m->push_back(nn::ReLU());
  }
  m->push_back(nn::ReflectionPad2d(3));
  m->push_back(nn::Conv2d(nn::Conv2dOptions(g, p.out_channels, 7)));
  m->push_back(nn::Tanh());
  model = register_module("model", m);
}

torch::Tensor NormalNetImpl::forward(const torch::Tensor& image) {
  const int64_t k = int64_t(1) << options_.downsamplings;
  if (image.dim() != 4 || image.size(1) != options_.input_channels() || image.size(2) % k || image.size(3) % k) {
    throw Error("NormalNet", "expects B x " + std::to_string(options_.input_channels()) + " x H x W with H, W divisible by " +
                                 std::to_string(k) + ", got " + std::to_string(image.dim()) + "-d input");
  }
  return model->forward(image);
}

torch::Tensor normal_net_input(const NormalNetOptions& options, const torch::Tensor& image, const torch::Tensor& body_normals) {
  if (!options.body_normals) return image;
  if (!body_normals.defined()) {
    throw Error("normal nets", "they read the body's normal maps beside the image (normal_net.body_normals): give a body fit");
  }
  return torch::cat({image, body_normals.to(image.device(), image.scalar_type())}, 1);
}

}  // namespace hifa::trainer
