#include "prepare/canonical_scan.hpp"

#include "hifa/core/error.hpp"
#include "hifa/sampling/concepts.hpp"  // detail::host_rows
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/weight_inpainting.hpp"
#include "hifa/skinning/weights.hpp"
#include "hifa/spatial/mesh_fields.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <span>
#include <string>

namespace hifa::prepare {
namespace {

using Host = Kokkos::HostSpace;
using HostWeights = Kokkos::View<float**, Kokkos::LayoutRight, Host>;

constexpr float inside_tolerance_m = 0.01f;
// A face whose longest edge is more than this many times longer at rest than posed is torn: LBS
// stretches a face across a bent joint by far less (an elbow at 90 degrees: about 1.4).
constexpr float torn_stretch = 2.0f;

// Farther than this from the posed body, a scan vertex's nearest body point does not decide its
// weights: they are inpainted from the vertices nearer the body. On 8 hifa synth subjects unposed
// by their true fits, against their own canonical.obj: mean vertex error 0.41 cm with every vertex
// trusted, 0.29 cm at 5 cm, 0.26 cm at 8 cm, 0.34 cm at 12 cm (p95 2.4 -> 1.4 cm at 8 cm).
// Distrusting vertices whose nearest body point faces away (Abdrashitov et al.'s second test)
// changed nothing on the figures and made those subjects worse (0.28 cm at 90 degrees), so it is
// not used.
constexpr float trusted_distance_m = 0.08f;

// The body parts of SMPL's 24 joints (skeleton.hpp's order): torso and head, left arm, right arm,
// left leg, right leg. A vertex inside the rest body is "inside another part" when the part of its
// own weights differs from the part of the body surface it is under.
constexpr std::array<int, 24> smpl_part = {0, 3, 4, 0, 3, 4, 0, 3, 4, 0, 3, 4, 0, 0, 0, 0, 1, 2, 1, 2, 1, 2, 1, 2};

int part_of(int joint, int joints) { return joints == int(smpl_part.size()) ? smpl_part[std::size_t(joint)] : joint; }

template <class Row>
int dominant_joint(const Row& weights, std::size_t joints) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < joints; ++k) best = weights(k) > weights(best) ? k : best;
  return int(best);
}

float longest_edge(const RowMatrix3<float>& v, const Eigen::Index a, const Eigen::Index b, const Eigen::Index c) {
  return std::max({(v.row(a) - v.row(b)).norm(), (v.row(b) - v.row(c)).norm(), (v.row(c) - v.row(a)).norm()});
}

// The touching-parts measures of c.mesh (canonical_scan.hpp) against the posed scan it came from.
void measure_touching(CanonicalScan& c, const TriMeshf& posed_scan, const FittedBody& body) {
  const Kokkos::DefaultHostExecutionSpace space;
  const std::size_t n = std::size_t(c.mesh.vertex_count()), joints = std::size_t(body.weights.cols());
  const auto points = detail::host_rows(c.mesh.vertices);
  Kokkos::View<float*, Host> distance("hifa::canonical_scan::rest_distance", n);
  MeshSdf<Host>(body.rest).evaluate(points, distance);
  HostWeights under("hifa::canonical_scan::rest_weights", n, joints);
  SurfaceWeights<Host>(space, body.rest, body.weights).query(space, points, under);
  space.fence();
  c.inside_body.assign(n, 0);
  c.inside_other_part.assign(n, 0);
  std::size_t inside = 0, other = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(distance(i) < -inside_tolerance_m)) continue;
    c.inside_body[i] = 1;
    ++inside;
    const int own = dominant_joint(c.weights.row(Eigen::Index(i)), joints);
    const int host = dominant_joint(Kokkos::subview(under, i, Kokkos::ALL), joints);
    c.inside_other_part[i] = part_of(own, int(joints)) != part_of(host, int(joints));
    other += std::size_t(c.inside_other_part[i]);
  }
  c.on_torn_face.assign(n, 0);
  const float posed_to_body = float(1.0 / body.scale);
  for (Eigen::Index f = 0; f < c.mesh.face_count(); ++f) {
    const Eigen::Index a = c.mesh.faces(f, 0), b = c.mesh.faces(f, 1), d = c.mesh.faces(f, 2);
    if (longest_edge(c.mesh.vertices, a, b, d) > torn_stretch * posed_to_body * longest_edge(posed_scan.vertices, a, b, d)) {
      c.on_torn_face[std::size_t(a)] = c.on_torn_face[std::size_t(b)] = c.on_torn_face[std::size_t(d)] = 1;
    }
  }
  std::size_t torn = 0, touching = 0;
  for (std::size_t i = 0; i < n; ++i) {
    torn += std::size_t(c.on_torn_face[i]);
    touching += std::size_t(c.on_torn_face[i] || c.inside_other_part[i]);
  }
  const auto fraction = [n](std::size_t k) { return n ? double(k) / double(n) : 0.0; };
  c.inside_body_fraction = fraction(inside);
  c.inside_other_part_fraction = fraction(other);
  c.on_torn_face_fraction = fraction(torn);
  c.touching_fraction = fraction(touching);
}

}  // namespace

