#include "hifa/field/analytic.hpp"
#include "hifa/grid/evaluate.hpp"
#include "hifa/grid/marching_cubes.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/sampling/box.hpp"
#include "hifa/sampling/concepts.hpp"
#include "hifa/sampling/labels.hpp"
#include "hifa/sampling/mixture.hpp"
#include "hifa/sampling/perturbed.hpp"
#include "hifa/sampling/surface.hpp"

#include "support/counting_batch_field.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace hifa;

static_assert(PointSampler<SurfaceSampler<float>>);
static_assert(PointSampler<PerturbedSurfaceSampler<float>>);
static_assert(PointSampler<BoxSampler<float>>);
static_assert(PointSampler<AnySampler<float>>);
static_assert(PointSampler<Mixture<float>>);
static_assert(PointSampler<SurfaceSampler<double>>);

namespace {

using Host = Kokkos::DefaultHostExecutionSpace;

// The closed box [0, sx] x [0, sy] x [0, sz] as 12 outward triangles, with per-vertex colour = position / size.
TriMeshf box_mesh(float sx, float sy, float sz) {
  TriMeshf mesh;
  mesh.vertices.resize(8, 3);
  mesh.colors.resize(8, 3);
  for (int v = 0; v < 8; ++v) {
    const Vec3f corner((v & 1) ? 1.0f : 0.0f, (v & 2) ? 1.0f : 0.0f, (v & 4) ? 1.0f : 0.0f);
    mesh.vertices.row(v) = corner.cwiseProduct(Vec3f(sx, sy, sz)).transpose();
    mesh.colors.row(v) = corner.transpose();
  }
  mesh.faces.resize(12, 3);
  mesh.faces << 0, 2, 1, 1, 2, 3,  // z = 0
      4, 5, 6, 5, 7, 6,            // z = sz
      0, 1, 4, 1, 5, 4,            // y = 0
      2, 6, 3, 3, 6, 7,            // y = sy
      0, 4, 2, 2, 4, 6,            // x = 0
      1, 3, 5, 3, 7, 5;            // x = sx
  return mesh;
}

// A sphere of radius 0.8 about `centre`, by marching cubes on a 48^3 grid, with analytic normals.
TriMeshf sphere_mesh(const Vec3f& centre) {
  const Sphere<float> ball{centre, 0.8f};
  const auto grid = GridSpec<float>::cube(AABBf(centre - Vec3f::Constant(1), centre + Vec3f::Constant(1)), 48);
  const Host space;
  const auto values = evaluate_grid(space, ball, grid);
  return marching_cubes(space, values, grid, ball);
}

template <class M>
bool bitwise_equal(const M& a, const M& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

bool same_samples(const PointSamples<float>& a, const PointSamples<float>& b) {
  return bitwise_equal(a.points, b.points) && bitwise_equal(a.face_ids, b.face_ids) &&
         bitwise_equal(a.barycentrics, b.barycentrics) && bitwise_equal(a.normals, b.normals) &&
         bitwise_equal(a.colors, b.colors);
}

Vec3d mean_of(const RowMatrix3<float>& points) { return points.cast<double>().colwise().mean().transpose(); }

}  // namespace

TEST_CASE("surface samples lie on their face at their barycentrics with the face normal and interpolated colour") {
  const TriMeshf mesh = box_mesh(1, 2, 3);
  const SurfaceSampler<float> surface{mesh};
  CHECK(surface.area() == Approx(22.0));
  const auto s = surface.sample(Host{}, 5000, 7);
  REQUIRE(s.size() == 5000);
  REQUIRE(s.face_ids.size() == 5000);
  REQUIRE(s.colors.rows() == 5000);
  const RowMatrix3<float> face_n = face_normals(mesh);
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const int f = s.face_ids[i];
    REQUIRE((f >= 0 && f < 12));
    const Vec3f w = s.barycentrics.row(i).transpose();
    CHECK(w.minCoeff() >= 0.0f);
    CHECK(w.sum() == Approx(1.0f).margin(1e-6));
    Vec3f p = Vec3f::Zero(), c = Vec3f::Zero();
    for (int k = 0; k < 3; ++k) {
      p += w[k] * mesh.vertices.row(mesh.faces(f, k)).transpose();
      c += w[k] * mesh.colors.row(mesh.faces(f, k)).transpose();
    }
    CHECK((p - s.points.row(i).transpose()).norm() < 1e-5f);
    CHECK((c - s.colors.row(i).transpose()).norm() < 1e-5f);
    CHECK((face_n.row(f) - s.normals.row(i)).norm() < 1e-6f);
  }
}

