#include "prepare/body_xray.hpp"

#include "hifa/mesh/measures.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/contact_sheet.hpp"
#include "hifa/render/image_ops.hpp"
#include "hifa/render/rasterize.hpp"

#include <Kokkos_Core.hpp>

#include <array>
#include <vector>

namespace hifa::prepare {
namespace {

const Vec3f scan_grey(0.85f, 0.84f, 0.80f), body_red(0.90f, 0.18f, 0.12f);
constexpr float tint = 0.45f;  // how much red shows through the scan
// The body is drawn over the scan only when nearer by more than this (normalized depth, where the
// figure's height is about 1.9): ~9 mm on a standing adult, so skin, where the clothed scan is the
// body's own surface, does not flicker red by rounding.
constexpr float in_front_margin = 0.01f;

Vec3f normal_at(const RenderMaps& maps, int x, int y) {
  return Vec3f(2 * maps.front_normal(x, y, 0) - 1, 2 * maps.front_normal(x, y, 1) - 1, 2 * maps.front_normal(x, y, 2) - 1);
}

// One cell: scan and body rendered with the same camera, composited by depth (larger = nearer).
Image<float> xray(const RenderMaps& scan, const RenderMaps& body) {
  Image<float> out(scan.alpha.width(), scan.alpha.height(), 4);
  for (int y = 0; y < out.height(); ++y) {
    for (int x = 0; x < out.width(); ++x) {
      const bool has_scan = scan.alpha(x, y) > 0, has_body = body.alpha(x, y) > 0;
      Vec3f c = Vec3f::Zero();
      float a = 0;
      if (has_body && (!has_scan || body.depth(x, y) > scan.depth(x, y) + in_front_margin)) {
        c = clay_shade(normal_at(body, x, y)) * body_red;
        a = body.alpha(x, y);
      } else if (has_scan) {
        c = clay_shade(normal_at(scan, x, y)) * scan_grey;
        if (has_body) c = (1 - tint) * c + tint * body_red;
        a = scan.alpha(x, y);
      }
      for (int k = 0; k < 3; ++k) out(x, y, k) = c[k];
      out(x, y, 3) = a;
    }
  }
  return out;
}

}  // namespace

std::vector<Image<float>> body_xray_views(const TriMeshf& scan, const TriMeshf& body, int size) {
  const Kokkos::DefaultHostExecutionSpace space;
  const Rasterizer scan_raster(space, scan), body_raster(space, body);
  RenderOptions options;
  options.width = options.height = size;
  options.supersample = 2;
  AABBf box = bounding_box(scan);
  box.extend(bounding_box(body));
  std::vector<Image<float>> cells;
  for (const int degrees : body_xray_yaws) {
    Calibration c = yaw_fitting_calibration(box);
    c.yaw = float(degrees) * 3.14159265f / 180.0f;
    cells.push_back(xray(scan_raster.render(space, c, options), body_raster.render(space, c, options)));
  }
  return cells;
}

void write_fit_sheet(const std::filesystem::path& path, const TriMeshf& scan, const TriMeshf& body,
                     const std::string& label) {
  constexpr int size = 320;
  std::vector<std::string> labels;
  for (const int degrees : body_xray_yaws) labels.push_back(label + " " + std::to_string(degrees));
  ContactSheetOptions sheet;
  sheet.columns = 4;
  sheet.thumb_width = sheet.thumb_height = size;
  sheet.label_scale = 2;
  write_contact_sheet(path, body_xray_views(scan, body, size), labels, sheet);
}

}  // namespace hifa::prepare
