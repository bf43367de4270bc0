// The rasterizer against known answers: a cube's projected square and area, a sphere's analytic
// front and back normals, the top-left rule on shared edges and vertices, texture and colour
// sources, supersampling as a box filter, and bitwise-identical output on every backend.
#include "hifa/render/rasterize.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/render/image_io.hpp"
#include "render/render_checks.hpp"
#include "support/execution_spaces.hpp"
#include "support/temp_dir.hpp"

#include "mesh/shapes.hpp"
#include "spatial/soup.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <vector>

using hifa::Calibration;
using hifa::Image;
using hifa::RenderMaps;
using hifa::RenderOptions;
using hifa::TriMeshf;
using hifa::Vec2f;
using hifa::Vec3f;

namespace {

using hifa::test::render_size;
using hifa::test::same_bytes;

// Scan units are normalized units: scale 1, centre 0, no rotation.
const Calibration identity{};

template <class Space>
RenderMaps render(const TriMeshf& mesh, const Calibration& c, const RenderOptions& o,
                  const std::vector<Image<float>>& textures = {}) {
  const Space space;
  return hifa::Rasterizer<Space>(space, mesh, textures).render(space, c, o);
}

// The cube [-h, h]^3, outward faces; faces 2 and 3 are the z = +h side.
TriMeshf centred_cube(float half) {
  TriMeshf mesh = hifa::test::unit_cube<float>();
  mesh.vertices = ((mesh.vertices.array() - 0.5f) * (2 * half)).matrix();
  return mesh;
}

TriMeshf sphere(float radius) {
  const Kokkos::DefaultHostExecutionSpace space;
  const hifa::Sphere<float> ball{Vec3f(0, 0, 0), radius};
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f::Constant(-1), Vec3f::Constant(1)), 64);
  return hifa::marching_cubes(space, hifa::evaluate_grid(space, ball, grid), grid, ball);  // with field normals
}

// Pixel coordinates (8 x 8 image, identity calibration) to scan coordinates at depth z.
Vec3f at_pixel(float px, float py, float z = 0) { return Vec3f(px / 4 - 1, 1 - py / 4, z); }

TriMeshf triangles(const std::vector<Vec3f>& corners) {
  TriMeshf mesh;
  const int n = int(corners.size());
  mesh.vertices.resize(n, 3);
  mesh.faces.resize(n / 3, 3);
  for (int v = 0; v < n; ++v) mesh.vertices.row(v) = corners[std::size_t(v)].transpose();
  for (int f = 0; f < n / 3; ++f) mesh.faces.row(f) << 3 * f, 3 * f + 1, 3 * f + 2;
  return mesh;
}

Vec3f decoded(const Image<float>& normals, int x, int y) {
  return Vec3f(2 * normals(x, y, 0) - 1, 2 * normals(x, y, 1) - 1, 2 * normals(x, y, 2) - 1);
}

