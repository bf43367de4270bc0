// Shading a rendered view with per-vertex transfer: a constant-albedo sphere under a known SH light
// shows albedo x E(n) / pi at pixel centres (E from Funk-Hecke, the light given in the camera frame
// of a turned view); the rasterizer's barycentric map reproduces pixel positions; shading is the
// same bytes on every backend.
#include "hifa/render/prt.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/rasterize.hpp"
#include "render/prt_meshes.hpp"
#include "render/sh_checks.hpp"
#include "render/render_checks.hpp"
#include "support/execution_spaces.hpp"

#include "spatial/soup.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <numbers>

using hifa::Calibration;
using hifa::Image;
using hifa::RenderMaps;
using hifa::RenderOptions;
using hifa::TriMeshf;
using hifa::Vec3d;
using hifa::Vec3f;

namespace {

using hifa::test::render_size;
using hifa::test::same_bytes;

}  // namespace

TEMPLATE_LIST_TEST_CASE("a constant-albedo sphere under a known SH light shows albedo x E(n) / pi at pixel centres",
                        "[render][prt]", hifa::test::ExecutionSpaces) {
  const TestType space;
  const float radius = 0.8f;
  const TriMeshf sphere = hifa::test::prt_sphere(radius, 96);
  // A turned view: the light is given in the camera frame, the transfer lives in the scan frame, so
  // a wrong rotation would light the wrong side.
  Calibration c;
  c.yaw = 0.7f;
  c.pitch = -0.3f;
  RenderOptions o = render_size(64, 64);
  o.albedo = Vec3f(0.9f, 0.6f, 0.3f);
  const RenderMaps maps = hifa::Rasterizer<TestType>(space, sphere).render(space, c, o);
  const auto truth = hifa::test::test_light();
  const hifa::ShLight light = truth.project();
  const Image<float> lit =
      hifa::shade_prt(space, maps, sphere.faces, hifa::unshadowed_transfer(hifa::prt_normals(sphere)), light, c);
  REQUIRE(lit.width() == 64);
  REQUIRE(lit.channels() == 3);
  int checked = 0, wrong = 0;
  double worst = 0;
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      const double xn = (2 * x + 1) / 64.0 - 1, yn = 1 - (2 * y + 1) / 64.0, r2 = xn * xn + yn * yn;
      if (maps.alpha(x, y) == 0) {
        wrong += lit(x, y, 0) != 0 || lit(x, y, 1) != 0 || lit(x, y, 2) != 0;
        continue;
      }
      if (r2 > 0.9 * 0.9 * radius * radius) continue;  // the rim, where facets are steep
      const Vec3d n = Vec3d(xn, yn, std::sqrt(radius * radius - r2)) / radius;  // camera-frame normal
      for (int ch = 0; ch < 3; ++ch) {
        const double expected = o.albedo[ch] * truth.irradiance(ch, n) / std::numbers::pi;
        worst = std::max(worst, std::abs(lit(x, y, ch) - expected));
      }
      ++checked;
    }
  }
  INFO("largest error " << worst << " over " << checked << " pixels");
  CHECK(checked > 1500);
  CHECK(wrong == 0);
  CHECK(worst < 5e-4);  // facets of a 96^3 marching-cubes sphere, linear interpolation (measured 7e-5)
}

TEST_CASE("shaded with its ray-traced transfer, a convex sphere looks like the unshadowed one", "[render][prt]") {
  const Kokkos::DefaultHostExecutionSpace space;
  const TriMeshf sphere = hifa::test::prt_sphere(0.8f, 40);
  const Calibration c;
  const RenderMaps maps = hifa::Rasterizer<Kokkos::DefaultHostExecutionSpace>(space, sphere).render(space, c, render_size(48, 48, 2));
  const hifa::ShLight light = hifa::random_sh_light(1, 0);
  hifa::PrtOptions options;
  options.rays = 128;
  const Image<float> traced = hifa::shade_prt(space, maps, sphere.faces, hifa::compute_prt(space, sphere, options), light, c);
  const Image<float> exact =
      hifa::shade_prt(space, maps, sphere.faces, hifa::unshadowed_transfer(hifa::prt_normals(sphere)), light, c);
  double worst = 0, sum = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    worst = std::max(worst, double(std::abs(traced.data()[i] - exact.data()[i])));
    sum += exact.data()[i];
  }
  INFO("largest difference " << worst);
  CHECK(sum > 100);
  CHECK(worst < 0.005);  // quadrature error of 128 lattice rays per vertex (measured 0.0015)
}

