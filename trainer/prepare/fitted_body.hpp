#pragma once
// The body of a fit (body_fit_file.hpp) at rest and posed: what moving a scan to the rest pose
// (canonical_scan.hpp) and drawing canonical samples (canonical_samples.hpp) share. Made by
// canonical_scan.hpp's fitted_body(model, fit); plain data, so readers of a dataset need no body model.

#include "hifa/body/body_model.hpp"  // RowMatrixX (no model file reading)
#include "hifa/mesh/tri_mesh.hpp"

#include <vector>

namespace hifa::prepare {

struct FittedBody {
  TriMeshf rest;                      // T(β), body metres
  TriMeshf posed;                     // LBS(T(β), θ) + translation, body metres
  std::vector<Mat4<float>> skinning;  // per joint: rest -> posed (body metres)
  RowMatrixX<float> weights;          // the body's #V x K skinning weights
  Vec3f rest_root = Vec3f::Zero();    // J(β)_0, the rest root joint (CAR's canonical origin)
  double scale = 1;                   // scan units per body metre
};

}  // namespace hifa::prepare
