#pragma once
// Skinning weights for arbitrary points, from a body whose vertices carry weights (an SMPL fit, the
// OpenBody): the weights LBS (hifa/skinning/lbs.hpp) needs for scan points, clothing and query
// points of an implicit model, which are not body vertices.
//
//   hifa::SurfaceWeights<Memory> surface(space, body, body_weights);   // body: TriMesh, #V x K
//   surface.query(space, points, weights);             // N x K: the nearest body point's weights
//   surface.query(space, points, weights, closest);    // ... keeping that point (ClosestPoints)
//   auto field = hifa::diffuse_weights(space, surface, grid);          // smooth volumetric field
//   field.query(space, points, weights);               // N x K: trilinear in the diffused grid
//   space.fence();
//
// SurfaceWeights (what CAR and ICON use): for point p, the closest point on the body surface
// (hifa::MeshBvh::closest_points), and the barycentric interpolation of its triangle's three
// vertex weights. Exact on the surface (a body vertex gets its own weights), continuous along the
// surface, but discontinuous off it: where the nearest surface point jumps from one limb to another
// (the medial surface between the legs, between an arm and the torso) the weights jump from one
// bone to the other, and LBS then tears whatever lies across that seam (a skirt, a loose sleeve).
//
// WeightGrid (diffuse_weights): the same nearest-surface weights sampled at the nodes of a grid,
// then the nodes farther than `band` from the body are smoothed by Jacobi iterations of Laplace's
// equation (each free node becomes the mean of its 6 neighbours; grid-boundary neighbours are the
// node itself, a zero-flux boundary), the nodes within `band` held fixed at their surface weights
// (Dirichlet). This is the heat-diffusion idea of bone heat (Baran & Popović, "Automatic Rigging and
// Animation of 3D Characters", SIGGRAPH 2007) and of the diffused skinning fields of
// LoopReg/SNARF-style canonicalization: a harmonic function has no jumps, so the seams of the
// nearest-point assignment become smooth transitions whose width grows with the iteration count
// (Jacobi diffuses about sqrt(iterations / 3) nodes), while the field still equals the surface weights
// near the body. Averaging keeps every node a convex combination of surface weights: non-negative,
// summing to 1 (to rounding; queries renormalize). The iterations are a smoother, not a converged
// solve: Jacobi needs O(n²) sweeps to converge on n³ nodes, and the seams need only local smoothing.
// A gap narrower than about 2 · band (all of it held fixed) keeps its seam: raise the resolution.
// Queries are trilinear in the grid, clamped to the grid's box (outside, the boundary's values).
//
// Inputs:  body          TriMesh<float> (>= 1 face), the surface the weights live on
//          body_weights  #V x K (row-major Eigen matrix), finite, non-negative, every row with a
//                        positive sum; rows are normalized to sum 1 when copied in
//          points        N x 3 float View (any layout) accessible from the space
//          grid          GridSpec<float> (>= 2 nodes per axis); should contain the body and the
//                        points to be queried, with a margin
//          options       iterations (default 64) and band (default sqrt(3) · the largest spacing:
//                        every grid cell that touches the surface then has all 8 corners fixed)
// Outputs: weights       N x K float View (LayoutRight), written by query: non-negative, summing
//                        to 1 (to rounding); a non-finite point gets a NaN row (SurfaceWeights)
//          distance      optional N float View: the distance to the body surface (SurfaceWeights)
//          closest       or the closest body points themselves (face, barycentric, point, distance)
//          WeightGrid::values  (nx, ny, nz, K) LayoutRight, K fastest (a node's weights contiguous)
//          Same bytes on every backend and thread count (closest points are; each node and query
//          is a fixed sequential computation; Jacobi reads one buffer and writes the other).
// Errors:  hifa::Error naming "SurfaceWeights" (weights not #V rows, no columns, negative, non-finite,
//          a zero row), "SurfaceWeights::query" / "WeightGrid::query" (points not N x 3, weights
//          not N x K, distance not N), "diffuse_weights" (bad grid, negative iterations, a grid of
//          more than 2^31 - 1 node weights).
// Cost:    SurfaceWeights::query: one closest-point query per point (mesh_bvh.hpp) and 3K
//          multiply-adds; allocates the ClosestPoints of the batch (4 Views of N), nothing per point.
//          diffuse_weights: one surface query per node, then iterations · nodes · 7K flops; memory
//          2 · nodes · K floats (64³ x 24: 2 x 25 MB). WeightGrid::query: 8K multiply-adds per point.

#include "hifa/core/error.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <climits>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

