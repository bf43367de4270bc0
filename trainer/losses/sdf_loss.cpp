#include "losses/sdf_loss.hpp"

#include "hifa/core/error.hpp"

namespace hifa::trainer {
namespace {

using torch::indexing::Slice;

// Mean over the points [first, first + count), 0 for an empty range.
torch::Tensor group_mean(const torch::Tensor& per_point, int64_t first, int64_t count) {
  if (count == 0) return torch::zeros({}, per_point.options());
  return per_point.index({Slice(), Slice(first, first + count)}).mean();
}

}  // namespace

torch::Tensor sdf_gradient(const torch::Tensor& f, const torch::Tensor& points) {
  return torch::autograd::grad({f}, {points}, {torch::ones_like(f)}, /*retain_graph=*/true, /*create_graph=*/true)[0];
}

torch::Tensor unit_normal_error(const torch::Tensor& gradient, const torch::Tensor& normals) {
  return (gradient / gradient.norm(2, -1, true).clamp_min(1e-8) - normals).norm(2, -1);
}

SdfLossTerms sdf_loss(const CarConfig& c, const std::vector<torch::Tensor>& predictions, const torch::Tensor& points,
                      const torch::Tensor& sdf, const torch::Tensor& normals, const SdfSampleCounts& n) {
  if (predictions.empty()) throw Error("sdf_loss", "no predictions");
  const int64_t total = n.surface + n.near + n.uniform;
  if (points.size(1) != total || sdf.size(1) != total) {
    throw Error("sdf_loss", "the batch has " + std::to_string(points.size(1)) + " points, the groups " + std::to_string(total));
  }
  const int64_t others = n.near + n.uniform;
  SdfLossTerms out;
  out.total = torch::zeros({}, points.options());
  for (const torch::Tensor& f : predictions) {
    const torch::Tensor g = sdf_gradient(f, points);
    const torch::Tensor length = g.norm(2, -1);
    const torch::Tensor surface = group_mean(f.abs(), 0, n.surface);
    const torch::Tensor off_surface = group_mean(torch::exp(-10.0 * f.abs()), n.surface, others);
    const torch::Tensor normal = group_mean(unit_normal_error(g, normals), 0, n.surface);
    const torch::Tensor eikonal = group_mean((length - 1).square(), n.surface, others);
    const torch::Tensor supervised = group_mean((f - sdf).abs(), n.surface, others);
    out.total = out.total + c.surface_weight * surface + c.off_surface_weight * off_surface + c.normal_weight * normal +
                c.eikonal_weight * eikonal + c.sdf_weight * supervised;
    out.surface = surface.item<double>();
    out.off_surface = off_surface.item<double>();
    out.normal = normal.item<double>();
    out.eikonal = eikonal.item<double>();
    out.sdf = supervised.item<double>();
  }
  out.total = out.total / double(predictions.size());
  return out;
}

}  // namespace hifa::trainer