double alpha_sum(const RenderMaps& maps) {
  double sum = 0;
  for (float a : maps.alpha.values()) sum += a;
  return sum;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("a cube seen face-on covers its projected square at its front depth with normal (0, 0, 1)",
                        "[render]", hifa::test::ExecutionSpaces) {
  // The cube [-0.5, 0.5]^3 in a 64 x 64 view spans pixels 16..47 in both directions (the edges fall
  // on pixel boundaries, never on pixel centres).
  const RenderMaps maps = render<TestType>(centred_cube(0.5f), identity, render_size(64, 64));
  int covered = 0, wrong = 0;
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      const bool inside = x >= 16 && x < 48 && y >= 16 && y < 48;
      covered += maps.alpha(x, y) == 1.0f;
      if (maps.alpha(x, y) != (inside ? 1.0f : 0.0f) && ++wrong <= 5) UNSCOPED_INFO("alpha at " << x << ", " << y);
      if (!inside) {
        if (maps.face(x, y) != -1 || maps.depth(x, y) != 0 || maps.front_normal(x, y, 2) != 0 || maps.color(x, y, 0) != 0)
          ++wrong;
        continue;
      }
      if (!(maps.face(x, y) == 2 || maps.face(x, y) == 3)) ++wrong;
      if (std::abs(maps.depth(x, y) - 0.5f) > 1e-6f) ++wrong;
      if ((decoded(maps.front_normal, x, y) - Vec3f(0, 0, 1)).norm() > 1e-6f) ++wrong;
      if ((decoded(maps.back_normal, x, y) - Vec3f(0, 0, -1)).norm() > 1e-6f) ++wrong;
      for (int c = 0; c < 3; ++c) wrong += maps.color(x, y, c) != 1.0f;  // the default albedo
    }
  }
  CHECK(covered == 32 * 32);
  CHECK(wrong == 0);
  CHECK(maps.front_normal(20, 20, 0) == Approx(0.5f).margin(1e-6));
  CHECK(maps.front_normal(20, 20, 2) == Approx(1.0f).margin(1e-6));
  CHECK(maps.back_normal(20, 20, 2) == Approx(0.0f).margin(1e-6));
}

TEMPLATE_LIST_TEST_CASE("a turned cube covers its analytic projected area |d_x| + |d_y| + |d_z|", "[render]",
                        hifa::test::ExecutionSpaces) {
  // A unit cube seen along the unit direction d (in its own frame) projects to area |d_x|+|d_y|+|d_z|
  // (three visible faces). In a W x W view at scale s a unit of area is (s W / 2)^2 pixels.
  // Counting samples on a grid of spacing 1/k pixel misses or adds at most about one sample row
  // along each edge: |error| <= perimeter / (2k) pixels² (the outline's perimeter is at most
  // 1.1 · 4 sqrt(area) for these hexagons and squares).
  const int w = 128, k = 8;
  Calibration c;
  c.scale = 0.9f;
  for (const auto& [yaw, pitch] : {std::pair{0.0f, 0.0f}, {0.6f, 0.0f}, {0.6f, 0.4f}, {2.5f, -0.7f}}) {
    c.yaw = yaw;
    c.pitch = pitch;
    const Vec3f d = hifa::calibration_rotation(c).transpose() * Vec3f(0, 0, 1);
    const double expected = (std::abs(d.x()) + std::abs(d.y()) + std::abs(d.z())) * std::pow(c.scale * w / 2.0, 2);
    const double area = alpha_sum(render<TestType>(centred_cube(0.5f), c, render_size(w, w, k)));
    INFO("yaw " << yaw << " pitch " << pitch << ": " << area << " pixels, expected " << expected);
    CHECK(std::abs(area - expected) < 1.1 * 4 * std::sqrt(expected) / (2 * k));
  }
}

TEMPLATE_LIST_TEST_CASE("a sphere's front and back normals and depth are the analytic ones at pixel centres",
                        "[render]", hifa::test::ExecutionSpaces) {
  const float radius = 0.6f;
  const int w = 128;
  const RenderMaps maps = render<TestType>(sphere(radius), identity, render_size(w, w));
  double worst_front = 0, worst_back = 0, worst_depth = 0;
  int checked = 0;
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w; ++x) {
      const Vec3f n = hifa::pixel_to_normalized(hifa::pixel_centre(x, y), 0, w, w);
      const float r2 = n.x() * n.x() + n.y() * n.y();
      if (r2 > 0.81f * radius * radius) continue;  // away from the silhouette, where facets dominate
      ++checked;
      const float h = std::sqrt(radius * radius - r2);
      worst_front = std::max(worst_front, double((decoded(maps.front_normal, x, y) - Vec3f(n.x(), n.y(), h) / radius).norm()));
      worst_back = std::max(worst_back, double((decoded(maps.back_normal, x, y) - Vec3f(n.x(), n.y(), -h) / radius).norm()));
      worst_depth = std::max(worst_depth, double(std::abs(maps.depth(x, y) - h)));
    }
  }
  CHECK(checked > 2000);
  CHECK(worst_front < 0.02);
  CHECK(worst_back < 0.02);
  CHECK(worst_depth < 0.005);
  // Mask area: pi r^2 in normalized units, (w / 2)^2 pixels per unit.
  const double disc = std::numbers::pi * radius * radius * (w / 2.0) * (w / 2.0);
  CHECK(std::abs(alpha_sum(maps) - disc) < 0.01 * disc);
}

