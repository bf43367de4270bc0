#pragma once
// The point MLP of PIFu/PIFuHD: 1x1 Conv1d layers over B x C x N point features (parameters held
// as Conv1d, evaluated as GEMMs over the points), LeakyReLU, sigmoid out, the input re-concatenated
// before chosen layers (facebookresearch/pifuhd lib/model/MLP.py: filters, res_layers, merge_layer).
//
//   SurfaceMLP mlp(SurfaceMLPOptions{});          // coarse: 257-1024-512-256-128-1, skips {1,2,3}
//   SurfaceMLPOutput o = mlp->forward(features);  // o.logits B x 1 x N, o.omega B x 256 x N
//
// Indexing of skips: 0-based indices of the Conv1d layers (layer l maps widths[l] -> widths[l+1]);
//   layer l in `skips` takes cat(previous activation, MLP input) and so has widths[l] + widths[0]
//   inputs. The public code's res_layers = [1, 2, 3] for the coarse MLP feed the input again into
//   the layers that produce 512, 256 and 128 channels -- the paper's "layers 3, 4 and 5" when the
//   257-d input counts as layer 1 and a layer is named by the width it produces. We default to the
//   public code's indices; both descriptions select the same layers. Fine: [1, 2] (272-512-256-128-1).
// Omega (PIFuHD section 3.2): the activation after layer `omega_layer` (coarse: 2, the 256-d
//   "4th layer" output, after its norm and LeakyReLU as in the public code's phi), exposed so that
//   the fine level can take it in place of the depth feature. Undefined when omega_layer = -1.
// Norm: none. The public PIFuHD code puts GroupNorm on each hidden layer, but its statistics over
//   Conv1d's N axis mix the points of one sample, so a point's value would depend on the points it is
//   evaluated with (training batch vs inference chunk); PIFu's MLP has no norm either.
// Logits are returned so that losses can use log-sigmoid (stable); occupancy = sigmoid(logits).

#include "config/config.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

using SurfaceMLPOptions = MlpConfig;

struct SurfaceMLPOutput {
  torch::Tensor logits;  // B x widths.back() x N, before the sigmoid
  torch::Tensor omega;   // B x widths[omega_layer + 1] x N (a transposed view), or undefined
  torch::Tensor occupancy() const { return torch::sigmoid(logits); }
};

struct SurfaceMLPImpl : torch::nn::Module {
  explicit SurfaceMLPImpl(SurfaceMLPOptions options);
  SurfaceMLPOutput forward(const torch::Tensor& features);
  const SurfaceMLPOptions& options() const { return options_; }

 private:
  SurfaceMLPOptions options_;
  std::vector<bool> skip_;
  torch::nn::ModuleList filters_{nullptr};
};
TORCH_MODULE(SurfaceMLP);

}  // namespace hifa::trainer
