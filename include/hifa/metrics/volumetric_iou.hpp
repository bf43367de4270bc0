#pragma once
// Volumetric IoU of two meshes from winding-number occupancy on a grid (the `iou` of
// hifa/metrics/reconstruction.hpp), with a fast path that gives the dense answer bit for bit.
//
//   const auto grid = hifa::iou_grid(pred, gt, 128);                  // union of the boxes, 128^3 points
//   const auto a = hifa::grid_occupancy(space, pred_bvh, pred, grid);   // OccupancyMethod::fast
//   const auto b = hifa::grid_occupancy(space, gt_bvh, gt, grid);
//   const double iou = hifa::volumetric_iou(a.inside, b.inside);        // NaN when neither has a point inside
//
// iou_grid        Inputs: two meshes with at least one vertex each, resolution >= 2 points per axis.
//                 Output: GridSpec with `resolution` points per axis over the union of the two vertex
//                 boxes. An axis may be flat (a planar pair: spacing 0); grid_occupancy accepts it.
// grid_occupancy  Inputs: a host execution space, the mesh's MeshBvh<HostSpace> and the mesh itself
//                 (its triangles; the BVH must have been built from it), a grid, the winding-number
//                 beta, the method.
//                 Outputs: GridOccupancy{inside, queries}: inside(i, j, k) = 1 where the hierarchical
//                 winding number at grid.point(i, j, k) is >= 0.5 (MeshBvh::occupancies), else 0,
//                 extents (nx, ny, nz); queries = winding numbers evaluated (nx ny nz for dense).
//   dense  every grid point is queried: the reference.
//   fast   Along each z line of the grid, the segment between two consecutive points is *touched*
//          when a triangle may meet it: the line passes through the triangle's xy projection
//          (orientation tests in double with a tolerance far above their rounding, so a line that
//          meets the triangle is never missed) and the segment overlaps the triangle's z range
//          (compared with the grid's own float coordinates, exactly). Points joined by untouched
//          segments form a run; the first point of each run is queried and its answer copied along
//          the run. Why this is the dense answer: a run is a segment that meets no triangle. For a
//          mesh whose edges pair up (after merging bitwise-equal positions, every edge is traversed
//          as often in one direction as in the other: closed consistently oriented surfaces, several
//          or nested shells, faces stored with both windings, marching-cubes output) the exact
//          winding number is an integer, constant on such a segment, and the hierarchical one stays
//          far closer to it than 0.5 (MeshBvh: largest error measured ~0.035), so every point of a
//          run passes or fails the inside test together. A mesh with unpaired (boundary) edges has
//          a fractional winding number whose 0.5 level spans its holes away from any triangle,
//          where no segment test can see it: such a mesh is evaluated densely.
//          Compared point for point with dense on spheres, a torus, an axis-aligned cube whose faces
//          lie on grid planes and an open sphere (tests/metrics/test_volumetric_iou.cpp).
// volumetric_iou  |a and b| / |a or b| over two occupancy grids of equal extents, NaN when the union
//                 is empty.
// Deterministic: each queried point gets the bytes MeshBvh gives it on any thread count; the run
//                structure is a set (marked with atomic ORs), so results are the same on any thread count.
// Errors:  hifa::Error naming "iou_grid" (resolution < 2, a mesh without vertices),
//          "grid_occupancy" (a resolution < 2 or a non-finite grid bound), "volumetric_iou"
//          (extents differ); the BVH's own errors (MeshBvh::occupancies).
// Cost:    dense: nx ny nz winding numbers. fast: an O(V + F) hash pass to check the edge pairing,
//          per triangle the grid lines under its box, and one winding number per run, about one per
//          z line plus a few per surface crossing. A ~100k-face sphere at 128^3 on 2 threads:
//          bench/bench_metrics.cpp.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace hifa {

enum class OccupancyMethod {
  fast,   // one winding number per run of points that no triangle separates (see the top of this file)
  dense,  // one winding number per grid point
};

// Occupancy of one mesh on a grid; see grid_occupancy.
struct GridOccupancy {
  Kokkos::View<std::uint8_t***, Kokkos::LayoutRight, Kokkos::HostSpace> inside;  // 1 inside, 0 outside
  std::size_t queries = 0;                                                       // winding numbers evaluated
};

