#pragma once
// The orthographic camera of hifa: THE definition of how a subject in scan units maps to the
// normalized image cube and to pixels. The renderer, the dataset writer and the trainer's
// pixel-aligned feature sampling all go through these functions (or the matrix they return), so
// there is one projection.
//
//   const hifa::Calibration calib = hifa::normalizing_calibration(mesh, hifa::pifu_margin, yaw);
//   Vec3f n  = hifa::world_to_normalized(calib, p);        // scan units -> [-1, 1]^3
//   Vec2f px = hifa::normalized_to_pixel(n, 512, 512);      // -> continuous pixel coordinates
//   Vec3f q  = hifa::normalized_to_world(calib, hifa::pixel_to_normalized(px, n.z(), 512, 512));
//
// Normalized space: the cube [-1, 1]^3 seen by an orthographic camera that looks along -z; x points
//   right in the image, y up, z towards the camera (right-handed), so a LARGER z is NEARER.
//
// Calibration {scale, centre, yaw, pitch}: normalized = scale · R · (world - centre), with
//   R = Rx(pitch) · Ry(yaw) and the right-handed rotations
//     Ry(a) = [cos a, 0, sin a; 0, 1, 0; -sin a, 0, cos a]   (about +y: +z turns towards +x)
//     Rx(b) = [1, 0, 0; 0, cos b, -sin b; 0, sin b, cos b]   (about +x: +y turns towards +z)
//   Angles are radians. yaw turns the subject about the vertical axis through `centre` (the same
//   image as the camera orbiting by -yaw); yaw = 0 looks at the subject's +z side, yaw = +90 degrees at
//   its -x side. Positive pitch
//   tips the subject's top towards the camera: the camera looks down on it from above. scale > 0
//   (normalized units per scan unit), centre in scan units maps to the origin of the cube.
//   Normals transform by R alone (the map is a similarity: rotation times a positive scale).
//
// Pixels of a W x H image (continuous coordinates, origin at the top-left corner of the image,
//   x to the right, y DOWN; pixel (i, j) is the square [i, i+1] x [j, j+1] with centre (i+0.5, j+0.5)):
//     px = (x_n + 1) / 2 · W      x_n = -1 is the LEFT edge of column 0, +1 the right edge of column W-1
//     py = (1 - y_n) / 2 · H      y_n = +1 is the TOP edge of row 0, -1 the bottom edge of row H-1
//   so pixel centre (i, j) is at x_n = (2i + 1) / W - 1, y_n = 1 - (2j + 1) / H. This is PyTorch's
//   grid_sample(..., align_corners=False) addressing with the grid (x_n, -y_n): a trainer that samples
//   a feature map with grid_sample must negate y_n (image rows run down, y_n up). z_n is not changed
//   by the pixel maps. A non-square image stretches the cube (pixels W/2 by H/2 per unit): hifa
//   renders square images.
//
// normalizing_calibration (PIFu's normalization): centre = the centre of the bounding box; scale
//   such that the box's height (y extent) fills the image height but for `margin` of the image left
//   empty at the top and at the bottom: scale = 2 (1 - 2 margin) / height. pifu_margin = 0.06 is
//   PIFu's render_data.py setting (the subject's height is 180 of the 204.8 units the orthographic
//   view spans at 512 px, ortho ratio 0.4: (1 - 180 / 204.8) / 2 = 0.0605). A subject whose box is
//   wider (x, or its x-z diagonal once turned by yaw) than tall leaves the cube sideways.
// yaw_fitting_calibration: the same centre; the scale of the larger of the height and the box's
//   x-z diagonal, scale = 2 (1 - 2 margin) / max(height, sqrt(dx² + dz²)): equal to PIFu's for a
//   standing person (diagonal < height), while a lying or wide subject stays inside the image, with
//   the margin, at every yaw (turned about the centre, no point is farther than half the diagonal
//   from the vertical axis). Pitch is not accounted for.
//
// Errors:  hifa::Error naming "Calibration" for a non-finite or non-positive scale or non-finite
//          centre/angles (check_calibration, called by the renderer); naming
//          "normalizing_calibration" for an empty or non-finite box, zero height, or a margin
//          outside [0, 0.5).
// Cost:    O(1) per point; normalizing_calibration of a mesh is one pass over its vertices.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <string>

