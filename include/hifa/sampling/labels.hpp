#pragma once
// Inside/outside labels for sample points, and a balanced subset of them.
//
//   auto inside = hifa::label_occupancy(space, field, samples.points, hifa::MarchingCubesOptions<float>::sdf());
//   auto keep = hifa::balanced_subset(inside, seed);     // as many inside as outside
//   auto training = samples.subset(keep);
//
// label_occupancy  Inputs: an execution space, any field modelling ImplicitField or BatchField
//                  (analytic shapes, a mesh occupancy, a network) whose memory space the execution
//                  space uses, host points N x 3, and the level/inside convention shared with
//                  marching cubes (sdf(): inside below 0; occupancy(): inside above 0.5).
//                  Outputs: N labels, 1 inside, 0 outside (a value exactly at the level is outside).
//                  The field is evaluated with hifa::evaluate_points, so the values are bitwise those
//                  of field.value at the points.
// balanced_subset  Inputs: labels (0/1), a seed. Outputs: ascending indices of all samples of the
//                  smaller class and as many of the larger one, chosen uniformly without replacement
//                  (by the smallest CounterRng{seed} keys of their indices): deterministic, balanced
//                  as PIFu does ("keeps balanced in/out"). Empty when either class is empty.

#include "hifa/core/rng.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace hifa {

template <class ExecSpace, AnyField F>
std::vector<std::uint8_t> label_occupancy(const ExecSpace& space, const F& field,
                                          const RowMatrix3<typename F::scalar>& points,
                                          const MarchingCubesOptions<typename F::scalar>& convention) {
  using T = typename F::scalar;
  using Memory = typename ExecSpace::memory_space;
  const std::size_t n = std::size_t(points.rows());
  // The View layout the field reads (LayoutLeft on GPUs), filled through a host mirror.
  Kokkos::View<T* [3], Memory> device(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::sampling::points"),
                                      n);
  const auto host = Kokkos::create_mirror_view(device);
  for (std::size_t i = 0; i < n; ++i)
    for (int c = 0; c < 3; ++c) host(i, c) = points(Eigen::Index(i), c);
  Kokkos::deep_copy(space, device, host);
  Kokkos::View<T*, Memory> values(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::sampling::values"), n);
  space.fence();  // a BatchField reads the points on its own instance
  evaluate_points(space, field, device, values);
  space.fence();
  const auto host_values = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, values);
  const bool above = convention.inside == MarchingCubesOptions<T>::Inside::above;
  std::vector<std::uint8_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const T v = host_values(i);
    labels[i] = above ? v > convention.level : v < convention.level;
  }
  return labels;
}

inline std::vector<Eigen::Index> balanced_subset(const std::vector<std::uint8_t>& labels, std::uint64_t seed) {
  std::vector<Eigen::Index> classes[2];
  for (std::size_t i = 0; i < labels.size(); ++i) classes[labels[i] ? 1 : 0].push_back(Eigen::Index(i));
  const std::size_t keep = std::min(classes[0].size(), classes[1].size());
  const CounterRng rng{seed};
  std::vector<Eigen::Index> out;
  for (std::vector<Eigen::Index>& members : classes) {
    std::vector<std::pair<std::uint64_t, Eigen::Index>> keyed;
    for (const Eigen::Index i : members) {
      const RandomBits b = rng.bits(0, std::uint64_t(i));
      keyed.emplace_back((std::uint64_t{b.v[0]} << 32) | b.v[1], i);
    }
    std::partial_sort(keyed.begin(), keyed.begin() + std::ptrdiff_t(keep), keyed.end());
    for (std::size_t k = 0; k < keep; ++k) out.push_back(keyed[k].second);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hifa
