#include "prepare/normalize.hpp"

#include "hifa/core/error.hpp"
#include "hifa/mesh/duplicate_faces.hpp"
#include "hifa/mesh/load.hpp"
#ifdef HIFA_PREPARE_WITH_ASSIMP
#include "hifa/io/assimp.hpp"
#endif
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/orient.hpp"
#include "hifa/render/image_io.hpp"

#include <cmath>
#include <cstdio>

namespace hifa::prepare {
namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// Picks the unit (see normalize.hpp); throws for an absurd size.
void choose_unit(NormalizedScan& scan, const std::string& unit, const std::string& where) {
  const double h = scan.length;
  if (unit == "auto") {
    if (h >= 0.3 && h <= 3) {
      scan.unit = "m";
    } else if (h >= 30 && h <= 300) {
      scan.unit = "cm";
    } else if (h > 300 && h <= 3000) {
      scan.unit = "mm";
    } else {
      throw Error(where, "absurd size: length " + number(h) +
                             " units is no person's size in m, cm or mm (pass --unit to override)");
    }
    scan.unit_reason = "auto: length " + number(h) + " units -> " + scan.unit;
  } else {
    scan.unit = unit;
    scan.unit_reason = "given (--unit " + unit + ")";
  }
  scan.cm_per_unit = scan.unit == "m" ? 100 : scan.unit == "cm" ? 1 : 0.1;
  const double length_cm = h * scan.cm_per_unit;
  if (!(length_cm >= 5 && length_cm <= 1000)) {
    throw Error(where, "absurd size: length " + number(length_cm) + " cm with --unit " + unit);
  }
}

// True when more than 1% of the used vertices have a file normal pointing against the faces.
bool normals_disagree(const TriMeshf& mesh) {
  if (!mesh.has_normals()) return false;
  const RowMatrix3<float> computed = vertex_normals(mesh);
  std::vector<char> used(std::size_t(mesh.vertex_count()), 0);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f)
    for (int k = 0; k < 3; ++k) used[std::size_t(mesh.faces(f, k))] = 1;
  Eigen::Index bad = 0, total = 0;
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    if (!used[std::size_t(v)] || !computed.row(v).allFinite()) continue;
    ++total;
    if (!(mesh.normals.row(v).dot(computed.row(v)) > 0)) ++bad;
  }
  return bad * 100 > total;
}

}  // namespace

NormalizedScan load_scan(const ScanSource& source, const std::string& unit) {
  const std::string where = source.mesh.string();
  if (!source.problem.empty()) throw Error(where, source.problem);
  NormalizedScan scan;
#ifdef HIFA_PREPARE_WITH_ASSIMP
  TriMeshf loaded = load_any_mesh<float>(source.mesh);  // OBJ/PLY by hifa's readers, others by assimp
#else
  TriMeshf loaded = load_mesh<float>(source.mesh);  // errors name the file already
#endif
  scan.faces_loaded = loaded.face_count();
  scan.textures = load_textures(loaded);  // a named but missing texture is an error, not a white scan

  const auto dedup = remove_opposite_duplicate_faces(loaded);
  scan.opposite_pairs_removed = dedup.removed_pairs;
  auto oriented = orient_outward(dedup.mesh);
  scan.flipped_faces = oriented.flipped_faces;
  scan.pieces = oriented.components;
  scan.mesh = std::move(oriented.mesh);
  if (normals_disagree(scan.mesh)) {
    scan.mesh.normals = vertex_normals(scan.mesh);
    scan.normals_replaced = true;
  }

  if (!(double(surface_area(scan.mesh)) > 0)) throw Error(where, "degenerate: every face has zero area");
  const AABBf box = bounding_box(scan.mesh);
  scan.height = double(box.max().y()) - double(box.min().y());
  scan.length = double((box.max() - box.min()).maxCoeff());
  if (!(scan.height > 0)) throw Error(where, "degenerate: zero height (a flat mesh in y)");
  choose_unit(scan, unit, where);
  try {
    // PIFu's height fit for standing subjects; lying and wide ones (the figures lying down) would
    // leave the image sideways, so their x-z diagonal decides instead.
    scan.calibration = yaw_fitting_calibration(box, pifu_margin);
    scan.fit = scan.calibration.scale < normalizing_calibration(box, pifu_margin).scale ? "x-z diagonal" : "height";
  } catch (const Error& e) {
    throw Error(where, e.what());
  }
  return scan;
}

double sigma_in_normalized(const NormalizedScan& scan, double sigma_cm) {
  return sigma_cm / scan.cm_per_unit * double(scan.calibration.scale);
}

}  // namespace hifa::prepare
