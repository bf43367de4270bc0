#include "hifa/body/smpl_model.hpp"

#include "hifa/body/body_model.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/io/npy.hpp"
#include "hifa/io/npz.hpp"
#include "support/execution_spaces.hpp"
#include "support/temp_dir.hpp"

#include <Eigen/Geometry>
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

namespace {

static_assert(hifa::PoseCorrectedBodyModel<hifa::SmplModel<float>>);
static_assert(hifa::BodyModel<hifa::SmplModel<double>>);

// Models miss one part each: the concept names the part that fails.
struct NoShape {
  using scalar = float;
  int vertex_count() const;
  int joint_count() const;
  int shape_count() const;
  const hifa::FaceMatrix& faces() const;
  std::span<const int> parents() const;
  std::span<const std::string> joint_names() const;
  const hifa::RowMatrixX<float>& skinning_weights() const;
};
static_assert(!hifa::BodyModel<NoShape> && !hifa::BodyModelShape<NoShape> && hifa::BodyModelTopology<NoShape> &&
              hifa::BodyModelSkinningWeights<NoShape> && hifa::BodyModelSizes<NoShape>);
static_assert(!hifa::BodyModel<hifa::BodyModelData<float>> && hifa::BodyModelSizes<hifa::BodyModelData<float>>,
              "the plain arrays are not a model: SmplModel gives them the equations");
static_assert(!hifa::PoseCorrectedBodyModel<NoShape>);

constexpr int V = 50, K = 24, B = 3, P = 9 * (K - 1);

// A random SMPL-like model in SMPL's file layout, as plain arrays (C order): the test's truth.
struct RandomModel {
  std::vector<double> v_template;   // V x 3
  std::vector<double> shapedirs;    // V x 3 x B
  std::vector<double> posedirs;     // V x 3 x P
  std::vector<double> J_regressor;  // K x V
  std::vector<double> weights;      // V x K
  std::vector<std::uint32_t> kintree;  // 2 x K, root 4294967295 as in SMPL's files
  std::vector<std::uint32_t> f;     // F x 3
};

RandomModel random_model(std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  std::uint64_t counter = 0;
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * double(rng.uniform(0, counter++)); };
  RandomModel m;
  for (int i = 0; i < V * 3; ++i) m.v_template.push_back(uniform(-1, 1));
  for (int i = 0; i < V * 3 * B; ++i) m.shapedirs.push_back(uniform(-0.1, 0.1));
  for (int i = 0; i < V * 3 * P; ++i) m.posedirs.push_back(uniform(-0.02, 0.02));
  m.J_regressor.assign(K * V, 0.0);
  for (int k = 0; k < K; ++k) {  // each joint the mean of 5 random vertices, with random weights
    double sum = 0;
    for (int n = 0; n < 5; ++n) {
      const double w = uniform(0.1, 1);
      m.J_regressor[k * V + (k * 7 + n * 11) % V] += w;
      sum += w;
    }
    for (int v = 0; v < V; ++v) m.J_regressor[k * V + v] /= sum;
  }
  m.weights.assign(V * K, 0.0);
  for (int v = 0; v < V; ++v) {  // 1 to 4 joints per vertex, like SMPL's rows
    const int count = 1 + v % 4;
    double sum = 0;
    for (int n = 0; n < count; ++n) {
      const double w = uniform(0.1, 1);
      m.weights[v * K + (v + 5 * n) % K] += w;
      sum += w;
    }
    for (int k = 0; k < K; ++k) m.weights[v * K + k] /= sum;
  }
  for (int k = 0; k < K; ++k) m.kintree.push_back(k == 0 ? 4294967295u : std::uint32_t(hifa::smpl_parents[k]));
  for (int k = 0; k < K; ++k) m.kintree.push_back(std::uint32_t(k));
  for (int t = 0; t + 2 < V; ++t) {
    m.f.push_back(std::uint32_t(t));
    m.f.push_back(std::uint32_t(t + 1));
    m.f.push_back(std::uint32_t(t + 2));
  }
  return m;
}

// The same values in Fortran (column-major) storage order.
hifa::NpyArray fortran(const std::vector<double>& c, std::vector<std::size_t> shape) {
  std::vector<double> f(c.size());
  const std::size_t d1 = shape[1], d2 = shape.size() > 2 ? shape[2] : 1, d0 = shape[0];
  for (std::size_t i = 0; i < d0; ++i)
    for (std::size_t j = 0; j < d1; ++j)
      for (std::size_t l = 0; l < d2; ++l) f[i + d0 * (j + d1 * l)] = c[(i * d1 + j) * d2 + l];
  hifa::NpyArray a = hifa::make_npy(f, std::move(shape));
  a.fortran_order = true;
  return a;
}

