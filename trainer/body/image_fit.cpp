#include "body/image_fit.hpp"

#include "body/rotations.hpp"
#include "data/image_tensor.hpp"
#include "hifa/core/error.hpp"
#include "runtime/one_torch_thread.hpp"
#include "hifa/render/distance_transform.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace hifa::trainer {
namespace F = torch::nn::functional;
namespace {

// Bilinear lookup of C x S x S maps at normalized (x, y) points (N x 2): C x N. The frame's pixel
// mapping is grid_sample's with align_corners false and the grid (x, −y).
torch::Tensor sample(const torch::Tensor& maps, const torch::Tensor& xy) {
  const torch::Tensor grid = torch::stack({xy.select(1, 0), -xy.select(1, 1)}, 1).view({1, 1, -1, 2});
  return F::grid_sample(maps.unsqueeze(0), grid,
                        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kBorder).align_corners(false))
      .view({maps.size(0), -1});
}

// Per vertex: whether it is the front-most (largest z) or back-most vertex of its pixel, within
// `slack` normalized units (a z-buffer of the vertices, on the CPU: no gradient flows through it).
std::pair<torch::Tensor, torch::Tensor> visible(const torch::Tensor& vertices, int64_t size, float slack) {
  const torch::Tensor v = vertices.to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t n = v.size(0);
  const float* p = v.data_ptr<float>();
  std::vector<int64_t> pixel(std::size_t(n), 0);
  std::vector<float> front(std::size_t(size * size), -1e9f), back(std::size_t(size * size), 1e9f);
  for (int64_t i = 0; i < n; ++i) {
    const auto px = std::clamp<int64_t>(int64_t(std::floor((p[3 * i] + 1) * 0.5f * float(size))), 0, size - 1);
    const auto py = std::clamp<int64_t>(int64_t(std::floor((1 - p[3 * i + 1]) * 0.5f * float(size))), 0, size - 1);
    const std::size_t k = std::size_t(py * size + px);
    pixel[std::size_t(i)] = int64_t(k);
    front[k] = std::max(front[k], p[3 * i + 2]);
    back[k] = std::min(back[k], p[3 * i + 2]);
  }
  torch::Tensor is_front = torch::zeros({n}, torch::kBool), is_back = torch::zeros({n}, torch::kBool);
  bool* f = is_front.data_ptr<bool>();
  bool* b = is_back.data_ptr<bool>();
  for (int64_t i = 0; i < n; ++i) {
    const std::size_t k = std::size_t(pixel[std::size_t(i)]);
    f[i] = p[3 * i + 2] >= front[k] - slack;
    b[i] = p[3 * i + 2] <= back[k] + slack;
  }
  return {is_front.to(vertices.device()), is_back.to(vertices.device())};
}

}  // namespace

torch::Tensor view_vertices(const BodyLayer& layer, const ViewBodyParameters& b) {
  const BodyPose p = layer.pose(b.betas.unsqueeze(0), b.rotations.unsqueeze(0), torch::zeros({1, 3}, b.rotations.options()));
  return p.vertices[0] * b.scale + b.translation;
}

torch::Tensor view_joints(const BodyLayer& layer, const ViewBodyParameters& b) {
  const BodyPose p = layer.pose(b.betas.unsqueeze(0), b.rotations.unsqueeze(0), torch::zeros({1, 3}, b.rotations.options()));
  return p.joints[0] * b.scale + b.translation;
}

BodyRender render_body(const BodyLayer& layer, const ViewBodyParameters& b, int size) {
  torch::NoGradGuard no_grad;
  TriMesh<float> mesh;
  const torch::Tensor v = view_vertices(layer, b).to(torch::kCPU, torch::kFloat32).contiguous();
  mesh.vertices = Eigen::Map<const RowMatrix3<float>>(v.data_ptr<float>(), v.size(0), 3);
  const torch::Tensor f = layer.faces().to(torch::kCPU, torch::kInt32).contiguous();
  mesh.faces = Eigen::Map<const FaceMatrix>(f.data_ptr<int>(), f.size(0), 3);
  return render_view_mesh(mesh, size);
}

double mask_iou(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a.cpu() > 0.5f, y = b.cpu() > 0.5f;
  const double both = (x & y).sum().item<double>(), any = (x | y).sum().item<double>();
  return any > 0 ? both / any : 0.0;
}

