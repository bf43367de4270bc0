#pragma once
// A scan and a body inside it, drawn as an x-ray from the front, the left, the back and the right
// (yaw 0, 90, 180, 270 degrees about y): the contact sheet of a body fit (hifa fit-body --sheet) and
// the preview of a canonical scan over the rest body (hifa prepare).
//
//   write_fit_sheet("fit.png", scan, body_mesh, "female01");
//   std::vector<Image<float>> cells = body_xray_views(canonical, rest_body, 160);
//
// Each cell: where the body is in front of the scan (outside the clothing, by more than ~1 cm) it is drawn opaque in
// red; where it is behind the scan's surface the scan's grey clay takes a red tint, so a body inside
// its clothing shows through and one poking out stands out. A canonical scan whose vertices landed
// inside the rest body (touching parts, canonical_scan.hpp) shows the body poking out there.
// Inputs: the scan and the body in the same frame and units; the cell size in pixels; the label,
//   drawn under each cell with the view's yaw.
// Errors: the rasterizer's and write_contact_sheet's (naming the file).

#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/image.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

inline constexpr int body_xray_yaws[] = {0, 90, 180, 270};

std::vector<Image<float>> body_xray_views(const TriMeshf& scan, const TriMeshf& body, int size);

void write_fit_sheet(const std::filesystem::path& path, const TriMeshf& scan, const TriMeshf& body,
                     const std::string& label);

}  // namespace hifa::prepare
