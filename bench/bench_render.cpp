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
// PRT (render/prt.hpp): prt_per_scan computes the transfer of marching cubes of hifa::mannequin on
// a 416^3 grid over [-1, 1]^3 (about 100k vertices; arms, legs and armpits occlude each other) with
// 64 rays per vertex, BVH build included, as hifa prepare does once per scan; counters: vertices,
// rays/s. shaded_views: one view rasterized and shaded with the sphere's per-vertex transfer under
// a new random SH light per view (items/s = lit views/s), transfer computed once outside the loop;
// shade_only: shade_prt alone on one rendered view's maps.
#include "hifa/render/rasterize.hpp"

#include "hifa/field/mannequin.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/render/prt.hpp"
#include "hifa/render/sh_lighting.hpp"
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
  const hifa::Rasterizer<Space> raster(space, mesh, {texture()});
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
    const hifa::RenderMaps maps = hifa::render_view(space, mesh, {texture()}, c, o);
    benchmark::DoNotOptimize(maps.alpha.data());
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations());
}

const hifa::TriMeshf& mannequin_mesh() {
  static const hifa::TriMeshf mesh = [] {
    const Space space;
    const auto grid = hifa::bench::unit_grid(416);
    return hifa::marching_cubes(space, hifa::evaluate_grid(space, hifa::mannequin<float>(), grid), grid);
  }();
  return mesh;
}

void prt_per_scan(benchmark::State& state) {
  const Space space;
  const auto& mesh = mannequin_mesh();
  hifa::PrtOptions options;
  options.rays = int(state.range(0));
  double dc = 0;
  for (auto _ : state) {
    const hifa::ShTransfer t = hifa::compute_prt(space, mesh, options);
    dc = t.col(0).mean();
    benchmark::DoNotOptimize(t.data());
  }
  state.counters["vertices"] = double(mesh.vertex_count());
  state.counters["mean_dc"] = dc;  // 0.282 = unoccluded everywhere
  state.counters["rays/s"] =
      benchmark::Counter(double(mesh.vertex_count()) * options.rays * double(state.iterations()), benchmark::Counter::kIsRate);
}

void shaded_views(benchmark::State& state) {
  const Space space;
  const auto& mesh = textured_sphere();
  const hifa::Rasterizer<Space> raster(space, mesh, {texture()});
  hifa::PrtOptions prt;
  prt.rays = 64;
  const hifa::ShTransfer transfer = hifa::compute_prt(space, mesh, prt);
  const hifa::RenderOptions o = options(state);
  hifa::Calibration c = hifa::normalizing_calibration(mesh);
  int view = 0;
  for (auto _ : state) {
    c.yaw = 2 * std::numbers::pi_v<float> * float(view % 180) / 180;
    const hifa::RenderMaps maps = raster.render(space, c, o);
    const hifa::Image<float> lit = hifa::shade_prt(space, maps, mesh.faces, transfer, hifa::random_sh_light(1, std::uint64_t(view)), c);
    ++view;
    benchmark::DoNotOptimize(lit.data());
  }
  state.counters["faces"] = double(mesh.face_count());
  state.SetItemsProcessed(state.iterations());
}

void shade_only(benchmark::State& state) {
  const Space space;
  const auto& mesh = textured_sphere();
  const hifa::Rasterizer<Space> raster(space, mesh, {texture()});
  const hifa::ShTransfer transfer = hifa::unshadowed_transfer(hifa::prt_normals(mesh));
  const hifa::Calibration c = hifa::normalizing_calibration(mesh);
  const hifa::RenderMaps maps = raster.render(space, c, options(state));
  int view = 0;
  for (auto _ : state) {
    const hifa::Image<float> lit = hifa::shade_prt(space, maps, mesh.faces, transfer, hifa::random_sh_light(1, std::uint64_t(view++)), c);
    benchmark::DoNotOptimize(lit.data());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(shade_only)->Args({512, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(prt_per_scan)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(shaded_views)->Args({512, 1})->Args({512, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(render_views)->Args({512, 1})->Args({512, 2})->Args({1024, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(build_and_render)->Args({512, 1})->Unit(benchmark::kMillisecond)->UseRealTime();
