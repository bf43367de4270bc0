#include "models/pifu_level.hpp"

#include "hifa/core/error.hpp"
#include "models/projection.hpp"

namespace hifa::trainer {

PIFuLevelImpl::PIFuLevelImpl(PIFuLevelOptions o) : options_(std::move(o)) {
  const LevelConfig& l = options_.level;
  const int expected = l.encoder.out_channels + (l.depth_feature ? 1 : 0) + options_.extra_channels;
  if (l.mlp.widths.empty() || l.mlp.widths[0] != expected) {
    throw Error("PIFuLevel", "mlp.widths[0] must be encoder.out_channels (" + std::to_string(l.encoder.out_channels) +
                                 ") + depth feature (" + std::to_string(l.depth_feature ? 1 : 0) + ") + extra (" +
                                 std::to_string(options_.extra_channels) + ") = " + std::to_string(expected) + ", got " +
                                 std::to_string(l.mlp.widths.empty() ? 0 : l.mlp.widths[0]));
  }
  encoder = register_module("image_filter", StackedHourglass(l.encoder));
  mlp = register_module("mlp", SurfaceMLP(l.mlp));
}

LevelOutput PIFuLevelImpl::query(const std::vector<torch::Tensor>& features, const torch::Tensor& xyz_n,
                                 const torch::Tensor& extra) {
  using torch::indexing::Slice;
  const LevelConfig& l = options_.level;
  if (features.empty()) throw Error("PIFuLevel::query", "no feature maps (call encode first)");
  if (options_.extra_channels > 0 && (!extra.defined() || extra.size(1) != options_.extra_channels)) {
    throw Error("PIFuLevel::query", "this level needs " + std::to_string(options_.extra_channels) + " extra channels per point");
  }
  LevelOutput out;
  const std::size_t first = is_training() ? 0 : features.size() - 1;
  for (std::size_t s = first; s < features.size(); ++s) {
    std::vector<torch::Tensor> parts{sample_features(features[s], xyz_n)};
    if (l.depth_feature) parts.push_back(xyz_n.index({Slice(), Slice(2, 3), Slice()}) * l.depth_scale);
    if (options_.extra_channels > 0) parts.push_back(extra);
    SurfaceMLPOutput m = mlp->forward(torch::cat(parts, 1));
    out.logits.push_back(m.logits);
    if (s + 1 == features.size()) out.omega = m.omega;
  }
  torch::Tensor inside = options_.inside_xy_only
                             ? inside_cube(xyz_n.index({Slice(), Slice(0, 2), Slice()}))
                             : inside_cube(xyz_n);
  out.occupancy = torch::sigmoid(out.logits.back()) * inside;
  return out;
}

}  // namespace hifa::trainer
