#include "hifa/field/analytic.hpp"
#include "hifa/field/combinators.hpp"
#include "hifa/field/concepts.hpp"
#include "hifa/field/gradient.hpp"

#include "hifa/field/mannequin.hpp"
#include "support/field_checks.hpp"
#include "support/test_fields.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <type_traits>
#include <vector>

using namespace hifa;
using V = Vec3d;
using S = Sphere<double>;
using B = Box<double>;
using Occ = test::Occupancy<S>;

namespace {

// With gradient operands every combinator has a gradient; one operand without makes it value-only.
template <template <class, class> class Op>
constexpr bool gradient_iff_operands_have_one =
    GradientField<Op<S, B>> && ImplicitField<Op<S, Occ>> && !GradientField<Op<S, Occ>> &&
    !GradientField<Op<Occ, S>> && std::is_trivially_copyable_v<Op<S, B>> && !BatchField<Op<S, B>>;

static_assert(gradient_iff_operands_have_one<Union>);
static_assert(gradient_iff_operands_have_one<Intersection>);
static_assert(gradient_iff_operands_have_one<Difference>);
static_assert(gradient_iff_operands_have_one<SmoothUnion>);
static_assert(gradient_iff_operands_have_one<SmoothIntersection>);
static_assert(gradient_iff_operands_have_one<SmoothDifference>);
static_assert(GradientField<Transformed<S>> && !GradientField<Transformed<Occ>> && ImplicitField<Transformed<Occ>>);
static_assert(GradientField<Offset<S>> && !GradientField<Offset<Occ>> && ImplicitField<Offset<Occ>>);
static_assert(std::is_trivially_copyable_v<Transformed<B>> && std::is_trivially_copyable_v<Offset<B>>);

// A 14-part figure stays a flat value: its parts' parameters and blend radii, nothing else.
using Figure = decltype(mannequin<float>());
static_assert(GradientField<Figure> && std::is_trivially_copyable_v<Figure>);
static_assert(sizeof(Figure) <= 512, "a composite field must stay small enough to copy into every kernel");

std::vector<V> random_points(int count) { return test::random_points(count, 1.2, 99); }

const S ball{V(0, 0, 0), 0.5};
const B slab{V(0.3, 0, 0), V(0.4, 0.2, 0.6)};

}  // namespace

TEST_CASE("union, intersection and difference take min, max and max with the negated second field") {
  for (const V& p : random_points(200)) {
    const double a = ball.value(p), b = slab.value(p);
    CHECK(unite(ball, slab).value(p) == std::min(a, b));
    CHECK(intersect(ball, slab).value(p) == std::max(a, b));
    CHECK(subtract(ball, slab).value(p) == std::max(a, -b));
  }
  CHECK(unite(ball, slab).value(V(0.69, 0, 0)) < 0);      // inside the slab only
  CHECK(intersect(ball, slab).value(V(0.69, 0, 0)) > 0);
  CHECK(subtract(ball, slab).value(V(-0.3, 0, 0)) < 0);   // inside the ball, left of the slab
  CHECK(subtract(ball, slab).value(V(0.2, 0, 0)) > 0);    // cut away by the slab
}

TEST_CASE("unite and intersect of many fields equal the nested binary operations") {
  const S third{V(0, 0.6, 0), 0.3};
  for (const V& p : random_points(100)) {
    CHECK(unite(ball, slab, third).value(p) == unite(unite(ball, slab), third).value(p));
    CHECK(intersect(ball, slab, third).value(p) == std::max({ball.value(p), slab.value(p), third.value(p)}));
  }
}

