#pragma once
// Registers an SMPL-layout body (body_layer.hpp) to a clothed scan without landmarks: the body's
// β, θ, translation and scale such that it lies inside the clothing and under it.
//
//   ScanFit fit = fit_body_to_scan(scan, 0.01 /* metres per scan unit */, model, {});
//   fit.pose (24 x 3 axis-angle), fit.betas, fit.translation, fit.scale: the scan's frame
//     scan point = fit.scale · LBS(T(β) + B_P(θ), θ, fit.translation)   (BodyLayer with these)
//
// Method (scan_fit.cpp has the details and the reason for each term):
//   1. Frame. The up axis is the bounding box's longest side (a lying figure is fitted along its
//      length); +y for y-up files, both signs tried otherwise. The scan is taken to metres and
//      centred; its signed distance is sampled once on a grid (toolkit MeshSdf: winding-number
//      sign on open or multi-part meshes), and `samples` points are drawn on its surface.
//   2. Multi-start: the rest body (β = 0, A-pose) scaled to the scan's length and centred in it,
//      turned about the up axis by `yaw_starts` yaws (and both up signs where tried); each start
//      fits orientation and translation (the size stays the length-matched one) on a wide pull.
//      When the fit that follows leaves many scan points far from the body (a folded body: sitting,
//      the knees drawn up), it is done again from starts sitting (hips flexed 110 degrees, knees
//      bent 130), and the lower final energy wins (`start_pose`).
//   3. The best start, the best one facing the other way and (both up signs tried) the best one
//      the other way up each go through the pose stages, Adam on the stage's parameters (LibTorch
//      autograd), the pull narrowing and the push inwards growing from stage to stage:
//      torso (spine, neck, head, collars, hips) -> an arm search (each arm tried at 40 shoulder
//      and elbow rotations, the lowest energy kept) -> hips, collars and shoulders (straight limbs
//      swing into place) -> all limb joints (wide pull, then narrower) -> every joint, β and the
//      size together. The lowest final energy wins. Closest points on the body are found anew
//      every few steps.
// Energy (each term in scan_fit.cpp with its reason): scan points pull the nearest body surface
//   point (Geman-McClure), body vertices outside the scan are pushed in, joint limits
//   (fit_limits.hpp), a pose prior and a shape prior.
// Deterministic: the same scan and options give the same bytes (Philox samples, one torch thread
//   inside the fit, the toolkit's deterministic queries).
// Errors: hifa::Error "fit-body" for a scan without faces or with a non-finite vertex, a body that
//   is not 24 joints, a length no person has (after units; reported in `doubts` when it is merely
//   unusual).

#include "hifa/body/body_model.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hifa::trainer {

struct ScanFitOptions {
  int samples = 6000;                 // scan surface points in the pull term
  int start_samples = 1500;           // ... while comparing the starts
  int pose_samples = 3000;            // ... in the torso and limb stages
  int yaw_starts = 8;                 // yaws per up direction
  int start_steps = 60;               // Adam steps per start (scale, orientation, translation)
  int torso_steps = 80, limb_steps = 120, final_steps = 300;
  float grid_spacing_m = 0.015f;      // the scan's signed-distance grid
  int shape_count = 10;               // β fitted (the model's first ones)
  std::uint64_t seed = 0;             // surface samples
};

// The energy terms' final values (the sum is `total`), dimensionless as scan_fit.cpp weighs them.
struct FitEnergies {
  double pull = 0, outside = 0, joint_limits = 0, pose_prior = 0, shape_prior = 0, total = 0;
};

struct ScanFit {
  std::vector<float> betas;        // shape_count
  std::vector<float> pose;         // 24 x 3 axis-angle, joint 0 the global orientation in the scan's frame
  Vec3f translation = Vec3f::Zero();  // SMPL's trans, body metres (before `scale`)
  double scale = 1;                // scan units per body metre (the unit and the fitted size)
  double body_scale = 1;           // the fitted size alone (scale · metres per unit)
  RowMatrix3<float> posed_vertices, posed_joints;  // scan units
  RowMatrix3<float> rest_joints;   // J(β), body metres
  FitEnergies energies;
  double inside_fraction = 0;      // body vertices inside the scan or within 5 mm of its surface
  std::string up;                  // "+y", "-x", ...: the scan's axis the body's head points along
  float start_yaw_degrees = 0;     // the winning start's turn about it
  std::string start_pose = "standing";  // ... and its pose: "standing" (A-pose) or "sitting"
  std::vector<std::string> doubts; // why this fit may be wrong (empty when nothing looks wrong)
};

ScanFit fit_body_to_scan(const TriMesh<float>& scan, double metres_per_unit, const BodyModelData<float>& body,
                         const ScanFitOptions& options);

}  // namespace hifa::trainer
