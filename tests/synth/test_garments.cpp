// Synthetic subjects on the test mannequin body (test_body.hpp) at low resolution.
#include "synth/test_body.hpp"

#include "hifa/mesh/topology.hpp"
#include "hifa/spatial/mesh_fields.hpp"
#include "hifa/synth/subject.hpp"

#include <catch2/catch.hpp>

#include <cstring>

namespace {

using namespace hifa;
using namespace hifa::synth;
using Space = Kokkos::DefaultHostExecutionSpace;

const test::RiggedBody& body() {
  static const test::RiggedBody b = test::mannequin_body();
  return b;
}

SubjectOptions low_res() {
  SubjectOptions o;
  o.resolution = 128;
  return o;
}

Subject dress(const Outfit& outfit, const Pose& pose = random_pose(1)) {
  return make_subject(Space{}, body().mesh, body().weights, body().joints, outfit, pose, low_res());
}

GarmentSpec tshirt() {
  GarmentSpec g;
  g.kind = GarmentKind::tshirt;
  g.torso_low = 0.0f;
  g.torso_high = 0.93f;
  g.sleeve = 0.3f;
  return g;
}

GarmentSpec trousers() {
  GarmentSpec g;
  g.kind = GarmentKind::trousers;
  g.torso_low = -1.0f;
  g.torso_high = 0.2f;
  g.leg_low = -1.0f;
  g.leg_high = 0.95f;
  g.thickness = 0.008f;
  return g;
}

GarmentSpec skirt() {
  GarmentSpec g;
  g.kind = GarmentKind::skirt;
  g.torso_low = -0.2f;
  g.torso_high = 0.2f;
  g.hem = 0.6f;
  g.flare = 0.05f;
  return g;
}

Outfit outfit_of(std::vector<GarmentSpec> garments) {
  Outfit o;
  o.seed = 7;
  o.garments = std::move(garments);
  return o;
}

// The clothed surface's signed distance at each point.
std::vector<float> signed_distances(const TriMesh<float>& mesh, const RowMatrix3<float>& points) {
  const MeshSdf<Kokkos::HostSpace> sdf(mesh);
  Kokkos::View<float* [3], Kokkos::HostSpace> p("points", std::size_t(points.rows()));
  for (Eigen::Index i = 0; i < points.rows(); ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = points(i, d);
  Kokkos::View<float*, Kokkos::HostSpace> v("values", std::size_t(points.rows()));
  sdf.evaluate(p, v);
  return std::vector<float>(v.data(), v.data() + v.extent(0));
}

// Fraction of the mesh's vertices within `radius` of `centre` labelled `label`.
double label_share(const Subject& s, const Vec3f& centre, float radius, int label) {
  int near = 0, match = 0;
  for (Eigen::Index i = 0; i < s.canonical.vertex_count(); ++i) {
    if ((s.canonical.vertex(i) - centre).norm() > radius) continue;
    ++near;
    match += s.labels[std::size_t(i)] == label;
  }
  REQUIRE(near > 0);
  return double(match) / near;
}

Vec3f joint(int k) { return body().joints.row(k).transpose(); }

}  // namespace

TEST_CASE("dressed canonical meshes are closed and edge-manifold, one piece, for drawn outfits") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    for (Preset preset : {Preset::default_mix, Preset::loose}) {
      const Outfit outfit = draw_outfit(seed, preset);
      const Subject s = dress(outfit);
      INFO("seed " << seed << " garments " << outfit.garments.size());
      CHECK(is_closed(s.canonical));
      CHECK(is_edge_manifold(s.canonical));
      CHECK(connected_components(s.canonical).count == 1);
      CHECK(s.canonical.colors.rows() == s.canonical.vertex_count());
      CHECK(s.canonical.colors.minCoeff() >= 0.0f);
      CHECK(s.canonical.colors.maxCoeff() <= 1.0f);
    }
  }
}