namespace hifa {

struct Calibration {
  float scale = 1.0f;                    // normalized units per scan unit, > 0
  Vec3f centre = Vec3f::Zero();          // scan point mapped to the cube's origin
  float yaw = 0.0f;                      // radians, about the vertical (y) axis
  float pitch = 0.0f;                    // radians, about the image's x axis, after yaw
};

// PIFu's margin: the fraction of the image height left empty above and below the subject.
inline constexpr float pifu_margin = 0.06f;

inline void check_calibration(const Calibration& c) {
  if (!(std::isfinite(c.scale) && c.scale > 0)) {
    throw Error("Calibration", "scale must be finite and > 0, got " + std::to_string(c.scale));
  }
  if (!c.centre.allFinite() || !std::isfinite(c.yaw) || !std::isfinite(c.pitch)) {
    throw Error("Calibration", "centre, yaw and pitch must be finite");
  }
}

// R = Rx(pitch) · Ry(yaw), computed in double and rounded once.
inline Mat3<float> calibration_rotation(const Calibration& c) {
  const double cy = std::cos(double(c.yaw)), sy = std::sin(double(c.yaw));
  const double cp = std::cos(double(c.pitch)), sp = std::sin(double(c.pitch));
  Mat3<double> ry, rx;
  ry << cy, 0, sy, 0, 1, 0, -sy, 0, cy;
  rx << 1, 0, 0, 0, cp, -sp, 0, sp, cp;
  return (rx * ry).cast<float>();
}

// The world -> normalized map as a homogeneous 4 x 4 matrix [s R, -s R centre; 0 0 0 1] (what a
// trainer multiplies batches of points by).
inline Mat4<float> world_to_normalized_matrix(const Calibration& c) {
  const Mat3<float> sr = c.scale * calibration_rotation(c);
  Mat4<float> m = Mat4<float>::Identity();
  m.topLeftCorner<3, 3>() = sr;
  m.topRightCorner<3, 1>() = -sr * c.centre;
  return m;
}

// Its inverse [R^T / s, centre; 0 0 0 1].
inline Mat4<float> normalized_to_world_matrix(const Calibration& c) {
  const Mat3<float> rs = calibration_rotation(c).transpose() / c.scale;
  Mat4<float> m = Mat4<float>::Identity();
  m.topLeftCorner<3, 3>() = rs;
  m.topRightCorner<3, 1>() = c.centre;
  return m;
}

inline Vec3f world_to_normalized(const Calibration& c, const Vec3f& world) {
  return c.scale * (calibration_rotation(c) * (world - c.centre));
}

inline Vec3f normalized_to_world(const Calibration& c, const Vec3f& normalized) {
  return c.centre + calibration_rotation(c).transpose() * (normalized / c.scale);
}

// Continuous pixel coordinates (x right, y down, origin at the image's top-left corner).
KOKKOS_INLINE_FUNCTION float normalized_to_pixel_x(float x_n, int width) { return (x_n + 1.0f) * 0.5f * float(width); }
KOKKOS_INLINE_FUNCTION float normalized_to_pixel_y(float y_n, int height) { return (1.0f - y_n) * 0.5f * float(height); }
KOKKOS_INLINE_FUNCTION float pixel_to_normalized_x(float px, int width) { return 2.0f * px / float(width) - 1.0f; }
KOKKOS_INLINE_FUNCTION float pixel_to_normalized_y(float py, int height) { return 1.0f - 2.0f * py / float(height); }

inline Vec2f normalized_to_pixel(const Vec3f& normalized, int width, int height) {
  return Vec2f(normalized_to_pixel_x(normalized.x(), width), normalized_to_pixel_y(normalized.y(), height));
}

// The normalized point at continuous pixel coordinates `pixel` and normalized depth z_n.
inline Vec3f pixel_to_normalized(const Vec2f& pixel, float z_n, int width, int height) {
  return Vec3f(pixel_to_normalized_x(pixel.x(), width), pixel_to_normalized_y(pixel.y(), height), z_n);
}

// The centre of pixel (column i, row j) in continuous pixel coordinates.
inline Vec2f pixel_centre(int i, int j) { return Vec2f(float(i) + 0.5f, float(j) + 0.5f); }

template <class T>
Calibration normalizing_calibration(const AABB<T>& box, float margin = pifu_margin, float yaw = 0.0f,
                                    float pitch = 0.0f) {
  const char* where = "normalizing_calibration";
  if (!(margin >= 0.0f && margin < 0.5f)) {
    throw Error(where, "margin must be in [0, 0.5), got " + std::to_string(margin));
  }
  if (box.isEmpty() || !box.min().allFinite() || !box.max().allFinite()) {
    throw Error(where, "the bounding box is empty or not finite");
  }
  const double height = double(box.max().y()) - double(box.min().y());
  if (!(height > 0)) throw Error(where, "the bounding box has zero height, nothing to fill the image with");
  Calibration c;
  c.scale = float(2.0 * (1.0 - 2.0 * double(margin)) / height);
  c.centre = ((box.min().template cast<double>() + box.max().template cast<double>()) / 2).template cast<float>();
  c.yaw = yaw;
  c.pitch = pitch;
  return c;
}

template <class T>
Calibration yaw_fitting_calibration(const AABB<T>& box, float margin = pifu_margin) {
  Calibration c = normalizing_calibration(box, margin);  // checks the box and the margin
  const double height = double(box.max().y()) - double(box.min().y());
  const double dx = double(box.max().x()) - double(box.min().x()), dz = double(box.max().z()) - double(box.min().z());
  const double diagonal = std::sqrt(dx * dx + dz * dz);
  if (diagonal > height) c.scale = float(2.0 * (1.0 - 2.0 * double(margin)) / diagonal);
  return c;
}

template <class T>
Calibration normalizing_calibration(const TriMesh<T>& mesh, float margin = pifu_margin, float yaw = 0.0f,
                                    float pitch = 0.0f) {
  AABB<T> box;
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) box.extend(mesh.vertex(v));
  return normalizing_calibration(box, margin, yaw, pitch);
}

}  // namespace hifa