namespace hifa {

using WeightMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Anything that gives N x K skinning weights for N points: SurfaceWeights, WeightGrid.
template <class S, class ExecSpace>
concept SkinningWeightSource = Kokkos::is_execution_space<ExecSpace>::value &&
                               requires(const S& s, const ExecSpace& space,
                                        Kokkos::View<const float* [3], typename S::memory_space> points,
                                        Kokkos::View<float**, Kokkos::LayoutRight, typename S::memory_space> weights) {
                                 typename S::memory_space;
                                 { s.joint_count() } -> std::convertible_to<int>;
                                 s.query(space, points, weights);
                               };

namespace detail {

template <class ExecSpace, class Points, class Weights>
void check_weight_query(const char* where, const Points& points, const Weights& weights, int k_count) {
  static_assert(Kokkos::is_execution_space<ExecSpace>::value,
                "hifa skinning weights: the first argument must be a Kokkos execution space instance");
  static_assert(Kokkos::is_view<Points>::value && Points::rank == 2,
                "hifa skinning weights: points must be a rank-2 float View (N x 3)");
  static_assert(Kokkos::is_view<Weights>::value && Weights::rank == 2 &&
                    std::is_same_v<typename Weights::value_type, float>,
                "hifa skinning weights: the output must be a rank-2 non-const float View (N x K)");
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, typename Points::memory_space>::accessible &&
                    Kokkos::SpaceAccessibility<ExecSpace, typename Weights::memory_space>::accessible,
                "hifa skinning weights: the execution space cannot access the points or the output");
  const std::size_t n = points.extent(0);
  if (points.extent(1) != 3) throw Error(where, "points have " + std::to_string(points.extent(1)) + " columns, expected 3");
  if (weights.extent(0) != n || weights.extent(1) != std::size_t(k_count)) {
    throw Error(where, "output is " + std::to_string(weights.extent(0)) + " x " + std::to_string(weights.extent(1)) +
                           ", expected " + std::to_string(n) + " x " + std::to_string(k_count));
  }
  if (n > std::size_t(INT_MAX)) throw Error(where, std::to_string(n) + " points, more than 2^31 - 1");
}

// Divides row i of `w` by its sum (a positive sum of non-negative terms; NaN rows stay NaN).
template <class Weights>
KOKKOS_INLINE_FUNCTION void normalize_row(const Weights& w, int i, int k_count) {
  float sum = 0.0f;
  for (int k = 0; k < k_count; ++k) sum += w(i, k);
  const float inv = 1.0f / sum;
  for (int k = 0; k < k_count; ++k) w(i, k) *= inv;
}

}  // namespace detail

template <class MemorySpace>
class SurfaceWeights {
 public:
  using memory_space = MemorySpace;

  template <class ExecSpace>
  SurfaceWeights(const ExecSpace& space, const TriMesh<float>& body, const WeightMatrix& body_weights)
      : bvh_(space, body) {
    const Eigen::Index v = body.vertex_count();
    if (body_weights.rows() != v) {
      throw Error("SurfaceWeights", "weights have " + std::to_string(body_weights.rows()) + " rows for " +
                                        std::to_string(v) + " body vertices");
    }
    if (body_weights.cols() == 0) throw Error("SurfaceWeights", "weights have no columns (no joints)");
    if (!body_weights.allFinite()) throw Error("SurfaceWeights", "a weight is not finite");
    WeightMatrix normalized = body_weights;
    for (Eigen::Index i = 0; i < v; ++i) {
      if (body_weights.row(i).minCoeff() < 0.0f) {
        throw Error("SurfaceWeights", "vertex " + std::to_string(i) + " has a negative weight " +
                                          std::to_string(body_weights.row(i).minCoeff()));
      }
      const float sum = body_weights.row(i).sum();
      if (!(sum > 0.0f)) throw Error("SurfaceWeights", "vertex " + std::to_string(i) + " has weights summing to 0");
      normalized.row(i) /= sum;
    }
    k_ = int(body_weights.cols());
    using Unmanaged = Kokkos::MemoryTraits<Kokkos::Unmanaged>;
    weights_ = Kokkos::View<float**, Kokkos::LayoutRight, MemorySpace>(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::surface_weights::weights"), std::size_t(v),
        std::size_t(k_));
    faces_ = Kokkos::View<int* [3], Kokkos::LayoutRight, MemorySpace>(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::surface_weights::faces"),
        std::size_t(body.face_count()));
    Kokkos::deep_copy(space, weights_,
                      Kokkos::View<const float**, Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>(
                          normalized.data(), std::size_t(v), std::size_t(k_)));
    Kokkos::deep_copy(space, faces_,
                      Kokkos::View<const int* [3], Kokkos::LayoutRight, Kokkos::HostSpace, Unmanaged>(
                          body.faces.data(), std::size_t(body.face_count())));
    space.fence();  // the host sources (normalized, body) may go away
  }

  int joint_count() const { return k_; }
  const MeshBvh<MemorySpace>& bvh() const { return bvh_; }

