// The differentiable body (trainer/body/) against the toolkit's SmplModel + pose_body, its
// gradients against finite differences, and its rotation parametrizations.
#include <catch2/catch.hpp>

#include "body/body_layer.hpp"
#include "body/rotations.hpp"
#include "hifa/body/smpl_model.hpp"
#include "hifa/core/error.hpp"
#include "support/skip.hpp"

#include <torch/torch.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace hifa::trainer;

namespace {

using Host = Kokkos::DefaultHostExecutionSpace;

// A small random SMPL-layout model: 6 joints in a branching tree, 60 vertices, 4 shape directions
// and, with `correctives`, pose blend shapes; weights and regressor rows positive, summing to 1.
hifa::BodyModelData<float> random_model(bool correctives, unsigned seed = 3) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1), positive(0.05f, 1);
  const int v = 60, k = 6, b = 4;
  hifa::BodyModelData<float> m;
  m.parents = {-1, 0, 1, 2, 1, 0};
  for (int j = 0; j < k; ++j) m.joint_names.push_back("j" + std::to_string(j));
  m.v_template.resize(v, 3);
  for (int i = 0; i < v; ++i) m.v_template.row(i) << 0.3f * u(rng), 0.8f * u(rng), 0.2f * u(rng);
  m.shapedirs.resize(3 * v, b);
  for (Eigen::Index i = 0; i < m.shapedirs.size(); ++i) m.shapedirs.data()[i] = 0.03f * u(rng);
  m.posedirs.resize(3 * v, correctives ? 9 * (k - 1) : 0);
  for (Eigen::Index i = 0; i < m.posedirs.size(); ++i) m.posedirs.data()[i] = 0.02f * u(rng);
  const auto normalized_rows = [&](int rows, int cols) {
    hifa::RowMatrixX<float> w(rows, cols);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) w(r, c) = positive(rng);
      w.row(r) /= w.row(r).sum();
    }
    return w;
  };
  m.J_regressor = normalized_rows(k, v);
  m.weights = normalized_rows(v, k);
  m.faces.resize(v / 3, 3);
  for (int f = 0; f < v / 3; ++f) m.faces.row(f) << 3 * f, 3 * f + 1, 3 * f + 2;
  return m;
}

struct RandomPose {
  std::vector<float> betas, axis_angle;
  hifa::Vec3f translation;
};

RandomPose random_pose(int joints, int betas, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> angle(-0.8f, 0.8f), shape(-2, 2), shift(-0.5f, 0.5f);
  RandomPose p;
  for (int i = 0; i < betas; ++i) p.betas.push_back(shape(rng));
  for (int i = 0; i < 3 * joints; ++i) p.axis_angle.push_back(angle(rng));
  p.translation = hifa::Vec3f(shift(rng), shift(rng), shift(rng));
  return p;
}

torch::Tensor tensor(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::tensor(v).reshape(shape);
}

// The layer on a batch of random poses against pose_body_axis_angle one pose at a time.
void check_against_toolkit(const hifa::BodyModelData<float>& data, int poses) {
  const hifa::SmplModel<float> model(data);
  const BodyLayer layer(data);
  const int64_t k = layer.joint_count(), b = layer.shape_count();
  std::vector<RandomPose> pose;
  std::vector<torch::Tensor> betas, theta, trans;
  for (int i = 0; i < poses; ++i) {
    pose.push_back(random_pose(int(k), int(b), 100 + unsigned(i)));
    betas.push_back(tensor(pose.back().betas, {b}));
    theta.push_back(tensor(pose.back().axis_angle, {k, 3}));
    trans.push_back(torch::tensor({pose.back().translation.x(), pose.back().translation.y(), pose.back().translation.z()}));
  }
  const BodyPose got = layer.pose(torch::stack(betas), axis_angle_to_matrix(torch::stack(theta)), torch::stack(trans));
  for (int i = 0; i < poses; ++i) {
    const auto want = hifa::pose_body_axis_angle(Host{}, model, std::span<const float>(pose[std::size_t(i)].betas),
                                                 std::span<const float>(pose[std::size_t(i)].axis_angle),
                                                 pose[std::size_t(i)].translation);
    const hifa::RowMatrix3<float> vertices = want.mesh.vertices;
    const torch::Tensor v = torch::from_blob(const_cast<float*>(vertices.data()), {vertices.rows(), 3});
    const torch::Tensor j = torch::from_blob(const_cast<float*>(want.joints.data()), {k, 3});
    CHECK((got.vertices[i] - v).abs().max().item<float>() < 1e-5f);
    CHECK((got.joints[i] - j).abs().max().item<float>() < 1e-5f);
    for (int64_t joint = 0; joint < k; ++joint) {
      const hifa::Mat4<float> a = want.transforms.skinning[std::size_t(joint)].transpose();  // row-major data
      const torch::Tensor expected = torch::from_blob(const_cast<float*>(a.data()), {4, 4});
      CHECK((got.skinning[i][joint] - expected).abs().max().item<float>() < 1e-5f);
    }
  }
}

}  // namespace

TEST_CASE("the body layer poses as the toolkit's SmplModel and pose_body do, to 1e-5", "[body]") {
  SECTION("with pose correctives") { check_against_toolkit(random_model(true), 3); }
  SECTION("without") { check_against_toolkit(random_model(false), 3); }
}

TEST_CASE("the body layer poses OpenBody as the toolkit does", "[body]") {
  const std::filesystem::path file = std::filesystem::path(HIFA_SOURCE_DIR) / "data/body/open_body.npz";
  if (!std::filesystem::exists(file)) HIFA_SKIP(file.string() << " is missing (scripts/fetch-data builds it)");
  check_against_toolkit(hifa::SmplModel<float>::load(file).data(), 2);
}

