#include "body/body_layer.hpp"

#include "hifa/core/error.hpp"

#include <string>

namespace hifa::trainer {
namespace {

// A row-major Eigen matrix as a tensor with `options` (a copy).
template <class M>
torch::Tensor tensor_of(const M& m, const torch::TensorOptions& options) {
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = m.template cast<float>();
  return torch::from_blob(const_cast<float*>(row_major.data()), {row_major.rows(), row_major.cols()}, torch::kFloat32)
      .to(options, /*non_blocking=*/false, /*copy=*/true);
}

std::string shape_text(const torch::Tensor& t) {
  std::string s;
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? " x " : "") + std::to_string(t.size(d));
  return t.dim() ? s : "a scalar";
}

}  // namespace

BodyLayer::BodyLayer(const BodyModelData<float>& model, torch::TensorOptions options)
    : parents_(model.parents) {
  model.validate("BodyLayer");
  v_template_ = tensor_of(model.v_template, options);
  shapedirs_ = tensor_of(model.shapedirs, options);
  if (model.posedirs.cols() > 0) posedirs_ = tensor_of(model.posedirs, options);
  j_regressor_ = tensor_of(model.J_regressor, options);
  weights_ = tensor_of(model.weights, options);
  const Eigen::Matrix<int64_t, Eigen::Dynamic, 3, Eigen::RowMajor> faces = model.faces.cast<int64_t>();
  faces_ = torch::from_blob(const_cast<int64_t*>(faces.data()), {faces.rows(), 3}, torch::kInt64)
               .to(options.device(), torch::kInt64, /*non_blocking=*/false, /*copy=*/true);
}

BodyPose BodyLayer::pose(const torch::Tensor& betas, const torch::Tensor& rotations,
                         const torch::Tensor& translation) const {
  const int64_t k = joint_count(), v = vertex_count();
  if (betas.dim() != 2 || betas.size(1) > shape_count()) {
    throw Error("BodyLayer", "betas are " + shape_text(betas) + ", expected B x b with b <= " + std::to_string(shape_count()));
  }
  const int64_t batch = betas.size(0);
  if (rotations.dim() != 4 || rotations.size(0) != batch || rotations.size(1) != k || rotations.size(2) != 3 ||
      rotations.size(3) != 3) {
    throw Error("BodyLayer", "rotations are " + shape_text(rotations) + ", expected " + std::to_string(batch) + " x " +
                                 std::to_string(k) + " x 3 x 3");
  }
  if (translation.dim() != 2 || translation.size(0) != batch || translation.size(1) != 3) {
    throw Error("BodyLayer", "translation is " + shape_text(translation) + ", expected " + std::to_string(batch) + " x 3");
  }

  BodyPose out;
  // T(β): shapedirs' rows are 3v + c, so (3V x b) β^T is B x V x 3 once transposed and unflattened.
  const torch::Tensor shape_offsets =
      torch::matmul(shapedirs_.narrow(1, 0, betas.size(1)), betas.t()).t().reshape({batch, v, 3});
  out.rest_vertices = v_template_.unsqueeze(0) + shape_offsets;
  out.rest_joints = torch::einsum("kv,bvc->bkc", {j_regressor_, out.rest_vertices});

  torch::Tensor shaped = out.rest_vertices;
  if (posedirs_.defined()) {
    // R_k - I of joints 1..K-1, each 3 x 3 block row-major: posedirs' column 9(k-1) + 3r + s.
    const torch::Tensor eye = torch::eye(3, rotations.options());
    const torch::Tensor feature = (rotations.narrow(1, 1, k - 1) - eye).reshape({batch, 9 * (k - 1)});
    shaped = shaped + torch::matmul(feature, posedirs_.t()).reshape({batch, v, 3});
  }

  // Forward kinematics along the tree, parents first: G_k's rotation and translation.
  std::vector<torch::Tensor> g_rot(static_cast<std::size_t>(k)), g_pos(static_cast<std::size_t>(k));
  for (int64_t j = 0; j < k; ++j) {
    const int p = parents_[std::size_t(j)];
    const torch::Tensor r = rotations.select(1, j), joint = out.rest_joints.select(1, j);
    if (p < 0) {
      g_rot[std::size_t(j)] = r;
      g_pos[std::size_t(j)] = joint;
    } else {
      const torch::Tensor offset = joint - out.rest_joints.select(1, p);
      g_rot[std::size_t(j)] = torch::matmul(g_rot[std::size_t(p)], r);
      g_pos[std::size_t(j)] = torch::matmul(g_rot[std::size_t(p)], offset.unsqueeze(-1)).squeeze(-1) + g_pos[std::size_t(p)];
    }
  }
  const torch::Tensor rot = torch::stack(g_rot, 1), pos = torch::stack(g_pos, 1);  // B x K x 3 x 3, B x K x 3
  out.joints = pos + translation.unsqueeze(1);
  // A_k = [G_rot | G_pos - G_rot j_k] + trans.
  const torch::Tensor a_pos = out.joints - torch::matmul(rot, out.rest_joints.unsqueeze(-1)).squeeze(-1);
  const torch::Tensor bottom = torch::zeros({batch, k, 1, 4}, rotations.options());
  bottom.select(-1, 3).fill_(1);
  out.skinning = torch::cat({torch::cat({rot, a_pos.unsqueeze(-1)}, -1), bottom}, -2);

  // LBS: each vertex's blended 3 x 4 transform applied to its shaped rest position.
  const torch::Tensor blended = torch::einsum("vk,bkij->bvij", {weights_, out.skinning.narrow(2, 0, 3)});
  out.vertices = torch::matmul(blended.narrow(3, 0, 3), shaped.unsqueeze(-1)).squeeze(-1) + blended.select(3, 3);
  return out;
}

}  // namespace hifa::trainer
