#include "inference/car_field.hpp"

#include "hifa/core/error.hpp"

#include <algorithm>
#include <string>

namespace hifa::trainer {

CarField::CarField(CarNet model, const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back,
                   std::shared_ptr<const CanonicalSkinner> skinner, const Mat4<float>& posed_to_view,
                   std::size_t chunk_points) {
  if (chunk_points == 0) throw Error("CarField", "chunk_points must be >= 1");
  for (const torch::Tensor* t : {&image, &front, &back}) {
    if (t->dim() != 4 || t->size(0) != 1 || t->size(1) != 3 || t->sizes() != image.sizes()) {
      throw Error("CarField", "the image and normal maps must each be 1 x 3 x S x S");
    }
  }
  auto state = std::make_shared<State>();
  state->model = model;
  state->front = front;
  state->back = back;
  state->skinner = std::move(skinner);
  state->posed_to_view = posed_to_view;
  state->chunk_points = chunk_points;
  torch::NoGradGuard no_grad;
  state->features = model->encode(image, front, back);
  state_ = std::move(state);
}

void CarField::evaluate(Kokkos::View<const float* [3], memory_space> points, Kokkos::View<float*, memory_space> values) const {
  if (values.extent(0) != points.extent(0)) {
    throw Error("CarField::evaluate", "values has " + std::to_string(values.extent(0)) + " entries for " +
                                          std::to_string(points.extent(0)) + " points");
  }
  torch::NoGradGuard no_grad;
  State& s = *state_;
  const torch::Device device = s.front.device();
  const std::size_t n = points.extent(0);
  for (std::size_t begin = 0; begin < n; begin += s.chunk_points) {
    const auto count = Eigen::Index(std::min(s.chunk_points, n - begin));
    RowMatrix3<float> relative(count, 3);
    for (Eigen::Index i = 0; i < count; ++i) {
      for (int c = 0; c < 3; ++c) relative(i, c) = points(begin + std::size_t(i), std::size_t(c)) - s.skinner->rest_root()[c];
    }
    const CanonicalSkinning skin = s.skinner->skin(relative, s.posed_to_view);
    const torch::Tensor facing = torch::from_blob(const_cast<float*>(skin.body_normal.data()), {count, 3}).select(1, 2);
    CarQuery q{torch::from_blob(relative.data(), {1, count, 3}).to(device),
               torch::from_blob(const_cast<float*>(skin.blend.data()), {1, count, 3, 4}).to(device),
               (facing > 0).to(torch::kFloat32).view({1, count}).to(device)};
    const torch::Tensor f =
        s.model->query(s.features, s.front, s.back, q).back().reshape({count}).to(torch::kCPU, torch::kFloat32).contiguous();
    std::copy_n(f.data_ptr<float>(), count, values.data() + begin);
  }
}

}  // namespace hifa::trainer
