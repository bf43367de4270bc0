#pragma once
// A fitted scan moved to the body's rest pose: CAR's canonical space (Liao et al., "High-Fidelity
// Clothed Avatar Reconstruction from a Single Image", CVPR 2023, section 3: the canonical SDF is
// learnt on scans unposed by their fitted body; docs/body_fit.md, docs/dataset.md).
//
//   const FittedBody body = fitted_body(model, fit);          // fit: body_fit_file.hpp
//   CanonicalScan c = canonicalize_scan(scan, body);          // scan in its own units
//   CanonicalScan s = given_canonical(canonical, weights, scan, body);  // hifa synth's own (exact) pair
//
// fitted_body: the body at the fit's β and θ (fitted_body.hpp).
// canonicalize_scan: the scan is taken to body metres (÷ fit.scale); each vertex within 8 cm of the
//   posed body takes the weights of its nearest point on it (SurfaceWeights: barycentric in the
//   closest triangle, as ICON and CAR do); the weights of the vertices farther out (loose skirts,
//   coats, hair) are inpainted from those over the scan's surface (hifa/skinning/
//   weight_inpainting.hpp: robust skin weight transfer, Abdrashitov et al. 2023), so a hem between
//   the legs follows the hips instead of tearing between two thighs. Inverse LBS with those weights
//   moves each vertex to the rest pose (LbsWarper::inverse_points, the exact inverse of its blend).
//   The body's pose correctives (SMPL's posedirs) are not undone: they move the body surface by
//   millimetres and OpenBody has none.
// Ill-posed where body parts touch (an arm on the torso, the thighs together): a scan vertex there
//   takes the weights of whichever part is nearer, and may land inside the other part in the rest
//   pose; and a face joining a hand to the hip (a low-poly figure whose arm is one surface with its
//   coat) is stretched across the gap the arm swings open. `inside_body_fraction` counts the
//   vertices that land more than 1 cm inside the rest body (toolkit signed distance against T(β)):
//   clothing lies outside the body, so any of them is wrong, by a canonicalization error or by a
//   fit that is too fat there. `inside_other_part_fraction` counts those among them whose own
//   weights belong to another body part (torso and head, each arm, each leg) than the rest-body
//   surface above them. A face whose longest edge is more than twice as long at rest as posed is
//   torn: `on_torn_face_fraction` counts the vertices of such faces. `touching_fraction`, the
//   vertices inside another part or on a torn face, is the touching-parts error. The per-vertex
//   flags mark each; given_canonical measures the same.
// Errors: hifa::Error "canonicalize_scan" for a fit whose pose or β do not fit the model, or a
//   singular blend (NaN out of inverse LBS: weights on two opposite turns); "given_canonical" for a
//   canonical mesh or weights that do not match.

#include "prepare/body_fit_file.hpp"
#include "prepare/fitted_body.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <vector>

namespace hifa::prepare {

FittedBody fitted_body(const SmplModel<float>& model, const BodyFit& fit);

struct CanonicalScan {
  TriMeshf mesh;                  // rest pose, body metres
  RowMatrixX<float> weights;      // #V x K, the posed scan's skinning weights
  std::vector<char> inside_body;        // per vertex: lands > 1 cm inside the rest body
  std::vector<char> inside_other_part;  // ... inside another body part than its weights'
  std::vector<char> on_torn_face;       // ... is a corner of a face stretched more than twice
  double inside_body_fraction = 0, inside_other_part_fraction = 0, on_torn_face_fraction = 0;
  double touching_fraction = 0;         // inside another part or on a torn face
  double inpainted_fraction = 0;        // vertices whose weights were inpainted (canonicalize_scan)
};

CanonicalScan canonicalize_scan(const TriMeshf& scan, const FittedBody& body);

// A canonical scan given with the posed one (same vertices one for one and the same faces, e.g.
// hifa synth's canonical.obj and weights.npy): taken as it is, with its touching-parts measures.
CanonicalScan given_canonical(TriMeshf canonical, RowMatrixX<float> weights, const TriMeshf& scan,
                              const FittedBody& body);

}  // namespace hifa::prepare
