#pragma once
// Linear blend skinning (SMPL, Loper et al. 2015, Eq. 2; the "LBS" of the CAR paper): batched
// Kokkos kernels that move points and normals between the rest (canonical) pose and a posed one.
//
//   auto a = hifa::upload_transforms<Memory>(space, fk.skinning);   // K skinning transforms A_k
//   hifa::LbsWarper<Memory> warp{a, weights};                       // weights: N x K
//   warp.forward_points(space, canonical, posed);      // x' = (Σ_k w_k A_k) x
//   warp.forward_normals(space, canonical_n, posed_n); // n' ∝ L^-T n, unit
//   warp.inverse_points(space, posed, canonical);      // x = (Σ_k w_k A_k)^-1 x'
//   warp.canonical_normals(space, posed_n, canonical_n);  // n ∝ L^T n', unit (CAR's canonical normal)
//   space.fence();                                     // the kernels are asynchronous on `space`
//
//   auto sparse = hifa::sparsify_weights(space, weights);  // N x M (joint, weight), M = the most
//   hifa::SparseLbsWarper<Memory> fast{a, sparse};         // non-zero weights of any row
//   fast.forward_points(space, canonical, posed);          // the same four maps, the same values
//
// Inputs:  transforms  K x 3 x 4 float View (LayoutRight), rows 0..2 of each A_k (the last row is
//                      0 0 0 1), e.g. JointTransforms::skinning of hifa/skinning/skeleton.hpp; any
//                      affine A_k works (tests use shears), not only rigid ones
//          weights     N x K float View (LayoutRight), row i the weights of point i: non-negative,
//                      summing to 1 (not checked here: hifa/skinning/weights.hpp makes such rows;
//                      a row summing to s scales the point by s). Dense, because K = 24 rows of 96
//                      bytes stream well and any weight source (SMPL files, the fields of
//                      weights.hpp) produces them without a top-k pass. Every row costs K
//                      blends, zeros included; for SMPL-like rows (1-4 non-zero joints) the
//                      SparseLbsWarper below reads only the non-zero ones.
//          in          N x 3 float View (any layout): points or normals, canonical or posed
//          space       execution space that can access MemorySpace
// Outputs: out         N x 3 float View (any layout; may not alias `in`), written by the kernel:
//          With the blend B_i = Σ_k w_ik A_k = [L | t] (a 3 x 4 affine map):
//            forward_points     out = L in + t
//            inverse_points     out = L^-1 (in - t): the exact inverse of forward_points for the
//                               same weights (LBS has no closed-form inverse when the weights are
//                               those of the canonical point; inverse LBS uses the weights at or
//                               near the posed point, e.g. from the posed body, as ICON/ARCH do)
//            forward_normals    out = normalize(L^-T in): normals transform by the inverse
//                               transpose so they stay perpendicular to the warped surface (L is
//                               a rotation only where one joint dominates; blends shear)
//            canonical_normals  out = normalize(L^T in): the exact inverse of forward_normals. For a
//                               rigid blend L^T = L^-1, which is CAR's "posed normal rotated back by
//                               the inverse LBS rotation"; where the blend is not a rotation, L^T is
//                               the map that takes a posed surface normal to the canonical surface's
//                               normal (normals are covectors), which L^-1 is not.
//          A point whose blend is singular (|det L| <= 1e-6 · max|L_ij|³, e.g. equal weights on two
//          joints rotated 180° apart) gets NaN from inverse_points; a zero or non-finite normal
//          (or a blend that maps it to zero) gets NaN from the normal maps. Weights, transforms and
//          inputs are used as given; nothing is renormalized.
//          Same bytes on every backend and thread count: each point is one sequential sum over k.
// Errors:  hifa::Error naming "LbsWarper::<method>": in or out not N x 3, weights not N x K for
//          the K transforms, no transforms, N > 2^31 - 1.
// Cost:    O(N · K) reads of weights and 12 multiply-adds per weight, O(N) of the rest;
//          no allocation. bench/bench_skinning.cpp: 100k points x 24 joints.
//
// SparseLbsWarper: the same four maps over SparseWeights, each row the M (joint, weight) pairs of
// a point's non-zero weights in increasing joint order, padded with weight 0 (sparsify_weights
// builds them from N x K weights). The blend adds the same products in the same order as the dense
// kernel (a zero weight adds exactly 0 to the sum), so the results are the dense warper's, equal
// as floats, while a point reads M pairs (SMPL: M = 4, 32 bytes) instead of K weights (96 bytes)
// and the loop has no data-dependent branch. For rows with most weights non-zero (diffused weight
// fields) M approaches K and the dense warper is the faster one.
// Errors:  as LbsWarper, naming "SparseLbsWarper::<method>"; the weights' joint count must be the
//          number of transforms. sparsify_weights: "sparsify_weights" for more than 2^31 - 1 rows.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

