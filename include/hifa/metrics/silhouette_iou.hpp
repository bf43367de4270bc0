#pragma once
// Silhouette IoU of two meshes seen from one direction by hifa's orthographic camera: the score
// that tells a person from a solid of revolution when a reconstruction is seen from the side (a
// pixel-aligned model is right from the input view by construction; depth errors show at 90°).
//
//   double side = hifa::silhouette_iou(space, pred, gt, std::numbers::pi_v<float> / 2, 256);  // from +90°
//
// Inputs:  a, b        TriMesh<float> in one frame, y up, the input camera looking along -z
//                      (hifa/render/camera.hpp); any units. Outward faces are not needed.
//          yaw         radians: both meshes are turned by Ry(yaw) about the vertical axis through the
//                      centre of the union of their bounding boxes, as a dataset view at yaw turns a
//                      subject (+90 degrees shows the subject's -x side)
//          resolution  pixels per side of the square masks, >= 1
// Output:  |A and B| / |A or B| over the pixels, A = the pixels at least half covered by a's
//          projection (Rasterizer alpha >= 0.5), B likewise; NaN when neither covers a pixel.
//          Framing: the union box's centre at the image centre and the scale that keeps every point of
//          both meshes inside the image at any yaw (the larger of the half height and the half x-z
//          diagonal maps to 0.98), so the two silhouettes are compared at one scale. Silhouettes from
//          opposite directions are mirror images: yaw and yaw + 180 degrees give the same IoU.
// Errors:  hifa::Error naming "silhouette_iou" for resolution < 1 or a mesh without faces; the
//          Rasterizer's own errors (non-finite vertices, bad face indices).
// Cost:    two rasterizations at resolution^2.
// Deterministic: the Rasterizer gives the same bytes on any thread count.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/rasterize.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace hifa {

template <class ExecutionSpace = Kokkos::DefaultHostExecutionSpace>
double silhouette_iou(const ExecutionSpace& space, const TriMesh<float>& a, const TriMesh<float>& b, float yaw,
                      int resolution) {
  const char* const where = "silhouette_iou";
  if (resolution < 1) throw Error(where, "resolution must be >= 1, got " + std::to_string(resolution));
  if (a.faces.rows() == 0 || b.faces.rows() == 0) throw Error(where, "a mesh without faces has no silhouette");
  const Vec3f lo = a.vertices.colwise().minCoeff().cwiseMin(b.vertices.colwise().minCoeff()).transpose();
  const Vec3f hi = a.vertices.colwise().maxCoeff().cwiseMax(b.vertices.colwise().maxCoeff()).transpose();
  const Vec3f half = (hi - lo) / 2;
  const float reach = std::max(half.y(), std::hypot(half.x(), half.z()));
  Calibration view;
  view.centre = (lo + hi) / 2;
  view.scale = reach > 0 ? 0.98f / reach : 1.0f;
  view.yaw = yaw;
  RenderOptions options;
  options.width = options.height = resolution;
  const Image<float> alpha_a = Rasterizer<ExecutionSpace>(space, a).render(space, view, options).alpha;
  const Image<float> alpha_b = Rasterizer<ExecutionSpace>(space, b).render(space, view, options).alpha;
  long both = 0, either = 0;
  for (int y = 0; y < resolution; ++y) {
    for (int x = 0; x < resolution; ++x) {
      const bool in_a = alpha_a(x, y) >= 0.5f, in_b = alpha_b(x, y) >= 0.5f;
      both += in_a && in_b ? 1 : 0;
      either += in_a || in_b ? 1 : 0;
    }
  }
  return either == 0 ? std::numeric_limits<double>::quiet_NaN() : double(both) / double(either);
}

}  // namespace hifa