// The arrays as an SMPL .npz stores them: float64, uint32 kintree_table and f, shapedirs in
// Fortran order (as chumpy-converted files often are), plus an array SMPL files carry that is unused.
std::vector<hifa::NpzEntry> smpl_layout(const RandomModel& m) {
  return {{"v_template", hifa::make_npy(m.v_template, {V, 3})},
          {"shapedirs", fortran(m.shapedirs, {V, 3, B})},
          {"posedirs", hifa::make_npy(m.posedirs, {V, 3, P})},
          {"J_regressor", hifa::make_npy(m.J_regressor, {K, V})},
          {"weights", fortran(m.weights, {V, K})},
          {"kintree_table", hifa::make_npy(m.kintree, {2, K})},
          {"f", hifa::make_npy(m.f, {m.f.size() / 3, 3})},
          {"bs_style", hifa::make_npy(std::vector<std::uint8_t>{1}, {1})}};
}

// SMPL's equations written out with plain loops and Eigen's angle-axis (not hifa's FK or LBS):
// posed vertices (V x 3, row-major) and joints (K x 3) for betas, axis-angle theta, translation.
struct Reference {
  std::vector<double> vertices, joints;
};

Reference reference_pose(const RandomModel& m, const std::vector<double>& betas, const std::vector<double>& theta,
                         const std::array<double, 3>& trans, bool correctives) {
  std::vector<double> shaped(V * 3);
  for (int v = 0; v < V; ++v)
    for (int c = 0; c < 3; ++c) {
      double x = m.v_template[v * 3 + c];
      for (std::size_t b = 0; b < betas.size(); ++b) x += m.shapedirs[(v * 3 + c) * B + b] * betas[b];
      shaped[v * 3 + c] = x;
    }
  std::vector<double> j(K * 3, 0.0);
  for (int k = 0; k < K; ++k)
    for (int c = 0; c < 3; ++c)
      for (int v = 0; v < V; ++v) j[k * 3 + c] += m.J_regressor[k * V + v] * shaped[v * 3 + c];
  std::vector<Eigen::Matrix3d> r(K);
  for (int k = 0; k < K; ++k) {
    const Eigen::Vector3d w(theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]);
    r[k] = w.norm() == 0 ? Eigen::Matrix3d::Identity() : Eigen::AngleAxisd(w.norm(), w / w.norm()).toRotationMatrix();
  }
  std::vector<double> posed_rest = shaped;
  if (correctives) {
    for (int v = 0; v < V; ++v)
      for (int c = 0; c < 3; ++c)
        for (int k = 1; k < K; ++k)
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b)
              posed_rest[v * 3 + c] +=
                  m.posedirs[(v * 3 + c) * P + 9 * (k - 1) + 3 * a + b] * (r[k](a, b) - (a == b ? 1.0 : 0.0));
  }
  // G_k = G_parent · [R_k | j_k - j_parent], as 3 x 4 (rotation, translation).
  std::vector<Eigen::Matrix3d> gr(K);
  std::vector<Eigen::Vector3d> gt(K);
  for (int k = 0; k < K; ++k) {
    const int p = hifa::smpl_parents[k];
    const Eigen::Vector3d jk(j[3 * k], j[3 * k + 1], j[3 * k + 2]);
    if (p < 0) {
      gr[k] = r[k];
      gt[k] = jk;
    } else {
      const Eigen::Vector3d jp(j[3 * p], j[3 * p + 1], j[3 * p + 2]);
      gr[k] = gr[p] * r[k];
      gt[k] = gr[p] * (jk - jp) + gt[p];
    }
  }
  Reference out;
  for (int k = 0; k < K; ++k)
    for (int c = 0; c < 3; ++c) out.joints.push_back(gt[k](c) + trans[c]);
  for (int v = 0; v < V; ++v) {
    const Eigen::Vector3d x(posed_rest[v * 3], posed_rest[v * 3 + 1], posed_rest[v * 3 + 2]);
    Eigen::Vector3d y = Eigen::Vector3d::Zero();
    for (int k = 0; k < K; ++k) {
      const Eigen::Vector3d jk(j[3 * k], j[3 * k + 1], j[3 * k + 2]);
      y += m.weights[v * K + k] * (gr[k] * (x - jk) + gt[k]);
    }
    for (int c = 0; c < 3; ++c) out.vertices.push_back(y(c) + trans[c]);
  }
  return out;
}

