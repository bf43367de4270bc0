#pragma once
// How CAR carries a canonical point into the image (Liao et al. CVPR 2023, section 3.2): forward
// LBS with the skinning weights of the nearest point of the rest body T(β) (the toolkit's
// SurfaceWeights), and which predicted normal map sees the point -- the front map where the posed
// body faces the camera there, the back map elsewhere (the body's facing decides, like ICON's
// visibility feature). No LibTorch: the data loader and `hifa reconstruct` run it on the CPU; the
// model applies the blends in LibTorch (body/canonical_lbs.hpp).
//
//   CanonicalSkinner skinner(body);                      // body: prepare/fitted_body.hpp
//   CanonicalSkinning s = skinner.skin(points, posed_to_frame);
//   RowMatrixX<float> w = skinner.weights(points);       // N x K, the weights behind s.blend
//   frame point i = L_i points.row(i) + t_i, with [L_i | t_i] = s.blend.row(i) as a row-major 3 x 4
//
// Canonical coordinates: body metres relative to the rest root joint J(β)_0 (body.rest_root), so the
//   canonical model sees the body centred whatever the body file's origin.
// skin: for each point x (N x 3), the nearest rest-body point's interpolated weights w and face f;
//   blend = M ∘ (Σ_k w_k A_k) ∘ translate(rest_root), M = posed_to_frame (posed body metres -> the
//   frame: the subject's normalized frame, a view's); body_normal = the unit normal of face f of the
//   posed body, turned into the frame by M's linear part (M is a similarity with positive scale:
//   normals keep their direction). Same values for any thread count.
// Errors: hifa::Error naming "CanonicalSkinner" for a body without faces or weights, or a
//   non-finite point.

#include "prepare/fitted_body.hpp"

#include "hifa/core/types.hpp"

#include <memory>

namespace hifa::trainer {

struct CanonicalSkinning {
  RowMatrixX<float> blend;        // N x 12: [L | t] row-major, canonical (root-relative) -> frame
  RowMatrix3<float> body_normal;  // N x 3: the posed body's unit normal at the nearest point, frame
};

class CanonicalSkinner {
 public:
  explicit CanonicalSkinner(const prepare::FittedBody& body);
  ~CanonicalSkinner();
  CanonicalSkinner(CanonicalSkinner&&) noexcept;

  CanonicalSkinning skin(const RowMatrix3<float>& points, const Mat4<float>& posed_to_frame) const;
  // N x K: the nearest rest-body point's weights (what skin blends).
  RowMatrixX<float> weights(const RowMatrix3<float>& points) const;
  // N x K: the same weights diffused over a grid of `resolution` points per axis on `box` (absolute
  // body metres; the toolkit's diffuse_weights): no seams where the nearest body part changes
  // between the legs or under the arms, so a canonical mesh reposed far from the fit's pose does
  // not tear there.
  RowMatrixX<float> diffused_weights(const RowMatrix3<float>& points, const AABBf& box, int resolution) const;

  // Inverse LBS: frame points (N x 3) back to canonical (root-relative) coordinates with the weights
  // of the nearest point of the posed body -- the only weights a posed point has (ICON and CAR carry
  // posed detail back so); exact for points skin() sent out whose nearest body point is the same.
  RowMatrix3<float> unpose(const RowMatrix3<float>& points, const Mat4<float>& posed_to_frame) const;

  const Vec3f& rest_root() const { return rest_root_; }

 private:
  struct Impl;  // the SurfaceWeights of the rest body (Kokkos), kept out of this header
  std::unique_ptr<Impl> impl_;
  Vec3f rest_root_;
};

}  // namespace hifa::trainer
