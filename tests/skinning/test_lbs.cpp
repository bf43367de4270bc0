#include "hifa/skinning/lbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/core/rng.hpp"
#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/grid_spec.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/skinning/skeleton.hpp"
#include "support/execution_spaces.hpp"
#include "support/random_pose.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using hifa::Mat3;
using hifa::Mat4;
using hifa::Vec3f;
using Host = Kokkos::HostSpace;
using HostPoints = Kokkos::View<float* [3], Kokkos::LayoutRight, Host>;

static_assert(hifa::Warper<hifa::LbsWarper<Host>, Kokkos::DefaultHostExecutionSpace>,
              "LbsWarper must model Warper");
static_assert(hifa::Warper<hifa::SparseLbsWarper<Host>, Kokkos::DefaultHostExecutionSpace>,
              "SparseLbsWarper must model Warper");
static_assert(!hifa::Warper<hifa::Skeletonf, Kokkos::DefaultHostExecutionSpace>, "a skeleton is not a warper");

// N x K weights, each row with 1 to 4 non-zero entries (SMPL-like) at random joints, summing to 1.
hifa::SkinningWeights<Host> random_weights(int n, int k_count, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  hifa::SkinningWeights<Host> w("weights", n, k_count);
  for (int i = 0; i < n; ++i) {
    const int nonzero = 1 + int(rng.below(4, 0, i));
    float sum = 0;
    for (int j = 0; j < nonzero; ++j) {
      const int k = int(rng.below(std::uint64_t(k_count), 1 + j, i));
      const float v = 0.05f + rng.uniform(5 + j, i);
      w(i, k) += v;
      sum += v;
    }
    for (int k = 0; k < k_count; ++k) w(i, k) /= sum;
  }
  return w;
}

