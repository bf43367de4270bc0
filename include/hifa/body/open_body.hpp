#pragma once
// hifa's OpenBody: a licence-free, SMPL-layout body model built from one body mesh (the MakeHuman
// default body, CC0) by the documented steps below; docs/open_body.md describes the result.
//
//   auto mesh = hifa::load_scene_mesh<float>("data/body/human.zae");        // hifa/io/assimp.hpp
//   hifa::OpenBody body = hifa::make_open_body(space, mesh, hifa::OpenBodyRest::t_pose);
//   hifa::write_body_npz("open_body.npz", body.model);    // SmplModel::load reads it back
//
// Inputs:  mesh  TriMesh<float> as loaded: any attributes (only positions and faces are used),
//                vertices split along texture seams (welded here), small holes (filled here); an
//                upright A-pose body, y up, facing +z, its left at +x (hifa/body/landmarks.hpp)
//          rest  a_pose: the mesh's own pose is the rest pose; t_pose: the arms are first raised to
//                horizontal (each shoulder turned so shoulder -> wrist points along ±x) with the
//                body's own LBS, and that posed mesh, joints and bone ends become the rest pose
//          heat  options of the bone heat weights
// Steps:   1. vertices at exactly equal positions welded (hifa/mesh/weld.hpp), boundary loops filled
//             (hifa/mesh/fill_holes.hpp); the result must be closed, edge-manifold and enclose a
//             positive volume (outward), else hifa::Error
//          2. the 24 SMPL joints from landmarks (hifa/body/landmarks.hpp)
//          3. skinning weights by bone heat diffusion (hifa/skinning/bone_heat.hpp), at most 4 joints
//             per vertex
//          4. (t_pose) the arms raised as above and the rest re-baked
//          5. shape blend shapes (hifa/body/open_body_shapes.hpp, 10 parameters) and the ring joint
//             regressor (hifa/body/joint_regressor.hpp) on the rest mesh; no pose correctives
//             (posedirs 3#V x 0: LBS only)
// Outputs: OpenBody{model (BodyModelData<float>, validated, SMPL's tree and joint names), landmarks
//          (the rest joints and bone ends), holes_filled}. Deterministic: the same bytes on every
//          thread count.
// Errors:  hifa::Error naming "make_open_body" (not closed after filling, inside out) and the errors
//          of the steps (landmarks not found, ...).
// Cost:    about 5 s for the 15k-vertex MakeHuman body on 2 cores, most of it in bone heat's rays.

#include "hifa/body/body_model.hpp"
#include "hifa/body/joint_regressor.hpp"
#include "hifa/body/landmarks.hpp"
#include "hifa/body/open_body_shapes.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/fill_holes.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/weld.hpp"
#include "hifa/skinning/bone_heat.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <Eigen/Geometry>

#include <string>
#include <vector>

namespace hifa {

enum class OpenBodyRest { a_pose, t_pose };

struct OpenBody {
  BodyModelData<float> model;
  BodyLandmarks landmarks;
  int holes_filled = 0;
};

namespace detail {

inline BodyModelData<float> open_body_data(const TriMesh<float>& rest, const BodyLandmarks& marks,
                                           const RowMatrixX<float>& weights) {
  BodyModelData<float> data;
  data.v_template = rest.vertices;
  data.faces = rest.faces;
  data.weights = weights;
  data.shapedirs = open_body_shapedirs(rest.vertices, marks, weights);
  data.posedirs = RowMatrixX<float>(3 * rest.vertex_count(), 0);
  data.J_regressor = ring_joint_regressor(rest, marks);
  data.parents.assign(smpl_parents.begin(), smpl_parents.end());
  for (const auto name : smpl_joint_names) data.joint_names.emplace_back(name);
  data.validate("make_open_body");
  return data;
}

}  // namespace detail

template <class ExecSpace>
OpenBody make_open_body(const ExecSpace& space, const TriMesh<float>& mesh, OpenBodyRest rest = OpenBodyRest::a_pose,
                        const BoneHeatOptions& heat = {}) {
  TriMesh<float> shape;
  shape.vertices = mesh.vertices;
  shape.faces = mesh.faces;
  const FilledHoles<float> filled = fill_holes(weld_vertices(shape).mesh);
  const TriMesh<float>& body = filled.mesh;
  if (!is_closed(body) || !is_edge_manifold(body)) {
    throw Error("make_open_body", "the body is not closed and edge-manifold after filling " +
                                      std::to_string(filled.holes) + " holes (" +
                                      std::to_string(boundary_edge_count(body)) + " boundary edges left)");
  }
  if (!(signed_volume(body) > 0.0f)) throw Error("make_open_body", "the body encloses a negative volume: it is inside out");

  OpenBody out;
  out.holes_filled = filled.holes;
  out.landmarks = smpl_landmarks(body);
  const auto bones = smpl_bone_segments(out.landmarks);
  const RowMatrixX<float> weights = bone_heat_weights(space, body, bones, smpl_joint_count, heat);
  out.model = detail::open_body_data(body, out.landmarks, weights);
  if (rest == OpenBodyRest::a_pose) return out;

  // T-pose: turn each shoulder so that shoulder -> wrist lies along the body's x axis.
  const RowMatrix3<float>& j = out.landmarks.joints;
  std::vector<Mat3<float>> rotations(smpl_joint_count, Mat3<float>::Identity());
  for (int side = 0; side < 2; ++side) {
    const Vec3f arm = (j.row(20 + side) - j.row(16 + side)).transpose();
    rotations[std::size_t(16 + side)] =
        Eigen::Quaternionf::FromTwoVectors(arm, Vec3f(side == 0 ? 1.0f : -1.0f, 0, 0)).toRotationMatrix();
  }
  const SmplModel<float> a_model(out.model, "make_open_body");
  const PosedBody<float> posed = pose_body(space, a_model, std::span<const float>(), std::span<const Mat3<float>>(rotations));
  BodyLandmarks t = out.landmarks;
  t.joints = posed.joints;
  const auto moved = [&posed](int k, const Vec3f& p) -> Vec3f {
    return (posed.transforms.skinning[std::size_t(k)] * p.homogeneous()).template head<3>();
  };
  t.fingertip[0] = moved(22, t.fingertip[0]);
  t.fingertip[1] = moved(23, t.fingertip[1]);
  TriMesh<float> t_body;
  t_body.vertices = posed.mesh.vertices;
  t_body.faces = body.faces;
  out.landmarks = t;
  out.model = detail::open_body_data(t_body, t, weights);
  return out;
}

}  // namespace hifa
