#pragma once
// A trained CAR canonical model as a toolkit hifa::BatchField (hifa/field/concepts.hpp) over the
// body's rest pose, so the grid evaluators query it like any other SDF.
//
//   CarField field(model, image, front, back, skinner, posed_to_view, 1 << 13);
//   auto r = hifa::evaluate_coarse_to_fine(field, grid, hifa::CoarseToFineOptions<float>::sdf());
//
// Inputs:  model          a CarNet in eval mode (queries the last stack)
//          image          1 x 3 x S x S in [-1, 1], S = car.image_size, on the model's device
//          front, back    1 x 3 x S x S normal maps in [-1, 1] (predicted or given)
//          skinner        the fitted body's CanonicalSkinner (body/canonical_skinning.hpp)
//          posed_to_view  the fit's posed body metres -> the image's normalized view frame
// The encoder runs once, in the constructor; evaluate(points, values) takes canonical points in
// body metres (the body model's own frame, N x 3, host memory), carries each into the image by its
// nearest rest-body point's LBS blend (the skinner, on the CPU), and writes the signed distance in
// body metres (negative inside), `chunk_points` points per network call.
// Cheap to copy (the state is shared); evaluate() is const and returns when the values are written.

#include "body/canonical_skinning.hpp"
#include "models/car_net.hpp"

#include <Kokkos_Core.hpp>
#include <torch/torch.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace hifa::trainer {

class CarField {
 public:
  using scalar = float;
  using execution_space = Kokkos::DefaultHostExecutionSpace;
  using memory_space = execution_space::memory_space;

  // Throws hifa::Error for inputs of the wrong shape or a zero chunk size.
  CarField(CarNet model, const torch::Tensor& image, const torch::Tensor& front, const torch::Tensor& back,
           std::shared_ptr<const CanonicalSkinner> skinner, const Mat4<float>& posed_to_view, std::size_t chunk_points);

  void evaluate(Kokkos::View<const float* [3], memory_space> points, Kokkos::View<float*, memory_space> values) const;

 private:
  struct State {
    CarNet model{nullptr};
    std::vector<torch::Tensor> features;
    torch::Tensor front, back;
    std::shared_ptr<const CanonicalSkinner> skinner;
    Mat4<float> posed_to_view;
    std::size_t chunk_points = 0;
  };
  std::shared_ptr<State> state_;  // not const: querying a module is a non-const call
};

}  // namespace hifa::trainer