  // Writes the nearest body point's interpolated weights (and, if given, the distance to it).
  template <class ExecSpace, class Points, class Weights>
  void query(const ExecSpace& space, const Points& points, const Weights& out,
             const Kokkos::View<float*, MemorySpace>& distance = {}) const {
    detail::check_weight_query<ExecSpace>("SurfaceWeights::query", points, out, k_);
    const std::size_t n = points.extent(0);
    if (distance.data() != nullptr && distance.extent(0) != n) {
      throw Error("SurfaceWeights::query", "distance has extent " + std::to_string(distance.extent(0)) + ", expected " +
                                               std::to_string(n));
    }
    if (n == 0) return;
    const auto closest = ClosestPoints<MemorySpace>::allocate(space, n);
    query(space, points, out, closest);
    if (distance.data() != nullptr) Kokkos::deep_copy(space, distance, closest.distance);
  }

  // The same, keeping the closest body points it interpolated (face, barycentric, point, distance;
  // `closest` allocated for N points), e.g. to read the body's normal there.
  template <class ExecSpace, class Points, class Weights>
  void query(const ExecSpace& space, const Points& points, const Weights& out,
             const ClosestPoints<MemorySpace>& closest) const {
    detail::check_weight_query<ExecSpace>("SurfaceWeights::query", points, out, k_);
    const std::size_t n = points.extent(0);
    if (closest.face.extent(0) != n) {
      throw Error("SurfaceWeights::query", "closest points have extent " + std::to_string(closest.face.extent(0)) +
                                               ", expected " + std::to_string(n));
    }
    if (n == 0) return;
    bvh_.closest_points(space, points, closest);
    const auto faces = faces_;
    const auto w = weights_;
    const int k_count = k_;
    Kokkos::parallel_for(
        "hifa::skinning::surface_weights", Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)), KOKKOS_LAMBDA(const int i) {
          const int f = closest.face(i);
          if (f < 0) {
            for (int k = 0; k < k_count; ++k) out(i, k) = std::numeric_limits<float>::quiet_NaN();
            return;
          }
          const int a = faces(f, 0), b = faces(f, 1), c = faces(f, 2);
          const float ba = closest.barycentric(i, 0), bb = closest.barycentric(i, 1), bc = closest.barycentric(i, 2);
          for (int k = 0; k < k_count; ++k) out(i, k) = ba * w(a, k) + bb * w(b, k) + bc * w(c, k);
          // Barycentrics sum to 1 only to rounding; make the row exactly what LBS expects.
          detail::normalize_row(out, i, k_count);
        });
  }

 private:
  MeshBvh<MemorySpace> bvh_;
  Kokkos::View<float**, Kokkos::LayoutRight, MemorySpace> weights_;
  Kokkos::View<int* [3], Kokkos::LayoutRight, MemorySpace> faces_;
  int k_ = 0;
};

struct DiffuseWeightsOptions {
  int iterations = 64;  // Jacobi sweeps
  float band = -1.0f;   // nodes within this distance of the body stay fixed; < 0: sqrt(3) · largest spacing
};

template <class MemorySpace>
struct WeightGrid {
  using memory_space = MemorySpace;

  GridSpec<float> grid;
  Kokkos::View<float****, Kokkos::LayoutRight, MemorySpace> values;  // (nx, ny, nz, K)

  int joint_count() const { return int(values.extent(3)); }

  // Trilinear interpolation of the node weights, renormalized to sum 1.
  template <class ExecSpace, class Points, class Weights>
  void query(const ExecSpace& space, const Points& points, const Weights& out) const {
    detail::check_weight_query<ExecSpace>("WeightGrid::query", points, out, joint_count());
    const std::size_t n = points.extent(0);
    if (n == 0) return;
    const auto v = values;
    const int k_count = joint_count();
    const int res[3] = {int(values.extent(0)), int(values.extent(1)), int(values.extent(2))};
    const Vec3f lo = grid.bounds.min(), h = grid.spacing();
    const float lo3[3] = {lo.x(), lo.y(), lo.z()}, h3[3] = {h.x(), h.y(), h.z()};
    Kokkos::parallel_for(
        "hifa::skinning::weight_grid_query", Kokkos::RangePolicy<ExecSpace>(space, 0, int(n)), KOKKOS_LAMBDA(const int i) {
          int cell[3];
          float t[3];
          bool finite = true;
          for (int d = 0; d < 3; ++d) {
            const float u = (float(points(i, d)) - lo3[d]) / h3[d];
            finite = finite && Kokkos::Experimental::isfinite(u);
            // Clamp to the box: the cell is in [0, n - 2], the offset in [0, 1].
            const float c = Kokkos::Experimental::fmin(Kokkos::Experimental::fmax(Kokkos::Experimental::floor(u), 0.0f),
                                                       float(res[d] - 2));
            cell[d] = finite ? int(c) : 0;
            t[d] = Kokkos::Experimental::fmin(Kokkos::Experimental::fmax(u - c, 0.0f), 1.0f);
          }
          if (!finite) {
            for (int k = 0; k < k_count; ++k) out(i, k) = std::numeric_limits<float>::quiet_NaN();
            return;
          }
          for (int k = 0; k < k_count; ++k) out(i, k) = 0.0f;
          for (int corner = 0; corner < 8; ++corner) {
            const int dx = corner >> 2, dy = (corner >> 1) & 1, dz = corner & 1;
            const float f = (dx ? t[0] : 1.0f - t[0]) * (dy ? t[1] : 1.0f - t[1]) * (dz ? t[2] : 1.0f - t[2]);
            if (f == 0.0f) continue;
            for (int k = 0; k < k_count; ++k) out(i, k) += f * v(cell[0] + dx, cell[1] + dy, cell[2] + dz, k);
          }
          detail::normalize_row(out, i, k_count);
        });
  }
};