TEST_CASE("at the rest pose every A_k is the identity and the posed body is T(beta) + trans", "[body]") {
  const BodyLayer layer(random_model(true));
  const torch::Tensor betas = torch::rand({2, 4}) - 0.5, trans = torch::rand({2, 3});
  const torch::Tensor rest = torch::eye(3).expand({2, layer.joint_count(), 3, 3});
  const BodyPose p = layer.pose(betas, rest, torch::zeros({2, 3}));
  CHECK((p.skinning - torch::eye(4)).abs().max().item<float>() < 1e-6f);
  CHECK((p.vertices - p.rest_vertices).abs().max().item<float>() < 1e-6f);
  const BodyPose moved = layer.pose(betas, rest, trans);
  CHECK((moved.vertices - p.vertices - trans.unsqueeze(1)).abs().max().item<float>() < 1e-6f);
}

TEST_CASE("the body layer's gradients match central differences in betas, axis-angle and translation", "[body]") {
  const BodyLayer layer(random_model(true), torch::TensorOptions().dtype(torch::kFloat64));
  const int64_t k = layer.joint_count();
  torch::manual_seed(5);
  const torch::Tensor weights_v = torch::randn({1, layer.vertex_count(), 3}, torch::kFloat64);
  const torch::Tensor weights_j = torch::randn({1, k, 3}, torch::kFloat64);
  const auto loss = [&](const torch::Tensor& betas, const torch::Tensor& theta, const torch::Tensor& trans) {
    const BodyPose p = layer.pose(betas, axis_angle_to_matrix(theta), trans);
    return (p.vertices * weights_v).sum() + (p.joints * weights_j).sum();
  };
  torch::Tensor theta = (torch::rand({1, k, 3}, torch::kFloat64) - 0.5) * 1.6;
  theta[0][2].zero_();  // one joint exactly at rest: the Taylor branch's gradient
  const std::vector<torch::Tensor> inputs = {torch::randn({1, 4}, torch::kFloat64), theta,
                                             torch::randn({1, 3}, torch::kFloat64)};
  std::vector<torch::Tensor> leaves;
  for (const torch::Tensor& t : inputs) leaves.push_back(t.clone().requires_grad_(true));
  loss(leaves[0], leaves[1], leaves[2]).backward();
  const double h = 1e-6;
  for (std::size_t which = 0; which < inputs.size(); ++which) {
    const torch::Tensor flat = inputs[which].flatten();
    for (int64_t e = 0; e < flat.numel(); ++e) {
      std::vector<torch::Tensor> plus = inputs, minus = inputs;
      plus[which] = inputs[which].clone();
      minus[which] = inputs[which].clone();
      plus[which].view({-1})[e] += h;
      minus[which].view({-1})[e] -= h;
      const double numeric =
          (loss(plus[0], plus[1], plus[2]).item<double>() - loss(minus[0], minus[1], minus[2]).item<double>()) / (2 * h);
      const double analytic = leaves[which].grad().view({-1})[e].item<double>();
      INFO("input " << which << ", element " << e);
      CHECK(analytic == Approx(numeric).epsilon(1e-6).margin(1e-7));
    }
  }
}

TEST_CASE("the 6D rotation round-trips a rotation and always gives one", "[body]") {
  torch::manual_seed(2);
  const torch::Tensor r = axis_angle_to_matrix(torch::randn({16, 3}) * 2);
  CHECK((rotation_6d_to_matrix(matrix_to_rotation_6d(r)) - r).abs().max().item<float>() < 1e-5f);
  const torch::Tensor any = rotation_6d_to_matrix(torch::randn({32, 6}));
  CHECK((torch::matmul(any, any.transpose(1, 2)) - torch::eye(3)).abs().max().item<float>() < 1e-5f);
  CHECK((torch::linalg_det(any) - 1).abs().max().item<float>() < 1e-5f);
  // Axis-angle agrees with Rodrigues' closed form on a quarter turn about z.
  const torch::Tensor quarter = axis_angle_to_matrix(torch::tensor({0.0f, 0.0f, float(M_PI / 2)}));
  CHECK((quarter - torch::tensor({0.0f, -1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f}).reshape({3, 3})).abs().max().item<float>() < 1e-6f);
}

TEST_CASE("the body layer names the input whose shape is wrong", "[body]") {
  const BodyLayer layer(random_model(false));
  const int64_t k = layer.joint_count();
  const torch::Tensor rest = torch::eye(3).expand({1, k, 3, 3});
  CHECK_THROWS_WITH(layer.pose(torch::zeros({1, 5}), rest, torch::zeros({1, 3})), Catch::Contains("BodyLayer") && Catch::Contains("betas"));
  CHECK_THROWS_WITH(layer.pose(torch::zeros({1, 4}), torch::eye(3).expand({1, k - 1, 3, 3}), torch::zeros({1, 3})),
                    Catch::Contains("rotations"));
  CHECK_THROWS_WITH(layer.pose(torch::zeros({1, 4}), rest, torch::zeros({2, 3})), Catch::Contains("translation"));
  CHECK_THROWS_WITH(axis_angle_to_matrix(torch::zeros({2, 4})), Catch::Contains("axis_angle_to_matrix"));
  hifa::BodyModelData<float> bad = random_model(false);
  bad.parents[2] = 4;
  CHECK_THROWS_WITH(BodyLayer(bad), Catch::Contains("BodyLayer") && Catch::Contains("parents"));
}
