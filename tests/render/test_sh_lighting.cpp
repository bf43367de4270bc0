// SH lighting against quadrature and closed forms: the basis is orthonormal, irradiance of a
// band-limited light is the Funk-Hecke integral of the clamped cosine, rotation turns the radiance,
// and random lights are pure functions of (seed, view) that light every normal without clipping.
#include "hifa/render/sh_lighting.hpp"

#include "render/sh_checks.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using hifa::ShLight;
using hifa::Vec3d;
using hifa::Vec3f;

namespace {

// Radiance of an SH light at unit w: sum_i L_i Y_i(w).
double radiance(const ShLight& light, int ch, const Vec3d& w) {
  double y[9];
  hifa::sh_basis(w.x(), w.y(), w.z(), y);
  double sum = 0;
  for (int i = 0; i < 9; ++i) sum += light.channel[ch][i] * y[i];
  return sum;
}

std::vector<Vec3d> random_directions(int n, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  std::vector<Vec3d> out;
  for (int i = 0; i < n; ++i) {
    const Vec3d v(rng.normal(0, 3 * i), rng.normal(0, 3 * i + 1), rng.normal(0, 3 * i + 2));
    out.push_back(v.normalized());
  }
  return out;
}

}  // namespace

TEST_CASE("the nine real SH basis functions are orthonormal over the sphere", "[render][sh]") {
  double gram[9][9] = {};
  for (const auto& q : hifa::test::sphere_quadrature()) {
    double y[9];
    hifa::sh_basis(q.direction.x(), q.direction.y(), q.direction.z(), y);
    for (int i = 0; i < 9; ++i) {
      for (int j = 0; j < 9; ++j) gram[i][j] += q.weight * y[i] * y[j];
    }
  }
  double worst = 0;
  for (int i = 0; i < 9; ++i) {
    for (int j = 0; j < 9; ++j) worst = std::max(worst, std::abs(gram[i][j] - (i == j ? 1.0 : 0.0)));
  }
  INFO("largest deviation of the Gram matrix from the identity: " << worst);
  CHECK(worst < 1e-10);  // the constants are given to 1e-15 and the quadrature is exact
}

TEST_CASE("the float and double SH basis agree and follow the index order l(l+1)+m", "[render][sh]") {
  float yf[9];
  double yd[9];
  const Vec3d w = Vec3d(0.2, -0.7, 0.4).normalized();
  hifa::sh_basis(float(w.x()), float(w.y()), float(w.z()), yf);
  hifa::sh_basis(w.x(), w.y(), w.z(), yd);
  for (int i = 0; i < 9; ++i) CHECK(yf[i] == Approx(yd[i]).margin(1e-6));
  // Y_1-1 is proportional to y, Y_10 to z, Y_11 to x (Ramamoorthi & Hanrahan 2001, Eq. 3).
  CHECK(yd[1] / yd[3] == Approx(w.y() / w.x()));
  CHECK(yd[2] / yd[3] == Approx(w.z() / w.x()));
  CHECK(hifa::sh_band(0) == 0);
  CHECK(hifa::sh_band(3) == 1);
  CHECK(hifa::sh_band(4) == 2);
  CHECK(hifa::sh_band(8) == 2);
}

TEST_CASE("SH irradiance of a band-limited light is its clamped-cosine integral (Funk-Hecke)", "[render][sh]") {
  const auto truth = hifa::test::test_light();
  const ShLight light = truth.project();
  double worst = 0;
  for (const Vec3d& n : random_directions(500, 3)) {
    const Vec3f e = hifa::sh_irradiance(light, n.cast<float>());
    for (int ch = 0; ch < 3; ++ch) worst = std::max(worst, std::abs(double(e[ch]) - truth.irradiance(ch, n)));
  }
  INFO("largest error " << worst);
  CHECK(worst < 2e-5);
}

TEST_CASE("a constant light gives irradiance pi times its radiance for every normal", "[render][sh]") {
  const ShLight light = hifa::constant_sh_light(Vec3f(0.2f, 0.5f, 1.0f));
  for (const Vec3d& n : random_directions(50, 4)) {
    const Vec3f e = hifa::sh_irradiance(light, n.cast<float>());
    CHECK(e[0] == Approx(std::numbers::pi * 0.2).epsilon(1e-6));
    CHECK(e[1] == Approx(std::numbers::pi * 0.5).epsilon(1e-6));
    CHECK(e[2] == Approx(std::numbers::pi * 1.0).epsilon(1e-6));
  }
}

