// The orthographic calibration: conventions of the normalized cube and of pixels, round trips, the
// matrix form, and PIFu's normalizing calibration.
#include "hifa/render/camera.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>

using hifa::Calibration;
using hifa::Vec2f;
using hifa::Vec3f;

namespace {

const float pi = std::numbers::pi_v<float>;

Calibration turned(float yaw, float pitch = 0) {
  Calibration c;
  c.scale = 0.8f;
  c.centre = Vec3f(0.1f, 1.0f, -0.3f);
  c.yaw = yaw;
  c.pitch = pitch;
  return c;
}

}  // namespace

TEST_CASE("the image edges are the cube's faces: x = -1 at the left, y = +1 at the top, pixel centres at +0.5", "[render]") {
  const int w = 640, h = 480;
  CHECK(hifa::normalized_to_pixel(Vec3f(-1, 1, 0), w, h) == Vec2f(0, 0));  // top-left corner of pixel (0, 0)
  CHECK(hifa::normalized_to_pixel(Vec3f(1, -1, 0), w, h) == Vec2f(640, 480));
  CHECK(hifa::normalized_to_pixel(Vec3f(0, 0, 0.3f), w, h) == Vec2f(320, 240));
  // The centre of pixel (i, j) is at x_n = (2i + 1) / W - 1, y_n = 1 - (2j + 1) / H.
  const Vec3f n = hifa::pixel_to_normalized(hifa::pixel_centre(0, 0), 0.5f, w, h);
  CHECK(n.x() == Approx(1.0f / w - 1));
  CHECK(n.y() == Approx(1 - 1.0f / h));
  CHECK(n.z() == 0.5f);
  const Vec3f last = hifa::pixel_to_normalized(hifa::pixel_centre(w - 1, h - 1), 0, w, h);
  CHECK(last.x() == Approx(1 - 1.0f / w));
  CHECK(last.y() == Approx(1.0f / h - 1));
}

TEST_CASE("at yaw 0 the camera looks along -z: x right, y up, nearer points have larger z", "[render]") {
  const Calibration c = turned(0);
  const Vec3f o = hifa::world_to_normalized(c, c.centre);
  CHECK(o.norm() < 1e-7f);
  CHECK(hifa::world_to_normalized(c, c.centre + Vec3f(1, 0, 0)).isApprox(Vec3f(0.8f, 0, 0)));
  CHECK(hifa::world_to_normalized(c, c.centre + Vec3f(0, 1, 0)).isApprox(Vec3f(0, 0.8f, 0)));
  CHECK(hifa::world_to_normalized(c, c.centre + Vec3f(0, 0, 1)).isApprox(Vec3f(0, 0, 0.8f)));
  // A point above the centre appears in an upper row (smaller pixel y).
  const Vec2f up = hifa::normalized_to_pixel(hifa::world_to_normalized(c, c.centre + Vec3f(0, 0.5f, 0)), 512, 512);
  CHECK(up.y() < 256);
}

TEST_CASE("yaw turns the subject about the vertical axis: at +90 degrees the camera sees its -x side", "[render]") {
  const Calibration c = turned(pi / 2);
  // The subject's -x side comes to face the camera (+z); its +z side turns to the right (+x).
  const Vec3f side = hifa::world_to_normalized(c, c.centre + Vec3f(-1, 0, 0));
  CHECK(side.isApprox(Vec3f(0, 0, 0.8f), 1e-6f));
  const Vec3f front = hifa::world_to_normalized(c, c.centre + Vec3f(0, 0, 1));
  CHECK(front.isApprox(Vec3f(0.8f, 0, 0), 1e-6f));
  // Heights do not change with yaw.
  CHECK(hifa::world_to_normalized(c, c.centre + Vec3f(0.3f, 0.5f, 0.2f)).y() == Approx(0.4f));
}

TEST_CASE("positive pitch tips the subject's top towards the camera", "[render]") {
  const Calibration c = turned(0, 0.3f);
  const Vec3f top = hifa::world_to_normalized(c, c.centre + Vec3f(0, 1, 0));
  CHECK(top.z() == Approx(0.8f * std::sin(0.3f)));
  CHECK(top.y() == Approx(0.8f * std::cos(0.3f)));
}

TEST_CASE("world to pixel to world round trips for any yaw and pitch", "[render]") {
  const hifa::CounterRng rng{11};
  double worst = 0;
  for (int q = 0; q < 1000; ++q) {
    const Calibration c = turned(2 * pi * rng.uniform(0, q), 0.5f * (rng.uniform(1, q) - 0.5f));
    const Vec3f p = c.centre + Vec3f(rng.normal(2, q), rng.normal(3, q), rng.normal(4, q));
    const Vec3f n = hifa::world_to_normalized(c, p);
    const Vec2f px = hifa::normalized_to_pixel(n, 512, 512);
    const Vec3f back = hifa::normalized_to_world(c, hifa::pixel_to_normalized(px, n.z(), 512, 512));
    worst = std::max(worst, double((back - p).norm()));
  }
  CHECK(worst < 1e-5);
}

