// Linear BVH over a triangle mesh on the default host execution space (threads: OMP_NUM_THREADS).
// Mesh: marching cubes of a radius-0.7 sphere on a 148^3 grid (about 100k faces); the build also
// on that sphere subdivided twice (each triangle into 16, about 1.6M faces).
// Counters: items/s = faces/s for the build (automatic_sign 1: with the checks that let signed
// distances take the pseudo-normal sign, SignMethod::automatic; 0: the tree alone,
// SignMethod::winding_number; the subdivided sphere is a soup, so it stops at the topology check),
// points/s for closest-point queries on 2^20 random
// points, either uniform in [-1, 1]^3 (the mesh's box, [-0.7, 0.7]^3, grown by 0.3 on every side;
// points deep inside the sphere are nearly equidistant from a large part of it, so the exact query
// cannot prune much there) or in a shell within 0.05 of the surface (the usual SDF-sampling case);
// the same 2^20 points for hierarchical winding numbers (beta = 2) and signed distances: sdf_* with
// the sign from the closest feature's pseudo-normal (the sphere passes the automatic checks),
// sdf_winding_* with the winding-number sign (closest point + winding number).
// Rays: first hits of 2^20 rays (origins uniform in [-1, 1]^3, uniformly random directions),
// items/s = rays/s. parity_vs_winding: the sphere with the band of faces whose centroid has
// |z| < 0.1 removed (an open figure, like a game mesh with a missing strip); for 100k points
// uniform in [-1, 1]^3 the ray-parity inside test (hit_counts along +x odd) and the winding-number
// occupancy of the open mesh are compared with the closed sphere's occupancy (its winding number;
// the closed mesh makes both tests agree); counters parity_wrong_fraction and
// winding_wrong_fraction are the fractions of points each gets wrong; the timed loop is the two
// queries on the open mesh.
#include "hifa/spatial/mesh_bvh.hpp"

#include "hifa/core/rng.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "support/grid_fields.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;
using Memory = Space::memory_space;

const hifa::TriMeshf& sphere_mesh() {
  static const hifa::TriMeshf mesh = [] {
    const auto grid = hifa::bench::unit_grid(148);
    return hifa::marching_cubes(Space{}, hifa::bench::sample(grid, hifa::bench::Surface::sphere), grid);
  }();
  return mesh;
}

// The sphere with every triangle split into 4 at its edge midpoints, `times` times (a soup: the
// BVH does not care), for the build at ~1.6M faces.
hifa::TriMeshf subdivided(const hifa::TriMeshf& mesh, int times) {
  hifa::TriMeshf out = mesh;
  for (int t = 0; t < times; ++t) {
    hifa::TriMeshf next;
    const Eigen::Index f = out.face_count();
    next.vertices.resize(6 * f, 3);
    next.faces.resize(4 * f, 3);
    for (Eigen::Index i = 0; i < f; ++i) {
      const Eigen::Vector3f a = out.vertices.row(out.faces(i, 0)), b = out.vertices.row(out.faces(i, 1)),
                            c = out.vertices.row(out.faces(i, 2));
      const Eigen::Vector3f corners[6] = {a, b, c, (a + b) / 2, (b + c) / 2, (c + a) / 2};
      for (int k = 0; k < 6; ++k) next.vertices.row(6 * i + k) = corners[k];
      const int v = int(6 * i);
      next.faces.row(4 * i + 0) << v + 0, v + 3, v + 5;
      next.faces.row(4 * i + 1) << v + 3, v + 1, v + 4;
      next.faces.row(4 * i + 2) << v + 5, v + 4, v + 2;
      next.faces.row(4 * i + 3) << v + 3, v + 4, v + 5;
    }
    out = std::move(next);
  }
  return out;
}

