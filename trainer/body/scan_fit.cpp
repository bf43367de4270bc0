#include "body/scan_fit.hpp"

#include "runtime/one_torch_thread.hpp"

#include "body/body_layer.hpp"
#include "body/fit_limits.hpp"
#include "body/rotations.hpp"

#include "hifa/core/error.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/sampling/surface.hpp"
#include "hifa/spatial/mesh_bvh.hpp"
#include "hifa/spatial/mesh_fields.hpp"
#include "runtime/one_torch_thread.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

namespace hifa::trainer {
namespace {
double value(const torch::Tensor& t) { return t.item<double>(); }

using torch::Tensor;
using HostExec = Kokkos::DefaultHostExecutionSpace;
using UnmanagedPoints = Kokkos::View<const float**, Kokkos::LayoutRight, Kokkos::HostSpace, Kokkos::MemoryUnmanaged>;

// The energy's scales and weights (metres, radians). Each term is dimensionless:
//   pull     mean over scan samples of ρ(r) = r² / (r² + σ²), Geman-McClure with σ = 3 cm: scan points
//            on skin and tight cloth (r of a few mm) pull the body fully; points on loose cloth,
//            skirts and hair (r of 5-20 cm) saturate at 1 and barely pull, so they do not inflate
//            the body. This is what makes the body follow the scan (limbs into sleeves, the head
//            into the hair) without a landmark.
//   outside  mean over body vertices of (max(0, d) / 1 cm)², d the scan's signed distance: the
//            body is under the clothing, so any part of it outside the scan is wrong; with the pull
//            alone the body would bulge into loose cloth. Weighted 0.5: a vertex 1 cm out costs as
//            much as half a sample that lost its pull.
//   limits   Σ over joint components of (excess over fit_limits.hpp / 0.1 rad)²: the scan cannot
//            tell a knee bent forwards from one bent back inside wide trousers; anatomy can.
//   pose     Σ_k w_k |θ_k|² (fit_limits.hpp's weights) x 0.01: with nothing else to go by (a hand
//            hidden in a sleeve, a foot in a boot) a joint stays near the rest pose.
//   shape    |β|² x 0.002 (β is in standard deviations of the model's shape space): with clothing
//            over most of the body the shape is the least constrained part, so it stays near the
//            mean unless the scan says otherwise.
constexpr float pull_sigma = 0.03f, outside_scale = 0.01f, limit_scale = 0.1f;
// Closest points on the body are found anew every this many steps (a step moves the body by
// millimetres; finding them costs a BVH build and a query per sample, most of a step's time).
constexpr int correspondence_every = 4;
constexpr float outside_weight = 0.5f, pose_weight = 0.01f, shape_weight = 0.002f;
// "Inside" for the fraction reported: within 5 mm of the clothing counts (skin is the surface).
constexpr float inside_tolerance_m = 0.005f;

constexpr int left_shoulder = 16, right_shoulder = 17, left_elbow = 18, right_elbow = 19;
constexpr int left_hip = 1, right_hip = 2, left_knee = 4, right_knee = 5;
// A final pull energy above pull_doubt says most scan points are far from the body: doubtful.
// Above retry_pull (a third of them far) the fit is tried again from a sitting start: a naked
// body folded up and fitted from the standing start ends at 0.36 with its joints 9 cm off, the
// clothed standing figures at 0.14-0.30 (docs/body_fit.md).
constexpr double pull_doubt = 0.5, retry_pull = 0.33;

// The scan in the fit's frame: metres, centred on its bounding box.
struct ScanTarget {
  TriMeshf mesh;
  std::optional<MeshSdf<Kokkos::HostSpace>> sdf_field;  // exact signed distance (its BVH, built once)
  Vec3d centre_m = Vec3d::Zero();  // subtracted from the scan (in metres)
  Tensor samples;                  // N x 3 surface points
  Tensor sdf;                      // 1 x 1 x nx x ny x nz signed distances at the grid points
  Tensor low, high;                // 3: the grid's box
  AABBf box;                       // the scan's box
};

ScanTarget make_target(const HostExec& space, const TriMeshf& scan, double metres_per_unit, const ScanFitOptions& o) {
  ScanTarget t;
  const AABBf box = bounding_box(scan);
  t.centre_m = box.center().cast<double>() * metres_per_unit;
  t.mesh.faces = scan.faces;
  t.mesh.vertices = ((scan.vertices.cast<double>() * metres_per_unit).rowwise() - t.centre_m.transpose()).cast<float>();
  t.box = bounding_box(t.mesh);

  const PointSamples<float> samples = SurfaceSampler<float>(t.mesh).sample(space, o.samples, o.seed);
  t.samples = torch::from_blob(const_cast<float*>(samples.points.data()), {samples.points.rows(), 3}, torch::kFloat32).clone();

  // The signed-distance grid over the box and a margin the body may reach while it moves in.
  const float h = o.grid_spacing_m, margin = 0.1f;
  const Vec3f low = t.box.min() - Vec3f::Constant(margin);
  const Vec3i res = ((t.box.max() - t.box.min() + Vec3f::Constant(2 * margin)) / h).array().ceil().cast<int>() + 1;
  const GridSpec<float> grid{AABBf(low, low + (res - Vec3i::Ones()).cast<float>() * h), res};
  t.sdf_field.emplace(t.mesh);
  const auto values = evaluate_grid(space, *t.sdf_field, grid);
  space.fence();
  t.sdf = torch::from_blob(values.data(), {1, 1, res.x(), res.y(), res.z()}, torch::kFloat32).clone();
  t.low = torch::tensor({grid.bounds.min().x(), grid.bounds.min().y(), grid.bounds.min().z()});
  t.high = torch::tensor({grid.bounds.max().x(), grid.bounds.max().y(), grid.bounds.max().z()});
  return t;
}

// The scan's signed distance at points (N x 3, metres): trilinear in the grid, plus the distance
// beyond the grid's box for points outside it (so they are pulled back in).
Tensor scan_sdf(const ScanTarget& t, const Tensor& points) {
  const Tensor clamped = torch::max(torch::min(points, t.high), t.low);
  const Tensor beyond = torch::sqrt((points - clamped).pow(2).sum(1) + 1e-12) - 1e-6;
  // grid_sample's last coordinate indexes the input's first spatial dimension: (z, y, x) order.
  const Tensor unit = (2 * (clamped - t.low) / (t.high - t.low) - 1).flip({1});
  const Tensor sampled = torch::nn::functional::grid_sample(
      t.sdf, unit.view({1, 1, 1, -1, 3}),
      torch::nn::functional::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(true));
  return sampled.view({-1}) + beyond;
}

// What the optimizer moves. The root's orientation is 6D (continuous over the large turns of
// the multi-start); the other joints axis-angle, as their limits are stated.
struct Params {
  Tensor root6;      // 1 x 6
  Tensor theta;      // 23 x 3 (joints 1..23)
  Tensor trans;      // 1 x 3
  Tensor log_scale;  // 1
  Tensor betas;      // 1 x B

