#include "models/refine_net.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {

RefineNetImpl::RefineNetImpl(const Config& config) {
  if (!config.hyper || !config.refine) throw Error(config.source, "is not a hypernetwork config (model.type hyper)");
  mlp = register_module("mlp", SdfMlp(config.refine->sdf, positional_channels(config.refine->sdf.frequencies)));
  hyper = register_module("hyper", HyperNet(*config.hyper, *mlp));
}

}  // namespace hifa::trainer
