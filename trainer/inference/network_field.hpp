#pragma once
// A trained PIFuHD as a toolkit hifa::BatchField (hifa/field/concepts.hpp), so the grid evaluators
// (hifa/grid/evaluate.hpp, coarse_to_fine.hpp) query it like any other field. The toolkit never
// sees LibTorch: this adapter is the only place the two meet.
//
//   NetworkField field(model, coarse_in, fine_in, mask, {FieldLevel::fine, 1 << 16});
//   auto r = hifa::evaluate_coarse_to_fine(field, grid, hifa::CoarseToFineOptions<float>::occupancy());
//
// Inputs:  model      a PIFuHD in eval mode (its parameters on the device the inputs are on)
//          coarse_in  1 x C x R x R conditioned image of the coarse level (PIFuHDImpl::condition)
//          fine_in    1 x C x R' x R' of the fine level; undefined for FieldLevel::coarse
//          mask       optional 1 x 1 x H x W silhouette in [0, 1] (undefined: none). Where it is
//                     below 0.5 at a point's projection the occupancy is 0 (visual-hull carving)
// The encoders run once, in the constructor (PIFuLevel::encode); each evaluate() then only samples
// the stored feature maps and runs the point MLPs: coarse query -> Omega -> fine query (PIFuHD
// section 3.2; public code HGPIFuMRNet.query after filter_global / filter_local).
// evaluate(points, values): points N x 3 in the view's normalized frame [-1, 1]^3 (host memory),
//   values N, occupancy in [0, 1] (1 inside). Points go through the networks `chunk_points` at a
//   time, so memory is bounded by the chunk whatever N is; the MLPs have no normalization across
//   points (configs: mlp.norm none), so the values do not depend on the chunk size.
// Cheap to copy (the state is shared); evaluate() is const and returns when the values are written.

#include "models/pifuhd.hpp"

#include <Kokkos_Core.hpp>
#include <torch/torch.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace hifa::trainer {

enum class FieldLevel { coarse, fine };

struct NetworkFieldOptions {
  FieldLevel level = FieldLevel::fine;
  // Points per network call. 2^13 keeps the paper-size coarse MLP's widest activation (1024
  // channels) at 32 MiB, under glibc's largest mmap threshold, so a chunk's tensors reuse freed heap
  // instead of mapping fresh zeroed pages; with 2^16 (256 MiB activations) system time was a third
  // of a 512^3 reconstruction (bench_reconstruct BM_paper_1024_512: 61.7 s -> 50.7 s, 3.72 -> 3.48
  // GiB peak). The public code uses 50k.
  std::size_t chunk_points = std::size_t(1) << 13;
};

class NetworkField {
 public:
  using scalar = float;
  using execution_space = Kokkos::DefaultHostExecutionSpace;
  using memory_space = execution_space::memory_space;

  // Throws hifa::Error for a fine level the model lacks, a missing fine input, a zero chunk size
  // or inputs whose channel count is not the encoders'.
  NetworkField(PIFuHD model, const torch::Tensor& coarse_input, const torch::Tensor& fine_input,
               const torch::Tensor& mask, NetworkFieldOptions options = {});

  void evaluate(Kokkos::View<const float* [3], memory_space> points, Kokkos::View<float*, memory_space> values) const;

  // The occupancy of points given as a 1 x 3 x N tensor on the model's device (one chunk).
  torch::Tensor occupancy(const torch::Tensor& xyz_n) const;

  const NetworkFieldOptions& options() const { return state_->options; }

 private:
  struct State {
    PIFuHD model{nullptr};
    std::vector<torch::Tensor> coarse_features, fine_features;
    torch::Tensor mask;
    torch::Device device{torch::kCPU};
    NetworkFieldOptions options;
  };
  std::shared_ptr<State> state_;  // not const: querying a module is a non-const call
};

}  // namespace hifa::trainer
