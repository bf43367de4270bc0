#pragma once
// The contact sheet of a body fit: the scan with the fitted body in a contrasting colour, from the
// front, the left, the back and the right (yaw 0, 90, 180, 270 degrees about the scan's y axis).
//
//   write_fit_sheet("fit.png", scan, body_mesh, "female01");
//
// Each cell is an x-ray of the two: where the body is in front of the scan (outside the clothing)
// it is drawn opaque in red; where it is behind the scan's surface the scan's grey clay takes a
// red tint, so a body inside its clothing shows through and one poking out stands out.
// Inputs: the scan and the posed body in the same frame and units (the fit's posed_vertices with
//   the body's faces); label, drawn under each cell with the view's yaw.
// Errors: the rasterizer's and write_contact_sheet's (naming the file).

#include "hifa/mesh/tri_mesh.hpp"

#include <filesystem>
#include <string>

namespace hifa::trainer {

void write_fit_sheet(const std::filesystem::path& path, const TriMeshf& scan, const TriMeshf& body,
                     const std::string& label);

}  // namespace hifa::trainer