// The grid of `resolution` points per axis over the union of the vertex boxes of a and b.
inline GridSpec<float> iou_grid(const TriMesh<float>& a, const TriMesh<float>& b, int resolution) {
  if (resolution < 2) throw Error("iou_grid", "resolution must be at least 2, got " + std::to_string(resolution));
  if (a.vertices.rows() == 0 || b.vertices.rows() == 0) throw Error("iou_grid", "a mesh has no vertices");
  AABBf box(a.vertices.colwise().minCoeff().transpose(), a.vertices.colwise().maxCoeff().transpose());
  box.extend(AABBf(b.vertices.colwise().minCoeff().transpose(), b.vertices.colwise().maxCoeff().transpose()));
  return GridSpec<float>::cube(box, resolution);
}

namespace detail {

// Whether every edge of `mesh` is traversed as often in each direction, once vertices at bitwise-
// equal positions (-0 = +0) are merged: then the exact winding number is an integer off the surface
// (the boundary of the triangle chain is empty). Texture seams split vertices without opening the
// surface, hence the merge by position rather than by index.
inline bool edges_pair_up(const TriMesh<float>& mesh) {
  if (mesh.face_count() == 0) return false;
  struct KeyHash {
    std::size_t operator()(const std::array<std::uint32_t, 3>& k) const {
      std::uint64_t h = 0x9E3779B97F4A7C15ull;
      for (const auto v : k) h = (h ^ v) * 0x100000001B3ull;
      return std::size_t(h ^ (h >> 29));
    }
  };
  std::unordered_map<std::array<std::uint32_t, 3>, int, KeyHash> first;
  first.reserve(std::size_t(mesh.vertices.rows()));
  std::vector<int> merged(std::size_t(mesh.vertices.rows()));
  for (Eigen::Index v = 0; v < mesh.vertices.rows(); ++v) {
    std::array<std::uint32_t, 3> key{};
    for (int c = 0; c < 3; ++c) {
      const float x = mesh.vertices(v, c) == 0.0f ? 0.0f : mesh.vertices(v, c);
      std::memcpy(&key[std::size_t(c)], &x, sizeof x);
    }
    merged[std::size_t(v)] = first.try_emplace(key, int(v)).first->second;
  }
  FaceMatrix faces(mesh.faces.rows(), 3);
  for (Eigen::Index f = 0; f < mesh.faces.rows(); ++f) {
    for (int c = 0; c < 3; ++c) faces(f, c) = merged[std::size_t(mesh.faces(f, c))];
  }
  for (const auto& [key, use] : edge_map(faces)) {
    if (key >> 32 == (key & 0xFFFFFFFFu)) continue;  // an edge collapsed by the merge bounds nothing
    if (2 * use.low_to_high != use.faces) return false;
  }
  return true;
}

// A superset of the indices i in [0, n) whose coordinate lo + i * h can lie in [a, b]; the caller
// filters with the exact coordinates, so the margin only has to cover the rounding of the division.
KOKKOS_INLINE_FUNCTION void candidate_range(float lo, float h, int n, float a, float b, int& first, int& last) {
  if (!(h > 0.0f)) {  // a flat axis: every index has the coordinate lo
    first = 0;
    last = n - 1;
    return;
  }
  const double u = std::floor((double(a) - double(lo)) / double(h)) - 2;
  const double v = std::ceil((double(b) - double(lo)) / double(h)) + 2;
  first = u < 0 ? 0 : (u > double(n - 1) ? n : int(u));
  last = v > double(n - 1) ? n - 1 : (v < 0 ? -1 : int(v));
}

// Whether (px, py) may lie in the closed xy projection of triangle (a, b, c): true whenever it
// does. Each orientation is computed in double from float inputs, with an error below ~1e-15 of the
// magnitude bound `scale`; 1e-9 of it is a tolerance no rounding reaches. A projection of zero area
// (a triangle parallel to z) accepts the points of its segment.
KOKKOS_INLINE_FUNCTION bool may_cover(const double a[2], const double b[2], const double c[2], double px, double py) {
  const double* const v[3] = {a, b, c};
  bool any_negative = false, any_positive = false;
  for (int e = 0; e < 3; ++e) {
    const double* const s = v[e];
    const double* const t = v[(e + 1) % 3];
    const double ex = t[0] - s[0], ey = t[1] - s[1], qx = px - s[0], qy = py - s[1];
    const double orientation = ex * qy - ey * qx;
    const double tolerance = 1e-9 * (std::fabs(ex * qy) + std::fabs(ey * qx));
    any_negative = any_negative || orientation < -tolerance;
    any_positive = any_positive || orientation > tolerance;
  }
  return !(any_negative && any_positive);
}

}  // namespace detail