TEMPLATE_LIST_TEST_CASE("samples on a shared edge or vertex are drawn exactly once: the top-left rule", "[render]",
                        hifa::test::ExecutionSpaces) {
  // A square with corners on pixel centres (1.5, 1.5) .. (5.5, 5.5) of an 8 x 8 view, split along
  // its diagonal, which passes through pixel centres too. Top-left rule: the left column and the
  // top row of centres on its outline belong to it, the right column and the bottom row do not.
  const Vec3f tl = at_pixel(1.5f, 1.5f), tr = at_pixel(5.5f, 1.5f), bl = at_pixel(1.5f, 5.5f), br = at_pixel(5.5f, 5.5f);
  for (const bool reversed : {false, true}) {
    INFO((reversed ? "clockwise" : "counter-clockwise") << " seen by the camera");
    const std::vector<Vec3f> a = reversed ? std::vector<Vec3f>{tl, br, bl} : std::vector<Vec3f>{tl, bl, br};
    const std::vector<Vec3f> b = reversed ? std::vector<Vec3f>{tl, tr, br} : std::vector<Vec3f>{tl, br, tr};
    std::vector<Vec3f> both = a;
    both.insert(both.end(), b.begin(), b.end());
    const RenderMaps ma = render<TestType>(triangles(a), identity, render_size(8, 8));
    const RenderMaps mb = render<TestType>(triangles(b), identity, render_size(8, 8));
    const RenderMaps quad = render<TestType>(triangles(both), identity, render_size(8, 8));
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {
        INFO("pixel " << x << ", " << y);
        const float expected = (x >= 1 && x <= 4 && y >= 1 && y <= 4) ? 1.0f : 0.0f;
        CHECK(quad.alpha(x, y) == expected);
        CHECK(ma.alpha(x, y) + mb.alpha(x, y) == expected);  // never both, no hole
      }
    }
  }
  // Eight triangles around a vertex at pixel centre (3.5, 3.5): that sample is drawn by exactly one.
  const Vec3f hub = at_pixel(3.5f, 3.5f);
  std::vector<Vec3f> ring;
  for (int s = 0; s < 8; ++s) {
    const float a = float(s) * std::numbers::pi_v<float> / 4;
    ring.push_back(at_pixel(3.5f + 2 * std::cos(a), 3.5f + 2 * std::sin(a)));
  }
  Image<float> count(8, 8, 1);
  for (int s = 0; s < 8; ++s) {
    const RenderMaps one = render<TestType>(triangles({hub, ring[std::size_t(s)], ring[std::size_t((s + 1) % 8)]}), identity, render_size(8, 8));
    for (std::size_t i = 0; i < count.size(); ++i) count.data()[i] += one.alpha.data()[i];
  }
  CHECK(count(3, 3) == 1.0f);
  for (float c : count.values()) CHECK(c <= 1.0f);
}

