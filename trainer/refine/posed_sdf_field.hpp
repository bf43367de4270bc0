#pragma once
// The refined posed SDF (refine/refiner.hpp) as a toolkit hifa::BatchField (hifa/field/concepts.hpp)
// over the image's view frame, so the grid evaluators and extract_surface query it like any SDF.
//
//   PosedSdfField field(mlp, refinement.parameters, 1 << 14);
//   extract_surface(field, box, FieldValues::sdf, options, reconstruction);
//
// evaluate(points, values): view-frame points (N x 3, host memory) -> g, `chunk_points` per call of
// the MLP with the given tensors (on their device). Cheap to copy; evaluate() is const.

#include "models/sdf_mlp.hpp"

#include <Kokkos_Core.hpp>
#include <torch/torch.h>

#include <cstddef>
#include <memory>

namespace hifa::trainer {

class PosedSdfField {
 public:
  using scalar = float;
  using execution_space = Kokkos::DefaultHostExecutionSpace;
  using memory_space = execution_space::memory_space;

  // Throws hifa::Error for a zero chunk size.
  PosedSdfField(SdfMlp mlp, SdfMlpParameters parameters, std::size_t chunk_points);

  void evaluate(Kokkos::View<const float* [3], memory_space> points, Kokkos::View<float*, memory_space> values) const;

 private:
  struct State {
    SdfMlp mlp{nullptr};
    SdfMlpParameters parameters;
    std::size_t chunk_points = 0;
  };
  std::shared_ptr<const State> state_;
};

}  // namespace hifa::trainer