// The smooth volumetric weight field described at the top of this header.
template <class ExecSpace, class MemorySpace>
WeightGrid<MemorySpace> diffuse_weights(const ExecSpace& space, const SurfaceWeights<MemorySpace>& surface,
                                        const GridSpec<float>& grid, const DiffuseWeightsOptions& options = {}) {
  grid.validate("diffuse_weights");
  if (options.iterations < 0) {
    throw Error("diffuse_weights", "iterations must be >= 0, got " + std::to_string(options.iterations));
  }
  if (!std::isfinite(options.band)) throw Error("diffuse_weights", "band is not finite");
  const int nx = grid.resolution.x(), ny = grid.resolution.y(), nz = grid.resolution.z();
  const int k_count = surface.joint_count();
  const std::size_t nodes = grid.point_count();
  if (nodes * std::size_t(k_count) > std::size_t(INT_MAX)) {
    throw Error("diffuse_weights", std::to_string(nodes) + " nodes x " + std::to_string(k_count) +
                                       " joints is more than 2^31 - 1 weights");
  }
  const float band = options.band >= 0.0f ? options.band : std::sqrt(3.0f) * grid.spacing().maxCoeff();
  using Policy = Kokkos::RangePolicy<ExecSpace>;
  using Grid4 = Kokkos::View<float****, Kokkos::LayoutRight, MemorySpace>;
  using Flat = Kokkos::View<float**, Kokkos::LayoutRight, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

  const Kokkos::View<float* [3], Kokkos::LayoutRight, MemorySpace> points(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::diffuse_weights::nodes"), nodes);
  const GridSpec<float> g = grid;
  Kokkos::parallel_for(
      "hifa::skinning::diffuse_weights::nodes", Policy(space, 0, int(nodes)), KOKKOS_LAMBDA(const int q) {
        const int i = q / (ny * nz), j = (q / nz) % ny, k = q % nz;
        const Vec3f p = g.point(i, j, k);
        points(q, 0) = p.x();
        points(q, 1) = p.y();
        points(q, 2) = p.z();
      });
  Grid4 current(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::diffuse_weights::values"), nx, ny,
                nz, k_count);
  const Kokkos::View<float*, MemorySpace> distance(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::diffuse_weights::distance"), nodes);
  surface.query(space, points, Flat(current.data(), nodes, std::size_t(k_count)), distance);
  if (options.iterations == 0) return {grid, current};

  Grid4 next(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::skinning::diffuse_weights::next"), nx, ny, nz,
             k_count);
  for (int it = 0; it < options.iterations; ++it) {
    const Grid4 from = current, to = next;
    Kokkos::parallel_for(
        "hifa::skinning::diffuse_weights::jacobi", Policy(space, 0, int(nodes)), KOKKOS_LAMBDA(const int q) {
          const int i = q / (ny * nz), j = (q / nz) % ny, k = q % nz;
          if (distance(q) <= band) {
            for (int c = 0; c < k_count; ++c) to(i, j, k, c) = from(i, j, k, c);
            return;
          }
          // Zero-flux boundary: a neighbour beyond the grid is the node itself.
          const int im = i > 0 ? i - 1 : i, ip = i + 1 < nx ? i + 1 : i;
          const int jm = j > 0 ? j - 1 : j, jp = j + 1 < ny ? j + 1 : j;
          const int km = k > 0 ? k - 1 : k, kp = k + 1 < nz ? k + 1 : k;
          for (int c = 0; c < k_count; ++c) {
            const float sum = from(im, j, k, c) + from(ip, j, k, c) + from(i, jm, k, c) + from(i, jp, k, c) +
                              from(i, j, km, c) + from(i, j, kp, c);
            to(i, j, k, c) = sum * (1.0f / 6.0f);
          }
        });
    std::swap(current, next);
  }
  return {grid, current};
}

}  // namespace hifa