TEMPLATE_LIST_TEST_CASE("a textured quad filling the view shows its texture texel for texel", "[render]",
                        hifa::test::ExecutionSpaces) {
  // Quad [-1, 1]^2 at z = 0 with UV (0, 0) at the bottom-left corner and (1, 1) at the top-right:
  // in an image the size of the texture every pixel centre falls on a texel centre.
  const int w = 8, h = 4;
  Image<float> texture(w, h, 3);
  const hifa::CounterRng rng{3};
  for (std::size_t i = 0; i < texture.size(); ++i) texture.data()[i] = rng.uniform(0, i);
  TriMeshf quad;
  quad.vertices.resize(4, 3);
  quad.vertices << -1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0;
  quad.faces.resize(2, 3);
  quad.faces << 0, 1, 2, 0, 2, 3;
  quad.uvs.resize(4, 2);
  quad.uvs << 0, 0, 1, 0, 1, 1, 0, 1;
  quad.face_uvs = quad.faces;
  const RenderMaps maps = render<TestType>(quad, identity, render_size(w, h), {texture});
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      INFO("pixel " << x << ", " << y);
      CHECK(maps.alpha(x, y) == 1.0f);
      for (int c = 0; c < 3; ++c) CHECK(maps.color(x, y, c) == Approx(texture(x, y, c)).margin(1e-5));
    }
  }
  // Without the texture image the same mesh gets the albedo.
  RenderOptions grey = render_size(w, h);
  grey.albedo = Vec3f(0.2f, 0.4f, 0.6f);
  const RenderMaps plain = render<TestType>(quad, identity, grey);
  CHECK(plain.color(3, 2, 0) == 0.2f);
  CHECK(plain.color(3, 2, 2) == 0.6f);
}

TEMPLATE_LIST_TEST_CASE("a two-material quad read from OBJ shows each half with its own texture, or its Kd without one",
                        "[render]", hifa::test::ExecutionSpaces) {
  // Two halves of [-1, 1]^2, each with UVs (0, 0) .. (1, 1) over its own texture of w x h texels,
  // rendered at 2w x h pixels: every pixel centre of a half falls on a texel centre of its texture.
  const int w = 6, h = 4;
  const hifa::test::TempDir dir;
  const hifa::CounterRng rng{17};
  Image<float> left(w, h, 3), right(w, h, 3);
  for (std::size_t i = 0; i < left.size(); ++i) {
    left.data()[i] = std::round(rng.uniform(0, i) * 255) / 255;  // 8-bit values survive the PNG
    right.data()[i] = std::round(rng.uniform(1, i) * 255) / 255;
  }
  hifa::write_png(dir / "left.png", left);
  hifa::write_png(dir / "right.png", right);
  const bool right_textured = GENERATE(true, false);
  std::ofstream(dir / "quad.mtl") << "newmtl left\nKd 1 1 1\nmap_Kd left.png\n"
                                  << "newmtl right\nKd 0.25 0.5 0.75\n"
                                  << (right_textured ? "map_Kd right.png\n" : "");
  std::ofstream(dir / "quad.obj") << "mtllib quad.mtl\n"
                                     "v -1 -1 0\nv 0 -1 0\nv 0 1 0\nv -1 1 0\nv 1 -1 0\nv 1 1 0\n"
                                     "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
                                     "usemtl left\nf 1/1 2/2 3/3 4/4\nusemtl right\nf 2/1 5/2 6/3 3/4\n";
  const TriMeshf quad = hifa::read_obj(dir / "quad.obj");
  const std::vector<Image<float>> textures = hifa::load_textures(quad);
  REQUIRE(textures.size() == 2);
  const RenderMaps maps = render<TestType>(quad, identity, render_size(2 * w, h), textures);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < 2 * w; ++x) {
      INFO("pixel " << x << ", " << y);
      REQUIRE(maps.alpha(x, y) == 1.0f);
      for (int c = 0; c < 3; ++c) {
        const float expected = x < w ? left(x, y, c) : right_textured ? right(x - w, y, c) : 0.25f * float(c + 1);
        CHECK(maps.color(x, y, c) == Approx(expected).margin(1e-5));
      }
    }
  }
}