TEST_CASE("surface samples fall on each face in proportion to its area") {
  const TriMeshf mesh = box_mesh(1, 2, 3);
  const SurfaceSampler<float> surface{mesh};
  const std::size_t n = 60000;
  const auto s = surface.sample(Host{}, n, 2024);
  std::vector<double> observed(12, 0.0);
  for (Eigen::Index i = 0; i < s.size(); ++i) observed[std::size_t(s.face_ids[i])] += 1;
  double chi2 = 0;
  for (Eigen::Index f = 0; f < 12; ++f) {
    const double expected = double(n) * (detail::doubled_area_vector(mesh, f).norm() / 2) / surface.area();
    chi2 += (observed[std::size_t(f)] - expected) * (observed[std::size_t(f)] - expected) / expected;
  }
  CHECK(chi2 < 31.26);  // chi-square, 11 degrees of freedom, p = 0.001
}

TEST_CASE("samples of a sphere mesh lie on the sphere around its centre with radial normals") {
  const Vec3f centre(0.3f, -0.2f, 0.1f);
  const SurfaceSampler<float> surface{sphere_mesh(centre)};
  const auto s = surface.sample(Host{}, 20000, 1);
  REQUIRE(s.colors.rows() == 0);  // the mesh has no colours
  double worst = 0, worst_normal = 1;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const Vec3f r = s.points.row(i).transpose() - centre;
    worst = std::max(worst, double(std::abs(r.norm() - 0.8f)));
    worst_normal = std::min(worst_normal, double(r.normalized().dot(s.normals.row(i).transpose())));
    CHECK(std::abs(s.normals.row(i).norm() - 1.0f) < 1e-5f);
  }
  CHECK(worst < 0.01);
  CHECK(worst_normal > 0.99);
  CHECK((mean_of(s.points) - centre.cast<double>()).norm() < 0.02);
}

TEST_CASE("perturbed samples are their surface samples plus Gaussian offsets of standard deviation sigma") {
  const SurfaceSampler<float> surface{box_mesh(1, 2, 3)};
  const float sigma = pifuhd_sigma_fine<float>;
  const PerturbedSurfaceSampler<float> near{surface, sigma};
  const std::size_t n = 40000;
  const auto on = surface.sample(Host{}, n, 11);
  const auto off = near.sample(Host{}, n, 11);
  CHECK(bitwise_equal(on.face_ids, off.face_ids));
  CHECK(bitwise_equal(on.normals, off.normals));
  const Eigen::MatrixXd offset = (off.points - on.points).cast<double>();
  for (int c = 0; c < 3; ++c) {
    const double mean = offset.col(c).mean();
    const double variance = (offset.col(c).array() - mean).square().sum() / double(n - 1);
    CHECK(std::abs(mean) < 4 * sigma / std::sqrt(double(n)));
    CHECK(variance == Approx(double(sigma) * sigma).epsilon(0.05));
  }
  // Along the normal too (isotropic noise).
  const Eigen::VectorXd along = (offset.cwiseProduct(on.normals.cast<double>())).rowwise().sum();
  CHECK(along.squaredNorm() / double(n) == Approx(double(sigma) * sigma).epsilon(0.05));
  CHECK(pifuhd_sigma_coarse<float> == 0.05f);
}

TEST_CASE("box samples lie in the box with their mean at its centre") {
  const AABBf box(Vec3f(-1, 0, 2), Vec3f(1, 0.5f, 5));
  const BoxSampler<float> uniform{box};
  const auto s = uniform.sample(Host{}, 30000, 3);
  REQUIRE(s.size() == 30000);
  CHECK(s.face_ids.size() == 0);
  CHECK(s.normals.rows() == 0);
  for (Eigen::Index i = 0; i < s.size(); ++i) CHECK(box.contains(s.points.row(i).transpose()));
  const Vec3d gap = (mean_of(s.points) - box.center().cast<double>()).cwiseQuotient(box.sizes().cast<double>());
  CHECK(gap.cwiseAbs().maxCoeff() < 0.01);
}

