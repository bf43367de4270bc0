#include "refine/posed_sdf_field.hpp"

#include "hifa/core/error.hpp"

#include <algorithm>
#include <string>

namespace hifa::trainer {

PosedSdfField::PosedSdfField(SdfMlp mlp, SdfMlpParameters parameters, std::size_t chunk_points)
    : state_(std::make_shared<const State>(State{std::move(mlp), std::move(parameters), chunk_points})) {
  if (chunk_points == 0) throw Error("PosedSdfField", "chunk_points must be >= 1");
}

void PosedSdfField::evaluate(Kokkos::View<const float* [3], memory_space> points, Kokkos::View<float*, memory_space> values) const {
  if (values.extent(0) != points.extent(0)) {
    throw Error("PosedSdfField::evaluate", "values has " + std::to_string(values.extent(0)) + " entries for " +
                                               std::to_string(points.extent(0)) + " points");
  }
  torch::NoGradGuard no_grad;
  const State& s = *state_;
  const torch::Device device = s.parameters.weights.front().device();
  const std::size_t n = points.extent(0);
  for (std::size_t begin = 0; begin < n; begin += s.chunk_points) {
    const auto count = std::int64_t(std::min(s.chunk_points, n - begin));
    const torch::Tensor x = torch::from_blob(const_cast<float*>(points.data()) + 3 * begin, {count, 3}).to(device);
    const torch::Tensor g = s.mlp->at_points(s.parameters, x).reshape({count}).to(torch::kCPU, torch::kFloat32).contiguous();
    std::copy_n(g.data_ptr<float>(), count, values.data() + begin);
  }
}

}  // namespace hifa::trainer
