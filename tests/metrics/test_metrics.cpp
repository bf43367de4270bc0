#include "hifa/metrics/reconstruction.hpp"

#include "hifa/core/error.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

namespace {

using hifa::TriMeshf;
using hifa::Vec3f;

TriMeshf sphere(float radius, Vec3f centre = Vec3f::Zero(), int resolution = 64) {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1)), resolution);
  const hifa::Sphere<float> field{centre, radius};
  const auto values = hifa::evaluate_grid(space, field, grid);
  return hifa::marching_cubes(space, values, grid);
}

hifa::MetricOptions options(std::size_t samples = 4000, int iou_resolution = 64) {
  hifa::MetricOptions o;
  o.samples = samples;
  o.seed = 7;
  o.iou_resolution = iou_resolution;
  return o;
}

}  // namespace

TEST_CASE("a mesh against itself scores perfectly") {
  const auto mesh = sphere(0.5f);
  const auto m = hifa::evaluate_reconstruction(mesh, mesh, options());
  CHECK(m.p2s < 1e-5);
  CHECK(m.p2s == m.pred_to_gt);
  CHECK(m.chamfer < 1e-5);
  CHECK(m.normal_consistency > 0.99);
  CHECK(m.precision == 1.0);
  CHECK(m.recall == 1.0);
  CHECK(m.fscore == 1.0);
  CHECK(m.iou == 1.0);
}

TEST_CASE("concentric spheres give the radius gap as distance and the volume ratio as IoU") {
  const auto inner = sphere(0.5f), outer = sphere(0.6f);
  const auto m = hifa::evaluate_reconstruction(inner, outer, options(4000, 96));
  CHECK(m.pred_to_gt == Approx(0.1).epsilon(0.02));
  CHECK(m.gt_to_pred == Approx(0.1).epsilon(0.02));
  CHECK(m.chamfer == Approx(0.1).epsilon(0.02));
  CHECK(m.normal_consistency > 0.99);
  CHECK(m.fscore == 0.0);  // every sample is ~0.1 away, tau is 0.01
  CHECK(m.iou == Approx(std::pow(0.5 / 0.6, 3)).epsilon(0.03));
  const auto wide = [&] {
    auto o = options(4000, 32);
    o.fscore_threshold = 0.2;
    return hifa::evaluate_reconstruction(inner, outer, o);
  }();
  CHECK(wide.fscore == 1.0);
}

// Two equal spheres of radius r, the second shifted by d along x: for a point p = r u on the first
// (u_x is uniform in [-1, 1] for area-uniform samples, Archimedes' hat-box theorem), the distance
// to the second is |sqrt(r^2 + d^2 - 2 r d u_x) - r| and the cosine of the two surfaces' normals
// (u and the unit vector from the second centre to p) is (r - d u_x) / sqrt(r^2 + d^2 - 2 r d u_x).
// Their means over u_x, by the midpoint rule; by symmetry both directions have the same means.
struct ShiftedSphereMeans {
  double distance = 0, cosine = 0;
};

ShiftedSphereMeans shifted_sphere_means(double r, double d) {
  const int n = 100000;
  ShiftedSphereMeans means;
  for (int i = 0; i < n; ++i) {
    const double t = -1 + 2 * (i + 0.5) / n, to_centre = std::sqrt(r * r + d * d - 2 * r * d * t);
    means.distance += std::abs(to_centre - r) / n;
    means.cosine += (r - d * t) / to_centre / n;
  }
  return means;
}

TEST_CASE("a translated sphere gives the analytic distances, normal consistency and lens IoU") {
  const float r = 0.4f, shift = 0.2f;
  const auto a = sphere(r), b = sphere(r, Vec3f(shift, 0, 0));
  const auto ab = hifa::evaluate_reconstruction(a, b, options(20000, 96));
  const auto ba = hifa::evaluate_reconstruction(b, a, options(4000, 8));
  // Two equal balls at centre distance d intersect in a lens of volume pi (4r + d)(2r - d)^2 / 12.
  const double pi = 3.14159265358979323846, d = shift;
  const double lens = pi * (4 * r + d) * (2 * r - d) * (2 * r - d) / 12, ball = 4 * pi * r * r * r / 3;
  CHECK(ab.iou == Approx(lens / (2 * ball - lens)).epsilon(0.03));
  CHECK(ab.chamfer == Approx(ba.chamfer).epsilon(0.05));
  // Within 2% of the closed form: 20000 samples leave a sampling error near 0.5% (the distance's
  // spread is about 0.6 of its mean), and the 64^3 marching-cubes spheres deviate from the true
  // ones by well under 1% of r.
  const ShiftedSphereMeans exact = shifted_sphere_means(r, d);
  CHECK(ab.pred_to_gt == Approx(exact.distance).epsilon(0.02));
  CHECK(ab.gt_to_pred == Approx(exact.distance).epsilon(0.02));
  CHECK(ab.normal_consistency == Approx(exact.cosine).epsilon(0.02));
}

TEST_CASE("flipped faces give a normal consistency near minus one") {
  const auto mesh = sphere(0.5f);
  auto flipped = mesh;
  flipped.faces.col(1).swap(flipped.faces.col(2));
  flipped.normals.resize(0, 3);
  const auto m = hifa::evaluate_reconstruction(flipped, mesh, options(2000, 16));
  CHECK(m.normal_consistency < -0.99);
}

TEST_CASE("the same seed gives the same bytes and another seed different samples") {
  const auto a = sphere(0.5f), b = sphere(0.45f, Vec3f(0.05f, 0, 0));
  const auto first = hifa::evaluate_reconstruction(a, b, options(3000, 32));
  const auto second = hifa::evaluate_reconstruction(a, b, options(3000, 32));
  CHECK(std::memcmp(&first, &second, sizeof first) == 0);
  auto other = options(3000, 32);
  other.seed = 8;
  CHECK(hifa::evaluate_reconstruction(a, b, other).p2s != first.p2s);
}

TEST_CASE("empty meshes and bad options are errors naming the culprit") {
  const auto mesh = sphere(0.5f, Vec3f::Zero(), 16);
  const TriMeshf empty;
  CHECK_THROWS_WITH(hifa::evaluate_reconstruction(empty, mesh, options()), Catch::Contains("pred"));
  CHECK_THROWS_WITH(hifa::evaluate_reconstruction(mesh, empty, options()), Catch::Contains("gt"));
  CHECK_THROWS_AS(hifa::evaluate_reconstruction(mesh, mesh, options(0)), hifa::Error);
  CHECK_THROWS_AS(hifa::evaluate_reconstruction(mesh, mesh, options(10, 1)), hifa::Error);
  auto bad = options();
  bad.fscore_threshold = 0;
  CHECK_THROWS_AS(hifa::evaluate_reconstruction(mesh, mesh, bad), hifa::Error);
}
