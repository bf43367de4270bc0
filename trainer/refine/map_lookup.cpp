#include "refine/map_lookup.hpp"

#include "data/image_tensor.hpp"
#include "models/projection.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/rasterize.hpp"

#include <Kokkos_Core.hpp>

namespace hifa::trainer {
namespace F = torch::nn::functional;
namespace {

// Depth (larger = nearer) and coverage of the mesh's nearest layer, 2 x S x S.
torch::Tensor nearest_layer(const TriMeshf& mesh, int size) {
  const Kokkos::DefaultHostExecutionSpace space;
  const Rasterizer<Kokkos::DefaultHostExecutionSpace> raster(space, mesh);
  RenderOptions options;
  options.width = options.height = size;
  const RenderMaps maps = raster.render(space, Calibration{}, options);
  return torch::cat({image_tensor(maps.depth), image_tensor(maps.alpha)}, 0);
}

}  // namespace

MapLookup::MapLookup(const TriMeshf& posed, const torch::Tensor& front, const torch::Tensor& back, double tolerance)
    : tolerance_(tolerance) {
  if (front.dim() != 4 || front.size(0) != 1 || front.size(1) != 3 || front.size(2) != front.size(3) ||
      !back.sizes().equals(front.sizes())) {
    throw Error("MapLookup", "the normal maps must be 1 x 3 x S x S alike");
  }
  if (posed.face_count() == 0) throw Error("MapLookup", "the posed mesh has no faces");
  const int size = int(front.size(2));
  TriMeshf mirrored = posed;  // z -> -z turns the farthest layer into the nearest
  mirrored.vertices.col(2) *= -1;
  mirrored.normals.resize(0, 3);
  torch::Tensor far = nearest_layer(mirrored, size);
  far[0] *= -1;
  maps_ = torch::cat({front, back}, 0).to(torch::kFloat32);
  layers_ = torch::stack({nearest_layer(posed, size), far}).to(front.device());
}

MapTargets MapLookup::lookup(const torch::Tensor& points) const {
  if (points.dim() != 2 || points.size(1) != 3) throw Error("MapLookup", "points must be N x 3");
  torch::NoGradGuard no_grad;
  const torch::Tensor p = points.to(maps_.device(), torch::kFloat32);
  const torch::Tensor grid = pixel_grid(p.t().unsqueeze(0)).expand({2, 1, p.size(0), 2});  // 2 x 1 x N x 2
  const torch::Tensor layers =
      F::grid_sample(layers_, grid, F::GridSampleFuncOptions().mode(torch::kNearest).padding_mode(torch::kZeros).align_corners(false))
          .squeeze(2);  // 2 (layer) x 2 (depth, coverage) x N
  const torch::Tensor normals =
      F::grid_sample(maps_, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false))
          .squeeze(2);  // 2 (map) x 3 x N
  const torch::Tensor z = p.select(1, 2);
  const torch::Tensor length = normals.norm(2, 1);  // 2 x N
  const torch::Tensor on_layer = (layers.select(1, 1) > 0.5) & ((z.unsqueeze(0) - layers.select(1, 0)).abs() <= tolerance_) &
                                 (length >= 0.5);  // 2 x N
  // A point within the tolerance of both layers (a thin part) takes the nearer one.
  const torch::Tensor front = on_layer[0] & (~on_layer[1] | ((z - layers[0][0]).abs() <= (z - layers[1][0]).abs()));
  const torch::Tensor seen = on_layer[0] | on_layer[1];
  const torch::Tensor chosen = torch::where(front.unsqueeze(0), normals[0], normals[1]);  // 3 x N
  const torch::Tensor unit = chosen / chosen.norm(2, 0, true).clamp_min(1e-6);
  return {(unit * seen.unsqueeze(0)).t().contiguous(), seen, front & seen};
}

}  // namespace hifa::trainer