TEST_CASE("a mixture splits the count by largest remainder and concatenates its components in order") {
  const TriMeshf mesh = box_mesh(1, 1, 1);
  const AABBf box(Vec3f(-0.5f, -0.5f, -0.5f), Vec3f(1.5f, 1.5f, 1.5f));
  const auto pifu = pifu_mixture(mesh, 0.05f, box);
  CHECK(pifu.mixture_counts(8000) == std::vector<std::size_t>{7529, 471});
  CHECK(pifu.mixture_counts(0) == std::vector<std::size_t>{0, 0});
  const SurfaceSampler<float> surface{mesh};
  const Mixture<float> thirds({{surface, 1.0}, {surface, 1.0}, {surface, 1.0}});
  CHECK(thirds.mixture_counts(10) == std::vector<std::size_t>{4, 3, 3});
  CHECK(thirds.mixture_counts(2) == std::vector<std::size_t>{1, 1, 0});

  const auto s = pifu.sample(Host{}, 8000, 99);
  REQUIRE(s.size() == 8000);
  CHECK(s.face_ids.size() == 0);  // the box component has no faces
  const auto near = PerturbedSurfaceSampler<float>{surface, 0.05f}.sample(Host{}, 7529, detail::mix_seed(99, 0));
  const auto far = BoxSampler<float>{box}.sample(Host{}, 471, detail::mix_seed(99, 1));
  CHECK(bitwise_equal(RowMatrix3<float>(s.points.topRows(7529)), near.points));
  CHECK(bitwise_equal(RowMatrix3<float>(s.points.bottomRows(471)), far.points));

  // Same sampler twice: different draws, attributes kept.
  const auto t = thirds.sample(Host{}, 10, 5);
  CHECK(t.face_ids.size() == 10);
  CHECK(t.colors.rows() == 10);
  CHECK(!bitwise_equal(RowMatrix3<float>(t.points.topRows(3)), RowMatrix3<float>(t.points.middleRows(4, 3))));
}

TEST_CASE("samplers give the same bytes for the same seed and different samples for different seeds") {
  const TriMeshf mesh = box_mesh(1, 2, 3);
  const SurfaceSampler<float> surface{mesh};
  const PerturbedSurfaceSampler<float> near{surface, 0.05f};
  const BoxSampler<float> uniform{AABBf(Vec3f(0, 0, 0), Vec3f(1, 2, 3))};
  const auto pifu = pifu_mixture(mesh, 0.03f, AABBf(Vec3f(0, 0, 0), Vec3f(1, 2, 3)));
  const auto check = [](const auto& sampler) {
    const auto a = sampler.sample(Host{}, 3000, 42);
    CHECK(same_samples(a, sampler.sample(Host{}, 3000, 42)));
    CHECK(!bitwise_equal(a.points, sampler.sample(Host{}, 3000, 43).points));
    // A prefix of a longer run: sample i depends on i only.
    CHECK(bitwise_equal(a.points, RowMatrix3<float>(sampler.sample(Host{}, 5000, 42).points.topRows(3000))));
  };
  check(surface);
  check(near);
  check(uniform);
  const auto a = pifu.sample(Host{}, 3000, 42);
  CHECK(same_samples(a, pifu.sample(Host{}, 3000, 42)));
  CHECK(!bitwise_equal(a.points, pifu.sample(Host{}, 3000, 43).points));
}

TEST_CASE("parallel sampling equals a sequential loop and the serial backend bitwise") {
  const SurfaceSampler<float> surface{box_mesh(1, 2, 3)};
  const auto s = surface.sample(Host{}, 4000, 8);
  const CounterRng rng{8};
  int mismatches = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const auto d = surface.draw(rng, std::uint64_t(i));
    mismatches += d.face != s.face_ids[i] || d.point != s.points.row(i).transpose() ||
                  d.barycentric != s.barycentrics.row(i).transpose() || d.normal != s.normals.row(i).transpose() ||
                  d.color != s.colors.row(i).transpose();
  }
  CHECK(mismatches == 0);
#ifdef KOKKOS_ENABLE_SERIAL
  const PerturbedSurfaceSampler<float> near{surface, 0.05f};
  const BoxSampler<float> uniform{AABBf(Vec3f(0, 0, 0), Vec3f(1, 2, 3))};
  CHECK(same_samples(surface.sample(Kokkos::Serial{}, 4000, 8), s));
  CHECK(same_samples(near.sample(Kokkos::Serial{}, 4000, 8), near.sample(Host{}, 4000, 8)));
  CHECK(same_samples(uniform.sample(Kokkos::Serial{}, 4000, 8), uniform.sample(Host{}, 4000, 8)));
