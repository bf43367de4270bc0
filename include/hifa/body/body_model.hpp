#pragma once
// Parametric bodies: what a body model is (the BodyModel concept), the plain arrays of a linear
// one (BodyModelData, SMPL's layout), and posing any model for shape β, pose θ and a translation.
//
//   static_assert(hifa::BodyModel<hifa::SmplModel<float>>);
//   auto posed = hifa::pose_body_axis_angle(space, model, betas, theta, translation);
//   posed.mesh        // TriMesh<float>: posed vertices, the model's faces
//   posed.joints      // K x 3 posed joint positions
//   auto skeleton = hifa::rest_skeleton(model, betas);   // the shaped rest skeleton (for FK, rigs)
//
// The model (SMPL: Loper et al., "SMPL: A Skinned Multi-Person Linear Model", SIGGRAPH Asia 2015):
//   T(β)  = rest_vertices(β)          #V x 3, the rest (canonical) mesh for shape β: the template
//                                     plus the shape blend shapes B_S(β) (SMPL Eq. 8)
//   J(β)  = rest_joints(T(β))         K x 3, the joints regressed from the shaped rest mesh (Eq. 10)
//   B_P(θ) = pose_offsets(R(θ))       #V x 3, optional pose blend shapes (pose correctives, Eq. 9),
//                                     added to T(β) before skinning
//   posed = LBS(T(β) + B_P(θ); J(β), θ, W) + translation   (Eq. 1-4, 7)
// with the skinning weights W (#V x K), the faces (#F x 3) and the kinematic tree (parents) fixed.
// Forward kinematics is hifa/skinning/skeleton.hpp's and skinning is its LbsWarper
// (hifa/skinning/lbs.hpp), so a posed body agrees with everything else skinned in hifa.
//
// The BodyModel concept: a type M with
//   M::scalar                                        float or double
//   int vertex_count(), joint_count(), shape_count() #V, K, the number of shape parameters B
//   faces()            -> const FaceMatrix&          #F x 3, counter-clockwise seen from outside
//   parents()          -> std::span<const int>       K, parents[0] = -1, parents[k] < k
//   joint_names()      -> std::span<const std::string>  K
//   skinning_weights() -> const RowMatrixX<scalar>&  #V x K, rows non-negative summing to 1
//   rest_vertices(std::span<const scalar> betas) -> RowMatrix3<scalar>   T(β); betas may be
//                                     shorter than shape_count() (the rest are 0), never longer
//   rest_joints(const RowMatrix3<scalar>& rest) -> RowMatrix3<scalar>     J(β)
// and, for PoseCorrectedBodyModel, also
//   pose_offsets(std::span<const Mat3<scalar>> rotations) -> RowMatrix3<scalar>  B_P(θ) for the K
//                                     joint rotations relative to their parents
// Each part is a named concept (BodyModelSizes, BodyModelTopology, ...), so a compiler reporting
// an unsatisfied BodyModel names the part and the expression that is missing; pose_body and
// rest_skeleton also static_assert each part with a message saying what to add.
//
// BodyModelData: the arrays of a linear body model in SMPL's file layout (see
// hifa/body/smpl_model.hpp for the .npz file and SmplModel, the model over these arrays).
// Errors: hifa::Error naming the `where` given to BodyModelData::validate and the array (shape,
//   non-finite value, bad parent or face index), "pose_body" (K rotations expected, too many betas).

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hifa {

template <class T>
using RowMatrixX = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class M>
concept BodyModelScalar = requires { typename M::scalar; } && std::floating_point<typename M::scalar>;

template <class M>
concept BodyModelSizes = requires(const M& m) {
  { m.vertex_count() } -> std::convertible_to<int>;
  { m.joint_count() } -> std::convertible_to<int>;
  { m.shape_count() } -> std::convertible_to<int>;
};

template <class M>
concept BodyModelTopology = requires(const M& m) {
  { m.faces() } -> std::convertible_to<const FaceMatrix&>;
  { m.parents() } -> std::convertible_to<std::span<const int>>;
  { m.joint_names() } -> std::convertible_to<std::span<const std::string>>;
};

template <class M>
concept BodyModelSkinningWeights = BodyModelScalar<M> && requires(const M& m) {
  { m.skinning_weights() } -> std::convertible_to<const RowMatrixX<typename M::scalar>&>;
};

template <class M>
concept BodyModelShape = BodyModelScalar<M> && requires(const M& m, std::span<const typename M::scalar> betas,
                                                        const RowMatrix3<typename M::scalar>& rest) {
  { m.rest_vertices(betas) } -> std::convertible_to<RowMatrix3<typename M::scalar>>;
  { m.rest_joints(rest) } -> std::convertible_to<RowMatrix3<typename M::scalar>>;
};

template <class M>
concept BodyModel = BodyModelScalar<M> && BodyModelSizes<M> && BodyModelTopology<M> &&
                    BodyModelSkinningWeights<M> && BodyModelShape<M>;

template <class M>
concept PoseCorrectedBodyModel =
    BodyModel<M> && requires(const M& m, std::span<const Mat3<typename M::scalar>> rotations) {
      { m.pose_offsets(rotations) } -> std::convertible_to<RowMatrix3<typename M::scalar>>;
    };

namespace detail {

// The parts of BodyModel one by one, each with the fix in its message.
template <class M>
constexpr bool check_body_model() {
  static_assert(BodyModelScalar<M>, "hifa::BodyModel: the model needs `using scalar = float;` (or double)");
  static_assert(BodyModelSizes<M>,
                "hifa::BodyModel: the model needs int vertex_count(), joint_count() and shape_count() const");
  static_assert(BodyModelTopology<M>,
                "hifa::BodyModel: the model needs faces() -> const FaceMatrix&, parents() -> "
                "std::span<const int> and joint_names() -> std::span<const std::string> (const)");
  static_assert(BodyModelSkinningWeights<M>,
                "hifa::BodyModel: the model needs skinning_weights() -> const RowMatrixX<scalar>& (#V x K) const");
  static_assert(BodyModelShape<M>,
                "hifa::BodyModel: the model needs rest_vertices(std::span<const scalar> betas) and "
                "rest_joints(const RowMatrix3<scalar>& rest), both -> RowMatrix3<scalar> const");
  return true;
}

}  // namespace detail

// The arrays of a linear body model, named and laid out as in an SMPL model file:
//   v_template   #V x 3     rest vertices of the mean shape
//   shapedirs    3#V x B    shape blend shapes, row 3v + c (the file's (#V, 3, B) in C order)
//   posedirs     3#V x 9(K-1), or 3#V x 0 for a model without pose correctives: row 3v + c,
//                column 9(k-1) + 3r + s multiplies (R_k - I)(r, s) of joint k = 1..K-1 (Eq. 9)
//   J_regressor  K x #V     joint k = Σ_v J_regressor(k, v) · vertex v (dense)
//   weights      #V x K     skinning weights
//   parents      K          the kinematic tree (the file's kintree_table row 0; root -1)
//   faces        #F x 3     triangles (the file's f)
//   joint_names  K          one name per joint
template <class T = float>
struct BodyModelData {
  using scalar = T;

  RowMatrix3<T> v_template;
  RowMatrixX<T> shapedirs;
  RowMatrixX<T> posedirs;
  RowMatrixX<T> J_regressor;
  RowMatrixX<T> weights;
  std::vector<int> parents;
  FaceMatrix faces;
  std::vector<std::string> joint_names;

  int vertex_count() const { return int(v_template.rows()); }
  int joint_count() const { return int(parents.size()); }
  int shape_count() const { return int(shapedirs.cols()); }

  // Throws hifa::Error "<where>: <array> ..." when an array has the wrong shape, a non-finite
  // value, a parent that does not come before its joint, or a face index out of range.
  void validate(std::string_view where) const {
    const Eigen::Index v = v_template.rows();
    const Eigen::Index k = Eigen::Index(parents.size());
    auto fail = [&](std::string_view array, const std::string& problem) {
      throw Error(std::string(where) + ": " + std::string(array), problem);
    };
    auto dims = [](Eigen::Index r, Eigen::Index c) { return std::to_string(r) + " x " + std::to_string(c); };
    if (v == 0) fail("v_template", "no vertices");
    if (k == 0) fail("parents", "no joints");
    if (shapedirs.rows() != 3 * v) {
      fail("shapedirs", "is " + dims(shapedirs.rows(), shapedirs.cols()) + ", expected 3*" + std::to_string(v) +
                            " x B (#V x 3 x B)");
    }
    if (posedirs.rows() != 3 * v || (posedirs.cols() != 0 && posedirs.cols() != 9 * (k - 1))) {
      fail("posedirs", "is " + dims(posedirs.rows(), posedirs.cols()) + ", expected " + dims(3 * v, 9 * (k - 1)) +
                           " (#V x 3 x 9(K-1)) or " + dims(3 * v, 0));
    }
    if (J_regressor.rows() != k || J_regressor.cols() != v) {
      fail("J_regressor", "is " + dims(J_regressor.rows(), J_regressor.cols()) + ", expected " + dims(k, v));
    }
    if (weights.rows() != v || weights.cols() != k) {
      fail("weights", "is " + dims(weights.rows(), weights.cols()) + ", expected " + dims(v, k));
    }
    if (Eigen::Index(joint_names.size()) != k) {
      fail("joint_names", std::to_string(joint_names.size()) + " names for " + std::to_string(k) + " joints");
    }
    if (parents[0] != -1) fail("parents", "joint 0 (the root) has parent " + std::to_string(parents[0]) + ", expected -1");
    for (Eigen::Index j = 1; j < k; ++j) {
      if (parents[std::size_t(j)] < 0 || parents[std::size_t(j)] >= j) {
        fail("parents", "joint " + std::to_string(j) + " has parent " + std::to_string(parents[std::size_t(j)]) +
                            "; parents must come first (0 <= parent < joint)");
      }
    }
    if (faces.rows() == 0) fail("faces", "no faces");
    for (Eigen::Index f = 0; f < faces.rows(); ++f) {
      for (int c = 0; c < 3; ++c) {
        if (faces(f, c) < 0 || faces(f, c) >= v) {
          fail("faces", "face " + std::to_string(f) + " uses vertex " + std::to_string(faces(f, c)) + " of " +
                            std::to_string(v));
        }
      }
    }
    auto finite = [&](std::string_view array, const auto& m) {
      for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (Eigen::Index c = 0; c < m.cols(); ++c)
          if (!std::isfinite(m(r, c))) {
            fail(array, "value at row " + std::to_string(r) + ", column " + std::to_string(c) + " is not finite");
          }
    };
    finite("v_template", v_template);
    finite("shapedirs", shapedirs);
    finite("posedirs", posedirs);
    finite("J_regressor", J_regressor);
    finite("weights", weights);
    for (Eigen::Index r = 0; r < v; ++r)
      for (Eigen::Index c = 0; c < k; ++c)
        if (weights(r, c) < T(0)) {
          fail("weights", "weight of vertex " + std::to_string(r) + " on joint " + std::to_string(c) + " is negative");
        }
  }
};

// A posed body: the mesh (the model's faces), the posed joints and the joint transforms (G_k, A_k).
template <class T>
struct PosedBody {
  TriMesh<float> mesh;
  RowMatrix3<T> joints;
  JointTransforms<T> transforms;
};

namespace detail {

// The model's tree and names at the joints regressed from `rest` (J(β) for rest = T(β)).
template <class M>
Skeleton<typename M::scalar> body_skeleton(const M& model, const RowMatrix3<typename M::scalar>& rest) {
  Skeleton<typename M::scalar> s;
  const std::span<const int> parents = model.parents();
  const std::span<const std::string> names = model.joint_names();
  s.parents.assign(parents.begin(), parents.end());
  s.names.assign(names.begin(), names.end());
  s.rest_joints = model.rest_joints(rest);
  s.validate();
  return s;
}

}  // namespace detail

// The skeleton of `model` for shape `betas`: its parents and names at the joints J(β).
template <class M>
Skeleton<typename M::scalar> rest_skeleton(const M& model, std::span<const typename M::scalar> betas) {
  static_assert(detail::check_body_model<M>());
  return detail::body_skeleton(model, model.rest_vertices(betas));
}

// Poses `model` (SMPL Eq. 1-10): shape betas (at most shape_count() values), K joint rotations
// relative to their parents (rotations[0]: the root's orientation) and a root translation. Pose
// correctives are added when the model models PoseCorrectedBodyModel. The vertices are skinned by
// LbsWarper on `space` (the weights uploaded to its memory space); fences `space`.
template <class ExecSpace, class M>
PosedBody<typename M::scalar> pose_body(const ExecSpace& space, const M& model,
                                        std::span<const typename M::scalar> betas,
                                        std::span<const Mat3<typename M::scalar>> rotations,
                                        const Vec3<typename M::scalar>& translation = Vec3<typename M::scalar>::Zero()) {
  static_assert(detail::check_body_model<M>());
  using T = typename M::scalar;
  using Memory = typename ExecSpace::memory_space;
  if (int(betas.size()) > model.shape_count()) {
    throw Error("pose_body", std::to_string(betas.size()) + " betas for a model with " +
                                 std::to_string(model.shape_count()) + " shape parameters");
  }
  const int k = model.joint_count();
  if (int(rotations.size()) != k) {
    throw Error("pose_body", std::to_string(rotations.size()) + " rotations for " + std::to_string(k) + " joints");
  }
  RowMatrix3<T> rest = model.rest_vertices(betas);
  const Skeleton<T> skeleton = detail::body_skeleton(model, rest);
  PosedBody<T> out;
  out.transforms = forward_kinematics(skeleton, rotations, translation);
  if constexpr (PoseCorrectedBodyModel<M>) rest += model.pose_offsets(rotations);

  const RowMatrixX<T>& w = model.skinning_weights();
  const std::size_t v = std::size_t(rest.rows());
  if (std::size_t(w.rows()) != v || int(w.cols()) != k) {
    throw Error("pose_body", "skinning weights are " + std::to_string(w.rows()) + " x " + std::to_string(w.cols()) +
                                 ", expected " + std::to_string(v) + " x " + std::to_string(k));
  }
  SkinningWeights<Kokkos::HostSpace> host_w("hifa::body::weights_host", v, std::size_t(k));
  for (std::size_t i = 0; i < v; ++i)
    for (int j = 0; j < k; ++j) host_w(i, std::size_t(j)) = float(w(Eigen::Index(i), j));
  SkinningWeights<Memory> weights(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::body::weights"), v,
                                  std::size_t(k));
  Kokkos::deep_copy(space, weights, host_w);
  const LbsWarper<Memory> warper{upload_transforms<Memory>(space, out.transforms.skinning), weights};

  TriMesh<float> canonical;
  canonical.vertices = rest.template cast<float>();
  canonical.faces = model.faces();
  out.mesh = warp_mesh(space, warper, canonical);  // fences `space`, so host_w outlived the copy
  out.joints.resize(k, 3);
  for (int j = 0; j < k; ++j) out.joints.row(j) = out.transforms.joint(std::size_t(j)).transpose();
  return out;
}

// pose_body from K x 3 axis-angle values (SMPL's θ).
template <class ExecSpace, class M>
PosedBody<typename M::scalar> pose_body_axis_angle(const ExecSpace& space, const M& model,
                                                   std::span<const typename M::scalar> betas,
                                                   std::span<const typename M::scalar> axis_angle,
                                                   const Vec3<typename M::scalar>& translation =
                                                       Vec3<typename M::scalar>::Zero()) {
  const auto rotations = rotations_from_axis_angle(axis_angle);
  return pose_body(space, model, betas, std::span<const Mat3<typename M::scalar>>(rotations), translation);
}

}  // namespace hifa
