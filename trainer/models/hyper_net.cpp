#include "models/hyper_net.hpp"

#include "hifa/core/error.hpp"

#include <string>

namespace hifa::trainer {

HyperNetImpl::HyperNetImpl(const HyperConfig& config, const SdfMlpImpl& mlp) {
  if (config.encoder_widths.empty()) throw Error("HyperNet", "the encoder needs at least one layer");
  encoder = torch::nn::Sequential();
  int in = 6;
  for (std::size_t l = 0; l < config.encoder_widths.size(); ++l) {
    encoder->push_back(torch::nn::Linear(in, config.encoder_widths[l]));
    if (l + 1 < config.encoder_widths.size()) encoder->push_back(torch::nn::ReLU());
    in = config.encoder_widths[l];
  }
  register_module("encoder", encoder);
  const int code = config.encoder_widths.back();
  const SdfMlpParameters start = mlp.parameters_copy();
  const auto make_head = [&](const torch::Tensor& target, const std::string& name) {
    Head h{torch::nn::Linear(code, config.head_width), torch::nn::Linear(config.head_width, target.numel()),
           target.sizes().vec()};
    torch::NoGradGuard no_grad;
    h.out->weight.mul_(config.last_layer_scale);
    h.out->bias.copy_(target.flatten());
    register_module(name + "_hidden", h.hidden);
    register_module(name + "_out", h.out);
    return h;
  };
  for (std::size_t l = 0; l < start.weights.size(); ++l) {
    weight_heads_.push_back(make_head(start.weights[l], "weight" + std::to_string(l)));
    bias_heads_.push_back(make_head(start.biases[l], "bias" + std::to_string(l)));
  }
}

std::vector<SdfMlpParameters> HyperNetImpl::forward(const torch::Tensor& body) {
  if (body.dim() != 3 || body.size(2) != 6) throw Error("HyperNet", "the body must be B x N x 6 (xyz, normal)");
  const torch::Tensor code = std::get<0>(encoder->forward(body).max(1));  // B x code
  const auto emit = [&](Head& h) {
    std::vector<int64_t> shape{code.size(0)};
    shape.insert(shape.end(), h.shape.begin(), h.shape.end());
    return h.out->forward(torch::relu(h.hidden->forward(code))).view(shape);
  };
  std::vector<torch::Tensor> weights, biases;
  for (Head& h : weight_heads_) weights.push_back(emit(h));
  for (Head& h : bias_heads_) biases.push_back(emit(h));
  std::vector<SdfMlpParameters> out(std::size_t(code.size(0)));
  for (std::size_t b = 0; b < out.size(); ++b) {
    for (const auto& w : weights) out[b].weights.push_back(w[int64_t(b)]);
    for (const auto& v : biases) out[b].biases.push_back(v[int64_t(b)]);
  }
  return out;
}

}  // namespace hifa::trainer
