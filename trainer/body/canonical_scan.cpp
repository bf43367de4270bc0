#include "body/canonical_scan.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/weights.hpp"
#include "hifa/spatial/mesh_fields.hpp"

#include <Kokkos_Core.hpp>

#include <cmath>
#include <span>

namespace hifa::trainer {
namespace {

using Host = Kokkos::HostSpace;
using Points = Kokkos::View<float* [3], Kokkos::LayoutRight, Host>;

constexpr float inside_tolerance_m = 0.01f;

Points points_of(const RowMatrix3<float>& m, double divide_by) {
  Points p("hifa::canonical_scan::points", std::size_t(m.rows()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (int c = 0; c < 3; ++c) p(std::size_t(i), c) = float(double(m(i, c)) / divide_by);
  return p;
}

}  // namespace

CanonicalScan canonicalize_scan(const TriMeshf& scan, const ScanFit& fit, const BodyModelData<float>& body) {
  const char* where = "canonicalize_scan";
  if (fit.pose.size() != std::size_t(3 * body.joint_count())) throw Error(where, "the fit's pose is not 3 x the body's joints");
  if (fit.betas.size() > std::size_t(body.shape_count())) throw Error(where, "the fit has more β than the body");
  const Kokkos::DefaultHostExecutionSpace space;
  const SmplModel<float> model(body, where);
  const std::span<const float> betas(fit.betas), theta(fit.pose);
  const PosedBody<float> posed = pose_body_axis_angle(space, model, betas, theta, fit.translation);

  // Weights of the nearest posed body point, then the inverse of that blend.
  const Points posed_points = points_of(scan.vertices, fit.scale);
  const std::size_t n = posed_points.extent(0);
  const SurfaceWeights<Host> surface(space, posed.mesh, body.weights);
  Kokkos::View<float**, Kokkos::LayoutRight, Host> weights("hifa::canonical_scan::weights", n, std::size_t(body.joint_count()));
  surface.query(space, posed_points, weights);
  const auto transforms = upload_transforms<Host>(space, posed.transforms.skinning);
  Points canonical("hifa::canonical_scan::canonical", n);
  LbsWarper<Host>{transforms, weights}.inverse_points(space, posed_points, canonical);
  space.fence();

  CanonicalScan out;
  out.mesh.faces = scan.faces;
  out.mesh.vertices.resize(Eigen::Index(n), 3);
  out.weights.resize(Eigen::Index(n), body.joint_count());
  for (std::size_t i = 0; i < n; ++i) {
    for (int c = 0; c < 3; ++c) out.mesh.vertices(Eigen::Index(i), c) = canonical(i, c);
    for (int k = 0; k < body.joint_count(); ++k) out.weights(Eigen::Index(i), k) = weights(i, std::size_t(k));
  }
  if (!out.mesh.vertices.allFinite()) throw Error(where, "inverse LBS is singular at some scan vertex (weights on opposite turns)");

  // Vertices that land inside the rest body T(β).
  TriMeshf rest;
  rest.vertices = model.rest_vertices(betas);
  rest.faces = body.faces;
  const MeshSdf<Host> rest_sdf(rest);
  Kokkos::View<float*, Host> distance("hifa::canonical_scan::rest_distance", n);
  rest_sdf.evaluate(canonical, distance);
  out.inside_body.assign(n, 0);
  std::size_t inside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out.inside_body[i] = distance(i) < -inside_tolerance_m;
    inside += std::size_t(out.inside_body[i]);
  }
  out.inside_body_fraction = n ? double(inside) / double(n) : 0.0;
  return out;
}

}  // namespace hifa::trainer