double max_difference(const hifa::RowMatrix3<float>& a, const std::vector<double>& b) {
  double d = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(double(a(i, c)) - b[std::size_t(i * 3 + c)]));
  return d;
}

template <class T>
double max_difference(const hifa::RowMatrix3<T>& a, const hifa::RowMatrix3<T>& b) {
  return double((a - b).cwiseAbs().maxCoeff());
}

std::vector<double> random_theta(std::uint64_t seed, double max_angle) {
  const hifa::CounterRng rng{seed};
  std::vector<double> theta(3 * K);
  for (int i = 0; i < 3 * K; ++i) theta[i] = max_angle * (2 * double(rng.uniform(1, std::uint64_t(i))) - 1);
  return theta;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("a random SMPL-layout model poses as SMPL's equations computed by hand", "",
                        hifa::test::ExecutionSpaces) {
  const hifa::test::TempDir dir;
  const RandomModel m = random_model(11);
  hifa::write_npz(dir / "smpl.npz", smpl_layout(m));
  const auto model = hifa::SmplModel<float>::load(dir / "smpl.npz");
  CHECK(model.vertex_count() == V);
  CHECK(model.joint_count() == K);
  CHECK(model.shape_count() == B);
  CHECK(model.faces().rows() == V - 2);
  CHECK(model.parents()[0] == -1);
  CHECK(model.joint_names()[16] == "left_shoulder");  // no joint_names array: SMPL's for 24 joints

  const std::vector<double> betas = {0.8, -1.2, 0.5};
  const std::vector<double> theta = random_theta(3, 0.9);
  const std::array<double, 3> trans = {0.3, -0.2, 1.5};
  const Reference ref = reference_pose(m, betas, theta, trans, true);
  const std::vector<float> betas_f(betas.begin(), betas.end()), theta_f(theta.begin(), theta.end());
  const TestType space;
  const auto posed = hifa::pose_body_axis_angle(space, model, std::span<const float>(betas_f),
                                                std::span<const float>(theta_f),
                                                hifa::Vec3<float>(float(trans[0]), float(trans[1]), float(trans[2])));
  CHECK(max_difference(posed.mesh.vertices, ref.vertices) < 2e-5);
  CHECK(max_difference(posed.joints, ref.joints) < 2e-5);
  CHECK(posed.mesh.faces == model.faces());

  SECTION("the pose correctives matter: without them the body is off by the posedirs offsets") {
    const Reference plain = reference_pose(m, betas, theta, trans, false);
    CHECK(max_difference(posed.mesh.vertices, plain.vertices) > 1e-3);
    CHECK(max_difference(posed.joints, plain.joints) < 2e-5);  // joints come from the shaped rest mesh
  }
  SECTION("a model file without posedirs poses without correctives") {
    std::vector<hifa::NpzEntry> arrays = smpl_layout(m);
    arrays.erase(arrays.begin() + 2);
    hifa::write_npz(dir / "no_posedirs.npz", arrays);
    const auto plain_model = hifa::SmplModel<double>::load(dir / "no_posedirs.npz");
    const auto plain = hifa::pose_body_axis_angle(space, plain_model, std::span<const double>(betas),
                                                  std::span<const double>(theta), hifa::Vec3<double>(trans.data()));
    CHECK(max_difference(plain.mesh.vertices, reference_pose(m, betas, theta, trans, false).vertices) < 2e-5);
  }
}

TEST_CASE("at the rest pose with zero betas the body is v_template and the joints J_regressor · v_template") {
  const RandomModel m = random_model(5);
  const hifa::test::TempDir dir;
  hifa::write_npz(dir / "smpl.npz", smpl_layout(m), hifa::NpzCompression::deflated);
  const auto model = hifa::SmplModel<double>::load(dir / "smpl.npz");
  const std::vector<double> zero_pose(3 * K, 0.0);
  const auto posed = hifa::pose_body_axis_angle(Kokkos::DefaultHostExecutionSpace(), model, {},
                                                std::span<const double>(zero_pose));
  CHECK(max_difference(posed.mesh.vertices, m.v_template) < 1e-6);
  std::vector<double> joints(K * 3, 0.0);
  for (int k = 0; k < K; ++k)
    for (int c = 0; c < 3; ++c)
      for (int v = 0; v < V; ++v) joints[k * 3 + c] += m.J_regressor[k * V + v] * m.v_template[v * 3 + c];
  hifa::RowMatrix3<double> expected = Eigen::Map<const hifa::RowMatrix3<double>>(joints.data(), K, 3);
  CHECK(max_difference(posed.joints, expected) < 1e-12);
  CHECK(max_difference(hifa::rest_skeleton(model, {}).rest_joints, expected) < 1e-12);
  // Shape moves the rest mesh by shapedirs · β, the skeleton with it.
  const std::vector<double> betas = {1.0, 0.0, -2.0};
  const hifa::RowMatrix3<double> shaped = model.rest_vertices(betas);
  CHECK(shaped(7, 1) == Approx(m.v_template[7 * 3 + 1] + m.shapedirs[(7 * 3 + 1) * B] - 2 * m.shapedirs[(7 * 3 + 1) * B + 2]));
}

TEST_CASE("the joints J_regressor · rest are the same bytes for any number of Eigen threads") {
  // SMPL's size: large enough that Eigen's blocked product would split it over OpenMP's threads,
  // whose blocking then changes its roundings (6e-8 on the same body measured before it was coefficient-wise).
  constexpr int v = 6890, k = 24;
  const hifa::CounterRng rng{17};
  hifa::BodyModelData<float> d;
  d.v_template = hifa::RowMatrix3<float>(v, 3);
  for (int i = 0; i < v; ++i)
    for (int c = 0; c < 3; ++c) d.v_template(i, c) = rng.uniform(1, std::uint64_t(3 * i + c)) - 0.5f;
  d.shapedirs = hifa::RowMatrixX<float>::Zero(3 * v, 1);
  d.posedirs = hifa::RowMatrixX<float>(3 * v, 0);
  d.J_regressor = hifa::RowMatrixX<float>(k, v);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < v; ++i) d.J_regressor(j, i) = rng.uniform(2, std::uint64_t(j) * v + std::uint64_t(i)) / float(v);
  d.weights = hifa::RowMatrixX<float>::Constant(v, k, 1.0f / k);
  for (int j = 0; j < k; ++j) {
    d.parents.push_back(j - 1);
    d.joint_names.push_back("joint_" + std::to_string(j));
  }
  d.faces = hifa::FaceMatrix(1, 3);
  d.faces << 0, 1, 2;
  const hifa::RowMatrixX<float> regressor = d.J_regressor;
  const hifa::SmplModel<float> model(std::move(d));
  const hifa::RowMatrix3<float> rest = model.rest_vertices({});
  const int threads = Eigen::nbThreads();
  Eigen::setNbThreads(1);
  const hifa::RowMatrix3<float> one = model.rest_joints(rest);
  Eigen::setNbThreads(2);
  const hifa::RowMatrix3<float> two = model.rest_joints(rest);
  Eigen::setNbThreads(threads);
  CHECK(one == two);
  const hifa::RowMatrix3<double> exact = regressor.cast<double>() * rest.cast<double>();
  CHECK(max_difference(hifa::RowMatrix3<float>(exact.cast<float>()), one) < 1e-6);
}