  Tensor rotations() const {
    return torch::cat({rotation_6d_to_matrix(root6).unsqueeze(1), axis_angle_to_matrix(theta).unsqueeze(0)}, 1);
  }
};

// Which parameters a stage moves (joints by SMPL index) and how hard the scan pulls: the early
// stages, far from the scan, pull with a wide σ and push in softly, so a body that starts too
// small or turned is drawn into the scan before it is made to fit inside it (a narrow σ and a
// strong push from the start would shrink the body inside the clothing, where nothing pulls it
// out again).
struct Stage {
  std::vector<int> joints;
  bool shape = false;
  int steps = 0;
  float sigma = pull_sigma;          // Geman-McClure σ, metres
  float outside = outside_weight;    // the outside term's weight
  bool scale = false;                // whether the body's size moves
};

struct Terms {
  Tensor pull, outside, limits, pose, shape;
  float outside_weight_used = outside_weight;
  Tensor total() const {
    return pull + outside_weight_used * outside + limits + pose_weight * pose + shape_weight * shape;
  }
};

class Fitter {
 public:
  Fitter(const HostExec& space, const BodyModelData<float>& body, const ScanTarget& target, int shape_count)
      : space_(space), layer_(body), target_(target), faces_(body.faces), shape_count_(shape_count) {
    std::array<float, 3 * 23> low{}, high{};
    std::array<float, 23> prior{};
    for (int k = 1; k < smpl_joint_count; ++k) {
      const FitJointLimit& l = fit_joint_limits()[std::size_t(k)];
      for (int c = 0; c < 3; ++c) {
        low[std::size_t(3 * (k - 1) + c)] = l.low[c];
        high[std::size_t(3 * (k - 1) + c)] = l.high[c];
      }
      prior[std::size_t(k - 1)] = l.pose_prior_weight;
    }
    low_ = torch::from_blob(low.data(), {23, 3}).clone();
    high_ = torch::from_blob(high.data(), {23, 3}).clone();
    prior_ = torch::from_blob(prior.data(), {23, 1}).clone();
  }