// Occupancy of the mesh behind `bvh` at every point of `grid` (see the top of this file).
template <class ExecSpace>
GridOccupancy grid_occupancy(const ExecSpace& space, const MeshBvh<Kokkos::HostSpace>& bvh,
                             const TriMesh<float>& mesh, const GridSpec<float>& grid,
                             float beta = MeshBvh<Kokkos::HostSpace>::default_beta,
                             OccupancyMethod method = OccupancyMethod::fast) {
  static_assert(Kokkos::SpaceAccessibility<ExecSpace, Kokkos::HostSpace>::accessible,
                "hifa::grid_occupancy: the execution space must run on the host (it reads the mesh's Eigen arrays)");
  const char* const where = "grid_occupancy";
  if ((grid.resolution.array() < 2).any()) {
    throw Error(where, "resolution must be at least 2 points per axis, got " + std::to_string(grid.resolution.x()) +
                           "x" + std::to_string(grid.resolution.y()) + "x" + std::to_string(grid.resolution.z()));
  }
  if (!grid.bounds.min().allFinite() || !grid.bounds.max().allFinite()) {
    throw Error(where, "grid bounds must be finite");
  }
  const int nx = grid.resolution.x(), ny = grid.resolution.y(), nz = grid.resolution.z();
  const std::size_t lines = std::size_t(nx) * std::size_t(ny);
  using Policy = Kokkos::RangePolicy<ExecSpace>;
  GridOccupancy out;
  out.inside = decltype(out.inside)(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::metrics::occupancy"), nx, ny, nz);
  const auto inside = out.inside;

  if (method == OccupancyMethod::dense || !detail::edges_pair_up(mesh)) {
    const std::size_t count = grid.point_count();
    const Kokkos::View<float* [3], Kokkos::HostSpace> points(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::metrics::occupancy_points"), count);
    Kokkos::parallel_for(
        "hifa::metrics::occupancy_points", Policy(space, 0, count), [=](const std::size_t q) {
          const int k = int(q % std::size_t(nz)), j = int(q / std::size_t(nz) % std::size_t(ny)),
                    i = int(q / (std::size_t(nz) * std::size_t(ny)));
          const Vec3f p = grid.point(i, j, k);
          for (int c = 0; c < 3; ++c) points(q, c) = p[c];
        });
    const Kokkos::View<float*, Kokkos::HostSpace> values(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::metrics::occupancy_values"), count);
    bvh.occupancies(space, points, values, beta);
    std::uint8_t* const flat = inside.data();  // LayoutRight: q = (i ny + j) nz + k, as above
    Kokkos::parallel_for(
        "hifa::metrics::occupancy_store", Policy(space, 0, count),
        [=](const std::size_t q) { flat[q] = values(q) > 0.5f ? 1 : 0; });
    space.fence();
    out.queries = count;
    return out;
  }

  // touched(i, j, k): a triangle may meet the segment from point k to point k + 1 of line (i, j).
  const Kokkos::View<int***, Kokkos::LayoutRight, Kokkos::HostSpace> touched(
      Kokkos::view_alloc(space, "hifa::metrics::occupancy_touched"), nx, ny, nz - 1);
  const Vec3f lo = grid.bounds.min(), h = grid.spacing();
  const auto& vertices = mesh.vertices;
  const auto& faces = mesh.faces;
  Kokkos::parallel_for(
      "hifa::metrics::occupancy_mark", Policy(space, 0, std::size_t(mesh.face_count())), [=, &vertices,
                                                                                         &faces](const std::size_t f) {
        const Vec3f v0 = vertices.row(faces(Eigen::Index(f), 0)).transpose();
        const Vec3f v1 = vertices.row(faces(Eigen::Index(f), 1)).transpose();
        const Vec3f v2 = vertices.row(faces(Eigen::Index(f), 2)).transpose();
        const Vec3f low = v0.cwiseMin(v1).cwiseMin(v2), high = v0.cwiseMax(v1).cwiseMax(v2);
        const double corner[3][2] = {{v0.x(), v0.y()}, {v1.x(), v1.y()}, {v2.x(), v2.y()}};
        int i0, i1, j0, j1, k0, k1;
        detail::candidate_range(lo.x(), h.x(), nx, low.x(), high.x(), i0, i1);
        detail::candidate_range(lo.y(), h.y(), ny, low.y(), high.y(), j0, j1);
        detail::candidate_range(lo.z(), h.z(), nz, low.z(), high.z(), k0, k1);
        k0 = k0 > 0 ? k0 - 1 : 0;  // segment k spans points k and k + 1
        k1 = k1 < nz - 2 ? k1 : nz - 2;
        for (int i = i0; i <= i1; ++i) {
          const float x = grid.point(i, 0, 0).x();
          if (x < low.x() || x > high.x()) continue;
          for (int j = j0; j <= j1; ++j) {
            const float y = grid.point(0, j, 0).y();
            if (y < low.y() || y > high.y()) continue;
            if (!detail::may_cover(corner[0], corner[1], corner[2], x, y)) continue;
            for (int k = k0; k <= k1; ++k) {
              if (grid.point(0, 0, k + 1).z() < low.z() || grid.point(0, 0, k).z() > high.z()) continue;
              Kokkos::atomic_fetch_or(&touched(i, j, k), 1);
            }
          }
        }
      });

  // Runs per line, their offsets, the first point of each run.
  const Kokkos::View<std::size_t*, Kokkos::HostSpace> offsets(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::metrics::occupancy_offsets"), lines + 1);
  Kokkos::parallel_scan(
      "hifa::metrics::occupancy_runs", Policy(space, 0, lines),
      [=](const std::size_t line, std::size_t& offset, const bool final) {
        const int i = int(line / std::size_t(ny)), j = int(line % std::size_t(ny));
        std::size_t runs = 1;
        for (int k = 0; k + 1 < nz; ++k) runs += touched(i, j, k) ? 1 : 0;
        if (final) offsets(line) = offset;
        offset += runs;
        if (final && line + 1 == lines) offsets(lines) = offset;
      });
  space.fence();
  const std::size_t queries = offsets(lines);
  const Kokkos::View<float* [3], Kokkos::HostSpace> points(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::metrics::occupancy_points"), queries);
  Kokkos::parallel_for(
      "hifa::metrics::occupancy_gather", Policy(space, 0, lines), [=](const std::size_t line) {
        const int i = int(line / std::size_t(ny)), j = int(line % std::size_t(ny));
        std::size_t run = offsets(line);
        for (int k = 0; k < nz; ++k) {
          if (k > 0 && !touched(i, j, k - 1)) continue;
          const Vec3f p = grid.point(i, j, k);
          for (int c = 0; c < 3; ++c) points(run, c) = p[c];
          ++run;
        }
      });
  const Kokkos::View<float*, Kokkos::HostSpace> values(
      Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::metrics::occupancy_values"), queries);
  bvh.occupancies(space, points, values, beta);
  Kokkos::parallel_for(
      "hifa::metrics::occupancy_fill", Policy(space, 0, lines), [=](const std::size_t line) {
        const int i = int(line / std::size_t(ny)), j = int(line % std::size_t(ny));
        std::size_t run = offsets(line);
        std::uint8_t value = 0;
        for (int k = 0; k < nz; ++k) {
          if (k == 0 || touched(i, j, k - 1)) value = values(run++) > 0.5f ? 1 : 0;
          inside(i, j, k) = value;
        }
      });
  space.fence();
  out.queries = queries;
  return out;
}

// |a and b| / |a or b| of two occupancy grids (0 / 1 values); NaN when both are empty.
inline double volumetric_iou(const Kokkos::View<const std::uint8_t***, Kokkos::LayoutRight, Kokkos::HostSpace>& a,
                             const Kokkos::View<const std::uint8_t***, Kokkos::LayoutRight, Kokkos::HostSpace>& b) {
  if (a.extent(0) != b.extent(0) || a.extent(1) != b.extent(1) || a.extent(2) != b.extent(2)) {
    throw Error("volumetric_iou", "occupancy grids differ in extents: " + std::to_string(a.extent(0)) + "x" +
                                      std::to_string(a.extent(1)) + "x" + std::to_string(a.extent(2)) + " and " +
                                      std::to_string(b.extent(0)) + "x" + std::to_string(b.extent(1)) + "x" +
                                      std::to_string(b.extent(2)));
  }
  std::size_t both = 0, either = 0;
  const std::uint8_t *pa = a.data(), *pb = b.data();
  for (std::size_t q = 0; q < a.size(); ++q) {  // integer counts: any order gives the same answer
    both += pa[q] & pb[q];
    either += pa[q] | pb[q];
  }
  return either > 0 ? double(both) / double(either) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace hifa