#include <climits>
#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace hifa {

// K skinning transforms, rows 0..2 of each 4 x 4 A_k.
template <class MemorySpace>
using SkinningTransforms = Kokkos::View<float* [3][4], Kokkos::LayoutRight, MemorySpace>;

// N x K skinning weights, row i for point i.
template <class MemorySpace>
using SkinningWeights = Kokkos::View<float**, Kokkos::LayoutRight, MemorySpace>;

// Copies 4 x 4 transforms (e.g. JointTransforms::skinning) into a View "hifa::skinning::transforms"
// of MemorySpace, as float, on `space` (asynchronous like deep_copy on a space).
template <class MemorySpace, class ExecSpace, class T>
SkinningTransforms<MemorySpace> upload_transforms(const ExecSpace& space, const std::vector<Mat4<T>>& transforms) {
  SkinningTransforms<Kokkos::HostSpace> host("hifa::skinning::transforms_host", transforms.size());
  for (std::size_t k = 0; k < transforms.size(); ++k) {
    if (!transforms[k].allFinite()) throw Error("upload_transforms", "transform " + std::to_string(k) + " is not finite");
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) host(k, r, c) = float(transforms[k](r, c));
  }
  SkinningTransforms<MemorySpace> out(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::transforms"),
                                      transforms.size());
  Kokkos::deep_copy(space, out, host);
  // The host buffer must outlive the copy; on host-accessible spaces deep_copy is already done.
  space.fence();
  return out;
}

// What a warper is: something that maps batches of points and normals (N x 3 Views in
// memory_space) from canonical to posed space and back, on an execution space.
template <class W, class ExecSpace>
concept Warper = Kokkos::is_execution_space<ExecSpace>::value &&
                 requires(const W& w, const ExecSpace& space,
                          Kokkos::View<const float* [3], typename W::memory_space> in,
                          Kokkos::View<float* [3], typename W::memory_space> out) {
                   typename W::memory_space;
                   w.forward_points(space, in, out);
                   w.forward_normals(space, in, out);
                   w.inverse_points(space, in, out);
                   w.canonical_normals(space, in, out);
                 };

// One non-zero skinning weight of a point: the joint and its weight.
struct JointWeight {
  int joint;
  float weight;
};

// N x M (joint, weight) pairs, row i point i's non-zero weights in increasing joint order, padded
// with {0, 0}; joint_count is K, the number of joints (transforms) the indices refer to.
template <class MemorySpace>
struct SparseWeights {
  Kokkos::View<const JointWeight**, Kokkos::LayoutRight, MemorySpace> pairs;
  int joint_count = 0;
};

