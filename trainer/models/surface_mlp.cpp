#include "models/surface_mlp.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {

SurfaceMLPImpl::SurfaceMLPImpl(SurfaceMLPOptions o) : options_(std::move(o)) {
  const auto& w = options_.widths;
  const char* where = "SurfaceMLP";
  if (w.size() < 2) throw Error(where, "widths needs at least an input and an output width");
  const int layers = int(w.size()) - 1;
  skip_.assign(std::size_t(layers), false);
  for (int k : options_.skips) {
    if (k < 1 || k >= layers) throw Error(where, "skip index " + std::to_string(k) + " is outside [1, " + std::to_string(layers - 1) + "]");
    skip_[std::size_t(k)] = true;
  }
  if (!(options_.leaky_slope >= 0)) throw Error(where, "leaky_slope must be >= 0 (LeakyReLU runs in place), got " + std::to_string(options_.leaky_slope));
  if (options_.norm != "none") throw Error(where, "norm must be none (a norm over points mixes them), got " + options_.norm);
  if (options_.omega_layer < -1 || options_.omega_layer >= layers - 1) {
    throw Error(where, "omega_layer " + std::to_string(options_.omega_layer) + " is not a hidden layer");
  }
  filters_ = register_module("filters", torch::nn::ModuleList());
  for (int l = 0; l < layers; ++l) {
    const int in = w[std::size_t(l)] + (skip_[std::size_t(l)] ? w[0] : 0);
    filters_->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(in, w[std::size_t(l) + 1], 1)));
  }
}

SurfaceMLPOutput SurfaceMLPImpl::forward(const torch::Tensor& x) {
  const auto& w = options_.widths;
  if (x.dim() != 3 || x.size(1) != w[0]) {
    throw Error("SurfaceMLP", "expects B x " + std::to_string(w[0]) + " x N features, got " + std::to_string(x.dim()) +
                                  "-d input with " + std::to_string(x.dim() > 1 ? x.size(1) : 0) + " channels");
  }
  // Points-major layout: each 1x1 conv is one GEMM (P = B * N rows) with the bias fused in (addmm);
  // on CPU this is ~9% faster than Conv1d's oneDNN path, forward and backward together, for the
  // coarse MLP over 10,000 points on 2 threads (bench/peers/pifu_train_step_vs_torch.sh).
  const int64_t b = x.size(0), n = x.size(2);
  auto channels_first = [&](const torch::Tensor& rows) { return rows.view({b, n, rows.size(1)}).transpose(1, 2); };
  const torch::Tensor input = x.transpose(1, 2).reshape({b * n, x.size(1)});
  SurfaceMLPOutput out;
  torch::Tensor y = input;
  const int layers = int(filters_->size());
  for (int l = 0; l < layers; ++l) {
    const auto& conv = filters_[std::size_t(l)]->as<torch::nn::Conv1d>();
    const torch::Tensor in = skip_[std::size_t(l)] ? torch::cat({y, input}, 1) : y;
    y = torch::addmm(conv->bias, in, conv->weight.view({conv->weight.size(0), conv->weight.size(1)}).t());
    if (l + 1 < layers) y = torch::leaky_relu_(y, options_.leaky_slope);  // y is this layer's own output: no copy needed
    if (l == options_.omega_layer) out.omega = channels_first(y);
  }
  out.logits = channels_first(y);
  return out;
}

}  // namespace hifa::trainer