  // Posed body vertices (V x 3, the fit's frame: metres, centred).
  Tensor vertices(const Params& p) const {
    return torch::exp(p.log_scale) * layer_.pose(p.betas, p.rotations(), p.trans).vertices.squeeze(0);
  }

  // Scan point -> closest point on the body as it is now: the face and barycentric weights, kept
  // fixed for a few steps while the point they name moves with the parameters.
  struct Correspondence {
    Tensor corners;  // N x 3 body vertex ids
    Tensor bary;     // N x 3
  };
  Correspondence correspond(const Tensor& v, const Tensor& samples) const {
    TriMeshf body;
    body.faces = faces_;
    body.vertices = RowMatrix3<float>(v.size(0), 3);
    const Tensor v_host = v.detach().contiguous();
    std::copy_n(v_host.data_ptr<float>(), v_host.numel(), body.vertices.data());
    const MeshBvh<Kokkos::HostSpace> bvh(space_, body);
    const auto hits = ClosestPoints<Kokkos::HostSpace>::allocate(space_, std::size_t(samples.size(0)));
    bvh.closest_points(space_, UnmanagedPoints(samples.data_ptr<float>(), std::size_t(samples.size(0)), 3), hits);
    space_.fence();
    const int64_t n = samples.size(0);
    Correspondence out{torch::empty({n, 3}, torch::kInt64), torch::empty({n, 3}, torch::kFloat32)};
    auto c = out.corners.accessor<int64_t, 2>();
    auto b = out.bary.accessor<float, 2>();
    for (int64_t i = 0; i < n; ++i) {
      for (int j = 0; j < 3; ++j) {
        c[i][j] = faces_(hits.face(i), j);
        b[i][j] = hits.barycentric(i, j);
      }
    }
    return out;
  }

  Terms energy(const Params& p, const Tensor& samples, const Stage& stage, const Correspondence* given = nullptr) const {
    const Tensor v = vertices(p);
    Terms e;
    e.outside_weight_used = stage.outside;
    const Correspondence found = given ? Correspondence{} : correspond(v, samples);
    const Correspondence& match = given ? *given : found;
    const Tensor& corners = match.corners;
    const Tensor& bary = match.bary;
    const int64_t n = samples.size(0);
    const Tensor on_body = (v.index_select(0, corners.view({-1})).view({n, 3, 3}) * bary.unsqueeze(-1)).sum(1);
    const Tensor r2 = (samples - on_body).pow(2).sum(1);
    e.pull = (r2 / (r2 + stage.sigma * stage.sigma)).mean();
    e.outside = (torch::relu(scan_sdf(target_, v)) / outside_scale).pow(2).mean();
    const Tensor excess = torch::relu(p.theta - high_) + torch::relu(low_ - p.theta);
    e.limits = (excess / limit_scale).pow(2).sum();
    e.pose = (prior_ * p.theta.pow(2)).sum();
    e.shape = p.betas.pow(2).sum();
    return e;
  }

