#include "hifa/field/analytic.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/field/gradient.hpp"

#include "support/field_checks.hpp"
#include "support/test_fields.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <type_traits>
#include <vector>

using namespace hifa;
using V = Vec3d;

namespace {

template <class F>
constexpr bool is_analytic_field = ImplicitField<F> && GradientField<F> && !BatchField<F> &&
                                   std::is_trivially_copyable_v<F> && std::is_same_v<typename F::scalar, double>;

static_assert(is_analytic_field<Sphere<double>>);
static_assert(is_analytic_field<Box<double>>);
static_assert(is_analytic_field<RoundedBox<double>>);
static_assert(is_analytic_field<Torus<double>>);
static_assert(is_analytic_field<Capsule<double>>);
static_assert(is_analytic_field<Ellipsoid<double>>);
static_assert(is_analytic_field<Plane<double>>);
static_assert(GradientField<Sphere<float>> && std::is_trivially_copyable_v<Sphere<float>>);
static_assert(sizeof(Sphere<float>) == 4 * sizeof(float), "a sphere is its centre and radius, nothing more");

// An occupancy has no analytic gradient; the central-difference adapter supplies one.
using SphereOccupancy = test::Occupancy<Sphere<double>>;
static_assert(ImplicitField<SphereOccupancy> && !GradientField<SphereOccupancy>);
static_assert(GradientField<CentralDifference<SphereOccupancy>>);

std::vector<V> random_points(int count) { return test::random_points(count, 1.5, 1234); }

const Sphere<double> sphere{V(0.1, -0.2, 0.3), 0.7};
const Box<double> box{V(0.2, 0, -0.1), V(0.5, 0.3, 0.8)};
const RoundedBox<double> rounded_box{V(0, 0.1, 0), V(0.6, 0.4, 0.5), 0.15};
const Torus<double> torus{V(0, 0.1, -0.2), 0.6, 0.2};
const Capsule<double> capsule{V(-0.5, -0.3, 0), V(0.4, 0.5, 0.2), 0.25};
const Ellipsoid<double> ellipsoid{V(0.1, 0, 0), V(0.9, 0.4, 0.6)};
const Plane<double> plane{V(0.6, 0, 0.8), 0.3};

template <class F>
void check_eikonal(const F& f) {
  for (const V& p : random_points(500)) {
    INFO("p = " << p.transpose());
    CHECK(f.gradient(p).norm() == Approx(1.0).margin(1e-12));
    CHECK(central_difference(f, p, 1e-7).norm() == Approx(1.0).margin(1e-5));
  }
}

}  // namespace

TEST_CASE("a sphere is minus its radius at the centre and zero on its surface") {
  CHECK(sphere.value(V(0.1, -0.2, 0.3)) == Approx(-0.7));
  CHECK(sphere.value(V(0.1, 0.5, 0.3)) == Approx(0.0).margin(1e-15));
  CHECK(sphere.value(V(1.1, -0.2, 0.3)) == Approx(0.3));
  CHECK(sphere.gradient(V(0.1, -0.2, 2.0)).isApprox(V(0, 0, 1)));
}

TEST_CASE("box and rounded box values are the hand-computed distances") {
  // box centre (0.2, 0, -0.1), half extents (0.5, 0.3, 0.8)
  CHECK(box.value(V(0.2, 0, -0.1)) == Approx(-0.3));               // centre: nearest face is y
  CHECK(box.value(V(1.2, 0, -0.1)) == Approx(0.5));                // straight out of the +x face
  CHECK(box.value(V(1.0, 0.7, -0.1)) == Approx(std::hypot(0.3, 0.4)));  // off the (+x, +y) edge
  CHECK(box.value(V(1.7, 1.3, 1.7)) == Approx(std::sqrt(1.0 + 1.0 + 1.0)));  // off a corner
  CHECK(box.gradient(V(0.2, 0.25, -0.1)).isApprox(V(0, 1, 0)));
  // rounded box centre (0, 0.1, 0), half extents (0.6, 0.4, 0.5), radius 0.15
  CHECK(rounded_box.value(V(0.8, 0.1, 0)) == Approx(0.2));  // faces stay where the box's are
  const V corner_dir = V(1, 1, 1).normalized();
  const V core_corner(0.45, 0.25, 0.35);  // half extents - radius, relative to the centre
  CHECK(rounded_box.value(V(0, 0.1, 0) + core_corner + 0.4 * corner_dir) == Approx(0.25));
}

