#pragma once
// A fitted scan moved to the body's rest pose: CAR's canonical space (Liao et al., "High-Fidelity
// Clothed Avatar Reconstruction from a Single Image", CVPR 2023, section 3: the canonical SDF is
// learnt on scans unposed by their fitted body; docs/body_fit.md).
//
//   CanonicalScan c = canonicalize_scan(scan, fit, model);   // fit: scan_fit.hpp, in scan units
//   c.mesh      the scan's vertices in the rest pose, body metres, the scan's faces
//   c.weights   #V x 24, the posed scan's skinning weights
//
// Method: the scan is taken to body metres (÷ fit.scale); each vertex takes the weights of its
// nearest point on the posed body (SurfaceWeights: barycentric in the closest triangle, as ICON and
// CAR do), and inverse LBS with those weights moves it to the rest pose (LbsWarper::inverse_points,
// the exact inverse of the blend at those weights). The body's pose correctives (SMPL's posedirs)
// are not undone: they move the body surface by millimetres and OpenBody has none.
// Ill-posed where body parts touch (an arm on the torso, the thighs together): a scan vertex there
// takes the weights of whichever part is nearer, and may land inside the other part in the rest
// pose. `inside_body_fraction` counts the vertices that land more than 1 cm inside the rest body
// (toolkit signed distance against T(β)): clothing lies outside the body, so any of them is a
// canonicalization error. `inside_body` marks them.
// Errors: hifa::Error "canonicalize_scan" for a fit whose pose or β has the wrong size, or a
//   singular blend (NaN out of inverse LBS: weights on two opposite turns).

#include "body/scan_fit.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <vector>

namespace hifa::trainer {

struct CanonicalScan {
  TriMeshf mesh;                  // rest pose, body metres
  RowMatrixX<float> weights;      // #V x 24
  std::vector<char> inside_body;  // per vertex: lands > 1 cm inside the rest body
  double inside_body_fraction = 0;
};

CanonicalScan canonicalize_scan(const TriMeshf& scan, const ScanFit& fit, const BodyModelData<float>& body);

}  // namespace hifa::trainer