namespace detail {

enum class LbsOp { forward_points, inverse_points, forward_normals, canonical_normals };

// B_i = Σ_k w_ik A_k as 12 floats, row-major 3 x 4. Both Views are LayoutRight, so A is 12
// contiguous floats per joint and a point's weights are contiguous. Zero weights are not skipped:
// they add exact zeros (A_k is finite), and a branch on each weight kept the compiler from
// vectorizing the 12-float update and mispredicted on SMPL-like rows (branch-free: 2x faster on
// rows with 1-4 non-zero joints and on full rows alike, bench/bench_skinning.cpp).
template <class Transforms, class Weights>
KOKKOS_INLINE_FUNCTION void blend(const Transforms& a, const Weights& w, int i, int k_count, float b[12]) {
  for (int e = 0; e < 12; ++e) b[e] = 0.0f;
  const float* wi = &w(i, 0);
  const float* ak = a.data();
  for (int k = 0; k < k_count; ++k) {
    const float wk = wi[k];
    const float* akk = ak + 12 * k;
    for (int e = 0; e < 12; ++e) b[e] += wk * akk[e];
  }
}

KOKKOS_INLINE_FUNCTION void cross(const float* u, const float* v, float* out) {
  out[0] = u[1] * v[2] - u[2] * v[1];
  out[1] = u[2] * v[0] - u[0] * v[2];
  out[2] = u[0] * v[1] - u[1] * v[0];
}

KOKKOS_INLINE_FUNCTION float dot3(const float* u, const float* v) { return u[0] * v[0] + u[1] * v[1] + u[2] * v[2]; }

template <LbsOp op>
KOKKOS_INLINE_FUNCTION void apply(const float b[12], const float x[3], float y[3]) {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  const float r0[3] = {b[0], b[1], b[2]}, r1[3] = {b[4], b[5], b[6]}, r2[3] = {b[8], b[9], b[10]};
  if constexpr (op == LbsOp::forward_points) {
    for (int r = 0; r < 3; ++r) y[r] = b[4 * r] * x[0] + b[4 * r + 1] * x[1] + b[4 * r + 2] * x[2] + b[4 * r + 3];
    return;
  } else if constexpr (op == LbsOp::canonical_normals) {
    for (int c = 0; c < 3; ++c) y[c] = b[c] * x[0] + b[4 + c] * x[1] + b[8 + c] * x[2];  // L^T x
  } else {
    // Cofactor rows r1 x r2, r2 x r0, r0 x r1: cof(L) = det(L) L^-T, adj(L) = cof(L)^T.
    float c0[3], c1[3], c2[3];
    cross(r1, r2, c0);
    cross(r2, r0, c1);
    cross(r0, r1, c2);
    const float det = dot3(r0, c0);
    if constexpr (op == LbsOp::inverse_points) {
      float scale = 0.0f;
      for (int e = 0; e < 12; ++e)
        if (e % 4 != 3) scale = Kokkos::Experimental::fmax(scale, Kokkos::Experimental::fabs(b[e]));
      if (!(Kokkos::Experimental::fabs(det) > 1e-6f * scale * scale * scale)) {
        y[0] = y[1] = y[2] = nan;
        return;
      }
      const float d[3] = {x[0] - b[3], x[1] - b[7], x[2] - b[11]};
      // L^-1 d = adj(L) d / det; adj's rows are the cofactor matrix's columns.
      for (int r = 0; r < 3; ++r) y[r] = (c0[r] * d[0] + c1[r] * d[1] + c2[r] * d[2]) / det;
      return;
    } else {
      // L^-T x = cof(L) x / det; only the direction matters, so divide by |det| via the sign only.
      const float s = det < 0.0f ? -1.0f : 1.0f;
      y[0] = s * dot3(c0, x);
      y[1] = s * dot3(c1, x);
      y[2] = s * dot3(c2, x);
    }
  }
  // The normal maps: unit length, NaN when the result has no direction.
  const float len = Kokkos::Experimental::sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
  if (!(len > 0.0f) || !(len < std::numeric_limits<float>::infinity())) {
    y[0] = y[1] = y[2] = nan;
    return;
  }
  for (int r = 0; r < 3; ++r) y[r] /= len;
}

inline const char* lbs_op_name(LbsOp op) {
  switch (op) {
    case LbsOp::forward_points: return "forward_points";
    case LbsOp::inverse_points: return "inverse_points";
    case LbsOp::forward_normals: return "forward_normals";
    default: return "canonical_normals";
  }
}

// B_i from point i's (joint, weight) pairs: the products of blend() for its non-zero weights, in
// the same joint order; the padding's zero weights add exact zeros.
template <class Transforms, class Pairs>
KOKKOS_INLINE_FUNCTION void blend_sparse(const Transforms& a, const Pairs& pairs, int i, float b[12]) {
  for (int e = 0; e < 12; ++e) b[e] = 0.0f;
  const int m = int(pairs.extent(1));
  const float* all = a.data();
  for (int j = 0; j < m; ++j) {
    const float wk = pairs(i, j).weight;
    const float* ak = all + 12 * pairs(i, j).joint;
    for (int e = 0; e < 12; ++e) b[e] += wk * ak[e];
  }
}

// The kernel both warpers launch: checks in/out (N x 3), then out_i = apply<op>(B_i, in_i) with
// B_i from `blend(i, b)`. `warper` names the type in errors and kernel labels; the caller has
// checked its weights against n and the transforms.
template <LbsOp op, class ExecSpace, class Memory, class Blend, class In, class Out>
void run_lbs(const ExecSpace& space, const char* warper, const Blend& blend, const In& in, const Out& out) {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value,
                "hifa::LbsWarper: the first argument must be a Kokkos execution space instance");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, Memory>::accessible,
                "hifa::LbsWarper: the execution space cannot access the warper's MemorySpace");
  static_assert(Kokkos::is_view<In>::value && In::rank == 2,
                "hifa::LbsWarper: the input must be a rank-2 float View (N x 3)");
  static_assert(Kokkos::is_view<Out>::value && Out::rank == 2,
                "hifa::LbsWarper: the output must be a rank-2 float View (N x 3)");
  static_assert(std::is_same_v<typename Out::value_type, float>,
                "hifa::LbsWarper: the output must be a non-const float View");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename In::memory_space>::accessible &&
                    Kokkos::SpaceAccessibility<ExecSpace, typename Out::memory_space>::accessible,
                "hifa::LbsWarper: the execution space cannot access the input or output View");
  const std::string where = std::string(warper) + "::" + lbs_op_name(op);
  const std::size_t n = in.extent(0);
  if (in.extent(1) != 3) throw Error(where, "input has " + std::to_string(in.extent(1)) + " columns, expected 3 (N x 3)");
  if (out.extent(0) != n || out.extent(1) != 3) {
    throw Error(where, "output is " + std::to_string(out.extent(0)) + " x " + std::to_string(out.extent(1)) +
                           ", expected " + std::to_string(n) + " x 3");
  }
  if (n > std::size_t(INT_MAX)) throw Error(where, std::to_string(n) + " points, more than 2^31 - 1");
  if (n == 0) return;
  Kokkos::parallel_for(
      "hifa::skinning::" + where, Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)), KOKKOS_LAMBDA(const int i) {
        float b[12];
        blend(i, b);
        const float x[3] = {float(in(i, 0)), float(in(i, 1)), float(in(i, 2))};
        float y[3];
        apply<op>(b, x, y);
        out(i, 0) = y[0];
        out(i, 1) = y[1];
        out(i, 2) = y[2];
      });
}