TEST_CASE("write_body_npz and read_body_npz round trip a model, names included") {
  const hifa::test::TempDir dir;
  const RandomModel m = random_model(9);
  hifa::write_npz(dir / "smpl.npz", smpl_layout(m));
  hifa::BodyModelData<float> data = hifa::read_body_npz<float>(dir / "smpl.npz");
  data.joint_names[3] = "belly";
  for (const auto compression : {hifa::NpzCompression::stored, hifa::NpzCompression::deflated}) {
    hifa::write_body_npz(dir / "body.npz", data, compression);
    const hifa::BodyModelData<float> back = hifa::read_body_npz<float>(dir / "body.npz");
    CHECK(back.v_template == data.v_template);
    CHECK(back.shapedirs == data.shapedirs);
    CHECK(back.posedirs == data.posedirs);
    CHECK(back.J_regressor == data.J_regressor);
    CHECK(back.weights == data.weights);
    CHECK(back.parents == data.parents);
    CHECK(back.faces == data.faces);
    CHECK(back.joint_names == data.joint_names);
  }
  CHECK(hifa::NpzArchive(dir / "body.npz").read("v_template").descr == "<f4");
  // A body without pose correctives writes no posedirs and reads back without them.
  data.posedirs.resize(3 * V, 0);
  hifa::write_body_npz(dir / "plain.npz", data);
  CHECK_FALSE(hifa::NpzArchive(dir / "plain.npz").contains("posedirs"));
  CHECK(hifa::read_body_npz<double>(dir / "plain.npz").posedirs.cols() == 0);
}

