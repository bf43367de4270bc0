#include "inference/network_field.hpp"

#include "hifa/core/error.hpp"
#include "models/projection.hpp"

#include <algorithm>
#include <string>

namespace hifa::trainer {

NetworkField::NetworkField(PIFuHD model, const torch::Tensor& coarse_input, const torch::Tensor& fine_input,
                           const torch::Tensor& mask, NetworkFieldOptions options) {
  if (options.chunk_points == 0) throw Error("NetworkField", "chunk_points must be >= 1");
  const bool fine = options.level == FieldLevel::fine;
  if (fine && !model->has_fine()) {
    throw Error("NetworkField", "the fine level was asked for, but this model has none (model.type: pifu)");
  }
  if (fine && !fine_input.defined()) throw Error("NetworkField", "the fine level needs the fine input image");
  const auto check = [](const torch::Tensor& in, const LevelConfig& level, const char* name) {
    if (in.dim() != 4 || in.size(0) != 1 || in.size(1) != level.encoder.in_channels) {
      throw Error("NetworkField", std::string(name) + " input must be 1 x " + std::to_string(level.encoder.in_channels) +
                                      " x H x W, got " + std::to_string(in.dim()) + " dimensions" +
                                      (in.dim() > 1 ? " with " + std::to_string(in.size(1)) + " channels" : ""));
    }
  };
  check(coarse_input, model->options().coarse, "coarse");
  if (fine) check(fine_input, *model->options().fine, "fine");

  auto state = std::make_shared<State>();
  state->model = model;
  state->options = options;
  state->device = coarse_input.device();
  state->mask = mask;
  torch::NoGradGuard no_grad;
  // Only the last stack is queried in eval mode; the others are kept because encode() returns all.
  state->coarse_features = model->coarse->encode(coarse_input);
  if (fine) state->fine_features = model->fine->encode(fine_input);
  state_ = std::move(state);
}

torch::Tensor NetworkField::occupancy(const torch::Tensor& xyz_n) const {
  State& s = *state_;
  LevelOutput coarse = s.model->coarse->query(s.coarse_features, xyz_n);
  torch::Tensor occ = s.options.level == FieldLevel::fine
                          ? s.model->fine->query(s.fine_features, xyz_n, coarse.omega).occupancy
                          : coarse.occupancy;
  if (s.mask.defined()) occ = occ * (sample_features(s.mask, xyz_n) >= 0.5).to(occ.scalar_type());
  return occ;
}

void NetworkField::evaluate(Kokkos::View<const float* [3], memory_space> points,
                            Kokkos::View<float*, memory_space> values) const {
  if (values.extent(0) != points.extent(0)) {
    throw Error("NetworkField::evaluate", "values has " + std::to_string(values.extent(0)) + " entries for " +
                                              std::to_string(points.extent(0)) + " points");
  }
  torch::NoGradGuard no_grad;
  const std::size_t n = points.extent(0), chunk = state_->options.chunk_points;
  for (std::size_t begin = 0; begin < n; begin += chunk) {
    const std::int64_t count = std::int64_t(std::min(chunk, n - begin));
    // A LayoutRight N x 3 View is N rows of (x, y, z): wrap it without a copy; the networks take
    // 1 x 3 x N. from_blob wants a mutable pointer; the tensor is only read.
    const torch::Tensor xyz =
        torch::from_blob(const_cast<float*>(&points(begin, 0)), {count, 3}, torch::kFloat32)
            .to(state_->device)
            .t()
            .unsqueeze(0)
            .contiguous();
    const torch::Tensor occ = occupancy(xyz).reshape({count}).to(torch::kCPU, torch::kFloat32).contiguous();
    std::copy_n(occ.data_ptr<float>(), count, values.data() + begin);
  }
}

}  // namespace hifa::trainer
