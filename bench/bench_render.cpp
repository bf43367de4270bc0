// The orthographic rasterizer on the default host execution space (threads: OMP_NUM_THREADS).
// Mesh: marching cubes of a radius-0.7 sphere on a 148^3 grid (about 100k faces, with field
// normals), given spherical UVs and a 1024² procedural RGB texture (a checkerboard with a colour
// ramp), so every pixel does a bilinear texture lookup. The view is PIFu's: the normalizing
// calibration of the mesh (it fills the height but for the 6% margin), a different yaw per
// iteration, as hifa prepare renders 180 views.
// Counters: items/s = views/s for one view of colour, alpha, depth, front and back normals and face
// ids at the given resolution and supersampling factor (args: resolution, k). The rasterizer is
// built once (copying the mesh), as for many views of one scan; build_and_render times one view
// including that set-up.
#include "hifa/render/rasterize.hpp"

#include "hifa/grid/marching_cubes.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/image.hpp"
#include "support/grid_fields.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>

namespace {

using Space = Kokkos::DefaultHostExecutionSpace;

const hifa::TriMeshf& textured_sphere() {
  static const hifa::TriMeshf mesh = [] {
    const auto grid = hifa::bench::unit_grid(148);
    hifa::TriMeshf m = hifa::marching_cubes(Space{}, hifa::bench::sample(grid, hifa::bench::Surface::sphere), grid);
    m.uvs.resize(m.vertex_count(), 2);
    for (Eigen::Index v = 0; v < m.vertex_count(); ++v) {
      const hifa::Vec3f p = m.vertex(v).normalized();
      m.uvs(v, 0) = 0.5f + std::atan2(p.z(), p.x()) / (2 * std::numbers::pi_v<float>);
      m.uvs(v, 1) = 0.5f + std::asin(std::clamp(p.y(), -1.0f, 1.0f)) / std::numbers::pi_v<float>;
    }
    m.face_uvs = m.faces;
    return m;
  }();
  return mesh;
}

const hifa::Image<float>& texture() {
  static const hifa::Image<float> image = [] {
    hifa::Image<float> t(1024, 1024, 3);
    for (int y = 0; y < 1024; ++y) {
      for (int x = 0; x < 1024; ++x) {
        const float check = ((x / 64 + y / 64) % 2) ? 1.0f : 0.3f;
        t(x, y, 0) = check * float(x) / 1023.0f;
        t(x, y, 1) = check * float(y) / 1023.0f;
        t(x, y, 2) = check;
      }
    }
    return t;
  }();
  return image;
}

hifa::RenderOptions options(const benchmark::State& state) {
  hifa::RenderOptions o;
  o.width = o.height = int(state.range(0));
  o.supersample = int(state.range(1));
  return o;
}

void render_views(benchmark::State& state) {
  const Space space;
  const auto& mesh = textured_sphere();
  const hifa::Rasterizer<Space> raster(space, mesh, texture());
  const hifa::RenderOptions o = options(state);
  hifa::Calibration c = hifa::normalizing_calibration(mesh);
  int view = 0;
  for (auto _ : state) {
    c.yaw = 2 * std::numbers::pi_v<float> * float(view++ % 180) / 180;
    const hifa::RenderMaps maps = raster.render(space, c, o);
    benchmark::DoNotOptimize(maps.alpha.data());
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations());
}

void build_and_render(benchmark::State& state) {
  const Space space;
  const auto& mesh = textured_sphere();
  const hifa::RenderOptions o = options(state);
  const hifa::Calibration c = hifa::normalizing_calibration(mesh);
  for (auto _ : state) {
    const hifa::RenderMaps maps = hifa::render_view(space, mesh, texture(), c, o);
    benchmark::DoNotOptimize(maps.alpha.data());
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(render_views)->Args({512, 1})->Args({512, 2})->Args({1024, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(build_and_render)->Args({512, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
