#include "body/canonical_skinning.hpp"

#include "hifa/core/error.hpp"
#include "hifa/sampling/concepts.hpp"  // detail::host_rows
#include "hifa/skinning/weights.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <string>

namespace hifa::trainer {

using Host = Kokkos::HostSpace;

struct CanonicalSkinner::Impl {
  SurfaceWeights<Host> surface;
  SurfaceWeights<Host> posed_surface;  // the same weights on the posed body, for unpose
  std::vector<Mat4<float>> skinning;  // A_k, rest -> posed body metres
  RowMatrix3<float> face_normals;     // the posed body's, unit
};

CanonicalSkinner::CanonicalSkinner(const prepare::FittedBody& body) : rest_root_(body.rest_root) {
  if (body.rest.face_count() == 0 || body.posed.face_count() != body.rest.face_count()) {
    throw Error("CanonicalSkinner", "the body has no faces, or its rest and posed meshes differ");
  }
  if (body.skinning.empty() || body.weights.cols() != Eigen::Index(body.skinning.size())) {
    throw Error("CanonicalSkinner", "the body has " + std::to_string(body.weights.cols()) + " weight columns for " +
                                        std::to_string(body.skinning.size()) + " joint transforms");
  }
  RowMatrix3<float> normals(body.posed.face_count(), 3);
  for (Eigen::Index f = 0; f < body.posed.face_count(); ++f) {
    const Vec3f a = body.posed.vertices.row(body.posed.faces(f, 0)).transpose();
    const Vec3f b = body.posed.vertices.row(body.posed.faces(f, 1)).transpose();
    const Vec3f c = body.posed.vertices.row(body.posed.faces(f, 2)).transpose();
    normals.row(f) = (b - a).cross(c - a).normalized().transpose();
  }
  const Kokkos::DefaultHostExecutionSpace space;
  impl_ = std::make_unique<Impl>(Impl{SurfaceWeights<Host>(space, body.rest, body.weights),
                                      SurfaceWeights<Host>(space, body.posed, body.weights), body.skinning, std::move(normals)});
}

CanonicalSkinner::~CanonicalSkinner() = default;
CanonicalSkinner::CanonicalSkinner(CanonicalSkinner&&) noexcept = default;

namespace {

// The nearest rest-body point of each (root-relative) point: its weights and face.
struct Nearest {
  Kokkos::View<float**, Kokkos::LayoutRight, Host> weights;
  ClosestPoints<Host> closest;
};

// The nearest point on `surface` of each point + offset.
Nearest nearest(const SurfaceWeights<Host>& surface, const RowMatrix3<float>& points, const Vec3f& offset) {
  if (!points.allFinite()) throw Error("CanonicalSkinner", "a point is not finite");
  const Kokkos::DefaultHostExecutionSpace space;
  const auto n = std::size_t(points.rows());
  RowMatrix3<float> absolute = points.rowwise() + offset.transpose();
  Nearest out{Kokkos::View<float**, Kokkos::LayoutRight, Host>("hifa::canonical_skinning::weights", n,
                                                              std::size_t(surface.joint_count())),
              ClosestPoints<Host>::allocate(space, n)};
  surface.query(space, detail::host_rows(absolute), out.weights, out.closest);
  space.fence();
  return out;
}

// Σ_k w_k A_k with point i's weights.
Mat4<float> blended(const std::vector<Mat4<float>>& skinning, const Nearest& near, Eigen::Index i) {
  Mat4<float> blend = Mat4<float>::Zero();
  for (std::size_t k = 0; k < skinning.size(); ++k) blend += near.weights(std::size_t(i), k) * skinning[k];
  return blend;
}

}  // namespace

RowMatrixX<float> CanonicalSkinner::weights(const RowMatrix3<float>& points) const {
  const Nearest near = nearest(impl_->surface, points, rest_root_);
  RowMatrixX<float> out(points.rows(), Eigen::Index(near.weights.extent(1)));
  std::copy_n(near.weights.data(), out.size(), out.data());
  return out;
}

RowMatrixX<float> CanonicalSkinner::diffused_weights(const RowMatrix3<float>& points, const AABBf& box, int resolution) const {
  if (!points.allFinite()) throw Error("CanonicalSkinner", "a canonical point is not finite");
  const Kokkos::DefaultHostExecutionSpace space;
  const WeightGrid<Host> field = diffuse_weights(space, impl_->surface, GridSpec<float>::cube(box, resolution));
  RowMatrix3<float> absolute = points.rowwise() + rest_root_.transpose();
  RowMatrixX<float> out(points.rows(), Eigen::Index(field.joint_count()));
  field.query(space, detail::host_rows(absolute),
              Kokkos::View<float**, Kokkos::LayoutRight, Host, Kokkos::MemoryTraits<Kokkos::Unmanaged>>(
                  out.data(), std::size_t(out.rows()), std::size_t(out.cols())));
  space.fence();
  return out;
}

CanonicalSkinning CanonicalSkinner::skin(const RowMatrix3<float>& points, const Mat4<float>& posed_to_frame) const {
  const Nearest near = nearest(impl_->surface, points, rest_root_);
  const Mat3<float> m = posed_to_frame.topLeftCorner<3, 3>();
  Mat4<float> from_root = Mat4<float>::Identity();
  from_root.topRightCorner<3, 1>() = rest_root_;
  const Eigen::Index n = points.rows();
  CanonicalSkinning out{RowMatrixX<float>(n, 12), RowMatrix3<float>(n, 3)};
  for (Eigen::Index i = 0; i < n; ++i) {
    const Mat4<float> total = posed_to_frame * blended(impl_->skinning, near, i) * from_root;
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 4; ++c) out.blend(i, 4 * r + c) = total(r, c);
    }
    const Vec3f face_normal = impl_->face_normals.row(near.closest.face(std::size_t(i))).transpose();
    out.body_normal.row(i) = (m * face_normal).normalized().transpose();
  }
  return out;
}

RowMatrix3<float> CanonicalSkinner::unpose(const RowMatrix3<float>& points, const Mat4<float>& posed_to_frame) const {
  const Mat4<float> frame_to_posed = posed_to_frame.inverse();
  RowMatrix3<float> posed = (points * frame_to_posed.topLeftCorner<3, 3>().transpose()).rowwise() +
                            frame_to_posed.topRightCorner<3, 1>().transpose();
  const Nearest near = nearest(impl_->posed_surface, posed, Vec3f::Zero());
  RowMatrix3<float> out(points.rows(), 3);
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    const Mat4<float> blend = blended(impl_->skinning, near, i);
    const Vec3f rest = blend.topLeftCorner<3, 3>().inverse() * (posed.row(i).transpose() - blend.topRightCorner<3, 1>());
    if (!rest.allFinite()) throw Error("CanonicalSkinner", "point " + std::to_string(i) + "'s blended transform is singular");
    out.row(i) = (rest - rest_root_).transpose();
  }
  return out;
}

}  // namespace hifa::trainer
