// hifa demo-geometry: the toolkit end to end on built-in data. An analytic mannequin SDF is
// evaluated coarse-to-fine (PIFu's octree scheme), extracted by marching cubes and written as OBJ.

#include "progress.hpp"
#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/field/mannequin.hpp"
#include "hifa/grid/coarse_to_fine.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/topology.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

namespace hifa::app {
namespace {

struct DemoGeometryOptions {
  std::filesystem::path out = "out/demo";
  int resolution = 256;
  int coarse_step = 8;
};

void run_demo_geometry(const DemoGeometryOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) throw Error(options.out.string(), "cannot create the output folder: " + ec.message());

  Progress progress("demo-geometry", 3);
  const auto field = mannequin<float>();
  const auto grid = GridSpec<float>::cube(AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), options.resolution);
  const auto evaluated = evaluate_coarse_to_fine(field, grid, CoarseToFineOptions<float>::sdf(options.coarse_step));
  progress.advance();
  const auto mesh = marching_cubes(evaluated.values, grid, field);
  progress.advance();
  const auto path = options.out / "shape.obj";
  write_obj(path, mesh);
  progress.advance();
  progress.finish();

  const double dense = double(grid.point_count());
  std::printf("grid %d^3: %.0f points, %zu field queries coarse-to-fine (%.1f%% of dense, %.1fx fewer)\n",
              options.resolution, dense, evaluated.queries, 100.0 * double(evaluated.queries) / dense,
              dense / double(evaluated.queries));
  std::printf("mesh: %td vertices, %td faces, closed: %s, edge-manifold: %s, Euler characteristic %td\n",
              mesh.vertex_count(), mesh.face_count(), is_closed(mesh) ? "yes" : "no",
              is_edge_manifold(mesh) ? "yes" : "no", euler_characteristic(mesh));
  std::printf("wrote %s\n", path.c_str());
}

}  // namespace

void add_demo_geometry(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<DemoGeometryOptions>();
  auto* verb = app.add_subcommand(
      "demo-geometry", "Evaluate an analytic mannequin coarse-to-fine, extract it by marching cubes, write shape.obj");
  verb->add_option("--out", options->out, "Output folder")->capture_default_str();
  verb->add_option("--resolution", options->resolution, "Grid points per axis")
      ->check(CLI::Range(16, 2049))
      ->capture_default_str();
  verb->add_option("--coarse-step", options->coarse_step, "Grid points between coarse samples (power of two)")
      ->check(CLI::Validator(
          [](const std::string& text) {
            const int step = std::atoi(text.c_str());
            return step >= 1 && (step & (step - 1)) == 0 ? std::string() : "must be a power of two, got " + text;
          },
          "POWER_OF_TWO"))
      ->capture_default_str();
  verb->callback([&action, options] { action = [options] { run_demo_geometry(*options); }; });
}

}  // namespace hifa::app