TEST_CASE("smooth blends equal the sharp ones away from the seam and stay within a quarter radius of them") {
  const double k = 0.2;
  for (const V& p : random_points(400)) {
    const double a = ball.value(p), b = slab.value(p);
    const double u = smooth_unite(ball, slab, k).value(p);
    const double i = smooth_intersect(ball, slab, k).value(p);
    const double d = smooth_subtract(ball, slab, k).value(p);
    CHECK(u <= std::min(a, b) + 1e-15);
    CHECK(u >= std::min(a, b) - k / 4 - 1e-15);
    CHECK(i >= std::max(a, b) - 1e-15);
    CHECK(i <= std::max(a, b) + k / 4 + 1e-15);
    CHECK(d >= std::max(a, -b) - 1e-15);
    CHECK(d <= std::max(a, -b) + k / 4 + 1e-15);
    if (std::abs(a - b) >= k) {
      CHECK(u == Approx(std::min(a, b)).margin(1e-15));
      CHECK(i == Approx(std::max(a, b)).margin(1e-15));
    }
  }
  // Where two touching balls meet (a = b = 0) the smooth union dips by exactly k/4.
  const S twin{V(1, 0, 0), 0.5};
  CHECK(smooth_unite(ball, twin, k).value(V(0.5, 0, 0)) == Approx(-k / 4));
  CHECK(smooth_intersect(ball, twin, k).value(V(0.5, 0, 0)) == Approx(k / 4));
}

TEST_CASE("combinator gradients agree with central differences") {
  test::check_gradient_matches_central_differences(unite(ball, slab), random_points(400));
  test::check_gradient_matches_central_differences(intersect(ball, slab), random_points(400));
  test::check_gradient_matches_central_differences(subtract(ball, slab), random_points(400));
  test::check_gradient_matches_central_differences(smooth_unite(ball, slab, 0.2), random_points(400));
  test::check_gradient_matches_central_differences(smooth_intersect(ball, slab, 0.2), random_points(400));
  test::check_gradient_matches_central_differences(smooth_subtract(ball, slab, 0.2), random_points(400));
  const Mat3<double> rotation = Eigen::AngleAxisd(0.7, V(1, 2, 3).normalized()).toRotationMatrix();
  test::check_gradient_matches_central_differences(transform(slab, rotation, V(0.1, -0.2, 0.3), 1.5), random_points(400));
  test::check_gradient_matches_central_differences(offset(slab, 0.1), random_points(400));
}

TEST_CASE("a transformed SDF is the SDF of the moved, rotated and scaled shape") {
  // A unit-radius sphere scaled by 0.5 and moved to (1, 2, 3) is the ball of radius 0.5 there.
  const auto moved = transform(S{V(0, 0, 0), 1.0}, Mat3<double>::Identity(), V(1, 2, 3), 0.5);
  const S expected{V(1, 2, 3), 0.5};
  for (const V& p : random_points(100)) CHECK(moved.value(p) == Approx(expected.value(p)).margin(1e-14));
  // A box turned a quarter turn about z swaps its x and y extents.
  const Mat3<double> quarter = Eigen::AngleAxisd(M_PI / 2, V::UnitZ()).toRotationMatrix();
  const auto turned = transform(B{V(0, 0, 0), V(0.4, 0.1, 0.2)}, quarter, V(0, 0, 0));
  const B swapped{V(0, 0, 0), V(0.1, 0.4, 0.2)};
  for (const V& p : random_points(100)) CHECK(turned.value(p) == Approx(swapped.value(p)).margin(1e-14));
  CHECK(turned.gradient(V(0, 1, 0)).isApprox(V(0, 1, 0)));
}

TEST_CASE("offset grows the shape by its radius") {
  const auto grown = offset(ball, 0.25);
  for (const V& p : random_points(100)) CHECK(grown.value(p) == Approx(S{V(0, 0, 0), 0.75}.value(p)).margin(1e-15));
  CHECK(offset(ball, -0.25).value(V(0.25, 0, 0)) == Approx(0.0).margin(1e-15));
}

TEST_CASE("the mannequin is inside at the torso and head and outside between the legs") {
  const auto figure = mannequin<double>();
  CHECK(figure.value(V(0, 0.25, 0)) < 0);     // torso
  CHECK(figure.value(V(0, 0.74, 0)) < 0);     // head
  CHECK(figure.value(V(0.57, 0.14, 0.04)) < 0);  // right forearm
  CHECK(figure.value(V(0, -0.7, 0)) > 0);     // between the shins
  CHECK(figure.value(V(0, 0.25, 0.5)) > 0);   // in front of the chest
  test::check_gradient_matches_central_differences(figure, random_points(400));
  for (const V& p : random_points(400)) CHECK(figure.gradient(p).norm() <= 1.0 + 1e-12);  // 1-Lipschitz
}
