#pragma once
// A hyper run's model (model.type hyper): the refinement's SDF MLP as made -- its geometric
// initialisation, the sphere `hifa refine --init random` starts from -- and the hypernetwork that
// emits its tensors for a body (hyper_net.hpp). The run's config also holds the refinement's
// settings (config.refine), so one run is all `hifa refine` needs.
//
//   RefineNet net(config);                     // torch::manual_seed first for reproducible weights
//   SdfMlpParameters p = net->hyper->forward(body)[0];
//   torch::Tensor g = net->mlp->at_points(p, points);

#include "config/config.hpp"
#include "models/hyper_net.hpp"
#include "models/sdf_mlp.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

struct RefineNetImpl : torch::nn::Module {
  explicit RefineNetImpl(const Config& config);

  SdfMlp mlp{nullptr};
  HyperNet hyper{nullptr};
};
TORCH_MODULE(RefineNet);

}  // namespace hifa::trainer