void bvh_build(benchmark::State& state) {
  static const hifa::TriMeshf large = subdivided(sphere_mesh(), 2);
  const auto& mesh = state.range(0) == 0 ? sphere_mesh() : large;
  const auto sign = state.range(1) == 0 ? hifa::SignMethod::winding_number : hifa::SignMethod::automatic;
  const Space space;
  for (auto _ : state) {
    hifa::MeshBvh<Memory> bvh(space, mesh, sign);
    benchmark::DoNotOptimize(bvh.size());
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations() * mesh.face_count());
}

enum class Points { box, shell };

Kokkos::View<float* [3], Memory> random_points(const Space& space, std::size_t n, Points where) {
  const Kokkos::View<float* [3], Memory> points("points", n);
  const hifa::CounterRng rng{42};
  Kokkos::parallel_for(
      "bench::random_points", Kokkos::RangePolicy<Space>(space, 0, n), KOKKOS_LAMBDA(const std::size_t q) {
        if (where == Points::box) {
          for (int d = 0; d < 3; ++d) points(q, d) = 2.0f * (rng.uniform(d, q) - 0.5f);
        } else {
          const float g[3] = {rng.normal(0, q), rng.normal(1, q), rng.normal(2, q)};
          const float radius = 0.7f + 0.05f * (2.0f * rng.uniform(3, q) - 1.0f);
          const float scale = radius / Kokkos::Experimental::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
          for (int d = 0; d < 3; ++d) points(q, d) = scale * g[d];
        }
      });
  return points;
}

void bvh_closest_points(benchmark::State& state, Points where) {
  const auto& mesh = sphere_mesh();
  const Space space;
  const hifa::MeshBvh<Memory> bvh(space, mesh);
  const auto n = std::size_t(state.range(0));
  const auto points = random_points(space, n, where);
  const auto out = hifa::ClosestPoints<Memory>::allocate(space, n);
  space.fence();
  for (auto _ : state) {
    bvh.closest_points(space, points, out);
    space.fence();
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations() * std::int64_t(n));
}

enum class Scalar { winding, sdf, sdf_winding };

void bvh_scalar_queries(benchmark::State& state, Scalar what, Points where) {
  const auto& mesh = sphere_mesh();
  const Space space;
  const hifa::MeshBvh<Memory> bvh(space, mesh,
                                  what == Scalar::sdf ? hifa::SignMethod::automatic : hifa::SignMethod::winding_number);
  if (what == Scalar::sdf && bvh.sign_method() != hifa::SignMethod::pseudo_normal) {
    state.SkipWithError(("the sphere did not pass the pseudo-normal checks: " + bvh.sign_method_reason()).c_str());
    return;
  }
  const auto n = std::size_t(state.range(0));
  const auto points = random_points(space, n, where);
  const Kokkos::View<float*, Memory> out("out", n);
  space.fence();
  for (auto _ : state) {
    if (what == Scalar::winding) {
      bvh.winding_numbers(space, points, out);
    } else {
      bvh.signed_distances(space, points, out);
    }
    space.fence();
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations() * std::int64_t(n));
}

Kokkos::View<float* [3], Memory> random_directions(const Space& space, std::size_t n) {
  const Kokkos::View<float* [3], Memory> directions("directions", n);
  const hifa::CounterRng rng{7};
  Kokkos::parallel_for(
      "bench::random_directions", Kokkos::RangePolicy<Space>(space, 0, n), KOKKOS_LAMBDA(const std::size_t q) {
        for (int d = 0; d < 3; ++d) directions(q, d) = rng.normal(d, q);
      });
  return directions;
}

void bvh_first_hits(benchmark::State& state) {
  const auto& mesh = sphere_mesh();
  const Space space;
  const hifa::MeshBvh<Memory> bvh(space, mesh);
  const auto n = std::size_t(state.range(0));
  const auto origins = random_points(space, n, Points::box);
  const auto directions = random_directions(space, n);
  const auto hits = hifa::RayHits<Memory>::allocate(space, n);
  space.fence();
  for (auto _ : state) {
    bvh.first_hits(space, origins, directions, hits);
    space.fence();
  }
  int hit = 0;
  Kokkos::parallel_reduce(
      "bench::count_hits", Kokkos::RangePolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(const std::size_t q, int& sum) { sum += hits.face(q) >= 0 ? 1 : 0; }, hit);
  state.counters["faces"] = double(mesh.face_count());
  state.counters["hit_fraction"] = double(hit) / double(n);
  state.SetItemsProcessed(state.iterations() * std::int64_t(n));
}

