#pragma once
// Loading one scan, cleaning it for rendering and labelling, and its normalizing calibration.
//
//   NormalizedScan s = hifa::prepare::load_scan(source, "auto");
//
// Steps (each failure is a hifa::Error naming the mesh file and the reason, so the caller can skip
// the scan with one line):
//   1. load_mesh (OBJ with all its materials and their diffuse textures, or PLY): unreadable, empty,
//      out-of-range indices, NaN/Inf coordinates are errors; every texture named must load too.
//   2. remove_opposite_duplicate_faces (mesh/duplicate_faces.hpp): two-sided figures store every
//      triangle twice, and their winding number would be ~0 everywhere.
//   3. orient_outward (mesh/orient.hpp): each connected piece consistent and outwards, so the
//      winding number is ~1 inside. File normals that disagree with the oriented faces (more than
//      1% of the vertices) are replaced by area-weighted vertex normals.
//   4. degenerate / absurd checks: zero total area, zero height; the unit (below).
//   5. yaw_fitting_calibration (render/camera.hpp): PIFu's normalization (the height fills the
//      image but for a 6% margin above and below) unless the box's x-z diagonal is larger than its
//      height (lying figures): then the diagonal fills it, so every yaw stays in the image; yaw 0: `calibration` maps scan units to the subject's normalized
//      frame, in which the point samples are stored; view v's calibration adds its yaw and pitch.
// Units: --unit m|cm|mm gives centimetres per scan unit (100, 1, 0.1); auto guesses from the length
//   h of the bounding box's longest side (the height of a standing person, the length of a lying
//   one, whatever the file's up axis): h in [0.3, 3] -> m, [30, 300] -> cm, (300, 3000] -> mm; any
//   other length fits no unit and the scan is skipped as "absurd size" (pass --unit to override).
//   With an explicit unit a length outside 5 cm .. 10 m is absurd.
//   A length of L cm is L / cm_per_unit scan units and L / cm_per_unit * calibration.scale
//   normalized units (sigma_in_normalized).

#include "prepare/discovery.hpp"

#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/image.hpp"

#include <string>
#include <vector>

namespace hifa::prepare {

struct NormalizedScan {
  TriMeshf mesh;                 // cleaned, in scan units
  std::vector<Image<float>> textures;  // RGB, one per material (empty image: Kd); none without materials
  Calibration calibration;       // scan units -> the subject's normalized frame (yaw 0, pitch 0)
  std::string fit;               // what fills the image: "height" (PIFu's) or "x-z diagonal"
  std::string unit;              // m, cm or mm
  std::string unit_reason;       // how the unit was chosen
  double cm_per_unit = 1;
  double height = 0;             // bounding-box height (y), scan units
  double length = 0;             // the bounding box's longest side, scan units
  Eigen::Index faces_loaded = 0, opposite_pairs_removed = 0, flipped_faces = 0;
  int pieces = 0;
  bool normals_replaced = false;
};

NormalizedScan load_scan(const ScanSource& source, const std::string& unit);

// sigma_cm centimetres in the normalized frame of `scan`.
double sigma_in_normalized(const NormalizedScan& scan, double sigma_cm);

}  // namespace hifa::prepare