TEMPLATE_LIST_TEST_CASE("vertex colours are interpolated linearly across a triangle", "[render]",
                        hifa::test::ExecutionSpaces) {
  // Red grows with x, green with y (up), blue constant; the view is 16 x 16 over [-1, 1]^2.
  TriMeshf mesh = triangles({Vec3f(-1, -1, 0), Vec3f(3, -1, 0), Vec3f(-1, 3, 0)});
  mesh.colors.resize(3, 3);
  mesh.colors << 0, 0, 0.5f, 1, 0, 0.5f, 0, 1, 0.5f;  // colour = ((x + 1) / 4, (y + 1) / 4, 0.5)
  const RenderMaps maps = render<TestType>(mesh, identity, render_size(16, 16));
  double worst = 0;
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      const Vec3f n = hifa::pixel_to_normalized(hifa::pixel_centre(x, y), 0, 16, 16);
      const Vec3f expected((n.x() + 1) / 4, (n.y() + 1) / 4, 0.5f);
      REQUIRE(maps.alpha(x, y) == 1.0f);
      for (int c = 0; c < 3; ++c) worst = std::max(worst, double(std::abs(maps.color(x, y, c) - expected[c])));
    }
  }
  CHECK(worst < 1e-6);
}

TEMPLATE_LIST_TEST_CASE("supersampling is a box filter over the k x k samples of each pixel", "[render]",
                        hifa::test::ExecutionSpaces) {
  // The samples of a 16 x 16 view at k = 4 are the pixels of a 64 x 64 view at k = 1.
  TriMeshf soup = hifa::test::random_soup(60, 8);
  soup.colors = (soup.vertices.array() * 0.5f + 0.5f).matrix();
  const RenderMaps fine = render<TestType>(soup, identity, render_size(64, 64));
  const RenderMaps coarse = render<TestType>(soup, identity, render_size(16, 16, 4));
  double worst_alpha = 0, worst_depth = 0, worst_color = 0;
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      double a = 0, d = 0, r = 0;
      for (int j = 0; j < 4; ++j) {
        for (int i = 0; i < 4; ++i) {
          const float s = fine.alpha(4 * x + i, 4 * y + j);
          a += s;
          d += s * fine.depth(4 * x + i, 4 * y + j);
          r += s * fine.color(4 * x + i, 4 * y + j, 0);
        }
      }
      worst_alpha = std::max(worst_alpha, std::abs(a / 16 - coarse.alpha(x, y)));
      if (a > 0) {
        worst_depth = std::max(worst_depth, std::abs(d / a - coarse.depth(x, y)));
        worst_color = std::max(worst_color, std::abs(r / a - coarse.color(x, y, 0)));
      }
    }
  }
  CHECK(worst_alpha == 0);
  CHECK(worst_depth < 1e-6);
  CHECK(worst_color < 1e-6);
  // A vertical edge through the middle of pixel column 2 covers half of it.
  const TriMeshf half = triangles({at_pixel(2.5f, -10), at_pixel(20, -10), at_pixel(2.5f, 30)});
  const RenderMaps edge = render<TestType>(half, identity, render_size(8, 8, 4));
  CHECK(edge.alpha(2, 3) == 0.5f);
  CHECK(edge.alpha(1, 3) == 0.0f);
  CHECK(edge.alpha(3, 3) == 1.0f);
}