void parity_vs_winding(benchmark::State& state) {
  const auto& closed = sphere_mesh();
  hifa::TriMeshf open;
  open.vertices = closed.vertices;
  std::vector<int> kept;
  for (Eigen::Index f = 0; f < closed.face_count(); ++f) {
    float z = 0.0f;
    for (int c = 0; c < 3; ++c) z += closed.vertices(closed.faces(f, c), 2) / 3.0f;
    if (!(z > -0.1f && z < 0.1f)) kept.push_back(int(f));
  }
  open.faces.resize(Eigen::Index(kept.size()), 3);
  for (std::size_t k = 0; k < kept.size(); ++k) open.faces.row(Eigen::Index(k)) = closed.faces.row(kept[k]);

  const Space space;
  const hifa::MeshBvh<Memory> closed_bvh(space, closed), open_bvh(space, open);
  const auto n = std::size_t(state.range(0));
  const auto points = random_points(space, n, Points::box);
  const Kokkos::View<float* [3], Memory> plus_x("plus_x", n);
  Kokkos::deep_copy(space, Kokkos::subview(plus_x, Kokkos::ALL, 0), 1.0f);
  Kokkos::deep_copy(space, Kokkos::subview(plus_x, Kokkos::ALL, 1), 0.0f);
  Kokkos::deep_copy(space, Kokkos::subview(plus_x, Kokkos::ALL, 2), 0.0f);
  const Kokkos::View<float*, Memory> truth("truth", n), winding("winding", n);
  const Kokkos::View<int*, Memory> counts("counts", n);
  closed_bvh.occupancies(space, points, truth);
  space.fence();
  for (auto _ : state) {
    open_bvh.hit_counts(space, points, plus_x, counts);
    open_bvh.occupancies(space, points, winding);
    space.fence();
  }
  int parity_wrong = 0, winding_wrong = 0;
  Kokkos::parallel_reduce(
      "bench::parity_wrong", Kokkos::RangePolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(const std::size_t q, int& sum) { sum += ((counts(q) % 2 == 1) != (truth(q) == 1.0f)) ? 1 : 0; },
      parity_wrong);
  Kokkos::parallel_reduce(
      "bench::winding_wrong", Kokkos::RangePolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(const std::size_t q, int& sum) { sum += (winding(q) != truth(q)) ? 1 : 0; }, winding_wrong);
  state.counters["faces_open"] = double(open.face_count());
  state.counters["faces_removed"] = double(closed.face_count() - open.face_count());
  state.counters["parity_wrong_fraction"] = double(parity_wrong) / double(n);
  state.counters["winding_wrong_fraction"] = double(winding_wrong) / double(n);
  state.SetItemsProcessed(state.iterations() * std::int64_t(n));
}

}  // namespace

BENCHMARK(bvh_build)
    ->ArgNames({"subdivided", "automatic_sign"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({2, 0})
    ->Args({2, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(bvh_closest_points, box, Points::box)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_closest_points, shell, Points::shell)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_scalar_queries, winding_box, Scalar::winding, Points::box)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_scalar_queries, winding_shell, Scalar::winding, Points::shell)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_scalar_queries, sdf_box, Scalar::sdf, Points::box)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_scalar_queries, sdf_shell, Scalar::sdf, Points::shell)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_scalar_queries, sdf_winding_box, Scalar::sdf_winding, Points::box)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(bvh_scalar_queries, sdf_winding_shell, Scalar::sdf_winding, Points::shell)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bvh_first_hits)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(parity_vs_winding)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
