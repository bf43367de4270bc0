#pragma once
// Rotation parametrizations of the differentiable body (body_layer.hpp), batched over any leading
// dimensions, differentiable, on the tensors' device and dtype:
//
//   axis_angle_to_matrix(w)    ... x 3     -> ... x 3 x 3   Rodrigues' formula (SMPL's theta)
//   rotation_6d_to_matrix(r)   ... x 6     -> ... x 3 x 3   the continuous 6D representation
//   matrix_to_rotation_6d(R)   ... x 3 x 3 -> ... x 6       its inverse: R's first two columns
//   angle_between(A, B)        3 x 3, 3 x 3 -> degrees        the angle of the rotation from A to B
//
// Rodrigues: R = I + a [w]x + b [w]x^2 with a = sin t / t, b = (1 - cos t) / t^2, t = |w|; below
// t^2 = 1e-8 the Taylor series a = 1 - t^2/6, b = 1/2 - t^2/24 (as hifa/skinning/skeleton.hpp's
// rodrigues), so the value and the gradient stay finite at the rest pose.
// 6D (Zhou et al., "On the Continuity of Rotation Representations in Neural Networks", CVPR
// 2019, section 4): r = (a1, a2), two 3-vectors; b1 = a1 / |a1|, b2 = the unit part of a2
// orthogonal to b1 (Gram-Schmidt), b3 = b1 x b2; R = [b1 b2 b3] as columns. Unlike axis-angle it
// has no discontinuity, which is why fitting and networks regress it.

#include <torch/torch.h>

namespace hifa::trainer {

torch::Tensor axis_angle_to_matrix(const torch::Tensor& axis_angle);
torch::Tensor rotation_6d_to_matrix(const torch::Tensor& r6);
torch::Tensor matrix_to_rotation_6d(const torch::Tensor& rotation);
// acos((trace(Aᵀ B) − 1) / 2) in degrees: how far a body's orientation is from another's.
double angle_between(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace hifa::trainer