  // Adam on the stage's parameters, the learning rates decaying linearly to a tenth; returns the
  // energy at the end.
  Terms run(Params& p, const Stage& stage, const Tensor& samples) const {
    Tensor joint_mask = torch::zeros({23, 1});
    for (const int k : stage.joints) joint_mask[k - 1] = 1;
    std::vector<torch::optim::OptimizerParamGroup> groups;
    const auto group = [&groups](const Tensor& t, double lr) {
      t.requires_grad_(true);
      groups.emplace_back(std::vector<Tensor>{t}, std::make_unique<torch::optim::AdamOptions>(lr));
    };
    group(p.root6, 0.02);
    group(p.trans, 0.01);
    if (stage.scale) group(p.log_scale, 0.01);
    if (!stage.joints.empty()) group(p.theta, 0.03);
    if (stage.shape) group(p.betas, 0.05);
    torch::optim::Adam adam(std::move(groups), torch::optim::AdamOptions(0.01));
    std::vector<double> base_lr;
    for (auto& g : adam.param_groups()) base_lr.push_back(static_cast<torch::optim::AdamOptions&>(g.options()).lr());
    Correspondence match;
    for (int step = 0; step < stage.steps; ++step) {
      const double decay = 1.0 - 0.9 * double(step) / std::max(1, stage.steps - 1);
      for (std::size_t g = 0; g < base_lr.size(); ++g)
        static_cast<torch::optim::AdamOptions&>(adam.param_groups()[g].options()).lr(base_lr[g] * decay);
      adam.zero_grad();
      if (step % correspondence_every == 0) {
        torch::NoGradGuard no_grad;
        match = correspond(vertices(p), samples);
      }
      energy(p, samples, stage, &match).total().backward();
      if (!stage.joints.empty()) p.theta.mutable_grad().mul_(joint_mask);
      adam.step();
    }
    for (Tensor* t : {&p.root6, &p.theta, &p.trans, &p.log_scale, &p.betas}) *t = t->detach();
    torch::NoGradGuard no_grad;
    return energy(p, samples, stage);
  }

  // Tries rotations of one arm's shoulder (and elbow), the rest of the body fixed, and keeps the
  // one of lowest energy (`scoring`, with closest points found anew for each). The robust pull
  // barely draws points more than 2σ away, so an arm the torso stage left inside the torso or
  // behind the back never reaches a sleeve held out from the body; one of these candidates is in
  // it. Shoulder: swung about y and raised about z on a grid within the joint's limits (the right
  // arm mirrored); elbow: straight or bent a right angle; the arm as it was is a candidate too.
  void search_arm(Params& p, int shoulder, int elbow, const Tensor& samples, const Stage& scoring) const {
    torch::NoGradGuard no_grad;
    const float side = shoulder == left_shoulder ? 1.0f : -1.0f;
    const float degrees = 3.14159265f / 180.0f;
    const Tensor kept_shoulder = p.theta[shoulder - 1].clone(), kept_elbow = p.theta[elbow - 1].clone();
    Tensor best_shoulder = kept_shoulder, best_elbow = kept_elbow;
    double best = value(energy(p, samples, scoring).total());
    for (const float swing : {-90.0f, -45.0f, 0.0f, 45.0f}) {
      for (const float raise : {-45.0f, 0.0f, 45.0f, 90.0f, 120.0f}) {
        const Eigen::AngleAxisf turn(Eigen::AngleAxisf(side * swing * degrees, Vec3f::UnitY()) *
                                     Eigen::AngleAxisf(side * raise * degrees, Vec3f::UnitZ()));
        const Vec3f w = turn.axis() * turn.angle();
        for (const float bend : {0.0f, -90.0f}) {
          p.theta[shoulder - 1] = torch::tensor({w.x(), w.y(), w.z()});
          p.theta[elbow - 1] = torch::tensor({0.0f, side * bend * degrees, 0.0f});
          const double e = value(energy(p, samples, scoring).total());
          if (e < best) best = e, best_shoulder = p.theta[shoulder - 1].clone(), best_elbow = p.theta[elbow - 1].clone();
        }
      }
    }
    p.theta[shoulder - 1] = best_shoulder;
    p.theta[elbow - 1] = best_elbow;
  }

  // The body with β = 0 in the pose `theta` (23 x 3) turned by `orientation`, scaled to the scan's
  // length along `up` and centred in the scan's box.
  Params start(const Mat3<float>& orientation, int up_axis, const Tensor& theta) const {
    Params p;
    const Tensor r = torch::from_blob(const_cast<float*>(Mat3<float>(orientation.transpose()).data()), {1, 3, 3}).clone();
    p.root6 = matrix_to_rotation_6d(r);
    p.theta = theta.clone();
    p.betas = torch::zeros({1, shape_count_});
    p.trans = torch::zeros({1, 3});
    p.log_scale = torch::zeros({1});
    torch::NoGradGuard no_grad;
    const Tensor v = vertices(p);
    const Tensor v_min = std::get<0>(v.min(0)), v_max = std::get<0>(v.max(0));
    const double body_length = (v_max - v_min)[up_axis].item<double>();
    const double scan_length = double(target_.box.max()[up_axis] - target_.box.min()[up_axis]);
    const double scale = scan_length / body_length;
    p.log_scale.fill_(std::log(scale));
    // vertices = scale (X + trans): centre (v_min + v_max) / 2 · scale + scale · trans = scan centre.
    const Vec3f scan_centre = target_.box.center();
    const Tensor body_centre = (v_min + v_max) / 2;
    for (int c = 0; c < 3; ++c) {
      p.trans[0][c] = (double(scan_centre[c]) - body_centre[c].item<double>() * scale) / scale;
    }
    return p;
  }

