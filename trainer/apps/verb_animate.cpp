// hifa animate --body open|BODY.npz [--mesh CANONICAL.obj [--weights W.npy]] --motion FILE.bvh --out DIR [--every K]
//
// Reposes a body, or a canonical avatar bound to it, with BVH motion capture:
//   1. the BVH (hifa/motion/bvh.hpp) is retargeted onto the body's 24 SMPL joints
//      (hifa/motion/retarget.hpp: name map, rest-pose alignment, root translation scaled by leg
//      length), keeping BVH frames 0, K, 2K, ...;
//   2. each kept pose is written as DIR/frame_0000.obj, frame_0001.obj, ...:
//        without --mesh, the body itself posed by the model (pose_body: LBS plus the model's pose
//        correctives, if it has any);
//        with --mesh, that mesh (the canonical avatar, in the body's rest pose and units) posed by
//        LBS with the body's joints and its own weights: W.npy, a (#V, 24) float array of the mesh's
//        skinning weights (rows non-negative; they are normalized), or, without --weights, the
//        weights of the nearest point of the body's rest surface (SurfaceWeights: the barycentric
//        blend of the closest body triangle's vertex weights, as CAR and ICON bind clothing);
//   3. DIR/animation.glb: the same mesh skinned to the 24 joints with the whole motion as one
//      animation (hifa/io/gltf.hpp), for Blender and three.js. The GLB is pure LBS: a body's pose
//      correctives are in the OBJ frames only.
// --body open: hifa's built-in OpenBody, read from $HIFA_DATA/body/open_body.npz (default ./data);
// until that file exists the command says "OpenBody not built yet".
// Every file is written atomically; errors (a malformed BVH with its line, a body without SMPL's
// joints, weights of the wrong shape) are one line and exit code 1.

#include "avatar_glb.hpp"
#include "avatar_motion.hpp"
#include "verbs.hpp"

#include "prepare/body_model_path.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/io/gltf.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/motion/bvh.hpp"
#include "hifa/motion/retarget.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "hifa/skinning/weights.hpp"

#include <Kokkos_Core.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace hifa::app {
namespace {

struct AnimateOptions {
  std::string body;
  std::filesystem::path mesh, weights, motion, out;
  int every = 1;
};

using Space = AvatarSpace;
using Memory = AvatarMemory;

// The mesh's skinning weights: from W.npy (#V x 24), or the nearest body surface point's.
WeightMatrix mesh_weights(const Space& space, const AnimateOptions& options, const TriMesh<float>& mesh,
                          const TriMesh<float>& body, const WeightMatrix& body_weights) {
  const std::size_t n = std::size_t(mesh.vertex_count());
  const std::size_t k = std::size_t(body_weights.cols());
  if (!options.weights.empty()) return read_avatar_weights(options.weights, n, k);
  const SurfaceWeights<Memory> surface(space, body, body_weights);
  Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> points(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::animate::points"), n);
  const Kokkos::View<const float* [3], Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_points(mesh.vertices.data(), n);
  Kokkos::deep_copy(space, points, host_points);
  SkinningWeights<Memory> weights(Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "hifa::animate::weights"), n, k);
  surface.query(space, points, weights);
  WeightMatrix out(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k));
  const Kokkos::View<float**, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>> host_out(out.data(), n, k);
  Kokkos::deep_copy(space, host_out, weights);
  space.fence();
  return out;
}

void run_animate(const AnimateOptions& options) {
  const Space space;
  const BvhMotion motion = load_bvh(options.motion);  // first: a bad file fails before the body is read
  const auto model = SmplModel<float>::load(prepare::body_model_path(options.body));
  const AvatarMotion avatar_motion(model, motion, options.every);
  const PoseLibrary& library = avatar_motion.library;

  TriMesh<float> body;
  body.vertices = model.rest_vertices(std::span<const float>());
  body.faces = model.faces();
  const WeightMatrix& body_weights = model.skinning_weights();
  const bool own_mesh = !options.mesh.empty();
  const TriMesh<float> canonical = own_mesh ? load_mesh(options.mesh) : body;
  const WeightMatrix weights = own_mesh ? mesh_weights(space, options, canonical, body, body_weights) : body_weights;

  std::filesystem::create_directories(options.out);
  const SkinningWeights<Memory> weight_view = own_mesh ? upload_weights(space, weights) : SkinningWeights<Memory>();
  for (std::size_t i = 0; i < library.poses.size(); ++i) {
    const BodyPose& pose = library.poses[i];
    TriMesh<float> posed;
    if (own_mesh) {
      posed = avatar_motion.pose(space, i, canonical, weight_view);
    } else {
      std::vector<Mat3<float>> rotations_f;
      for (const auto& r : rotations_from_axis_angle(pose.axis_angle_span())) rotations_f.push_back(r.cast<float>());
      posed = pose_body(space, model, std::span<const float>(), std::span<const Mat3<float>>(rotations_f),
                        Vec3<float>(pose.translation.cast<float>())).mesh;
    }
    char name[32];
    std::snprintf(name, sizeof name, "frame_%04zu.obj", i);
    save_mesh(options.out / name, posed);
  }
  write_avatar_glb(options.out / "animation.glb", avatar_motion, canonical, weights);

  std::string unmapped;
  for (int k = 0; k < smpl_joint_count; ++k) {
    if (library.sources[std::size_t(k)].empty()) unmapped += (unmapped.empty() ? "" : " ") + std::string(smpl_joint_names[std::size_t(k)]);
  }
  std::printf("%s: %zu of %d frames (every %d, %.4f s apart) retargeted onto %s (scale %.4g, unmapped joints: %s)\n",
              options.motion.string().c_str(), library.poses.size(), motion.frame_count, options.every, library.frame_time,
              options.body.c_str(), library.scale, unmapped.empty() ? "none" : unmapped.c_str());
  std::printf("%s: frame_0000.obj .. frame_%04zu.obj and animation.glb, %td vertices, %td faces\n", options.out.string().c_str(),
              library.poses.size() - 1, canonical.vertex_count(), canonical.face_count());
}

}  // namespace

void add_animate(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<AnimateOptions>();
  auto* verb = app.add_subcommand("animate", "Repose a body or a canonical avatar with BVH motion: posed OBJ frames and a skinned, animated GLB");
  verb->add_option("--body", options->body, prepare::body_option_help)->required();
  verb->add_option("--mesh", options->mesh, "Canonical mesh to pose (OBJ/PLY, in the body's rest pose); default: the body itself")
      ->check(CLI::ExistingFile);
  verb->add_option("--weights", options->weights, "Skinning weights of --mesh, .npy (#V, 24); default: the nearest body surface point's")
      ->check(CLI::ExistingFile)
      ->needs(verb->get_option("--mesh"));
  verb->add_option("--motion", options->motion, "BVH motion capture file (CMU-style joint names)")->required();
  verb->add_option("--out", options->out, "Output folder: frame_XXXX.obj and animation.glb")->required();
  verb->add_option("--every", options->every, "Keep every K-th BVH frame")->check(CLI::PositiveNumber);
  verb->callback([&action, options] { action = [options] { run_animate(*options); }; });
}

}  // namespace hifa::app
