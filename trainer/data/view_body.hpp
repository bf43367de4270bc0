#pragma once
// A subject's body fit moved into one view's normalized frame: the body estimator's targets
// (models/body_net.hpp). No LibTorch here.
//
//   ViewBody b = body_in_view(*dataset.body_fit(subject), rest_root, dataset.subject_to_view(item), affine, 10);
//   view-frame point = b.scale · posed body(b.rotations, b.betas) + b.translation
//
// The fit says p = posed(θ, β) + trans in body metres (prepare/body_fit_file.hpp), and the subject's
// frame is n = M p with M = posed_to_normalized = [s A | c] (s > 0, A a rotation). A view sees
// R n (R = subject_to_view), then the augmentation's n' = (a x + tx, a y + ty, a z) (augment.hpp).
// SMPL's root turns the body about the rest root joint j0 = J(β)_0: posed(θ) = R0 Q + j0 with Q
// independent of R0, so for any rotation G, G posed(θ) = posed(θ') + G j0 − j0 with the root
// G R0. Hence, with G = R A:
//   rotations   the fit's, joint 0 replaced by G R0
//   scale       a s
//   translation a (s (G (j0 + trans) − j0) + R c) + (tx, ty, 0)
// and the body's other joints, β and pose correctives (which depend on joints 1.. only) stay.
// Errors: hifa::Error naming "body fit" for a fit whose pose is not K x 3 for the joint count.

#include "data/augment.hpp"
#include "data/prepared_dataset.hpp"

#include "hifa/core/types.hpp"

#include <vector>

namespace hifa::trainer {

struct ViewBody {
  std::vector<float> rotations;  // K x 3 x 3, row-major, relative to the parents
  std::vector<float> betas;      // shape_count values: the fit's, padded with 0 (or cut)
  float scale = 1;
  Vec3f translation = Vec3f::Zero();
};

ViewBody body_in_view(const SubjectBodyFit& fit, const Vec3f& rest_root, const Mat3<float>& subject_to_view,
                      const ViewAffine& affine, int shape_count);

}  // namespace hifa::trainer