TEST_CASE("broken model files are refused naming the file and the array") {
  const hifa::test::TempDir dir;
  const RandomModel m = random_model(2);
  const std::string path = (dir / "bad.npz").string();
  auto write_with = [&](const std::string& name, hifa::NpyArray replacement) {
    std::vector<hifa::NpzEntry> arrays = smpl_layout(m);
    for (hifa::NpzEntry& e : arrays)
      if (e.name == name) e.array = std::move(replacement);
    std::erase_if(arrays, [](const hifa::NpzEntry& e) { return e.array.descr.empty(); });
    hifa::write_npz(path, arrays);
  };
  auto load = [&] { return hifa::SmplModel<float>::load(path); };

  write_with("weights", {});
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz:weights") && Catch::Contains("no such array") &&
                                Catch::Contains("v_template, shapedirs"));
  write_with("weights", hifa::make_npy(std::vector<double>(V * (K + 1), 0.0), {V, K + 1}));
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz:weights") && Catch::Contains("shape (50, 25), expected (50, 24)"));
  write_with("shapedirs", hifa::make_npy(std::vector<double>(V * 3, 0.0), {V, 3}));
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz:shapedirs") && Catch::Contains("expected (50, 3, any)"));
  std::vector<double> nan_template = m.v_template;
  nan_template[3 * 17 + 2] = std::numeric_limits<double>::quiet_NaN();
  write_with("v_template", hifa::make_npy(nan_template, {V, 3}));
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz: v_template") && Catch::Contains("row 17, column 2 is not finite"));
  std::vector<std::uint32_t> tree = m.kintree;
  tree[5] = 9;
  write_with("kintree_table", hifa::make_npy(tree, {2, K}));
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz: parents") && Catch::Contains("joint 5 has parent 9"));
  std::vector<std::uint32_t> faces = m.f;
  faces[4] = V;
  write_with("f", hifa::make_npy(faces, {faces.size() / 3, 3}));
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz: faces") && Catch::Contains("face 1 uses vertex 50"));
  write_with("f", hifa::make_npy(std::vector<float>{0, 1, 2.5f}, {1, 3}));
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz:f") && Catch::Contains("not an integer"));
  // A pickled scipy.sparse J_regressor (what SMPL's .pkl holds) is named as such.
  hifa::NpyArray object;
  object.descr = "|O";
  object.shape = {};
  object.data = std::vector<std::byte>(8);
  write_with("J_regressor", object);
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz:J_regressor") && Catch::Contains("pickled"));
  {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "PK\x03\x04 but nothing more";
  }
  CHECK_THROWS_WITH(load(), Catch::Contains("bad.npz") && Catch::Contains("not a zip archive"));
  CHECK_THROWS_WITH(hifa::SmplModel<float>::load(dir / "none.npz"), Catch::Contains("none.npz: no such file"));
  CHECK_THROWS_WITH(hifa::SmplModel<float>::load(dir / "SMPL_NEUTRAL.pkl"),
                    Catch::Contains("SMPL_NEUTRAL.pkl") && Catch::Contains("not read") && Catch::Contains(".npz"));
}

TEST_CASE("posing with the wrong number of betas or rotations is refused") {
  const hifa::test::TempDir dir;
  hifa::write_npz(dir / "smpl.npz", smpl_layout(random_model(4)));
  const auto model = hifa::SmplModel<float>::load(dir / "smpl.npz");
  const Kokkos::DefaultHostExecutionSpace space;
  const std::vector<float> theta(3 * K, 0.0f), betas(B + 1, 0.0f);
  CHECK_THROWS_WITH(hifa::pose_body_axis_angle(space, model, std::span<const float>(betas), std::span<const float>(theta)),
                    Catch::Contains("4 betas for a model with 3 shape parameters"));
  const std::vector<float> short_theta(3 * (K - 1), 0.0f);
  CHECK_THROWS_WITH(hifa::pose_body_axis_angle(space, model, {}, std::span<const float>(short_theta)),
                    Catch::Contains("23 rotations for 24 joints"));
}