HostPoints random_points(int n, std::uint64_t seed) {
  const hifa::CounterRng rng{seed};
  HostPoints p("points", n);
  for (int i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = 2 * rng.uniform(d, i) - 1;
  return p;
}

// Runs one warper method on Space (inputs copied to its memory) and returns the host result.
enum class Method { forward, inverse, forward_normals, canonical_normals };

// With `sparse`, through SparseLbsWarper over sparsify_weights(weights) instead of LbsWarper.
template <class Space, bool sparse = false>
HostPoints run(Method method, const std::vector<Mat4<float>>& transforms, const hifa::SkinningWeights<Host>& weights,
               const HostPoints& in) {
  using Memory = typename Space::memory_space;
  const Space space;
  const auto a = hifa::upload_transforms<Memory>(space, transforms);
  const auto w = Kokkos::create_mirror_view_and_copy(Memory{}, weights);
  const auto x = Kokkos::create_mirror_view_and_copy(Memory{}, in);
  const Kokkos::View<float* [3], Kokkos::LayoutRight, Memory> y("y", in.extent(0));
  const auto warp = [&] {
    if constexpr (sparse) return hifa::SparseLbsWarper<Memory>{a, hifa::sparsify_weights(space, w)};
    else return hifa::LbsWarper<Memory>{a, w};
  }();
  switch (method) {
    case Method::forward: warp.forward_points(space, x, y); break;
    case Method::inverse: warp.inverse_points(space, x, y); break;
    case Method::forward_normals: warp.forward_normals(space, x, y); break;
    case Method::canonical_normals: warp.canonical_normals(space, x, y); break;
  }
  space.fence();
  HostPoints out("out", in.extent(0));
  Kokkos::deep_copy(out, y);
  return out;
}

Vec3f row(const HostPoints& p, int i) { return {p(i, 0), p(i, 1), p(i, 2)}; }

// A bar along x from -1 to 1 (a capsule of radius 0.25 by marching cubes), its rest normals set.
hifa::TriMeshf bar() {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto grid = hifa::GridSpec<float>::cube(hifa::AABBf(Vec3f(-1.4f, -0.4f, -0.4f), Vec3f(1.4f, 0.4f, 0.4f)), 48);
  const hifa::Capsule<float> capsule{Vec3f(-1, 0, 0), Vec3f(1, 0, 0), 0.25f};
  auto mesh = hifa::marching_cubes(space, hifa::evaluate_grid(space, capsule, grid), grid);
  mesh.normals = hifa::vertex_normals(mesh);
  return mesh;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("LBS at the rest pose is the identity for points and normals", "", hifa::test::ExecutionSpaces) {
  hifa::RowMatrix3<float> joints = hifa::RowMatrix3<float>::Random(24, 3);
  const auto fk = hifa::forward_kinematics(hifa::smpl_skeleton(joints), std::vector<Mat3<float>>(24, Mat3<float>::Identity()));
  const auto w = random_weights(1000, 24, 3);
  const auto x = random_points(1000, 4);
  const auto y = run<TestType>(Method::forward, fk.skinning, w, x);
  const auto back = run<TestType>(Method::inverse, fk.skinning, w, x);
  HostPoints n("n", 1000);
  for (int i = 0; i < 1000; ++i) {
    const Vec3f u = row(x, i).normalized();
    for (int d = 0; d < 3; ++d) n(i, d) = u[d];
  }
  const auto m = run<TestType>(Method::forward_normals, fk.skinning, w, n);
  float worst = 0;
  for (int i = 0; i < 1000; ++i) {
    worst = std::max({worst, (row(y, i) - row(x, i)).norm(), (row(back, i) - row(x, i)).norm(), (row(m, i) - row(n, i)).norm()});
  }
  CHECK(worst < 2e-6f);
}

TEMPLATE_LIST_TEST_CASE("inverse LBS undoes forward LBS for random poses and weights", "", hifa::test::ExecutionSpaces) {
  const int n = 20000;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto fk = hifa::test::random_smpl_pose(seed, 0.8f);
    const auto w = random_weights(n, 24, seed + 10);
    const auto x = random_points(n, seed + 20);
    const auto y = run<TestType>(Method::forward, fk.skinning, w, x);
    const auto back = run<TestType>(Method::inverse, fk.skinning, w, y);
    float worst = 0, moved = 0;
    for (int i = 0; i < n; ++i) {
      worst = std::max(worst, (row(back, i) - row(x, i)).norm());
      moved = std::max(moved, (row(y, i) - row(x, i)).norm());
    }
    INFO("seed " << seed);
    CHECK(moved > 0.5f);  // the pose really moves the points
    CHECK(worst < 2e-4f);
  }
}

TEMPLATE_LIST_TEST_CASE("canonical normals undo forward normals and every normal is unit", "", hifa::test::ExecutionSpaces) {
  const int n = 5000;
  const auto fk = hifa::test::random_smpl_pose(5, 0.8f);
  const auto w = random_weights(n, 24, 6);
  auto nrm = random_points(n, 7);
  for (int i = 0; i < n; ++i) {
    const Vec3f u = row(nrm, i).normalized();
    for (int d = 0; d < 3; ++d) nrm(i, d) = u[d];
  }
  const auto posed = run<TestType>(Method::forward_normals, fk.skinning, w, nrm);
  const auto back = run<TestType>(Method::canonical_normals, fk.skinning, w, posed);
  float worst = 0, length = 0;
  for (int i = 0; i < n; ++i) {
    worst = std::max(worst, (row(back, i) - row(nrm, i)).norm());
    length = std::max({length, std::abs(row(posed, i).norm() - 1), std::abs(row(back, i).norm() - 1)});
  }
  CHECK(worst < 1e-4f);
  CHECK(length < 1e-6f);
}

TEST_CASE("warped normals stay unit and perpendicular to the warped surface of a bent bar") {
  // Two joints: the root at the bar's left end, the "elbow" at its middle, bent 40° about z. Weights
  // blend from the root to the elbow over x in [-0.3, 0.3] (smoothstep), so the middle shears.
  hifa::Skeletonf s;
  s.parents = {-1, 0};
  s.names = {"root", "elbow"};
  s.rest_joints.resize(2, 3);
  s.rest_joints << -1, 0, 0, 0, 0, 0;
  const std::vector<Mat3<float>> r = {Mat3<float>::Identity(),
                                      Eigen::AngleAxisf(0.7f, Eigen::Vector3f::UnitZ()).toRotationMatrix()};
  const auto fk = hifa::forward_kinematics(s, r);
  const auto mesh = bar();
  const int n = int(mesh.vertex_count());
  hifa::SkinningWeights<Host> w("weights", n, 2);
  for (int i = 0; i < n; ++i) {
    const float u = std::clamp((mesh.vertices(i, 0) + 0.3f) / 0.6f, 0.0f, 1.0f);
    w(i, 1) = u * u * (3 - 2 * u);
    w(i, 0) = 1 - w(i, 1);
  }
  const Kokkos::DefaultHostExecutionSpace space;
  const hifa::LbsWarper<Host> warp{hifa::upload_transforms<Host>(space, fk.skinning), w};
  const auto posed = hifa::warp_mesh(space, warp, mesh);
  const auto surface_normals = hifa::vertex_normals(posed);  // from the warped triangles themselves
  // Where one joint's weight is constant (|x| > 0.3: rigid parts) LBS is a rigid motion and the
  // warped normals are the warped surface's; in the blend it ignores the weights' gradient (the
  // term Σ_k (A_k x) ∇w_k^T of the true Jacobian), so there they only follow it approximately, but
  // closer than the blended linear part itself (not its inverse transpose) would.
  double rigid_worst = 1, blend_sum = 0, naive_sum = 0, length = 0;
  int blend_count = 0;
  for (int i = 0; i < n; ++i) {
    const Vec3f warped = posed.normals.row(i).transpose();
    const Vec3f actual = surface_normals.row(i).transpose();
    length = std::max(length, double(std::abs(warped.norm() - 1)));
    // Vertices whose whole one-ring is in a rigid part (0.06 > the 2.8 / 47 grid spacing).
    if (std::abs(mesh.vertices(i, 0)) > 0.36f) {
      rigid_worst = std::min(rigid_worst, double(warped.dot(actual)));
    } else if (std::abs(mesh.vertices(i, 0)) < 0.3f) {
      const Mat3<float> blend =
          w(i, 0) * fk.skinning[0].block<3, 3>(0, 0) + w(i, 1) * fk.skinning[1].block<3, 3>(0, 0);
      blend_sum += warped.dot(actual);
      naive_sum += (blend * mesh.normals.row(i).transpose()).normalized().dot(actual);
      ++blend_count;
    }
  }
  INFO("rigid worst cos " << rigid_worst << ", blend mean cos " << blend_sum / blend_count << " (blended linear part: "
                          << naive_sum / blend_count << ")");
  CHECK(length < 1e-6);
  CHECK(rigid_worst > 0.99999);
  CHECK(blend_sum / blend_count > 0.99);
  CHECK(blend_sum > naive_sum);
}

TEST_CASE("normals under a sheared transform stay perpendicular to the sheared tangents") {
  // One affine transform with shear and non-uniform scale: a normal must stay perpendicular to every
  // warped tangent, which only the inverse transpose achieves.
  Mat4<float> a = Mat4<float>::Identity();
  a.block<3, 3>(0, 0) << 1.5f, 0.7f, 0.0f, 0.0f, 0.8f, 0.3f, 0.2f, 0.0f, 1.2f;
  a.block<3, 1>(0, 3) << 0.1f, 0.2f, 0.3f;
  const int n = 500;
  hifa::SkinningWeights<Host> w("weights", n, 1);
  Kokkos::deep_copy(w, 1.0f);
  auto normals = random_points(n, 11);
  for (int i = 0; i < n; ++i) {
    const Vec3f u = row(normals, i).normalized();
    for (int d = 0; d < 3; ++d) normals(i, d) = u[d];
  }
  const auto warped = run<Kokkos::DefaultHostExecutionSpace>(Method::forward_normals, {a}, w, normals);
  float worst = 0;
  for (int i = 0; i < n; ++i) {
    const Vec3f nrm = row(normals, i);
    const Vec3f t1 = nrm.unitOrthogonal(), t2 = nrm.cross(t1);
    const Mat3<float> l = a.block<3, 3>(0, 0);
    worst = std::max({worst, std::abs(row(warped, i).dot((l * t1).normalized())),
                      std::abs(row(warped, i).dot((l * t2).normalized()))});
  }
  CHECK(worst < 1e-5f);
}

TEST_CASE("inverse LBS of a singular blend is NaN, and a zero normal has no direction") {
  Mat4<float> flip = Mat4<float>::Identity();
  flip.block<3, 3>(0, 0) = Eigen::AngleAxisf(3.14159265f, Eigen::Vector3f::UnitZ()).toRotationMatrix();
  hifa::SkinningWeights<Host> w("weights", 2, 2);
  w(0, 0) = w(0, 1) = 0.5f;  // (I + R_z(π)) / 2 = diag(0, 0, 1): no inverse
  w(1, 0) = 1.0f;
  HostPoints x("x", 2);
  x(0, 2) = 1.0f;  // x(1) stays 0: a zero normal
  const auto inv = run<Kokkos::DefaultHostExecutionSpace>(Method::inverse, {Mat4<float>::Identity(), flip}, w, x);
  CHECK(std::isnan(inv(0, 0)));
  CHECK(inv(1, 0) == 0.0f);
  const auto nrm = run<Kokkos::DefaultHostExecutionSpace>(Method::forward_normals, {Mat4<float>::Identity(), flip}, w, x);
  CHECK(std::isnan(nrm(1, 0)));
}

TEST_CASE("LBS kernels give the same bytes on every execution space and thread count") {
  const int n = 30000;
  const auto fk = hifa::test::random_smpl_pose(8, 1.0f);
  const auto w = random_weights(n, 24, 9);
  const auto x = random_points(n, 10);
  for (const Method m : {Method::forward, Method::inverse, Method::forward_normals, Method::canonical_normals}) {
    const auto reference = run<Kokkos::Serial>(m, fk.skinning, w, x);
    std::vector<HostPoints> results;
    std::apply([&](auto... spaces) { (results.push_back(run<decltype(spaces)>(m, fk.skinning, w, x)), ...); },
               hifa::test::ExecutionSpaces{});
    for (const auto& r : results) CHECK(std::memcmp(r.data(), reference.data(), sizeof(float) * 3 * n) == 0);
  }
}

TEST_CASE("LBS rejects mismatched extents, naming the method") {
  const Kokkos::DefaultHostExecutionSpace space;
  const hifa::LbsWarper<Host> warp{hifa::upload_transforms<Host>(space, std::vector<Mat4<float>>(3, Mat4<float>::Identity())),
                                   hifa::SkinningWeights<Host>("w", 10, 3)};
  HostPoints in("in", 10), out("out", 10), short_out("short", 9);
  CHECK_NOTHROW(warp.forward_points(space, in, out));
  CHECK_THROWS_WITH(warp.inverse_points(space, in, short_out), Catch::Contains("LbsWarper::inverse_points") &&
                                                                   Catch::Contains("expected 10 x 3"));
  const hifa::LbsWarper<Host> wrong_k{warp.transforms, hifa::SkinningWeights<Host>("w", 10, 4)};
  CHECK_THROWS_WITH(wrong_k.forward_normals(space, in, out), Catch::Contains("10 x 4, expected 10 x 3"));
  const HostPoints empty("empty", 0);
  const hifa::LbsWarper<Host> none{warp.transforms, hifa::SkinningWeights<Host>("w", 0, 3)};
  CHECK_NOTHROW(none.canonical_normals(space, empty, empty));
}

TEMPLATE_LIST_TEST_CASE("the sparse weight layout gives the dense warper's values for every map", "",
                        hifa::test::ExecutionSpaces) {
  const auto fk = hifa::test::random_smpl_pose(21, 1.2f);
  const auto x = random_points(2000, 22);
  HostPoints n("n", 2000);
  for (int i = 0; i < 2000; ++i) {
    const Vec3f u = row(x, i).normalized();
    for (int d = 0; d < 3; ++d) n(i, d) = u[d];
  }
  // SMPL-like rows (1-4 joints) and rows with every weight non-zero.
  hifa::SkinningWeights<Host> all("all", 2000, 24);
  for (int i = 0; i < 2000; ++i)
    for (int k = 0; k < 24; ++k) all(i, k) = float(1 + (i + k) % 5) / 72.0f;
  for (const auto& w : {random_weights(2000, 24, 23), all}) {
    for (const Method m : {Method::forward, Method::inverse, Method::forward_normals, Method::canonical_normals}) {
      const HostPoints& in = m == Method::forward || m == Method::inverse ? x : n;
      const auto dense = run<TestType>(m, fk.skinning, w, in);
      const auto sparse = run<TestType, true>(m, fk.skinning, w, in);
      int differ = 0;
      for (int i = 0; i < 2000; ++i)
        for (int d = 0; d < 3; ++d) differ += dense(i, d) == sparse(i, d) ? 0 : 1;
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("sparsify_weights keeps each row's non-zero weights in joint order, padded with zeros") {
  const Kokkos::DefaultHostExecutionSpace space;
  hifa::SkinningWeights<Host> w("w", 3, 5);
  w(0, 4) = 0.25f;
  w(0, 1) = 0.75f;
  w(1, 0) = 1.0f;
  w(2, 3) = 0.5f;
  w(2, 2) = 0.25f;
  w(2, 0) = 0.25f;
  const auto s = hifa::sparsify_weights(space, w);
  space.fence();
  CHECK(s.joint_count == 5);
  REQUIRE(s.pairs.extent(0) == 3);
  REQUIRE(s.pairs.extent(1) == 3);
  auto pair = [&](int i, int j) { return std::pair(s.pairs(i, j).joint, s.pairs(i, j).weight); };
  CHECK(pair(0, 0) == std::pair(1, 0.75f));
  CHECK(pair(0, 1) == std::pair(4, 0.25f));
  CHECK(pair(0, 2) == std::pair(0, 0.0f));
  CHECK(pair(1, 0) == std::pair(0, 1.0f));
  CHECK(pair(1, 1) == std::pair(0, 0.0f));
  CHECK(pair(2, 0) == std::pair(0, 0.25f));
  CHECK(pair(2, 1) == std::pair(2, 0.25f));
  CHECK(pair(2, 2) == std::pair(3, 0.5f));
  // No rows, or only zero rows: one padding column.
  CHECK(hifa::sparsify_weights(space, hifa::SkinningWeights<Host>("z", 4, 5)).pairs.extent(1) == 1);
  CHECK(hifa::sparsify_weights(space, hifa::SkinningWeights<Host>("e", 0, 5)).pairs.extent(0) == 0);
}

TEST_CASE("the sparse warper rejects weights over other joints or points, naming the method") {
  const Kokkos::DefaultHostExecutionSpace space;
  const auto a = hifa::upload_transforms<Host>(space, std::vector<Mat4<float>>(3, Mat4<float>::Identity()));
  const auto w = hifa::sparsify_weights(space, random_weights(10, 3, 1));
  HostPoints in("in", 10), out("out", 10), short_in("short", 9);
  const hifa::SparseLbsWarper<Host> warp{a, w};
  CHECK_NOTHROW(warp.forward_points(space, in, out));
  CHECK_THROWS_WITH(warp.inverse_points(space, short_in, out),
                    Catch::Contains("SparseLbsWarper::inverse_points") && Catch::Contains("9 (one per point)"));
  const hifa::SparseLbsWarper<Host> other{a, hifa::sparsify_weights(space, random_weights(10, 4, 1))};
  CHECK_THROWS_WITH(other.forward_normals(space, in, out),
                    Catch::Contains("SparseLbsWarper::forward_normals") && Catch::Contains("over 4 joints") &&
                        Catch::Contains("3 transforms"));
}