TEST_CASE("a directional SH light approximates a clamped cosine to order 2", "[render][sh]") {
  ShLight light;
  const Vec3f d = Vec3f(0.1f, 0.9f, 0.4f).normalized();
  hifa::add_directional(light, d, Vec3f::Constant(1.0f));
  for (const Vec3d& n : random_directions(200, 5)) {
    const double t = n.dot(d.cast<double>());
    // The band-limited lobe 1/4 + t/2 + 5/16 P2(t) (sh_lighting.hpp): within 0.094 of max(0, t)
    // (the worst at t = 0: 1/4 - 5/32).
    const double lobe = 0.25 + t / 2 + 5.0 / 16 * (3 * t * t - 1) / 2;
    const double e = hifa::sh_irradiance(light, n.cast<float>())[0] / std::numbers::pi;
    CHECK(e == Approx(lobe).margin(1e-5));
    CHECK(std::abs(e - std::max(0.0, t)) < 0.0938);
  }
}

TEST_CASE("turning a light by R turns its radiance: L'(w) = L(R^T w)", "[render][sh]") {
  const ShLight light = hifa::test::test_light().project();
  const hifa::CounterRng rng{8};
  for (int r = 0; r < 5; ++r) {
    const Eigen::Quaterniond q(rng.normal(1, 4 * r), rng.normal(1, 4 * r + 1), rng.normal(1, 4 * r + 2),
                               rng.normal(1, 4 * r + 3));
    const Eigen::Matrix3d rot = q.normalized().toRotationMatrix();
    const ShLight turned = hifa::sh_rotate(light, rot.cast<float>());
    double worst = 0;
    for (const Vec3d& w : random_directions(100, 9 + r)) {
      for (int ch = 0; ch < 3; ++ch) {
        worst = std::max(worst, std::abs(radiance(turned, ch, w) - radiance(light, ch, rot.transpose() * w)));
      }
    }
    INFO("rotation " << r << ": largest radiance error " << worst);
    CHECK(worst < 1e-5);
    // And back: R^T undoes R.
    const ShLight back = hifa::sh_rotate(turned, rot.transpose().cast<float>());
    for (int ch = 0; ch < 3; ++ch) {
      for (int i = 0; i < 9; ++i) CHECK(back.channel[ch][i] == Approx(light.channel[ch][i]).margin(1e-5));
    }
  }
}

TEST_CASE("random SH lights are a pure function of (seed, view) and light every normal between 0 and 1",
          "[render][sh]") {
  CHECK(hifa::random_sh_light(7, 3) == hifa::random_sh_light(7, 3));
  CHECK_FALSE(hifa::random_sh_light(7, 3) == hifa::random_sh_light(7, 4));
  CHECK_FALSE(hifa::random_sh_light(7, 3) == hifa::random_sh_light(8, 3));
  const auto normals = random_directions(300, 11);
  double lowest = 1e9, highest = -1e9, front = 0, back = 0;
  const int views = 200;
  for (int view = 0; view < views; ++view) {
    const ShLight light = hifa::random_sh_light(7, std::uint64_t(view));
    for (const Vec3d& n : normals) {
      const Vec3f e = hifa::sh_irradiance(light, n.cast<float>()) / std::numbers::pi_v<float>;
      lowest = std::min(lowest, double(e.minCoeff()));
      highest = std::max(highest, double(e.maxCoeff()));
    }
    front += hifa::sh_irradiance(light, Vec3f(0, 0, 1)).mean();
    back += hifa::sh_irradiance(light, Vec3f(0, 0, -1)).mean();
  }
  INFO("E / pi over " << views << " views: [" << lowest << ", " << highest << "]");
  CHECK(lowest > 0.3);     // the dominant ambient term: nothing goes black
  CHECK(highest <= 1.0);   // an unshadowed albedo-1 surface never clips
  CHECK(highest > 0.8);    // but the key light is there
  CHECK(front > back);     // the key light comes from the camera's side
}
