// hifa's side of bench/peers/closest_point_vs_open3d.py: makes a sphere mesh and query points,
// writes both for the peer, and times hifa's BVH build and batched closest-point query on them.
//
//   closest_point_peer <out-folder> [points = 1000000] [runs = 3] [near|uniform = uniform]
//
// Writes <out-folder>/mesh.ply (a marching-cubes sphere of radius 0.7, 148³ grid: ~100k faces),
// points.raw (N x 3 float32, little-endian: uniform in [-1, 1]³, or within 0.05 of the surface) and
// distances.raw and signed_distances.raw (N float32: hifa's unsigned and signed distances, for the
// agreement checks). Prints one JSON line: threads (OMP_NUM_THREADS), faces, points, build_seconds
// (the tree, all closest points need), query_seconds (closest points), sdf_build_seconds (the tree
// with SignMethod::automatic's checks and pseudo-normals), sdf_seconds (signed distances on that
// BVH), best of `runs`, and sign (the sign method it chose: pseudo_normal or winding_number).
#include "hifa/core/atomic_file.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/core/runtime.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/ply_io.hpp"
#include "hifa/spatial/mesh_bvh.hpp"

#include "../support/grid_fields.hpp"
#include "peer_tools.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;

Kokkos::View<float* [3], Kokkos::HostSpace> make_points(int n, bool near_surface) {
  Kokkos::View<float* [3], Kokkos::HostSpace> points("closest_point_peer::points", n);
  const hifa::CounterRng rng{7};
  Kokkos::parallel_for(
      "closest_point_peer::points", Kokkos::RangePolicy<Space>(0, n), KOKKOS_LAMBDA(int i) {
        hifa::Vec3f p(2 * rng.uniform(0, i) - 1, 2 * rng.uniform(1, i) - 1, 2 * rng.uniform(2, i) - 1);
        if (near_surface) {  // a random direction, at a radius within 0.05 of the sphere's 0.7
          const hifa::Vec3f g(rng.normal(3, i), rng.normal(4, i), rng.normal(5, i));
          p = g.normalized() * (0.7f + 0.1f * (rng.uniform(6, i) - 0.5f));
        }
        for (int a = 0; a < 3; ++a) points(i, a) = p[a];
      });
  Kokkos::fence();
  return points;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: closest_point_peer <out-folder> [points = 1000000] [runs = 3] [near|uniform]\n");
    return 2;
  }
  hifa::KokkosRuntime runtime;
  try {
    const std::filesystem::path out = argv[1];
    const int n = argc > 2 ? std::stoi(argv[2]) : 1000000;
    const int runs = argc > 3 ? std::max(1, std::stoi(argv[3])) : 3;
    const std::string where = argc > 4 ? argv[4] : "uniform";
    if (where != "near" && where != "uniform") throw hifa::Error("points", "expected near or uniform, got " + where);

    const auto grid = hifa::bench::unit_grid(148);
    const auto mesh = hifa::marching_cubes(hifa::bench::sample(grid, hifa::bench::Surface::sphere), grid);
    hifa::write_ply(out / "mesh.ply", mesh);
    const auto points = make_points(n, where == "near");
    hifa::bench::write_raw(out / "points.raw", points);

    const Space space;
    std::optional<hifa::MeshBvh<Kokkos::HostSpace>> bvh;
    const double build = hifa::bench::best_seconds(runs, [&] { bvh.emplace(space, mesh); });
    const auto result = hifa::ClosestPoints<Kokkos::HostSpace>::allocate(space, std::size_t(n));
    const double query = hifa::bench::best_seconds(runs, [&] {
      bvh->closest_points(space, points, result);
      space.fence();
    });
    hifa::bench::write_raw(out / "distances.raw", result.distance);
    const double sdf_build = hifa::bench::best_seconds(runs, [&] { bvh.emplace(space, mesh, hifa::SignMethod::automatic); });
    const Kokkos::View<float*, Kokkos::HostSpace> sdf("closest_point_peer::sdf", std::size_t(n));
    const double signed_query = hifa::bench::best_seconds(runs, [&] {
      bvh->signed_distances(space, points, sdf);
      space.fence();
    });
    hifa::bench::write_raw(out / "signed_distances.raw", sdf);
    const char* sign = bvh->sign_method() == hifa::SignMethod::pseudo_normal ? "pseudo_normal" : "winding_number";
    std::printf("{\"threads\": %d, \"faces\": %ld, \"points\": %d, \"build_seconds\": %.6f, \"query_seconds\": %.6f, "
                "\"sdf_build_seconds\": %.6f, \"sdf_seconds\": %.6f, \"sign\": \"%s\"}\n",
                hifa::KokkosRuntime::concurrency(), long(mesh.face_count()), n, build, query, sdf_build, signed_query, sign);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "closest_point_peer: %s\n", e.what());
    return 1;
  }
  return 0;
}
