#include "losses/normal_loss.hpp"

#include "hifa/core/error.hpp"
#include "losses/tensor_file.hpp"

#include <map>
#include <sstream>

namespace hifa::trainer {
namespace F = torch::nn::functional;

namespace {
// VGG19 configuration "E" (Simonyan & Zisserman 2015) through conv5_1: output widths of the
// convs at conv_indices(); a 2x2 max pooling precedes the convs marked `pool_before`.
constexpr int widths[13] = {64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512};
constexpr bool pool_before[13] = {false, false, true, false, true, false, false, false, true, false, false, false, true};
// The slice ends of pix2pixHD's Vgg19: relu1_1 after conv 0, relu2_1 after 2, relu3_1 after 4,
// relu4_1 after 8, relu5_1 after 12 (indices into our 13 convs).
constexpr int taps[5] = {0, 2, 4, 8, 12};
constexpr double tap_weights[5] = {1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0};

std::string shape_text(at::IntArrayRef s) {
  std::ostringstream os;
  os << s;
  return os.str();
}
}  // namespace

const std::vector<int>& Vgg19FeaturesImpl::conv_indices() {
  static const std::vector<int> idx = {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28};
  return idx;
}

Vgg19FeaturesImpl::Vgg19FeaturesImpl() {
  int in = 3;
  for (int i = 0; i < 13; ++i) {
    convs.push_back(register_module("features_" + std::to_string(conv_indices()[std::size_t(i)]),
                                    torch::nn::Conv2d(torch::nn::Conv2dOptions(in, widths[i], 3).padding(1))));
    in = widths[i];
  }
  for (auto& p : parameters()) p.set_requires_grad(false);
}

void Vgg19FeaturesImpl::load(const std::filesystem::path& file) {
  std::map<std::string, torch::Tensor> byname;
  for (auto& [n, t] : read_tensor_file(file)) byname.emplace(n, t);
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < convs.size(); ++i) {
    const std::string base = "features." + std::to_string(conv_indices()[i]);
    for (auto [suffix, target] : {std::pair{".weight", convs[i]->weight}, {".bias", convs[i]->bias}}) {
      const std::string name = base + suffix;
      auto it = byname.find(name);
      if (it == byname.end()) {
        throw Error(file.string(), "VGG19 weights: tensor '" + name + "' is missing (expected shape " + shape_text(target.sizes()) + ")");
      }
      if (it->second.sizes() != target.sizes()) {
        throw Error(file.string(), "VGG19 weights: tensor '" + name + "' has shape " + shape_text(it->second.sizes()) +
                                       ", expected " + shape_text(target.sizes()));
      }
      target.copy_(it->second);
    }
  }
}

std::vector<torch::Tensor> Vgg19FeaturesImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> out;
  torch::Tensor y = x;
  int tap = 0;
  for (int i = 0; i < 13; ++i) {
    if (pool_before[i]) y = F::max_pool2d(y, F::MaxPool2dFuncOptions(2).stride(2));
    y = torch::relu(convs[std::size_t(i)](y));
    if (i == taps[tap]) {
      out.push_back(y);
      ++tap;
    }
  }
  return out;
}

torch::Tensor gradient_loss(const torch::Tensor& pred, const torch::Tensor& target, int scales) {
  using torch::indexing::None;
  using torch::indexing::Slice;
  torch::Tensor p = pred, t = target, sum = torch::zeros({}, pred.options());
  int used = 0;
  for (int s = 0; s < scales && p.size(2) >= 2 && p.size(3) >= 2; ++s, ++used) {
    auto dx = [](const torch::Tensor& a) { return a.index({Slice(), Slice(), Slice(), Slice(1, None)}) - a.index({Slice(), Slice(), Slice(), Slice(None, -1)}); };
    auto dy = [](const torch::Tensor& a) { return a.index({Slice(), Slice(), Slice(1, None), Slice()}) - a.index({Slice(), Slice(), Slice(None, -1), Slice()}); };
    sum = sum + F::l1_loss(dx(p), dx(t)) + F::l1_loss(dy(p), dy(t));
    p = F::avg_pool2d(p, F::AvgPool2dFuncOptions(2).stride(2));
    t = F::avg_pool2d(t, F::AvgPool2dFuncOptions(2).stride(2));
  }
  if (used == 0) throw Error("gradient_loss", "images smaller than 2 x 2");
  return sum / double(used);
}

NormalLossImpl::NormalLossImpl(NormalNetConfig config) : config_(std::move(config)) {
  if (config_.loss != "l1_perceptual") throw Error("normal_net.loss", "unknown normal loss '" + config_.loss + "' (l1_perceptual)");
  if (!config_.vgg_weights.empty()) {
    vgg = register_module("vgg", Vgg19Features());
    vgg->load(config_.vgg_weights);
  }
}

torch::Tensor NormalLossImpl::forward(const torch::Tensor& pred, const torch::Tensor& target) {
  if (pred.sizes() != target.sizes() || pred.dim() != 4) throw Error("normal loss", "pred and target must both be B x C x H x W of one shape");
  torch::Tensor l = config_.l1_weight * F::l1_loss(pred, target);
  if (config_.perceptual_weight == 0) return l;
  if (uses_vgg()) {
    std::vector<torch::Tensor> a = vgg->forward(pred), b = vgg->forward(target);
    torch::Tensor p = torch::zeros({}, pred.options());
    for (std::size_t i = 0; i < a.size(); ++i) p = p + tap_weights[i] * F::l1_loss(a[i], b[i].detach());
    return l + config_.perceptual_weight * p;
  }
  return l + config_.perceptual_weight * gradient_loss(pred, target, config_.gradient_scales);
}

std::string NormalLossImpl::describe() const {
  std::ostringstream os;
  os << "normal-net loss: " << config_.l1_weight << " x L1 + " << config_.perceptual_weight << " x ";
  if (uses_vgg()) os << "VGG19 perceptual loss (weights from " << config_.vgg_weights << ")";
  else os << config_.gradient_scales << "-scale image-gradient L1 (no normal_net.vgg_weights given: VGG19 perceptual loss off)";
  return os.str();
}

}  // namespace hifa::trainer