// The weight layouts' differences, by overload: the name in errors and kernel labels, the size
// checks (no transforms; one row per point; the rows over the transforms' joints) and the blend.
template <class Weights>
const char* lbs_warper_name(const Weights&) {
  return "LbsWarper";
}
template <class MemorySpace>
const char* lbs_warper_name(const SparseWeights<MemorySpace>&) {
  return "SparseLbsWarper";
}

inline void check_lbs_rows(const std::string& where, std::size_t k_count, std::size_t rows, std::size_t n) {
  if (k_count == 0) throw Error(where, "no transforms");
  if (rows != n) throw Error(where, "weights have " + std::to_string(rows) + " rows, expected " + std::to_string(n) + " (one per point)");
}
template <class Weights>
void check_lbs_weights(const std::string& where, const Weights& w, std::size_t k_count, std::size_t n) {
  if (k_count > 0 && (w.extent(0) != n || w.extent(1) != k_count)) {
    throw Error(where, "weights are " + std::to_string(w.extent(0)) + " x " + std::to_string(w.extent(1)) +
                           ", expected " + std::to_string(n) + " x " + std::to_string(k_count) + " (points x transforms)");
  }
  check_lbs_rows(where, k_count, w.extent(0), n);
}
template <class MemorySpace>
void check_lbs_weights(const std::string& where, const SparseWeights<MemorySpace>& w, std::size_t k_count, std::size_t n) {
  if (k_count > 0 && std::size_t(w.joint_count) != k_count) {
    throw Error(where, "weights are over " + std::to_string(w.joint_count) + " joints, but there are " +
                           std::to_string(k_count) + " transforms");
  }
  check_lbs_rows(where, k_count, w.pairs.extent(0), n);
}

