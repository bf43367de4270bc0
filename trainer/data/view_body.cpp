#include "data/view_body.hpp"

#include "hifa/core/error.hpp"

#include <Eigen/Geometry>

#include <cmath>

namespace hifa::trainer {

ViewBody body_in_view(const SubjectBodyFit& f, const Vec3f& rest_root, const Mat3<float>& R, const ViewAffine& a,
                      int shape_count) {
  const std::size_t joints = f.fit.pose.size() / 3;
  if (joints == 0 || f.fit.pose.size() % 3 != 0) throw Error("body fit", "its pose is not K x 3 axis-angle values");
  const Mat3<float> M = f.posed_to_normalized.topLeftCorner<3, 3>();
  const float s = std::cbrt(M.determinant());
  const Mat3<float> G = R * (M / s);
  const Vec3f c = f.posed_to_normalized.topRightCorner<3, 1>();

  ViewBody out;
  out.rotations.resize(joints * 9);
  for (std::size_t k = 0; k < joints; ++k) {
    const Vec3f w(f.fit.pose[3 * k], f.fit.pose[3 * k + 1], f.fit.pose[3 * k + 2]);
    const float angle = w.norm();
    Mat3<float> rotation = angle > 0 ? Eigen::AngleAxisf(angle, w / angle).toRotationMatrix() : Mat3<float>::Identity();
    if (k == 0) rotation = G * rotation;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) out.rotations[9 * k + std::size_t(3 * i + j)] = rotation(i, j);
    }
  }
  out.betas.assign(std::size_t(shape_count), 0.0f);
  for (std::size_t i = 0; i < f.fit.betas.size() && i < out.betas.size(); ++i) out.betas[i] = f.fit.betas[i];
  const Vec3f t = s * (G * (rest_root + f.fit.translation) - rest_root) + R * c;
  out.scale = a.scale * s;
  out.translation = Vec3f(a.scale * t.x() + a.tx, a.scale * t.y() + a.ty, a.scale * t.z());
  return out;
}

}  // namespace hifa::trainer