#endif
}

TEST_CASE("labels from a pointwise or batch field give a balanced inside outside subset") {
  const Sphere<float> ball{Vec3f(0.1f, 0, 0), 0.6f};
  const auto s = BoxSampler<float>{AABBf(Vec3f(-1, -1, -1), Vec3f(1, 1, 1))}.sample(Host{}, 5000, 17);
  const auto labels = label_occupancy(Host{}, ball, s.points, MarchingCubesOptions<float>::sdf());
  REQUIRE(labels.size() == 5000);
  std::size_t inside = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    REQUIRE(labels[std::size_t(i)] == (ball.value(s.points.row(i).transpose()) < 0 ? 1 : 0));
    inside += labels[std::size_t(i)];
  }
  REQUIRE(inside > 0);
  REQUIRE(inside < 2500);  // the ball is the smaller class

  const test::CountingBatchField<Sphere<float>, Host> batch{ball};
  CHECK(label_occupancy(Host{}, batch, s.points, MarchingCubesOptions<float>::sdf()) == labels);
  CHECK(batch.counts->calls == 1);

  const auto keep = balanced_subset(labels, 5);
  REQUIRE(keep.size() == 2 * inside);
  std::size_t kept_inside = 0;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    if (k > 0) REQUIRE(keep[k] > keep[k - 1]);
    kept_inside += labels[std::size_t(keep[k])];
  }
  CHECK(kept_inside == inside);
  CHECK(balanced_subset(labels, 5) == keep);
  CHECK(balanced_subset(labels, 6) != keep);
  const auto training = s.subset(keep);
  CHECK(training.size() == Eigen::Index(keep.size()));
  CHECK(training.points.row(1) == s.points.row(keep[1]));
  CHECK(balanced_subset(std::vector<std::uint8_t>(10, 1), 5).empty());

  // Occupancy convention: inside above 0.5.
  const std::vector<std::uint8_t> flipped =
      label_occupancy(Host{}, ball, s.points, MarchingCubesOptions<float>::occupancy(0.0f));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    CHECK(flipped[i] == (ball.value(s.points.row(Eigen::Index(i)).transpose()) > 0 ? 1 : 0));
  }
}

TEST_CASE("samplers reject unusable inputs with errors naming themselves") {
  const auto message_of = [](const auto& make) -> std::string {
    try {
      make();
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  CHECK_THAT(message_of([] { SurfaceSampler<float>{TriMeshf{}}; }), Catch::Contains("SurfaceSampler"));
  TriMeshf flat = box_mesh(1, 1, 1);
  flat.vertices.col(2).setZero();
  flat.vertices.col(1).setZero();
  CHECK_THAT(message_of([&] { SurfaceSampler<float>{flat}; }), Catch::Contains("SurfaceSampler"));
  TriMeshf broken = box_mesh(1, 1, 1);
  broken.faces(3, 1) = 8;
  CHECK_THAT(message_of([&] { SurfaceSampler<float>{broken}; }), Catch::Contains("uses vertex 8"));
  const SurfaceSampler<float> surface{box_mesh(1, 1, 1)};
  CHECK_THAT(message_of([&] { PerturbedSurfaceSampler<float>(surface, -1.0f); }),
             Catch::Contains("PerturbedSurfaceSampler"));
  CHECK_THAT(message_of([] { BoxSampler<float>{AABBf{}}; }), Catch::Contains("BoxSampler"));
  CHECK_THAT(message_of([&] { Mixture<float>({{surface, 0.0}}); }), Catch::Contains("Mixture"));
  CHECK_THAT(message_of([] { Mixture<float>({}); }), Catch::Contains("Mixture"));
}

TEST_CASE("surface samples of a textured quad take their colour from the texture at their UV") {
  // The unit quad at z = 0 with UV = (x, y), and a 4 x 4 texture whose texel (i, j) holds
  // ((i + 0.5) / 4, 1 - (j + 0.5) / 4, 0.25): the u and v of its centre (v up, row 0 at the top).
  // Bilinear interpolation of a linear ramp is the ramp itself, so between the outermost texel
  // centres (0.125 <= u, v <= 0.875, away from the wrap-around) the colour is (u, v, 0.25) exactly.
  TriMeshf quad;
  quad.vertices.resize(4, 3);
  quad.vertices << 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0;
  quad.faces.resize(2, 3);
  quad.faces << 0, 1, 2, 0, 2, 3;
  quad.colors = RowMatrix3<float>::Constant(4, 3, 0.9f);  // the texture takes precedence
  quad.uvs = quad.vertices.leftCols(2);
  quad.face_uvs = quad.faces;
  Image<float> texture(4, 4, 3);
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 4; ++i) {
      texture(i, j, 0) = (float(i) + 0.5f) / 4;
      texture(i, j, 1) = 1 - (float(j) + 0.5f) / 4;
      texture(i, j, 2) = 0.25f;
    }
  }
  const SurfaceSampler<float> surface{quad, {texture}};
  CHECK(surface.has_colors());
  const auto s = surface.sample(Host{}, 4000, 3);
  REQUIRE(s.colors.rows() == 4000);
  int inner = 0;
  double worst = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const float u = s.points(i, 0), v = s.points(i, 1);
    if (u < 0.125f || u > 0.875f || v < 0.125f || v > 0.875f) continue;
    ++inner;
    worst = std::max(worst, double((s.colors.row(i) - Eigen::RowVector3f(u, v, 0.25f)).norm()));
  }
  CHECK(inner > 2000);
  CHECK(worst < 1e-5);
  // Without the texture the same mesh gives its vertex colours; without either, no colours.
  CHECK(SurfaceSampler<float>{quad}.sample(Host{}, 10, 3).colors(5, 1) == Approx(0.9f));
  quad.colors.resize(0, 3);
  CHECK(SurfaceSampler<float>{quad}.sample(Host{}, 10, 3).colors.rows() == 0);
  // A face-uv index out of range is reported once a texture makes the UVs matter.
  quad.face_uvs(1, 2) = 9;
  CHECK_THROWS_WITH((SurfaceSampler<float>{quad, {texture}}), Catch::Contains("SurfaceSampler") && Catch::Contains("uv 9"));
}