  const BodyLayer& layer() const { return layer_; }

 private:
  HostExec space_;
  BodyLayer layer_;
  const ScanTarget& target_;
  RowMatrix3<int> faces_;
  int shape_count_;
  Tensor low_, high_, prior_;
};

// Rotation taking the body's up (+y) to the scan's axis `axis` with sign `sign`, then turned by
// `yaw` about it.
Mat3<float> start_orientation(int axis, int sign, float yaw) {
  Vec3f up = Vec3f::Zero();
  up[axis] = float(sign);
  const Mat3<float> align = Eigen::Quaternionf::FromTwoVectors(Vec3f::UnitY(), up).toRotationMatrix();
  // FromTwoVectors is ill-defined for opposite vectors: turn about z (the body's front stays +z).
  const Mat3<float> to_up = (axis == 1 && sign < 0) ? Mat3<float>(Eigen::AngleAxisf(3.14159265f, Vec3f::UnitZ())) : align;
  return Mat3<float>(Eigen::AngleAxisf(yaw, up)) * to_up;
}

FitEnergies energies_of(const Terms& e) {
  FitEnergies out;
  out.pull = value(e.pull);
  out.outside = e.outside_weight_used * value(e.outside);
  out.joint_limits = value(e.limits);
  out.pose_prior = pose_weight * value(e.pose);
  out.shape_prior = shape_weight * value(e.shape);
  out.total = value(e.total());
  return out;
}


}  // namespace

ScanFit fit_body_to_scan(const TriMesh<float>& scan, double metres_per_unit, const BodyModelData<float>& body,
                         const ScanFitOptions& options) {
  const char* where = "fit-body";
  if (scan.face_count() == 0) throw Error(where, "the scan has no faces");
  if (!scan.vertices.allFinite()) throw Error(where, "the scan has a non-finite vertex");
  if (body.joint_count() != smpl_joint_count) {
    throw Error(where, "the body has " + std::to_string(body.joint_count()) + " joints; fitting needs SMPL's 24");
  }
  if (!(metres_per_unit > 0 && std::isfinite(metres_per_unit))) throw Error(where, "the unit must be > 0");
  const OneTorchThread one_thread;
  const HostExec space;

  ScanFit fit;
  const AABBf box = bounding_box(scan);
  const Vec3f extent = box.max() - box.min();
  int up_axis = 0;
  extent.maxCoeff(&up_axis);
  const double length_m = double(extent[up_axis]) * metres_per_unit;
  if (!(length_m >= 0.3 && length_m <= 3.0)) {
    char text[160];
    std::snprintf(text, sizeof text, "the scan is %.3g m long: no person's size (is the unit right?)", length_m);
    throw Error(where, text);
  }
  if (length_m < 0.8 || length_m > 2.3) fit.doubts.push_back("unusual length for a person: " + std::to_string(length_m) + " m");

  const ScanTarget target = make_target(space, scan, metres_per_unit, options);
  const int shape_count = std::min(options.shape_count, body.shape_count());
  const Fitter fitter(space, body, target, shape_count);

  // Philox samples are independent draws, so a prefix of them is a smaller uniform sample.
  const auto first = [&target](int n) { return target.samples.narrow(0, 0, std::min<int64_t>(n, target.samples.size(0))); };
  const Tensor start_samples = first(options.start_samples), pose_samples = first(options.pose_samples);
  const std::vector<int> signs = up_axis == 1 ? std::vector<int>{1} : std::vector<int>{1, -1};
  // The size stays the length-matched one until the last stage: pulled by the scan alone (the
  // outside term is off while the body is far from its place) a body only grows.
  const Stage global{{}, false, options.start_steps, 0.15f, 0.0f};
  const Stage torso{{1, 2, 3, 6, 9, 12, 13, 14, 15}, false, options.torso_steps, 0.10f, 0.0f};
  // Limbs from the body out: hips and shoulders swing straight limbs towards the scan's before the
  // knees and elbows bend (bending first lets a limb fold into the torso to reach nearby points).
  const Stage upper_limbs{{1, 2, 13, 14, 16, 17}, false, options.limb_steps, 0.10f, 0.0f};
  const std::vector<int> limb_joints{1, 2, 4, 5, 7, 8, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23};
  const Stage limbs{limb_joints, false, options.limb_steps, 0.12f, 0.0f};
  const Stage limbs_closer{limb_joints, false, options.limb_steps, 0.05f, 0.02f};
  // The arm search scores as the upper-limb stage that follows it weighs: the pull alone. With the
  // push inwards too, an arm hanging inside a dress beat the forearm held out in its sleeve
  // (holdingFemale01).
  const Stage arm_scoring{{}, false, 0, 0.10f, 0.0f};
  std::vector<int> all_joints;
  for (int k = 1; k < smpl_joint_count; ++k) all_joints.push_back(k);
  const Stage final_stage{all_joints, true, options.final_steps, pull_sigma, outside_weight, true};

  struct Start {
    Params params;
    double energy;
    int sign;
    float yaw;
  };
  struct Fitted {
    Start start;  // its params fitted through every stage
    std::optional<Terms> terms;
  };
  // Starts in the pose `theta`: every yaw about each up direction tried; the lowest energy after
  // the global stage wins.
  const auto fit_from = [&](const Tensor& theta) {
    std::vector<Start> starts;
    for (const int sign : signs) {
      for (int y = 0; y < options.yaw_starts; ++y) {
        const float yaw = 2 * 3.14159265f * float(y) / float(options.yaw_starts);
        Params p = fitter.start(start_orientation(up_axis, sign, yaw), up_axis, theta);
        const double e = value(fitter.run(p, global, start_samples).total());
        starts.push_back({std::move(p), e, sign, yaw});
      }
    }
    // Front and back (and head and feet of a lying figure) look alike to the rigid body of the
    // global stage; bent knees and elbows, feet and joint limits tell them apart. So the best start
    // and the best one facing the other way (and, where both up signs were tried, the best one the
    // other way up) go through the torso and limb stages, and the best of those through the last.
    std::stable_sort(starts.begin(), starts.end(), [](const Start& a, const Start& b) { return a.energy < b.energy; });
    const auto axis_of = [](const Params& p, int column) {
      return rotation_6d_to_matrix(p.root6).squeeze(0).select(1, column);
    };
    std::vector<std::size_t> finalists{0};
    for (const int column : {2, 1}) {  // the body's front (+z), then its up (+y)
      for (std::size_t i = 1; i < starts.size(); ++i) {
        if (value(axis_of(starts[i].params, column).dot(axis_of(starts[0].params, column))) < 0) {
          if (std::find(finalists.begin(), finalists.end(), i) == finalists.end()) finalists.push_back(i);
          break;
        }
      }
    }
    Fitted best{starts[0], std::nullopt};
    for (const std::size_t i : finalists) {
      Params& q = starts[i].params;
      fitter.run(q, torso, pose_samples);
      fitter.search_arm(q, left_shoulder, left_elbow, start_samples, arm_scoring);
      fitter.search_arm(q, right_shoulder, right_elbow, start_samples, arm_scoring);
      fitter.run(q, upper_limbs, pose_samples);
      fitter.run(q, limbs, pose_samples);
      fitter.run(q, limbs_closer, pose_samples);
      Terms e = fitter.run(q, final_stage, target.samples);
      if (!best.terms || value(e.total()) < value(best.terms->total())) best = {starts[i], std::move(e)};
    }
    return best;
  };
  Fitted chosen = fit_from(torch::zeros({23, 3}));
  // A folded body (sitting, the knees drawn up) is far shorter than it is tall: the rest body
  // scaled to its length starts too small, and its straight legs find no thighs to follow. When
  // many scan points are left far from the body, the fit is tried again from a start sitting with
  // the knees up (hips flexed 110 degrees, knees bent 130: the thighs rise to the knees, the shins
  // fall to the feet; scaled to the scan's length as that body), and the lower final energy wins.
  if (value(chosen.terms->pull) > retry_pull) {
    Tensor sitting = torch::zeros({23, 3});
    for (const int hip : {left_hip, right_hip}) sitting[hip - 1][0] = -110 * float(M_PI) / 180;
    for (const int knee : {left_knee, right_knee}) sitting[knee - 1][0] = 130 * float(M_PI) / 180;
    Fitted seated = fit_from(sitting);
    if (value(seated.terms->total()) < value(chosen.terms->total())) {
      chosen = std::move(seated);
      fit.start_pose = "sitting";
    }
  }
  const Params& p = chosen.start.params;
  const Terms& terms = *chosen.terms;
  fit.energies = energies_of(terms);
  fit.up = std::string(chosen.start.sign > 0 ? "+" : "-") + "xyz"[up_axis];
  fit.start_yaw_degrees = chosen.start.yaw * 180.0f / 3.14159265f;

  // Into the scan's frame: scan = (s · LBS(θ, t) + c) / u = (s / u) · LBS(θ, t + c / s).
  torch::NoGradGuard no_grad;
  const double s = std::exp(value(p.log_scale));
  fit.body_scale = s;
  fit.scale = s / metres_per_unit;
  const Tensor trans = p.trans + torch::tensor({float(target.centre_m.x() / s), float(target.centre_m.y() / s),
                                                float(target.centre_m.z() / s)}).unsqueeze(0);
  const BodyPose posed = fitter.layer().pose(p.betas, p.rotations(), trans);
  const auto to_matrix = [](const Tensor& t, double scale) {
    const Tensor c = (t.squeeze(0) * scale).contiguous();
    RowMatrix3<float> m(c.size(0), 3);
    std::copy_n(c.data_ptr<float>(), c.numel(), m.data());
    return m;
  };
  fit.posed_vertices = to_matrix(posed.vertices, fit.scale);
  fit.posed_joints = to_matrix(posed.joints, fit.scale);
  fit.rest_joints = to_matrix(posed.rest_joints, 1.0);
  for (int c = 0; c < 3; ++c) fit.translation[c] = trans[0][c].item<float>();
  fit.betas.assign(p.betas.data_ptr<float>(), p.betas.data_ptr<float>() + p.betas.numel());
  fit.pose.assign(3 * smpl_joint_count, 0.0f);
  {
    // The root's axis-angle from its matrix (Eigen's AngleAxis, exact for any angle).
    const Tensor r = rotation_6d_to_matrix(p.root6).squeeze(0).contiguous();
    Mat3<float> m;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) m(i, j) = r[i][j].item<float>();
    const Eigen::AngleAxisf aa(m);
    const Vec3f w = aa.axis() * aa.angle();
    for (int c = 0; c < 3; ++c) fit.pose[std::size_t(c)] = w[c];
    const Tensor th = p.theta.contiguous();
    std::copy_n(th.data_ptr<float>(), th.numel(), fit.pose.begin() + 3);
  }

  // How much of the body is inside the clothing, by the exact signed distance (not the grid's).
  {
    const Tensor v = fitter.vertices(p).contiguous();
    Kokkos::View<float*, Kokkos::HostSpace> d("hifa::fit::body_sdf", std::size_t(v.size(0)));
    target.sdf_field->evaluate(UnmanagedPoints(v.data_ptr<float>(), std::size_t(v.size(0)), 3), d);
    int64_t inside = 0;
    for (std::size_t i = 0; i < d.extent(0); ++i) inside += d(i) <= inside_tolerance_m;
    fit.inside_fraction = double(inside) / double(v.size(0));
  }
  if (fit.inside_fraction < 0.9) {
    fit.doubts.push_back("only " + std::to_string(int(std::round(100 * fit.inside_fraction))) +
                         "% of the body is inside the scan");
  }
  if (fit.energies.pull > pull_doubt) fit.doubts.push_back("most scan points are far from the body (pull energy " +
                                                    std::to_string(fit.energies.pull) + ")");
  if (fit.energies.joint_limits > 1) fit.doubts.push_back("joints beyond their limits");
  return fit;
}

}  // namespace hifa::trainer
