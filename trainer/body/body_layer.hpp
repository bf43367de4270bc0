#pragma once
// A differentiable SMPL-layout body in LibTorch (SMPL: Loper et al., "SMPL: A Skinned Multi-Person
// Linear Model", SIGGRAPH Asia 2015, Eq. 1-10): the body that fitting poses against a scan and that
// carries CAR's canonical points to the posed image. The same model as the toolkit's SmplModel +
// pose_body (hifa/body/body_model.hpp), batched and differentiable in every input.
//
//   BodyLayer body(hifa::SmplModel<float>::load("data/body/open_body.npz").data(),
//                  torch::TensorOptions().device(torch::kCUDA));
//   BodyPose p = body.pose(betas, axis_angle_to_matrix(theta), translation);
//   p.vertices   B x V x 3  posed vertices        p.joints    B x K x 3  posed joints
//   p.rest_vertices, p.rest_joints (T(β), J(β))    p.skinning  B x K x 4 x 4  A_k (rest -> posed)
//
// Inputs: betas B x b (b <= shape_count(); the rest are 0), rotations B x K x 3 x 3 relative to
//   the parents (rotations.hpp makes them from axis-angle or 6D), translation B x 3 (SMPL's
//   trans, added in posed space). All on the layer's device and dtype.
// Model (body_model.hpp has the same in the toolkit's terms):
//   T(β) = v_template + shapedirs β                                    (Eq. 8)
//   J(β) = J_regressor T(β)                                            (Eq. 10)
//   B_P  = posedirs vec(R_1 - I, ..., R_{K-1} - I), when the file has posedirs (Eq. 9)
//   G_0 = [R_0 | j_0], G_k = G_parent · [R_k | j_k - j_parent]; A_k = G_k [I | -j_k], + trans (Eq. 3-4)
//   posed = Σ_k w_k A_k (T(β) + B_P)                                   (Eq. 7)
// Errors: hifa::Error "BodyLayer" naming the input whose shape is wrong; the model's own checks
//   (BodyModelData::validate) at construction.

#include "hifa/body/body_model.hpp"

#include <torch/torch.h>

#include <vector>

namespace hifa::trainer {

struct BodyPose {
  torch::Tensor vertices, joints;            // B x V x 3, B x K x 3 (posed)
  torch::Tensor rest_vertices, rest_joints;  // B x V x 3, B x K x 3 (T(β), J(β), no pose correctives)
  torch::Tensor skinning;                    // B x K x 4 x 4 (A_k, translation included)
};

class BodyLayer {
 public:
  explicit BodyLayer(const BodyModelData<float>& model, torch::TensorOptions options = {});

  BodyPose pose(const torch::Tensor& betas, const torch::Tensor& rotations, const torch::Tensor& translation) const;

  int64_t vertex_count() const { return v_template_.size(0); }
  int64_t joint_count() const { return int64_t(parents_.size()); }
  int64_t shape_count() const { return shapedirs_.size(1); }
  const torch::Tensor& faces() const { return faces_; }      // F x 3 int64
  const torch::Tensor& weights() const { return weights_; }  // V x K
  const std::vector<int>& parents() const { return parents_; }

 private:
  torch::Tensor v_template_, shapedirs_, posedirs_, j_regressor_, weights_, faces_;
  std::vector<int> parents_;
};

}  // namespace hifa::trainer
