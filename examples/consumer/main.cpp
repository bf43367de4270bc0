// Uses the installed hifa toolkit: a torus SDF on a 64³ grid, marching cubes, topology checks.
// Exits non-zero when the mesh is not the closed genus-1 surface it should be.
#include <hifa/core/runtime.hpp>
#include <hifa/field/analytic.hpp>
#include <hifa/grid/evaluate.hpp>
#include <hifa/grid/marching_cubes.hpp>
#include <hifa/mesh/topology.hpp>

#include <cstdio>

int main() {
  hifa::KokkosRuntime runtime;
  const hifa::Torus<float> torus{hifa::Vec3f(0, 0, 0), 0.6f, 0.25f};
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(hifa::Vec3f(-1, -1, -1), hifa::Vec3f(1, 1, 1)), 64);
  const auto values = hifa::evaluate_grid(torus, grid);
  const auto mesh = hifa::marching_cubes(values, grid, torus);
  const bool ok = hifa::is_closed(mesh) && hifa::euler_characteristic(mesh) == 0;
  std::printf("consumer: torus %td vertices, %td faces, closed %d, Euler %td -> %s\n", mesh.vertex_count(),
              mesh.face_count(), int(hifa::is_closed(mesh)), hifa::euler_characteristic(mesh), ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
