#include "models/sdf_mlp.hpp"

#include "hifa/core/error.hpp"

#include <cmath>
#include <numbers>

namespace hifa::trainer {

SdfMlpImpl::SdfMlpImpl(const SdfMlpConfig& config, int in_channels) : config_(config), in_channels_(in_channels) {
  const int hidden = int(config.widths.size());
  if (in_channels < 3) throw Error("SdfMlp", "the input needs xyz first, got " + std::to_string(in_channels) + " channels");
  if (hidden < 2 || config.skip < 1 || config.skip >= hidden) {
    throw Error("SdfMlp", "needs >= 2 hidden layers and a skip in [1, hidden - 1]");
  }
  torch::NoGradGuard no_grad;
  for (int l = 0; l <= hidden; ++l) {
    const int before = l == 0 ? in_channels : config.widths[std::size_t(l - 1)];
    const int in = before + (l == config.skip ? in_channels : 0);
    const int out = l < hidden ? config.widths[std::size_t(l)] : 1;
    torch::nn::Linear layer(in, out);
    if (l < hidden) {
      layer->weight.normal_(0.0, std::sqrt(2.0) / std::sqrt(double(out)));
      layer->bias.zero_();
      using torch::indexing::Slice;
      if (l == 0) layer->weight.index_put_({Slice(), Slice(3, torch::indexing::None)}, 0.0);
      if (l == config.skip) layer->weight.index_put_({Slice(), Slice(before + 3, torch::indexing::None)}, 0.0);
    } else {
      layer->weight.normal_(std::sqrt(std::numbers::pi) / std::sqrt(double(in)), 1e-4);
      layer->bias.fill_(-config.init_radius);
    }
    layers.push_back(register_module("layer" + std::to_string(l), layer));
  }
}

SdfMlpParameters SdfMlpImpl::own_tensors() const {
  SdfMlpParameters own;
  for (const auto& layer : layers) {
    own.weights.push_back(layer->weight);
    own.biases.push_back(layer->bias);
  }
  return own;
}

torch::Tensor SdfMlpImpl::forward(const torch::Tensor& input) { return forward(own_tensors(), input); }

torch::Tensor SdfMlpImpl::forward(const SdfMlpParameters& parameters, const torch::Tensor& input) const {
  if (input.size(-1) != in_channels_) {
    throw Error("SdfMlp", "input has " + std::to_string(input.size(-1)) + " channels, expected " + std::to_string(in_channels_));
  }
  if (parameters.weights.size() != layers.size() || parameters.biases.size() != layers.size()) {
    throw Error("SdfMlp", "given " + std::to_string(parameters.weights.size()) + " weights and " +
                              std::to_string(parameters.biases.size()) + " biases for " + std::to_string(layers.size()) + " layers");
  }
  torch::Tensor h = input;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    if (int(l) == config_.skip) h = torch::cat({h, input}, -1) / std::sqrt(2.0);
    h = torch::nn::functional::linear(h, parameters.weights[l], parameters.biases[l]);
    if (l + 1 < layers.size()) h = torch::nn::functional::softplus(h, torch::nn::functional::SoftplusFuncOptions().beta(config_.softplus_beta));
  }
  return h;
}

torch::Tensor SdfMlpImpl::at_points(const SdfMlpParameters& parameters, const torch::Tensor& points) const {
  return forward(parameters, positional_encoding(points, config_.frequencies));
}

SdfMlpParameters SdfMlpImpl::parameters_copy() const {
  return own_tensors().transformed([](const torch::Tensor& t, std::size_t) { return t.detach().clone(); });
}

torch::Tensor positional_encoding(const torch::Tensor& points, int frequencies) {
  if (frequencies == 0) return points;  // no copy on the refinement's every step
  std::vector<torch::Tensor> parts{points};
  for (int k = 0; k < frequencies; ++k) {
    const torch::Tensor scaled = points * (std::pow(2.0, k) * std::numbers::pi);
    parts.push_back(torch::sin(scaled));
    parts.push_back(torch::cos(scaled));
  }
  return torch::cat(parts, -1);
}

}  // namespace hifa::trainer