TEST_CASE("the 4 x 4 matrices are the point maps and each other's inverse", "[render]") {
  const Calibration c = turned(1.1f, -0.2f);
  const hifa::Mat4<float> m = hifa::world_to_normalized_matrix(c), inv = hifa::normalized_to_world_matrix(c);
  CHECK((m * inv).isApprox(hifa::Mat4<float>::Identity(), 1e-5f));
  const Vec3f p(0.4f, -0.7f, 2.0f);
  const hifa::Vec4<float> h = m * hifa::Vec4<float>(p.x(), p.y(), p.z(), 1);
  CHECK(h.head<3>().isApprox(hifa::world_to_normalized(c, p), 1e-6f));
  CHECK(h.w() == 1.0f);
}

TEST_CASE("the normalizing calibration fills the image height but for the margin, centred on the box", "[render]") {
  const hifa::AABBf box(Vec3f(-20, 0, 5), Vec3f(30, 170, 25));  // centimetres, feet at y = 0
  const Calibration c = hifa::normalizing_calibration(box);
  CHECK(c.centre.isApprox(Vec3f(5, 85, 15)));
  const float top = hifa::world_to_normalized(c, Vec3f(5, 170, 15)).y();
  const float bottom = hifa::world_to_normalized(c, Vec3f(5, 0, 15)).y();
  CHECK(top == Approx(1 - 2 * hifa::pifu_margin));
  CHECK(bottom == Approx(-(1 - 2 * hifa::pifu_margin)));
  // In pixels of a 512 image: the head at row 0.06 * 512, the feet at 512 - 0.06 * 512.
  CHECK(hifa::normalized_to_pixel(Vec3f(0, top, 0), 512, 512).y() == Approx(hifa::pifu_margin * 512));
  CHECK(hifa::normalized_to_pixel(Vec3f(0, bottom, 0), 512, 512).y() == Approx(512 - hifa::pifu_margin * 512));
  // Without margin the subject touches both edges; yaw and pitch are passed through.
  const Calibration full = hifa::normalizing_calibration(box, 0.0f, 0.5f, 0.1f);
  CHECK(full.scale == Approx(2.0f / 170));
  CHECK(full.yaw == 0.5f);
  CHECK(full.pitch == 0.1f);
}

TEST_CASE("the normalizing calibration of a mesh uses its vertices' bounding box", "[render]") {
  hifa::TriMeshf mesh;
  mesh.vertices.resize(3, 3);
  mesh.vertices << 0, 0, 0, 1, 2, 0, 0, 4, 1;
  mesh.faces.resize(1, 3);
  mesh.faces << 0, 1, 2;
  const Calibration c = hifa::normalizing_calibration(mesh, 0.1f);
  CHECK(c.scale == Approx(2 * 0.8f / 4));
  CHECK(c.centre.isApprox(Vec3f(0.5f, 2, 0.5f)));
}

TEST_CASE("bad boxes, margins and calibrations are rejected with errors naming them", "[render]") {
  CHECK_THROWS_WITH(hifa::normalizing_calibration(hifa::AABBf()), Catch::Contains("normalizing_calibration"));
  CHECK_THROWS_WITH(hifa::normalizing_calibration(hifa::AABBf(Vec3f(0, 1, 0), Vec3f(1, 1, 1))),
                    Catch::Contains("zero height"));
  CHECK_THROWS_WITH(hifa::normalizing_calibration(hifa::AABBf(Vec3f(0, 0, 0), Vec3f(1, 1, 1)), 0.5f),
                    Catch::Contains("margin"));
  Calibration c;
  c.scale = 0;
  CHECK_THROWS_WITH(hifa::check_calibration(c), Catch::Contains("Calibration") && Catch::Contains("scale"));
  c.scale = 1;
  c.yaw = std::nanf("");
  CHECK_THROWS_AS(hifa::check_calibration(c), hifa::Error);
}

TEST_CASE("yaw_fitting_calibration is PIFu's for a standing box and keeps a lying one inside the image at every yaw", "[render]") {
  const hifa::AABBf standing(Vec3f(-0.3f, 0, -0.2f), Vec3f(0.3f, 1.8f, 0.2f));
  CHECK(hifa::yaw_fitting_calibration(standing).scale == hifa::normalizing_calibration(standing).scale);
  // Lying: 0.5 tall, 3 x 4 in x-z (diagonal 5), so the diagonal decides: 2 (1 - 0.12) / 5.
  const hifa::AABBf lying(Vec3f(-1, 0, -2), Vec3f(2, 0.5f, 2));
  const Calibration c = hifa::yaw_fitting_calibration(lying);
  CHECK(c.scale == Approx(2 * (1 - 2 * hifa::pifu_margin) / 5));
  float widest = 0;
  for (int deg = 0; deg < 360; deg += 5) {
    Calibration turned = c;
    turned.yaw = float(deg) * std::numbers::pi_v<float> / 180;
    for (int k = 0; k < 8; ++k) {
      const Vec3f corner((k & 1) ? 2.0f : -1.0f, (k & 2) ? 0.5f : 0.0f, (k & 4) ? 2.0f : -2.0f);
      widest = std::max(widest, std::abs(hifa::world_to_normalized(turned, corner).x()));
    }
  }
  CHECK(widest <= 1 - 2 * hifa::pifu_margin + 1e-5f);
  CHECK(widest > 0.85f);  // and the diagonal is not overly cautious: some yaw comes close
}
