// hifa's side of bench/peers/marching_cubes_vs_skimage.py: samples a grid, writes it for the peer,
// and times hifa::marching_cubes on it.
//
//   mc_peer <grid.raw> [n = 256] [runs = 5] [sphere|rough = rough]
//
// Writes <grid.raw>: n^3 float32, little-endian, C order of shape (n, n, n) (k fastest), an SDF over
// [-1, 1]^3 (bench/support/grid_fields.hpp). Prints one JSON line on stdout: shape, min, spacing,
// level, threads (OMP_NUM_THREADS), seconds (best of `runs` marching_cubes calls, grid already in
// memory, normals included), vertices, faces.
#include "hifa/core/runtime.hpp"
#include "hifa/grid/marching_cubes.hpp"

#include "../support/grid_fields.hpp"
#include "peer_tools.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) {
    std::fprintf(stderr, "usage: mc_peer <grid.raw> [n = 256] [runs = 5] [sphere|rough = rough]\n");
    return 2;
  }
  hifa::KokkosRuntime runtime;
  try {
    const int n = argc > 2 ? std::stoi(argv[2]) : 256;
    const int runs = argc > 3 ? std::max(1, std::stoi(argv[3])) : 5;
    const std::string surface = argc > 4 ? argv[4] : "rough";
    if (surface != "sphere" && surface != "rough") throw hifa::Error("surface", "expected sphere or rough, got " + surface);

    const auto grid = hifa::bench::unit_grid(n);
    grid.validate("n");
    const auto values =
        hifa::bench::sample(grid, surface == "sphere" ? hifa::bench::Surface::sphere : hifa::bench::Surface::rough);
    hifa::bench::write_raw(argv[1], values);

    const Kokkos::DefaultHostExecutionSpace space;
    hifa::TriMeshf mesh;
    const double best = hifa::bench::best_seconds(runs, [&] { mesh = hifa::marching_cubes(space, values, grid); });
    const hifa::Vec3f h = grid.spacing();
    std::printf(
        "{\"shape\": [%d, %d, %d], \"min\": [%.9g, %.9g, %.9g], \"spacing\": [%.9g, %.9g, %.9g], \"level\": 0, "
        "\"threads\": %d, \"seconds\": %.6f, \"vertices\": %ld, \"faces\": %ld}\n",
        n, n, n, grid.bounds.min().x(), grid.bounds.min().y(), grid.bounds.min().z(), h.x(), h.y(), h.z(),
        hifa::KokkosRuntime::concurrency(), best, long(mesh.vertex_count()), long(mesh.face_count()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mc_peer: %s\n", e.what());
    return 1;
  }
  return 0;
}
