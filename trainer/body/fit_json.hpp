#pragma once
// A ScanFit (scan_fit.hpp) as the `hifa-body-fit` JSON that `hifa synth` writes (docs/synth.md),
// with what only a fit has (docs/body_fit.md): posed_joints (24 x 3, scan units), each energy
// term's final value, the fraction of the body inside the scan, the up axis and start found, and
// "doubtful" with the reasons.
//
//   write_json(path, fit_json(fit, "open_body", "cm", "scans/alice.obj"));   // prepare/dataset_writer.hpp
//   prepare::BodyFit f = body_fit_of(fit, "open_body", "cm");   // what the JSON reads back as

#include "body/body_layer.hpp"
#include "body/image_fit.hpp"
#include "body/scan_fit.hpp"
#include "prepare/body_fit_file.hpp"
#include "prepare/dataset_writer.hpp"

#include <string>

namespace hifa::trainer {

prepare::Json fit_json(const ScanFit& fit, const std::string& model, const std::string& units, const std::string& scan);

prepare::BodyFit body_fit_of(const ScanFit& fit, const std::string& model, const std::string& units);

// A view-frame body (image_fit.hpp) as a fit in the view's normalized frame: units "normalized",
// scale s and translation t / s (a point is s · (LBS + t / s)), pose as axis-angle.
prepare::BodyFit view_body_fit(const ViewBodyParameters& body, const std::string& model);

// The same as hifa-body-fit JSON, with posed_joints; `extra` fields are added (the image, the
// estimate, the IoUs).
prepare::Json view_fit_json(const BodyLayer& layer, const ViewBodyParameters& body, const std::string& model,
                            const prepare::Json& extra);

}  // namespace hifa::trainer