TEST_CASE("surface samples of a two-material quad take each half's colour from its own material") {
  // Halves x < 0.5 and x > 0.5 of the unit quad: material 0 with a one-colour texture, material 1
  // without texture (its Kd), so a sample's colour says which material its face had.
  TriMeshf quad;
  quad.vertices.resize(6, 3);
  quad.vertices << 0, 0, 0, 0.5f, 0, 0, 0.5f, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0;
  quad.faces.resize(4, 3);
  quad.faces << 0, 1, 2, 0, 2, 3, 1, 4, 5, 1, 5, 2;
  quad.uvs = quad.vertices.leftCols(2);
  quad.face_uvs = quad.faces;
  quad.materials.resize(2);
  quad.materials[1].diffuse = hifa::Vec3f(0.25f, 0.5f, 0.75f);
  quad.face_materials.resize(4);
  quad.face_materials << 0, 0, 1, 1;
  Image<float> red(2, 2, 3);
  for (int j = 0; j < 2; ++j) {
    for (int i = 0; i < 2; ++i) red(i, j, 0) = 1.0f;
  }
  const SurfaceSampler<float> surface{quad, {red, Image<float>()}};
  const auto s = surface.sample(Host{}, 2000, 5);
  REQUIRE(s.colors.rows() == 2000);
  int left = 0;
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const bool on_left = s.face_ids(i) < 2;
    left += on_left;
    CHECK(s.colors.row(i) == (on_left ? Eigen::RowVector3f(1, 0, 0) : Eigen::RowVector3f(0.25f, 0.5f, 0.75f)));
  }
  CHECK(left > 800);
  CHECK(left < 1200);
  // Without any texture every face shows its material's Kd (material 0's is white).
  CHECK(SurfaceSampler<float>{quad}.sample(Host{}, 10, 5).colors.row(0).minCoeff() >= 0.25f);
  CHECK_THROWS_WITH((SurfaceSampler<float>{quad, {red}}), Catch::Contains("1 textures for 2 materials"));
  quad.face_materials(3) = 4;
  CHECK_THROWS_WITH((SurfaceSampler<float>{quad}), Catch::Contains("face 3 uses material 4"));
#if defined(KOKKOS_ENABLE_SERIAL) && defined(KOKKOS_ENABLE_OPENMP)
  quad.face_materials(3) = 1;
  const SurfaceSampler<float> again{quad, {red, Image<float>()}};
  const auto a = again.sample(Kokkos::Serial{}, 3000, 9), b = again.sample(Kokkos::OpenMP{}, 3000, 9);
  CHECK(a.colors == b.colors);
  CHECK(a.points == b.points);
#endif
}
