// Precomputed radiance transfer against closed forms: a convex sphere's transfer is the analytic
// unshadowed one within quadrature error, the bottom of a double-sided cup sees exactly the view factor of its opening,
// the result is the same bytes on every backend and batch size, and the cache round-trips or names
// the file it refuses.
#include "hifa/render/prt.hpp"

#include "hifa/core/error.hpp"
#include "render/prt_meshes.hpp"
#include "render/sh_checks.hpp"
#include "support/execution_spaces.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <numbers>
#include <vector>

using hifa::PrtOptions;
using hifa::ShTransfer;
using hifa::TriMeshf;
using hifa::Vec3f;

namespace {

constexpr float y00 = 0.282094791773878143f;

bool same_bytes(const ShTransfer& a, const ShTransfer& b) {
  return a.rows() == b.rows() && std::memcmp(a.data(), b.data(), std::size_t(a.size()) * sizeof(float)) == 0;
}

std::vector<char> file_bytes(const std::filesystem::path& path) {
  std::ifstream is(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(is), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::vector<char>& bytes) {
  std::ofstream os(path, std::ios::binary | std::ios::trunc);
  os.write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

// The same estimate with nothing occluding: hits only count within max_distance, and every ray
// starts `offset` (>= 1e-7) away from the surface, so a max_distance of 1e-30 ignores every hit.
template <class Space>
ShTransfer unoccluded(const Space& space, const TriMeshf& mesh, PrtOptions options) {
  options.max_distance = 1e-30f;
  return hifa::compute_prt(space, mesh, options);
}

TEMPLATE_LIST_TEST_CASE("PRT of a convex sphere equals the unshadowed transfer within quadrature error", "[render][prt]",
                        hifa::test::ExecutionSpaces) {
  const TestType space;
  const TriMeshf sphere = hifa::test::prt_sphere(0.7f, 40);
  PrtOptions options;
  options.rays = 128;
  options.seed = 3;
  const ShTransfer t = hifa::compute_prt(space, sphere, options);
  const ShTransfer expected = hifa::unshadowed_transfer(hifa::prt_normals(sphere));
  REQUIRE(t.rows() == sphere.vertex_count());
  // No ray from a convex surface hits it (the offset keeps rays off the vertex's own faces).
  CHECK(same_bytes(t, unoccluded(space, sphere, options)));
  // Independent random directions would give sigma = 0.631 / sqrt(128) = 0.056 per coefficient
  // (|Y_i| <= 0.631); the lattice's quadrature error must stay far below: measured 0.0009 at worst,
  // 0.00017 on average.
  const Eigen::ArrayXXf error = (t - expected).array().abs();
  INFO("largest error " << error.maxCoeff() << ", mean " << error.mean());
  CHECK(error.maxCoeff() < 0.003f);
  CHECK(error.mean() < 0.0005f);
}

TEMPLATE_LIST_TEST_CASE("the bottom of a double-sided cup sees only its opening, the outside bottom the whole hemisphere",
                        "[render][prt]", hifa::test::ExecutionSpaces) {
  const TestType space;
  const int m = 4;
  const TriMeshf cup = hifa::test::double_sided_cup(m);
  const int inside = hifa::test::inside_bottom_centre(m), outside = hifa::test::outside_bottom_centre(m);
  REQUIRE(cup.vertex(inside).norm() == 0);
  REQUIRE(cup.vertex(outside).norm() == 0);
  const auto normals = hifa::prt_normals(cup);
  REQUIRE(normals.row(inside).isApprox(Eigen::RowVector3f(0, 1, 0)));
  REQUIRE(normals.row(outside).isApprox(Eigen::RowVector3f(0, -1, 0)));
  PrtOptions options;
  options.rays = 1024;
  const ShTransfer t = hifa::compute_prt(space, cup, options);
  // DC transfer = Y_00 x the view factor of what the vertex sees: the unit-square opening one unit
  // above its centre (four corner rectangles 0.5 x 0.5 at height 1).
  const double view_factor = 4 * hifa::test::corner_view_factor(0.5, 0.5, 1.0);
  INFO("inside DC " << t(inside, 0) << " vs " << y00 * view_factor << ", outside DC " << t(outside, 0));
  // Visible-or-not per ray: sigma = Y_00 sqrt(F (1 - F)) = 0.12, / sqrt(1024) = 0.0038 for random
  // directions; the lattice must do at least as well.
  CHECK(std::abs(t(inside, 0) - y00 * view_factor) < 0.0038);
  CHECK(t(inside, 0) < 0.3f * t(outside, 0));  // darker inside
  // The outside bottom faces down onto nothing, through its coincident inside twin's plane.
  CHECK(t(outside, 0) == unoccluded(space, cup, options)(outside, 0));
  CHECK(t(outside, 0) == Approx(y00).margin(1e-3));
  // By symmetry the opening's light arrives straight from above: no x or z component.
  CHECK(std::abs(t(inside, 1)) > 0.05f);  // Y_1-1 ~ y
  CHECK(std::abs(t(inside, 3)) < 0.01f);
  CHECK(std::abs(t(inside, 2)) < 0.01f);
}

TEST_CASE("a finite max distance lets far occluders through", "[render][prt]") {
  const Kokkos::DefaultHostExecutionSpace space;
  const int m = 4;
  const TriMeshf cup = hifa::test::double_sided_cup(m);
  PrtOptions options;
  options.rays = 256;
  options.max_distance = 0.05f;  // the walls are at least 0.5 away from the bottom centre
  const ShTransfer t = hifa::compute_prt(space, cup, options);
  const int bottom = hifa::test::inside_bottom_centre(m);
  CHECK(t(bottom, 0) == unoccluded(space, cup, options)(bottom, 0));
  options.max_distance = 2.0f;  // the rim is within 1.23
  CHECK(hifa::compute_prt(space, cup, options)(bottom, 0) < 0.3f * y00);
}

TEST_CASE("a vertex whose faces cancel (a face and its reversed twin sharing it) gets ambient-only transfer",
          "[render][prt]") {
  const Kokkos::DefaultHostExecutionSpace space;
  TriMeshf mesh;
  mesh.vertices.resize(3, 3);
  mesh.vertices << 0, 0, 0, 1, 0, 0, 0, 1, 0;
  mesh.faces.resize(2, 3);
  mesh.faces << 0, 1, 2, 0, 2, 1;
  CHECK(hifa::prt_normals(mesh).isZero());
  const ShTransfer t = hifa::compute_prt(space, mesh, PrtOptions{});
  for (int v = 0; v < 3; ++v) {
    CHECK(t(v, 0) == Approx(y00));
    for (int i = 1; i < 9; ++i) CHECK(t(v, i) == 0.0f);
  }
  // With given normals the same vertices do get a hemisphere (here: the open side, unoccluded).
  mesh.normals = hifa::RowMatrix3<float>::Zero(3, 3);
  mesh.normals.col(2).setConstant(1);
  const ShTransfer lit = hifa::compute_prt(space, mesh, PrtOptions{});
  CHECK(lit(0, 2) == Approx(2.0 / 3 * 0.488603).margin(0.03));  // Y_10 ~ z, (2/3) Y_10(n) unshadowed
  CHECK(same_bytes(lit, unoccluded(space, mesh, PrtOptions{})));
}

TEST_CASE("unshadowed transfer dotted with a light is the irradiance over pi", "[render][prt]") {
  const hifa::ShLight light = hifa::test::test_light().project();
  hifa::RowMatrix3<float> normals(3, 3);
  normals << 0, 0, 1, 0.6f, 0.8f, 0, -0.48f, 0.6f, -0.64f;
  const ShTransfer t = hifa::unshadowed_transfer(normals);
  for (int v = 0; v < 3; ++v) {
    const Vec3f e = hifa::sh_irradiance(light, normals.row(v).transpose()) / std::numbers::pi_v<float>;
    for (int c = 0; c < 3; ++c) {
      double dot = 0;
      for (int i = 0; i < 9; ++i) dot += t(v, i) * light.channel[c][i];
      CHECK(dot == Approx(e[c]).epsilon(1e-5));
    }
  }
}

TEST_CASE("PRT is the same bytes on Serial and OpenMP and for any batch size", "[render][prt]") {
  const TriMeshf cup = hifa::test::double_sided_cup(4);
  PrtOptions options;
  options.rays = 37;
  options.seed = 12;
  const Kokkos::DefaultHostExecutionSpace host;
  const ShTransfer a = hifa::compute_prt(host, cup, options);
  PrtOptions small = options;
  small.rays_per_batch = 200;  // 2 vertices per batch (74 directions each), a short last batch
  CHECK(same_bytes(a, hifa::compute_prt(host, cup, small)));
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  INFO("OpenMP threads: " << Kokkos::OpenMP().concurrency());
  CHECK(same_bytes(hifa::compute_prt(Kokkos::Serial(), cup, options), hifa::compute_prt(Kokkos::OpenMP(), cup, options)));
#endif
  PrtOptions other = options;
  other.seed = 13;
  CHECK_FALSE(same_bytes(a, hifa::compute_prt(host, cup, other)));
}

TEST_CASE("compute_prt rejects bad options with errors naming it", "[render][prt]") {
  const Kokkos::DefaultHostExecutionSpace space;
  const TriMeshf cup = hifa::test::double_sided_cup(2);
  PrtOptions o;
  o.rays = 0;
  CHECK_THROWS_WITH(hifa::compute_prt(space, cup, o), Catch::Contains("compute_prt") && Catch::Contains("rays"));
  o = {};
  o.max_distance = 0;
  CHECK_THROWS_WITH(hifa::compute_prt(space, cup, o), Catch::Contains("max_distance"));
  o = {};
  o.offset = -1;
  CHECK_THROWS_WITH(hifa::compute_prt(space, cup, o), Catch::Contains("offset"));
  o = {};
  o.rays_per_batch = 0;
  CHECK_THROWS_WITH(hifa::compute_prt(space, cup, o), Catch::Contains("rays_per_batch"));
}

TEST_CASE("the PRT cache round-trips the transfer bytes and names the file when stale or corrupt",
          "[render][prt]") {
  const hifa::test::TempDir dir;
  const Kokkos::DefaultHostExecutionSpace space;
  TriMeshf cup = hifa::test::double_sided_cup(2);
  PrtOptions options;
  options.rays = 16;
  const ShTransfer t = hifa::compute_prt(space, cup, options);
  const hifa::PrtCacheKey key = hifa::prt_cache_key(cup, options);
  const auto path = dir / "cup.prt";
  hifa::save_prt(path, t, key);
  CHECK(std::filesystem::file_size(path) == 56 + std::uintmax_t(t.size()) * 4 + 8);
  CHECK(same_bytes(hifa::load_prt(path, key), t));
  const std::vector<char> bytes = file_bytes(path);
  hifa::save_prt(dir / "again.prt", t, key);
  CHECK(file_bytes(dir / "again.prt") == bytes);
  CHECK(std::memcmp(bytes.data(), "HIFAPRT", 8) == 0);

  const std::string name = path.string();
  // Another mesh (one vertex moved), other options, another format version: stale.
  TriMeshf moved = cup;
  moved.vertices(0, 1) += 1e-3f;
  CHECK_THROWS_WITH(hifa::load_prt(path, hifa::prt_cache_key(moved, options)),
                    Catch::Contains(name) && Catch::Contains("mesh hash"));
  PrtOptions more = options;
  more.rays = 32;
  CHECK_THROWS_WITH(hifa::load_prt(path, hifa::prt_cache_key(cup, more)), Catch::Contains(name) && Catch::Contains("rays"));
  more = options;
  more.seed = 1;
  CHECK_THROWS_WITH(hifa::load_prt(path, hifa::prt_cache_key(cup, more)), Catch::Contains(name) && Catch::Contains("seed"));
  std::vector<char> changed = bytes;
  changed[8] = 2;
  write_bytes(path, changed);
  CHECK_THROWS_WITH(hifa::load_prt(path, key), Catch::Contains(name) && Catch::Contains("version 2"));
  // Corrupt: a flipped payload byte, a truncated file, not a cache at all, missing.
  changed = bytes;
  changed[60] ^= 0x10;
  write_bytes(path, changed);
  CHECK_THROWS_WITH(hifa::load_prt(path, key), Catch::Contains(name) && Catch::Contains("checksum"));
  changed = bytes;
  changed.resize(bytes.size() - 5);
  write_bytes(path, changed);
  CHECK_THROWS_WITH(hifa::load_prt(path, key), Catch::Contains(name) && Catch::Contains("truncated"));
  write_bytes(path, std::vector<char>(100, 'x'));
  CHECK_THROWS_WITH(hifa::load_prt(path, key), Catch::Contains(name) && Catch::Contains("not a hifa PRT cache"));
  CHECK_THROWS_WITH(hifa::load_prt(dir / "missing.prt", key), Catch::Contains("missing.prt"));
  CHECK_THROWS_WITH(hifa::save_prt(path, ShTransfer(3, 9), key), Catch::Contains("save_prt"));
}