// Named functors, not lambdas: CUDA forbids extended lambdas in functions with a deduced return
// type and in private members.
template <class Transforms, class Weights>
struct DenseBlend {
  Transforms a;
  Weights w;
  int k_count;
  KOKKOS_INLINE_FUNCTION void operator()(const int i, float b[12]) const { blend(a, w, i, k_count, b); }
};
template <class Transforms, class Pairs>
struct SparseBlend {
  Transforms a;
  Pairs pairs;
  KOKKOS_INLINE_FUNCTION void operator()(const int i, float b[12]) const { blend_sparse(a, pairs, i, b); }
};

template <class Transforms, class Weights>
DenseBlend<Transforms, Weights> lbs_blender(const Transforms& a, const Weights& w) {
  return {a, w, int(a.extent(0))};
}
template <class Transforms, class MemorySpace>
SparseBlend<Transforms, decltype(SparseWeights<MemorySpace>::pairs)> lbs_blender(const Transforms& a,
                                                                                const SparseWeights<MemorySpace>& w) {
  return {a, w.pairs};
}

}  // namespace detail

// The sparse layout of N x K weights (M = the largest count of non-zero weights in a row, at
// least 1), as Views "hifa::skinning::sparse_weights" of the weights' memory space; asynchronous
// on `space` like the warpers. Exact: the pairs hold the weights' own values.
template <class ExecSpace, class Weights>
SparseWeights<typename Weights::memory_space> sparsify_weights(const ExecSpace& space, const Weights& weights) {
  static_assert(Kokkos::is_view<Weights>::value && Weights::rank == 2,
                "hifa::sparsify_weights: the weights must be a rank-2 float View (N x K)");
  using Memory = typename Weights::memory_space;
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, Memory>::accessible,
                "hifa::sparsify_weights: the execution space cannot access the weights");
  const std::size_t n = weights.extent(0);
  const int k_count = int(weights.extent(1));
  if (n > std::size_t(INT_MAX)) throw Error("sparsify_weights", std::to_string(n) + " rows, more than 2^31 - 1");
  int m = 0;
  Kokkos::parallel_reduce(
      "hifa::skinning::sparsify_weights::count", Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)),
      KOKKOS_LAMBDA(const int i, int& most) {
        int count = 0;
        for (int k = 0; k < k_count; ++k) count += weights(i, k) != 0.0f ? 1 : 0;
        most = count > most ? count : most;
      },
      Kokkos::Max<int>(m));  // a host scalar: the reduction is complete on return
  const Kokkos::View<JointWeight**, Kokkos::LayoutRight, Memory> pairs(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::sparse_weights"), n,
      std::size_t(m > 0 ? m : 1));
  const int width = int(pairs.extent(1));
  Kokkos::parallel_for(
      "hifa::skinning::sparsify_weights::fill", Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)),
      KOKKOS_LAMBDA(const int i) {
        int j = 0;
        for (int k = 0; k < k_count; ++k) {
          const float w = weights(i, k);
          if (w != 0.0f) pairs(i, j++) = JointWeight{k, w};
        }
        for (; j < width; ++j) pairs(i, j) = JointWeight{0, 0.0f};
      });
  return {pairs, k_count};
}