torch::Tensor vertex_normals(const torch::Tensor& vertices, const torch::Tensor& faces) {
  const torch::Tensor a = vertices.index_select(1, faces.select(1, 0)), b = vertices.index_select(1, faces.select(1, 1)),
                      c = vertices.index_select(1, faces.select(1, 2));
  const torch::Tensor n = torch::cross(b - a, c - a, -1);  // |n| = twice the area: area weights
  torch::Tensor sum = torch::zeros_like(vertices);
  for (int k = 0; k < 3; ++k) sum = sum.index_add(1, faces.select(1, k), n);
  return F::normalize(sum, F::NormalizeFuncOptions().dim(-1).eps(1e-12));
}

ImageFitTarget image_fit_target(const torch::Tensor& mask_in, const torch::Tensor& front, const torch::Tensor& back,
                                int cover_pixels) {
  const torch::Tensor mask = mask_in.dim() == 3 ? mask_in.squeeze(0) : mask_in;
  if (mask.dim() != 2 || mask.size(0) != mask.size(1)) throw Error("image fit", "the mask is not a square image");
  const int64_t s = mask.size(0);
  for (const torch::Tensor* m : {&front, &back}) {
    if (m->defined() && (m->dim() != 3 || m->size(0) != 3 || m->size(1) != s || m->size(2) != s)) {
      throw Error("image fit", "a normal map of shape " + std::string(c10::str(m->sizes())) + " for a " +
                                   std::to_string(s) + "^2 mask");
    }
  }
  ImageFitTarget t;
  t.mask = mask.to(torch::kCPU, torch::kFloat32).contiguous();
  t.distance = image_tensor(distance_to_mask(tensor_image(t.mask.unsqueeze(0)), 0.5f))[0] * (2.0 / double(s));
  if (!std::isfinite(t.distance.max().item<float>())) throw Error("image fit", "the mask is empty");
  t.normal_front = front.defined() ? front.to(torch::kCPU, torch::kFloat32) : front;
  t.normal_back = back.defined() ? back.to(torch::kCPU, torch::kFloat32) : back;
  const torch::Tensor inside = (t.mask > 0.5f).nonzero();  // (row, column)
  const int64_t stride = std::max<int64_t>(1, (inside.size(0) + cover_pixels - 1) / std::max(1, cover_pixels));
  const torch::Tensor chosen = inside.slice(0, 0, inside.size(0), stride).to(torch::kFloat32);
  const double pixel = 2.0 / double(s);  // normalized units per pixel
  t.cover_points = torch::stack({(chosen.select(1, 1) + 0.5) * pixel - 1, 1 - (chosen.select(1, 0) + 0.5) * pixel}, 1);
  return t;
}