TEMPLATE_LIST_TEST_CASE("a triangle lands on the pixel the calibration projects it to", "[render]",
                        hifa::test::ExecutionSpaces) {
  const hifa::CounterRng rng{21};
  for (int q = 0; q < 20; ++q) {
    Calibration c;
    c.scale = 0.5f + rng.uniform(0, q);
    c.centre = Vec3f(rng.normal(1, q), rng.normal(2, q), rng.normal(3, q));
    c.yaw = 6.28f * rng.uniform(4, q);
    c.pitch = rng.uniform(5, q) - 0.5f;
    // A small triangle around a random point, its size a fraction of a pixel so it covers at
    // most the one pixel whose centre it surrounds.
    const Vec3f p = c.centre + 0.5f * Vec3f(rng.normal(6, q), rng.normal(7, q), rng.normal(8, q)) / c.scale;
    const Vec2f px = hifa::normalized_to_pixel(hifa::world_to_normalized(c, p), 64, 64);
    if (px.x() < 0 || px.x() >= 64 || px.y() < 0 || px.y() >= 64) continue;
    const Vec3f centre_n = hifa::pixel_to_normalized(hifa::pixel_centre(int(px.x()), int(px.y())), 0, 64, 64);
    const Vec3f z_n = hifa::world_to_normalized(c, p);
    std::vector<Vec3f> corners;
    for (int s = 0; s < 3; ++s) {
      const float a = 2.1f * float(s);
      const Vec3f n(centre_n.x() + 0.01f * std::cos(a), centre_n.y() + 0.01f * std::sin(a), z_n.z());
      corners.push_back(hifa::normalized_to_world(c, n));
    }
    const RenderMaps maps = render<TestType>(triangles(corners), c, render_size(64, 64));
    INFO("case " << q << ": pixel " << int(px.x()) << ", " << int(px.y()));
    CHECK(alpha_sum(maps) == 1.0);
    CHECK(maps.alpha(int(px.x()), int(px.y())) == 1.0f);
    CHECK(maps.depth(int(px.x()), int(px.y())) == Approx(z_n.z()).margin(1e-4));
  }
}

TEMPLATE_LIST_TEST_CASE("a mesh storing every triangle twice, once per winding, renders like the mesh once", "[render]",
                        hifa::test::ExecutionSpaces) {
  const TriMeshf once = centred_cube(0.5f);
  TriMeshf twice = once;
  twice.faces.resize(24, 3);
  // The reversed copy first: it wins every depth tie (lower face id), so turning its normals
  // towards (front map) and away from (back map) the camera is what keeps the maps right.
  twice.faces << once.faces.col(0), once.faces.col(2), once.faces.col(1), once.faces;
  Calibration c;
  c.yaw = 0.5f;
  c.pitch = 0.3f;
  const RenderMaps a = render<TestType>(once, c, render_size(32, 32, 2)), b = render<TestType>(twice, c, render_size(32, 32, 2));
  double worst = 0;
  for (std::size_t i = 0; i < a.front_normal.size(); ++i) {
    worst = std::max(worst, double(std::abs(a.front_normal.data()[i] - b.front_normal.data()[i])));
    worst = std::max(worst, double(std::abs(a.back_normal.data()[i] - b.back_normal.data()[i])));
  }
  CHECK(worst < 1e-6);
  CHECK(same_bytes(a.alpha, b.alpha));
  CHECK(same_bytes(a.depth, b.depth));
}

TEMPLATE_LIST_TEST_CASE("a mesh outside the view renders background everywhere", "[render]",
                        hifa::test::ExecutionSpaces) {
  TriMeshf far = centred_cube(0.2f);
  far.vertices.col(0).array() += 3.0f;
  const RenderMaps maps = render<TestType>(far, identity, render_size(16, 16, 2));
  CHECK(alpha_sum(maps) == 0);
  for (int f : maps.face.values()) CHECK(f == -1);
  for (float v : maps.front_normal.values()) CHECK(v == 0);
}