// The warpers, one template over the weights' layout (LbsWarper: N x K dense; SparseLbsWarper:
// SparseWeights). Aggregates: hifa::LbsWarper<Memory>{transforms, weights}.
template <class MemorySpace, class Weights>
struct BasicLbsWarper {
  using memory_space = MemorySpace;

  Kokkos::View<const float* [3][4], Kokkos::LayoutRight, MemorySpace> transforms;
  Weights weights;

  int joint_count() const { return int(transforms.extent(0)); }

  template <class ExecSpace, class In, class Out>
  void forward_points(const ExecSpace& space, const In& in, const Out& out) const {
    run<detail::LbsOp::forward_points>(space, in, out);
  }
  template <class ExecSpace, class In, class Out>
  void inverse_points(const ExecSpace& space, const In& in, const Out& out) const {
    run<detail::LbsOp::inverse_points>(space, in, out);
  }
  template <class ExecSpace, class In, class Out>
  void forward_normals(const ExecSpace& space, const In& in, const Out& out) const {
    run<detail::LbsOp::forward_normals>(space, in, out);
  }
  template <class ExecSpace, class In, class Out>
  void canonical_normals(const ExecSpace& space, const In& in, const Out& out) const {
    run<detail::LbsOp::canonical_normals>(space, in, out);
  }

 private:
  template <detail::LbsOp op, class ExecSpace, class In, class Out>
  void run(const ExecSpace& space, const In& in, const Out& out) const {
    const char* name = detail::lbs_warper_name(weights);
    detail::check_lbs_weights(std::string(name) + "::" + detail::lbs_op_name(op), weights, transforms.extent(0), in.extent(0));
    detail::run_lbs<op, ExecSpace, MemorySpace>(space, name, detail::lbs_blender(transforms, weights), in, out);
  }
};

template <class MemorySpace>
using LbsWarper = BasicLbsWarper<MemorySpace, Kokkos::View<const float**, Kokkos::LayoutRight, MemorySpace>>;

template <class MemorySpace>
using SparseLbsWarper = BasicLbsWarper<MemorySpace, SparseWeights<MemorySpace>>;

// A posed copy of `mesh` by any Warper whose per-point data belong to the mesh's vertices (an
// LbsWarper with #V x K weights): vertices by forward_points, normals (when present) by
// forward_normals; faces, colours and UVs are kept. Fences `space` (it returns host data).
template <class ExecSpace, class W>
TriMesh<float> warp_mesh(const ExecSpace& space, const W& warper, const TriMesh<float>& mesh) {
  static_assert(Warper<W, ExecSpace>,
                "hifa::warp_mesh: the warper must model hifa::Warper (forward_points, forward_normals, "
                "inverse_points, canonical_normals on N x 3 Views)");
  using Memory = typename W::memory_space;
  const std::size_t n = std::size_t(mesh.vertex_count());
  TriMesh<float> out = mesh;
  const Kokkos::View<const float* [3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_in(
      mesh.vertices.data(), n);
  const Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> in(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::warp_mesh::in"), n);
  const Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> posed(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::warp_mesh::out"), n);
  Kokkos::deep_copy(space, in, host_in);
  warper.forward_points(space, in, posed);
  const Kokkos::View<float* [3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_out(out.vertices.data(), n);
  Kokkos::deep_copy(space, host_out, posed);
  if (mesh.has_normals()) {
    const Kokkos::View<const float* [3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_n(
        mesh.normals.data(), n);
    Kokkos::deep_copy(space, in, host_n);
    warper.forward_normals(space, in, posed);
    const Kokkos::View<float* [3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_nout(
        out.normals.data(), n);
    Kokkos::deep_copy(space, host_nout, posed);
  }
  space.fence();
  return out;
}

}  // namespace hifa