FittedBody fitted_body(const SmplModel<float>& model, const BodyFit& fit) {
  const char* where = "canonicalize_scan";
  const BodyModelData<float>& data = model.data();
  if (fit.pose.size() != std::size_t(3 * data.joint_count())) {
    throw Error(where, "the fit has " + std::to_string(fit.pose.size() / 3) + " joint rotations for a body of " +
                           std::to_string(data.joint_count()) + " joints");
  }
  if (fit.betas.size() > std::size_t(data.shape_count())) {
    throw Error(where, "the fit has " + std::to_string(fit.betas.size()) + " β for a body of " +
                           std::to_string(data.shape_count()));
  }
  const Kokkos::DefaultHostExecutionSpace space;
  const std::span<const float> betas(fit.betas), theta(fit.pose);
  PosedBody<float> posed = pose_body_axis_angle(space, model, betas, theta, fit.translation);
  FittedBody out;
  out.rest.vertices = model.rest_vertices(betas);
  out.rest_root = model.rest_joints(out.rest.vertices).row(0).transpose();
  out.rest.faces = data.faces;
  out.posed = std::move(posed.mesh);
  out.skinning = std::move(posed.transforms.skinning);
  out.weights = data.weights;
  out.scale = fit.scale;
  return out;
}

CanonicalScan canonicalize_scan(const TriMeshf& scan, const FittedBody& body) {
  const Kokkos::DefaultHostExecutionSpace space;
  // The scan in body metres (in double, then rounded, as the scale is).
  RowMatrix3<float> posed = (scan.vertices.cast<double>() / body.scale).cast<float>();
  const auto posed_points = detail::host_rows(posed);
  const Eigen::Index n = posed.rows(), joints = body.weights.cols();
  // The nearest posed body point's weights where it is near; inpainted over the scan elsewhere.
  CanonicalScan out;
  out.weights.resize(n, joints);
  const auto weights = detail::host_rows(out.weights);
  Kokkos::View<float*, Host> distance("hifa::canonical_scan::body_distance", std::size_t(n));
  SurfaceWeights<Host>(space, body.posed, body.weights).query(space, posed_points, weights, distance);
  space.fence();
  std::vector<char> trusted(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < trusted.size(); ++i) trusted[i] = distance(i) <= trusted_distance_m;
  const InpaintedWeights inpainted = inpaint_weights(scan, out.weights, trusted);
  out.inpainted_fraction = n ? double(inpainted.inpainted) / double(n) : 0.0;

  // The exact inverse of each vertex's blend.
  out.mesh.faces = scan.faces;
  out.mesh.vertices.resize(n, 3);
  LbsWarper<Host>{upload_transforms<Host>(space, body.skinning), weights}.inverse_points(
      space, posed_points, detail::host_rows(out.mesh.vertices));
  space.fence();
  if (!out.mesh.vertices.allFinite()) {
    throw Error("canonicalize_scan", "inverse LBS is singular at some scan vertex (weights on opposite turns)");
  }
  measure_touching(out, scan, body);
  return out;
}

CanonicalScan given_canonical(TriMeshf canonical, RowMatrixX<float> weights, const TriMeshf& scan, const FittedBody& body) {
  const char* where = "given_canonical";
  if (scan.vertex_count() != canonical.vertex_count() || scan.faces != canonical.faces) {
    throw Error(where, "the canonical mesh is not the scan's twin (other vertex count or faces)");
  }
  if (weights.rows() != canonical.vertex_count() || weights.cols() != body.weights.cols()) {
    throw Error(where, "weights are " + std::to_string(weights.rows()) + " x " + std::to_string(weights.cols()) +
                           " for " + std::to_string(canonical.vertex_count()) + " vertices and " +
                           std::to_string(body.weights.cols()) + " joints");
  }
  if (!weights.allFinite() || !canonical.vertices.allFinite()) throw Error(where, "a value is not finite");
  CanonicalScan out;
  out.mesh = std::move(canonical);
  out.weights = std::move(weights);
  measure_touching(out, scan, body);
  return out;
}

}  // namespace hifa::prepare
