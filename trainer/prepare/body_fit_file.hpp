#pragma once
// Reading a `hifa-body-fit` file: the body fit `hifa synth` and `hifa fit-body` write beside a scan
// (docs/synth.md, docs/body_fit.md), what hifa prepare needs to move the scan to the rest pose.
//
//   if (is_body_fit_file(path)) BodyFit fit = read_body_fit(path);
//
// The fit says: scan point = scale · LBS(T(β), θ, translation), with LBS the body model's (SMPL's
// Eq. 2; hifa/body/smpl_model.hpp's pose_body_axis_angle) in body metres and `scale` the scan's
// units per body metre (1 for a synth subject in metres; the fitted size times the unit for a fit).
// is_body_fit_file: a JSON object whose "format" is "hifa-body-fit" (other body files, e.g. a
//   user's SMPL parameters in their own layout, are copied into the dataset untouched); a .json
//   file that does not parse is an error naming it.
// Errors (read_body_fit): hifa::Error naming the file: not JSON, another format or a newer version,
//   a missing or non-numeric field, a pose that is not K x 3, a non-finite value, scale <= 0.

#include "hifa/core/types.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

struct BodyFit {
  std::string model;          // the body file's stem the fit was made with ("open_body")
  std::string units;          // the scan's unit: "m", "cm" or "mm"
  std::vector<float> betas;   // β
  std::vector<float> pose;    // K x 3 axis-angle, joint 0 the global orientation
  Vec3f translation = Vec3f::Zero();  // SMPL's trans, body metres
  double scale = 1;           // scan units per body metre
};

bool is_body_fit_file(const std::filesystem::path& path);

BodyFit read_body_fit(const std::filesystem::path& path);

}  // namespace hifa::prepare