TEST_CASE("torus, capsule and plane values are the hand-computed distances") {
  // torus centre (0, 0.1, -0.2), R = 0.6, r = 0.2, axis y
  CHECK(torus.value(V(0.6, 0.1, -0.2)) == Approx(-0.2));   // on the ring
  CHECK(torus.value(V(0, 0.1, -0.2)) == Approx(0.4));      // the hole's centre
  CHECK(torus.value(V(0, 0.9, -0.8)) == Approx(0.6));      // above the ring at z = -0.6 offset
  CHECK(torus.value(V(0, 0.1 + 0.2, 0.4)) == Approx(0.0).margin(1e-15));
  // capsule a = (-0.5, -0.3, 0), b = (0.4, 0.5, 0.2), radius 0.25
  CHECK(capsule.value(V(-0.5, -0.3, 0)) == Approx(-0.25));
  CHECK(capsule.value(V(-0.5, -1.3, 0)) == Approx(0.75));  // beyond the end a, along -y
  const V axis = (V(0.4, 0.5, 0.2) - V(-0.5, -0.3, 0)).normalized();
  const V across = axis.cross(V(0, 0, 1)).normalized();
  CHECK(capsule.value(V(-0.05, 0.1, 0.1) + 0.6 * across) == Approx(0.35));  // beside the middle
  // plane normal (0.6, 0, 0.8), offset 0.3
  CHECK(plane.value(V(0.18, 5, 0.24)) == Approx(0.0).margin(1e-15));
  CHECK(plane.value(V(0, 0, 0)) == Approx(-0.3));
  CHECK(plane.value(V(1.2, -2, 1.6)) == Approx(1.7));
}

TEST_CASE("the ellipsoid bound has the exact zero set and never exceeds the true distance") {
  // centre (0.1, 0, 0), radii (0.9, 0.4, 0.6)
  CHECK(ellipsoid.value(V(1.0, 0, 0)) == Approx(0.0).margin(1e-15));
  CHECK(ellipsoid.value(V(0.1, 0.4, 0)) == Approx(0.0).margin(1e-15));
  CHECK(ellipsoid.value(V(0.1, 0, -0.6)) == Approx(0.0).margin(1e-15));
  CHECK(ellipsoid.value(V(0.1, 0, 0)) == Approx(-0.4));  // centre: minus the smallest radius
  // Along the principal axes the true distance is |coordinate| - radius.
  for (double t : {1.2, 1.5, 3.0}) {
    CHECK(ellipsoid.value(V(0.1 + t, 0, 0)) > 0.0);
    CHECK(ellipsoid.value(V(0.1 + t, 0, 0)) <= t - 0.9);
    CHECK(ellipsoid.value(V(0.1, 0, t)) <= t - 0.6);
    CHECK(ellipsoid.value(V(0.1, t, 0)) == Approx(t - 0.4));  // the smallest axis: exact
  }
  for (const V& p : random_points(500)) CHECK(ellipsoid.gradient(p).norm() <= 1.0 + 1e-12);
}

TEST_CASE("analytic gradients agree with central differences at random points") {
  test::check_gradient_matches_central_differences(sphere, random_points(500));
  test::check_gradient_matches_central_differences(box, random_points(500));
  test::check_gradient_matches_central_differences(rounded_box, random_points(500));
  test::check_gradient_matches_central_differences(torus, random_points(500));
  test::check_gradient_matches_central_differences(capsule, random_points(500));
  test::check_gradient_matches_central_differences(ellipsoid, random_points(500));
  test::check_gradient_matches_central_differences(plane, random_points(500));
}

TEST_CASE("the exact SDFs have unit gradient away from the medial axis") {
  check_eikonal(sphere);
  check_eikonal(box);
  check_eikonal(rounded_box);
  check_eikonal(torus);
  check_eikonal(capsule);
  check_eikonal(plane);
}

TEST_CASE("the central difference adapter approximates the gradient of a field without one") {
  const SphereOccupancy occupancy{Sphere<double>{V(0, 0, 0), 0.5}, 10.0};
  const CentralDifference<SphereOccupancy> adapted{occupancy, 1e-6};
  const V p(0.3, 0.2, -0.1);
  // d/dp σ(-k·sdf) = -k σ (1 - σ) ∇sdf
  const double s = occupancy.value(p);
  const V expected = -10.0 * s * (1 - s) * p.normalized();
  CHECK((adapted.gradient(p) - expected).norm() < 1e-8);
  CHECK(adapted.value(p) == occupancy.value(p));
  CHECK((gradient_at(occupancy, p, 1e-6) - expected).norm() < 1e-8);
  CHECK(normal_at(sphere, V(0.1, -0.2, 5.0)).isApprox(V(0, 0, 1)));
}