TEMPLATE_LIST_TEST_CASE("barycentric weights at each pixel reproduce its shading sample, and every covered pixel has a face",
                        "[render]", hifa::test::ExecutionSpaces) {
  const TestType space;
  const TriMeshf sphere = hifa::test::prt_sphere(0.8f, 32);
  for (const int k : {1, 2, 3}) {
    const RenderMaps maps = hifa::Rasterizer<TestType>(space, sphere).render(space, Calibration{}, render_size(40, 40, k));
    int wrong = 0, covered = 0;
    for (int y = 0; y < 40; ++y) {
      for (int x = 0; x < 40; ++x) {
        const int f = maps.face(x, y);
        if ((f >= 0) != (maps.alpha(x, y) > 0)) ++wrong;
        if (f < 0) continue;
        ++covered;
        Vec3f p = Vec3f::Zero();
        float sum = 0;
        for (int q = 0; q < 3; ++q) {
          const float b = maps.barycentric(x, y, q);
          wrong += b < -1e-6f;
          sum += b;
          p += b * sphere.vertex(sphere.faces(f, q));
        }
        wrong += std::abs(sum - 1) > 1e-5f;
        // Where alpha is 1 the shading sample is sample (k/2, k/2) of the pixel.
        if (maps.alpha(x, y) == 1) {
          const float sx = (float(x * k + k / 2) + 0.5f) / float(k), sy = (float(y * k + k / 2) + 0.5f) / float(k);
          const float xn = 2 * sx / 40 - 1, yn = 1 - 2 * sy / 40;
          // Vertices are snapped to 1/256 sample before the weights are taken.
          wrong += std::abs(p.x() - xn) > 2e-3f || std::abs(p.y() - yn) > 2e-3f;
        }
      }
    }
    INFO("supersample " << k);
    CHECK(covered > 700);
    CHECK(wrong == 0);
  }
}

TEST_CASE("Serial and OpenMP shading are the same bytes", "[render][prt]") {
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  INFO("OpenMP threads: " << Kokkos::OpenMP().concurrency());
  TriMeshf soup = hifa::test::random_soup(2000, 17);
  soup.colors = (soup.vertices.array() * 0.5f + 0.5f).matrix();
  Calibration c;
  c.yaw = 0.4f;
  c.scale = 0.8f;
  const RenderOptions o = render_size(72, 64, 2);
  hifa::PrtOptions options;
  options.rays = 16;
  const auto shade = [&](auto space) {
    using Space = decltype(space);
    const RenderMaps maps = hifa::Rasterizer<Space>(space, soup).render(space, c, o);
    return hifa::shade_prt(space, maps, soup.faces, hifa::compute_prt(space, soup, options), hifa::random_sh_light(2, 5), c);
  };
  const Image<float> a = shade(Kokkos::Serial()), b = shade(Kokkos::OpenMP());
  double sum = 0;
  for (float v : a.values()) sum += v;
  CHECK(sum > 100);
  CHECK(same_bytes(a, b));
#else
  SUCCEED("needs both the Serial and the OpenMP backend");
#endif
}

TEST_CASE("shade_prt rejects maps and transfer that do not belong together, naming itself", "[render][prt]") {
  const Kokkos::DefaultHostExecutionSpace space;
  const TriMeshf sphere = hifa::test::prt_sphere(0.8f, 16);
  const RenderMaps maps = hifa::Rasterizer<Kokkos::DefaultHostExecutionSpace>(space, sphere).render(space, Calibration{}, render_size(16, 16));
  const hifa::ShTransfer t = hifa::unshadowed_transfer(hifa::prt_normals(sphere));
  const hifa::ShLight light = hifa::random_sh_light(0, 0);
  CHECK_THROWS_WITH(hifa::shade_prt(space, maps, sphere.faces, t.topRows(3), light, Calibration{}),
                    Catch::Contains("shade_prt") && Catch::Contains("transfer"));
  CHECK_THROWS_WITH(hifa::shade_prt(space, maps, sphere.faces.topRows(2), t, light, Calibration{}),
                    Catch::Contains("shade_prt") && Catch::Contains("another mesh"));
  RenderMaps partial = maps;
  partial.barycentric = {};
  CHECK_THROWS_WITH(hifa::shade_prt(space, partial, sphere.faces, t, light, Calibration{}), Catch::Contains("barycentric"));
}
