#pragma once
// Compositions of point samplers: a weighted mixture described at run time, and PIFu's mix.
//
//   hifa::Mixture<float> mix{{{hifa::AnySampler<float>{near}, 16.0}, {hifa::AnySampler<float>{uniform}, 1.0}}};
//   auto s = mix.sample(Kokkos::DefaultHostExecutionSpace{}, 8000, seed);  // 7529 near + 471 uniform
//   auto pifu = hifa::pifu_mixture(mesh, hifa::pifuhd_sigma_coarse<float>, box);   // the same, 16:1
//
// AnySampler<T>  any PointSampler with scalar T, type-erased (copied in), so a mixture read from a
//                config is a vector of {sampler, weight} and needs no new code (the text form a config
//                holds, and the Mixture it builds: hifa/sampling/mixture_spec.hpp).
// Mixture<T>     Inputs: components {sampler, weight}, weights finite and > 0, at least one.
//                Outputs: mixture_counts(count) samples from each component, concatenated in
//                component order; component k is sampled with seed detail::mix_seed(seed, k) (SplitMix64)
//                so two components given the same sampler still draw different points. An attribute
//                (face_ids, barycentrics, normals, colors) is kept only when every component that
//                drew samples produced it, else it is empty. Models PointSampler itself (nestable).
//                Counts: the largest-remainder (Hamilton) method: component k gets
//                floor(count w_k / W), and the samples left over go one each to the largest
//                fractional parts (ties to the lower index), so the counts sum to count exactly and
//                each is within 1 of its quota: 16:1 of 8000 gives 7529 + 471.
//                Errors: hifa::Error naming "Mixture" for no components or a bad weight.
// pifu_mixture   PIFu's training mix (Saito et al., ICCV 2019, section 3.1: "uniform sampling and
//                adaptive sampling based on the surface geometry", 16:1): Gaussian-perturbed surface
//                samples (sigma in mesh units) and uniform samples in `box`, ratio : 1.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/sampling/box.hpp"
#include "hifa/sampling/concepts.hpp"
#include "hifa/sampling/perturbed.hpp"
#include "hifa/sampling/surface.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace hifa {

// `count` split over non-negative weights (at least one > 0) by the largest-remainder (Hamilton)
// method described at the top of this file; also how a reader of stored samples finds where each
// component's records end.
inline std::vector<std::size_t> largest_remainder_counts(std::size_t count, const std::vector<double>& weights) {
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::size_t> counts(weights.size());
  std::vector<double> fraction(weights.size());
  std::size_t assigned = 0;
  for (std::size_t k = 0; k < weights.size(); ++k) {
    const double quota = double(count) * (weights[k] / total);
    counts[k] = std::min(count - assigned, std::size_t(std::floor(quota)));
    fraction[k] = quota - std::floor(quota);
    assigned += counts[k];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return fraction[a] > fraction[b]; });
  for (std::size_t r = 0; assigned < count; ++r, ++assigned) ++counts[order[r % order.size()]];
  return counts;
}

template <class T>
class AnySampler {
 public:
  using scalar = T;

  template <PointSampler S>
    requires std::same_as<typename S::scalar, T> && (!std::same_as<std::remove_cvref_t<S>, AnySampler>)
  AnySampler(S sampler)  // NOLINT(google-explicit-constructor): erasure is the point
      : sample_([sampler = std::move(sampler)](const Kokkos::DefaultHostExecutionSpace& space, std::size_t count,
                                               std::uint64_t seed) { return sampler.sample(space, count, seed); }) {}

  PointSamples<T> sample(const Kokkos::DefaultHostExecutionSpace& space, std::size_t count,
                         std::uint64_t seed) const {
    return sample_(space, count, seed);
  }

 private:
  std::function<PointSamples<T>(const Kokkos::DefaultHostExecutionSpace&, std::size_t, std::uint64_t)> sample_;
};

template <class T>
class Mixture {
 public:
  using scalar = T;

  struct Component {
    AnySampler<T> sampler;
    double weight;
  };

  explicit Mixture(std::vector<Component> components) : components_(std::move(components)) {
    if (components_.empty()) throw Error("Mixture", "needs at least one component");
    for (std::size_t k = 0; k < components_.size(); ++k) {
      const double w = components_[k].weight;
      if (!(w > 0) || !std::isfinite(w)) {
        throw Error("Mixture", "component " + std::to_string(k) + " has weight " + std::to_string(w) +
                                   " (must be finite and > 0)");
      }
    }
  }

  const std::vector<Component>& components() const { return components_; }

  // Samples per component for `count` in all (largest remainder, see the top of this file).
  std::vector<std::size_t> mixture_counts(std::size_t count) const {
    std::vector<double> weights;
    for (const Component& c : components_) weights.push_back(c.weight);
    return largest_remainder_counts(count, weights);
  }

  PointSamples<T> sample(const Kokkos::DefaultHostExecutionSpace& space, std::size_t count,
                         std::uint64_t seed) const {
    detail::check_count(count, "Mixture");
    const std::vector<std::size_t> counts = mixture_counts(count);
    std::vector<PointSamples<T>> parts;
    for (std::size_t k = 0; k < components_.size(); ++k) {
      if (counts[k] == 0) continue;
      parts.push_back(components_[k].sampler.sample(space, counts[k], detail::mix_seed(seed, k)));
    }
    PointSamples<T> out;
    out.points = concatenate(parts, &PointSamples<T>::points);
    out.face_ids = concatenate(parts, &PointSamples<T>::face_ids);
    out.barycentrics = concatenate(parts, &PointSamples<T>::barycentrics);
    out.normals = concatenate(parts, &PointSamples<T>::normals);
    out.colors = concatenate(parts, &PointSamples<T>::colors);
    return out;
  }

 private:
  // The rows of attribute `member` of every part, stacked; empty unless every part has it.
  template <class M>
  static M concatenate(const std::vector<PointSamples<T>>& parts, M PointSamples<T>::*member) {
    Eigen::Index rows = 0;
    for (const PointSamples<T>& part : parts) {
      if ((part.*member).rows() != part.size()) return M{};
      rows += part.size();
    }
    M out(rows, M::ColsAtCompileTime);
    Eigen::Index row = 0;
    for (const PointSamples<T>& part : parts) {
      out.middleRows(row, part.size()) = part.*member;
      row += part.size();
    }
    return out;
  }

  std::vector<Component> components_;
};

template <class T>
Mixture<T> pifu_mixture(TriMesh<T> mesh, T sigma, const AABB<T>& box, double ratio = 16) {
  return Mixture<T>({{PerturbedSurfaceSampler<T>(SurfaceSampler<T>(std::move(mesh)), sigma), ratio},
                     {BoxSampler<T>(box), 1.0}});
}

}  // namespace hifa
