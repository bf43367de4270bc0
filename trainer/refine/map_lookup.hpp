#pragma once
// Which predicted normal map speaks for a view-frame point, and what it says (CAR, Liao et al. CVPR
// 2023, section 3.3): the front map for points on the layer nearest the camera at their pixel, the
// back map for points on the farthest layer, neither for the rest (layers between them, pixels
// outside the posed mesh's silhouette, or where the map is not a normal).
//
//   const MapLookup maps(posed, front, back, 0.03);   // renders the posed mesh's two depth layers
//   MapTargets t = maps.lookup(points);                // points N x 3, view frame, any device
//
// Inputs:  posed       the posed CAR mesh in the image's normalized view frame (x right, y up, z
//                      towards the camera; [-1, 1]^3 maps onto the image, camera.hpp), which decides
//                      the layers: its nearest and farthest depth per pixel (hifa::Rasterizer at the
//                      maps' size; the farthest from the mesh mirrored in z)
//          front, back 1 x 3 x S x S normal maps in [-1, 1], the view frame's camera-space normals
//                      (front: facing the camera, back: facing away, as the rasterizer renders them)
//          tolerance   view units: a point lies on a layer within this of its depth
// lookup:  normal      N x 3 unit target normals (0 where unseen)
//          seen        N booleans: a map speaks for the point (the map's value has length >= 0.5)
//          front       N booleans: that map is the front one
// Depth and coverage are read at the point's pixel (nearest sample), normals bilinearly.
// Errors: hifa::Error naming "MapLookup" for maps that are not 1 x 3 x S x S alike, an empty mesh.

#include "hifa/mesh/tri_mesh.hpp"

#include <torch/torch.h>

namespace hifa::trainer {

struct MapTargets {
  torch::Tensor normal;  // N x 3
  torch::Tensor seen;    // N, bool
  torch::Tensor front;   // N, bool
};

class MapLookup {
 public:
  MapLookup(const TriMeshf& posed, const torch::Tensor& front, const torch::Tensor& back, double tolerance);
  MapTargets lookup(const torch::Tensor& points) const;

 private:
  torch::Tensor maps_;    // 2 x 3 x S x S: front, back
  torch::Tensor layers_;  // 2 x 2 x S x S: (depth, coverage) of the nearest and the farthest layer
  double tolerance_;
};

}  // namespace hifa::trainer