TEST_CASE("the rasterizer rejects bad meshes and options with errors naming it", "[render]") {
  const Kokkos::DefaultHostExecutionSpace space;
  using R = hifa::Rasterizer<Kokkos::DefaultHostExecutionSpace>;
  CHECK_THROWS_WITH(R(space, TriMeshf{}), Catch::Contains("Rasterizer") && Catch::Contains("no vertices"));
  TriMeshf bad = centred_cube(0.5f);
  bad.faces(4, 1) = 99;
  CHECK_THROWS_WITH(R(space, bad), Catch::Contains("face 4") && Catch::Contains("99"));
  bad = centred_cube(0.5f);
  bad.vertices(2, 1) = std::nanf("");
  CHECK_THROWS_WITH(R(space, bad), Catch::Contains("non-finite"));
  bad = centred_cube(0.5f);
  bad.uvs.resize(1, 2);
  bad.uvs << 0, 0;
  bad.face_uvs = bad.faces;  // indices up to 7, one uv
  CHECK_THROWS_WITH(R(space, bad, {Image<float>(2, 2, 3)}), Catch::Contains("face uv"));
  bad = centred_cube(0.5f);
  bad.materials.resize(2);
  CHECK_THROWS_WITH(R(space, bad, {Image<float>(2, 2, 3)}), Catch::Contains("1 textures for 2 materials"));
  bad.face_materials = Eigen::VectorXi::Zero(bad.face_count());
  bad.face_materials(7) = 2;
  CHECK_THROWS_WITH(R(space, bad), Catch::Contains("face 7") && Catch::Contains("material 2"));
  const R raster(space, centred_cube(0.5f));
  CHECK_THROWS_WITH(raster.render(space, identity, render_size(0, 8)), Catch::Contains("Rasterizer::render"));
  CHECK_THROWS_WITH(raster.render(space, identity, render_size(8, 8, 9)), Catch::Contains("supersample"));
  Calibration flat;
  flat.scale = -1;
  CHECK_THROWS_WITH(raster.render(space, flat, render_size(8, 8)), Catch::Contains("Calibration"));
}

TEST_CASE("Serial and OpenMP renders are the same bytes", "[render]") {
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  INFO("OpenMP threads: " << Kokkos::OpenMP().concurrency());
  // Overlapping triangles with many depth ties and edges, textured, with vertex normals.
  TriMeshf soup = hifa::test::random_soup(3000, 31);
  soup.vertices.col(2) = (soup.vertices.col(2).array() * 8).round() / 8;  // quantized depths: many ties
  soup.normals = soup.vertices.rowwise().normalized();
  soup.uvs = soup.vertices.leftCols(2);
  soup.face_uvs = soup.faces;
  // Three materials: two textured, one by its Kd only; faces take them in turn.
  std::vector<Image<float>> textures{Image<float>(16, 16, 3), Image<float>(8, 4, 3), Image<float>()};
  const hifa::CounterRng rng{5};
  for (std::size_t t = 0; t < 2; ++t) {
    for (std::size_t i = 0; i < textures[t].size(); ++i) textures[t].data()[i] = rng.uniform(t, i);
  }
  soup.materials.resize(3);
  soup.materials[2].diffuse = Vec3f(0.1f, 0.8f, 0.3f);
  soup.face_materials.resize(soup.face_count());
  for (Eigen::Index f = 0; f < soup.face_count(); ++f) soup.face_materials(f) = int(f % 3);
  Calibration c;
  c.yaw = 0.3f;
  c.scale = 0.8f;
  const RenderOptions o = render_size(96, 80, 2);
  const RenderMaps a = render<Kokkos::Serial>(soup, c, o, textures), b = render<Kokkos::OpenMP>(soup, c, o, textures);
  CHECK(alpha_sum(a) > 1000);
  // Every material shows somewhere: the Kd-only one as its exact colour.
  bool kd_seen = false;
  for (int y = 0; y < 80 && !kd_seen; ++y) {
    for (int x = 0; x < 96 && !kd_seen; ++x) {
      kd_seen = a.alpha(x, y) == 1.0f && a.color(x, y, 0) == 0.1f && a.color(x, y, 1) == 0.8f;
    }
  }
  CHECK(kd_seen);
  CHECK(same_bytes(a.color, b.color));
  CHECK(same_bytes(a.alpha, b.alpha));
  CHECK(same_bytes(a.depth, b.depth));
  CHECK(same_bytes(a.front_normal, b.front_normal));
  CHECK(same_bytes(a.back_normal, b.back_normal));
  CHECK(same_bytes(a.face, b.face));
  CHECK(same_bytes(a.barycentric, b.barycentric));
#else
  SUCCEED("needs both the Serial and the OpenMP backend");
#endif
}