TEST_CASE("the posed mesh has the canonical mesh's topology and weights summing to one") {
  const Subject s = dress(draw_outfit(4, Preset::default_mix), random_pose(9));
  CHECK(s.posed.vertex_count() == s.canonical.vertex_count());
  CHECK(s.posed.faces == s.canonical.faces);
  CHECK(s.posed.colors == s.canonical.colors);
  CHECK(is_closed(s.posed));
  CHECK(s.weights.rows() == s.canonical.vertex_count());
  CHECK(s.weights.minCoeff() >= 0.0f);
  CHECK((s.weights.rowwise().sum().array() - 1.0f).abs().maxCoeff() < 1e-4f);
  // The pose moved the mesh (the random pose bends knees and elbows).
  CHECK((s.posed.vertices - s.canonical.vertices).rowwise().norm().maxCoeff() > 0.05f);
}

TEST_CASE("the body lies inside the clothing wherever a garment covers it, and is the surface where skin shows") {
  const Outfit outfit = outfit_of({trousers(), tshirt()});
  const Subject s = dress(outfit);
  const BodyRegions regions(body().mesh, body().weights, body().joints);
  const auto coverage = garment_coverage(body().mesh, regions, outfit);
  const auto sdf = signed_distances(s.canonical, body().mesh.vertices);
  int covered = 0, covered_inside = 0, bare = 0, bare_on_surface = 0;
  for (Eigen::Index i = 0; i < body().mesh.vertex_count(); ++i) {
    const float c = coverage.row(i).maxCoeff();
    if (c > 0.03f) {
      ++covered;
      covered_inside += sdf[std::size_t(i)] < -0.002f;
    } else if (c < -0.03f) {
      ++bare;
      bare_on_surface += std::abs(sdf[std::size_t(i)]) < 0.006f;
    }
  }
  REQUIRE(covered > 1000);
  REQUIRE(bare > 100);
  CHECK(covered_inside >= 0.995 * covered);
  CHECK(bare_on_surface >= 0.95 * bare);
}

TEST_CASE("garments cover the regions they claim") {
  const Outfit outfit = outfit_of({trousers(), tshirt()});
  const Subject s = dress(outfit);
  // Trouser legs enclose the knees, the shirt the chest, and hands and head are bare.
  CHECK(label_share(s, joint(4), 0.1f, 0) > 0.99);
  CHECK(label_share(s, joint(5), 0.1f, 0) > 0.99);
  CHECK(label_share(s, joint(6) + Vec3f(0, 0, 0.1f), 0.06f, 1) > 0.99);
  CHECK(label_share(s, joint(22), 0.05f, -1) > 0.99);
  CHECK(label_share(s, joint(15) + Vec3f(0, 0.05f, 0.1f), 0.04f, -1) > 0.99);
  // Short sleeves end above the elbow.
  CHECK(label_share(s, joint(18), 0.07f, -1) > 0.9);
}

TEST_CASE("a skirt bridges the legs where trousers leave a gap") {
  const Vec3f between = 0.5f * (joint(1) + joint(4)) - Vec3f(0.5f * (joint(1) + joint(4)).x(), 0, 0);
  RowMatrix3<float> point(1, 3);
  point.row(0) = between.transpose();
  const Subject skirted = dress(outfit_of({skirt()}));
  const Subject trousered = dress(outfit_of({trousers()}));
  CHECK(signed_distances(skirted.canonical, point)[0] < 0.0f);
  CHECK(signed_distances(trousered.canonical, point)[0] > 0.0f);
}

TEST_CASE("the same outfit and pose give the same bytes") {
  const Outfit outfit = draw_outfit(11, Preset::loose);
  const Subject a = dress(outfit, random_pose(3));
  const Subject b = dress(outfit, random_pose(3));
  REQUIRE(a.posed.vertices.size() == b.posed.vertices.size());
  CHECK(std::memcmp(a.posed.vertices.data(), b.posed.vertices.data(), sizeof(float) * a.posed.vertices.size()) == 0);
  CHECK(std::memcmp(a.canonical.colors.data(), b.canonical.colors.data(), sizeof(float) * a.canonical.colors.size()) == 0);
  CHECK(a.canonical.faces == b.canonical.faces);
  // A different seed dresses differently.
  CHECK(draw_outfit(12, Preset::loose).garments.size() + 0 >= 1);
  CHECK(dress(draw_outfit(12, Preset::loose)).canonical.vertex_count() != a.canonical.vertex_count());
}
