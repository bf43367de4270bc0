#pragma once
// The SDF MLP of IGR (Gropp et al., "Implicit Geometric Regularization for Learning Shapes", ICML
// 2020), as the public CAR code uses it for the canonical model: fully connected layers with
// Softplus(β) between them, the input re-joined (scaled 1/√2) at one middle layer, one linear output.
//
//   SdfMlp mlp(config.sdf, in_channels);          // in_channels: the point vector, xyz first
//   torch::Tensor f = mlp->forward(x);            // ... x in_channels -> ... x 1
//
// Layers: hidden widths w_0 .. w_{H-1}, then 1. Hidden layer l takes the previous activation (the
//   input for l = 0); layer `skip` takes cat(previous, input) / √2.
// Geometric initialisation (IGR section 4; Atzmon & Lipman 2020): hidden weights N(0, 2 / width out),
//   biases 0; the output layer's weights N(√π / √width in, 1e-4²) and bias −init_radius, so that at
//   the start f(x) ≈ ‖x‖ − r, a sphere around the body's root. Only the first three input channels
//   (xyz) get weights at the start: the other inputs' columns in the first and the skip layer start at
//   zero (as IDR does for its positional encoding), so neither image features nor normals bend the
//   initial sphere; they gain weight as training needs them.
// Softplus with β = 100 is ReLU-like but twice differentiable, which the gradient losses need
// (losses/sdf_loss.hpp differentiates ∇f).

#include "config/config.hpp"

#include <torch/torch.h>

#include <cstddef>
#include <vector>

namespace hifa::trainer {

// The MLP's tensors by layer: weight l is out x in, bias l is out (torch::nn::Linear's layout).
struct SdfMlpParameters {
  std::vector<torch::Tensor> weights, biases;

  // All of them, the weights first: what an optimizer or autograd::grad takes.
  std::vector<torch::Tensor> tensors() const {
    std::vector<torch::Tensor> out(weights);
    out.insert(out.end(), biases.begin(), biases.end());
    return out;
  }
  // f(tensor, its index in tensors()) for each tensor, in the same places.
  template <class F>
  SdfMlpParameters transformed(F&& f) const {
    SdfMlpParameters out;
    for (std::size_t i = 0; i < weights.size(); ++i) out.weights.push_back(f(weights[i], i));
    for (std::size_t i = 0; i < biases.size(); ++i) out.biases.push_back(f(biases[i], weights.size() + i));
    return out;
  }
};

struct SdfMlpImpl : torch::nn::Module {
  SdfMlpImpl(const SdfMlpConfig& config, int in_channels);
  torch::Tensor forward(const torch::Tensor& input);

  // The same function with other tensors in the layers' places: CAR's refinement optimises the
  // tensors a hypernetwork emits (refine/). Shapes must be the module's.
  torch::Tensor forward(const SdfMlpParameters& parameters, const torch::Tensor& input) const;
  // The field of points alone (CAR's refinement, over posed xyz): the points (... x 3) encoded by
  // the config's `frequencies` (positional_encoding), then the MLP, which must take
  // positional_channels(frequencies) inputs. ... x 1.
  torch::Tensor at_points(const SdfMlpParameters& parameters, const torch::Tensor& points) const;
  // Copies of the layers' tensors, detached.
  SdfMlpParameters parameters_copy() const;

  int in_channels() const { return in_channels_; }

  std::vector<torch::nn::Linear> layers;

 private:
  SdfMlpParameters own_tensors() const;  // the layers' own, not copied

  SdfMlpConfig config_;
  int in_channels_;
};
TORCH_MODULE(SdfMlp);

// NeRF's positional encoding of points (... x 3): [x, sin(2^k π x), cos(2^k π x) for k < frequencies],
// ... x 3 (1 + 2 frequencies), x first.
torch::Tensor positional_encoding(const torch::Tensor& points, int frequencies);
// Its width: 3 (1 + 2 frequencies).
constexpr int positional_channels(int frequencies) { return 3 * (1 + 2 * frequencies); }

}  // namespace hifa::trainer