namespace {

ImageFit fit_from(const BodyLayer& layer, const ViewBodyParameters& start, const ImageFitTarget& t, const ImageFitOptions& o) {
  const int64_t s = t.mask.size(0);
  const torch::Tensor start_6d = matrix_to_rotation_6d(start.rotations.detach().to(torch::kFloat32)).unsqueeze(0);
  const torch::Tensor start_betas = start.betas.detach().to(torch::kFloat32).unsqueeze(0);
  torch::Tensor r6 = start_6d.clone().requires_grad_(true);
  torch::Tensor betas = start_betas.clone().requires_grad_(true);
  torch::Tensor log_scale = start.scale.detach().to(torch::kFloat32).log().view({1}).clone().requires_grad_(true);
  // Only x and y move: no term sees the depth, and Adam would turn its float round-off gradient into
  // steps of the full rate.
  const torch::Tensor start_translation = start.translation.detach().to(torch::kFloat32).view({1, 3});
  torch::Tensor shift = start_translation.narrow(1, 0, 2).clone().requires_grad_(true);
  const torch::Tensor depth = start_translation.narrow(1, 2, 1);
  torch::optim::Adam adam({r6, betas, log_scale, shift}, torch::optim::AdamOptions(o.rate));
  const torch::Tensor distance = t.distance.unsqueeze(0);
  const bool normals = t.normal_front.defined() && t.normal_back.defined();
  const float slack = 2.0f / float(s);  // a pixel
  // About 2000 vertices for the cover term: P x V distances per step stay a few million.
  const int64_t cover_stride = std::max<int64_t>(1, layer.vertex_count() / 2000);

  ImageFit out;
  const auto energy = [&](bool record) {
    const torch::Tensor translation = torch::cat({shift, depth}, 1)[0];
    const torch::Tensor v = view_vertices(layer, {rotation_6d_to_matrix(r6)[0], betas[0], log_scale.exp()[0], translation});
    const torch::Tensor xy = v.narrow(1, 0, 2);
    // Beyond the image the map is read at its border (constant there): add the way out to it.
    const torch::Tensor beyond = (xy.abs() - 1).clamp_min(0).norm(2, 1);
    const torch::Tensor outside = (sample(distance, xy)[0] + beyond).pow(2).mean();
    // The nearest of every cover_stride-th vertex, found without autograd (cdist's backward builds
    // the whole P x V gradient), then the distance to it with: the same gradient as the minimum's.
    torch::Tensor nearest;
    {
      torch::NoGradGuard no_grad;
      nearest = cover_stride * std::get<1>(torch::cdist(t.cover_points, xy.detach().slice(0, 0, xy.size(0), cover_stride)).min(1));
    }
    const torch::Tensor cover = (t.cover_points - xy.index_select(0, nearest)).pow(2).sum(1).mean();
    torch::Tensor normal = torch::zeros({});
    if (normals) {
      const torch::Tensor n = vertex_normals(v.unsqueeze(0), layer.faces())[0];
      torch::Tensor front_mask, back_mask;
      {
        torch::NoGradGuard no_grad;
        std::tie(front_mask, back_mask) = visible(v.detach(), s, slack);
      }
      const torch::Tensor mf = sample(t.normal_front, xy).t(), mb = sample(t.normal_back, xy).t();  // V x 3
      const torch::Tensor use_front = front_mask & (mf.norm(2, 1) > 0.5f) & (n.select(1, 2) > 0);
      const torch::Tensor use_back = back_mask & (mb.norm(2, 1) > 0.5f) & (n.select(1, 2) < 0);
      const torch::Tensor cos = torch::cat({(n * mf).sum(1).masked_select(use_front), (n * mb).sum(1).masked_select(use_back)});
      if (cos.numel() > 0) normal = (1 - cos).mean();
    }
    const torch::Tensor prior =
        o.pose_prior_weight * (r6 - start_6d).pow(2).sum() + o.shape_prior_weight * (betas - start_betas).pow(2).sum();
    const torch::Tensor total = o.outside_weight * outside + o.cover_weight * cover + o.normal_weight * normal + prior;
    if (record) {
      out.outside = outside.item<double>();
      out.cover = cover.item<double>();
      out.normal = normal.item<double>();
      out.prior = prior.item<double>();
      out.energy = total.item<double>();
    }
    return total;
  };
  for (int i = 0; i < o.iterations; ++i) {
    adam.zero_grad();
    energy(false).backward();
    adam.step();
  }
  {
    torch::NoGradGuard no_grad;
    energy(true);
  }
  out.body.rotations = rotation_6d_to_matrix(r6.detach())[0];
  out.body.betas = betas.detach()[0];
  out.body.scale = log_scale.detach().exp()[0];
  out.body.translation = torch::cat({shift.detach(), depth}, 1)[0];
  if (o.centre_depth) {
    // The fitted bodies of the demo's subjects lie within 0.09 units of this depth in every view;
    // the tiny estimator's guess missed it by 0.35 on a child unlike its training subjects.
    torch::NoGradGuard no_grad;
    const torch::Tensor z = view_vertices(layer, out.body).select(1, 2);
    out.body.translation[2] -= 0.5f * (z.max() + z.min());
  }
  return out;
}

// The start turned by `degrees` about the view's vertical axis (y): only its root rotation changes.
ViewBodyParameters turned(const ViewBodyParameters& start, double degrees) {
  const double a = degrees * 3.14159265358979 / 180;
  const float c = float(std::cos(a)), s = float(std::sin(a));
  const torch::Tensor turn = torch::tensor({c, 0.f, s, 0.f, 1.f, 0.f, -s, 0.f, c}).view({3, 3});
  ViewBodyParameters out = start;
  out.rotations = start.rotations.detach().to(torch::kFloat32).clone();
  out.rotations[0] = turn.to(out.rotations.device()).matmul(out.rotations[0]);
  return out;
}

}  // namespace

ImageFit fit_body_to_image(const BodyLayer& layer, const ViewBodyParameters& start, const ImageFitTarget& t,
                           const ImageFitOptions& o) {
  const OneTorchThread one_thread;
  double best_turn = 0;
  if (o.turns > 1) {
    ImageFitOptions trial = o;
    trial.iterations = o.turn_iterations;
    trial.centre_depth = false;
    double best = std::numeric_limits<double>::infinity();
    for (int k = 0; k < o.turns; ++k) {
      const double degrees = 360.0 * k / o.turns;
      const double energy = fit_from(layer, turned(start, degrees), t, trial).energy;
      if (energy < best) best = energy, best_turn = degrees;
    }
  }
  ImageFit out = fit_from(layer, best_turn == 0 ? start : turned(start, best_turn), t, o);
  out.turn = best_turn;
  return out;
}

}  // namespace hifa::trainer
