// hifa/io/assimp.hpp on glTF files the tests write themselves (gltf_writer.hpp): node transforms
// composed and applied, meshes merged, attributes kept or dropped, skinning data in merged space,
// errors naming the file. Expected values are computed by hand from the numbers written.
#include "gltf_writer.hpp"
#include "support/temp_dir.hpp"

#include "hifa/io/assimp.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Geometry>

#include <fstream>
#include <string>

namespace {

using hifa::test::GltfMesh;
using hifa::test::GltfNode;
using hifa::test::GltfScene;

constexpr float kHalfSqrt2 = 0.70710678118654752f;

// Triangle A and quad B (two triangles), distinct enough that a wrong transform shows.
GltfMesh triangle_a() {
  GltfMesh m;
  m.positions = {{1, 0, 0}, {2, 0, 0}, {1, 1, 0}};
  m.indices = {0, 1, 2};
  m.normals = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}};
  m.colors = {{1, 0, 0, 1}, {0, 1, 0, 1}, {0, 0, 1, 1}};
  m.uvs = {{0, 0}, {1, 0}, {0, 1}};
  return m;
}

GltfMesh quad_b() {
  GltfMesh m;
  m.positions = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}};
  m.indices = {0, 1, 2, 0, 2, 3};
  m.normals = {{0, 0, 1}, {0, 0, 1}, {0, 0, 1}, {0, 0, 1}};
  m.colors = {{0.5f, 0.5f, 0.5f, 1}, {0.5f, 0.5f, 0.5f, 1}, {0.25f, 0.5f, 0.75f, 1}, {1, 1, 1, 1}};
  m.uvs = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  return m;
}

// root: translation (1, 2, 3), 90 degrees about z, scale 2; children partA (mesh 0) and partB
// (mesh 1, its own translation (0, 0, 5)).
GltfScene two_part_scene() {
  GltfScene scene;
  scene.meshes = {triangle_a(), quad_b()};
  GltfNode root{"root", std::nullopt, {1, 2}, std::array<float, 3>{1, 2, 3}, std::array<float, 3>{2, 2, 2},
                std::array<float, 4>{0, 0, kHalfSqrt2, kHalfSqrt2}};
  GltfNode a{"partA", 0, {}, std::nullopt, std::nullopt, std::nullopt};
  GltfNode b{"partB", 1, {}, std::array<float, 3>{0, 0, 5}, std::nullopt, std::nullopt};
  scene.nodes = {root, a, b};
  scene.roots = {0};
  return scene;
}

// By hand: R_z(90) (x, y, z) = (-y, x, z); world = T + R (2 p) for A, T + R (2 (p + (0, 0, 5))) for B.
Eigen::Vector3f world_a(const std::array<float, 3>& p) { return {1 - 2 * p[1], 2 + 2 * p[0], 3 + 2 * p[2]}; }
Eigen::Vector3f world_b(const std::array<float, 3>& p) { return {1 - 2 * p[1], 2 + 2 * p[0], 3 + 2 * (p[2] + 5)}; }

void require_near(const Eigen::Vector3f& got, const Eigen::Vector3f& want) {
  INFO("got " << got.transpose() << ", want " << want.transpose());
  REQUIRE((got - want).norm() < 1e-5f);
}

std::string message_of(const std::filesystem::path& path) {
  try {
    (void)hifa::load_scene_mesh(path);
  } catch (const hifa::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("load_scene_mesh merges two meshes with their composed node transforms applied") {
  hifa::test::TempDir dir;
  const auto path = dir / "scene.gltf";
  const auto scene = two_part_scene();
  hifa::test::write_gltf(path, scene);

  const auto mesh = hifa::load_scene_mesh(path);
  REQUIRE(mesh.vertex_count() == 7);
  REQUIRE(mesh.face_count() == 3);
  // Faces in scene-graph order (A, then B's two), each corner where the hand computation puts it.
  const auto& a = scene.meshes[0];
  const auto& b = scene.meshes[1];
  for (int k = 0; k < 3; ++k) require_near(mesh.vertex(mesh.faces(0, k)), world_a(a.positions[a.indices[k]]));
  for (int f = 0; f < 2; ++f) {
    for (int k = 0; k < 3; ++k) {
      require_near(mesh.vertex(mesh.faces(1 + f, k)), world_b(b.positions[b.indices[3 * f + k]]));
    }
  }
  // The two parts share no vertex: merging offsets B's indices past A's vertices.
  for (int k = 0; k < 3; ++k) {
    REQUIRE(mesh.faces(0, k) < 3);
    REQUIRE(mesh.faces(1, k) >= 3);
    REQUIRE(mesh.faces(2, k) >= 3);
  }
}

TEST_CASE("load_scene_mesh keeps normals rotated, vertex colours and uvs when every mesh has them") {
  hifa::test::TempDir dir;
  const auto path = dir / "scene.gltf";
  const auto scene = two_part_scene();
  hifa::test::write_gltf(path, scene);
  const auto mesh = hifa::load_scene_mesh(path);

  REQUIRE(mesh.has_normals());
  REQUIRE(mesh.has_colors());
  REQUIRE(mesh.has_uvs());
  REQUIRE(mesh.face_uvs == mesh.faces);
  const auto& a = scene.meshes[0];
  for (int k = 0; k < 3; ++k) {
    const int v = mesh.faces(0, k), source = a.indices[k];
    // A's normal (1, 0, 0) rotated by 90 degrees about z; the uniform scale must not lengthen it.
    require_near(mesh.normals.row(v).transpose(), Eigen::Vector3f(0, 1, 0));
    require_near(mesh.colors.row(v).transpose(),
                 Eigen::Vector3f(a.colors[source][0], a.colors[source][1], a.colors[source][2]));
    // glTF's v runs down the image; TriMesh keeps OBJ's upward v, so assimp's 1 - v is expected.
    REQUIRE(mesh.uvs(v, 0) == Approx(a.uvs[source][0]));
    REQUIRE(mesh.uvs(v, 1) == Approx(1 - a.uvs[source][1]));
  }
  for (int f = 1; f < 3; ++f) {
    for (int k = 0; k < 3; ++k) require_near(mesh.normals.row(mesh.faces(f, k)).transpose(), Eigen::Vector3f(0, 0, 1));
  }
}

TEST_CASE("load_scene_mesh drops an attribute that one of the meshes lacks") {
  hifa::test::TempDir dir;
  auto scene = two_part_scene();
  scene.meshes[1].colors.clear();
  scene.meshes[0].uvs.clear();
  hifa::test::write_gltf(dir / "scene.gltf", scene);
  const auto mesh = hifa::load_scene_mesh(dir / "scene.gltf");
  REQUIRE(mesh.face_count() == 3);
  CHECK_FALSE(mesh.has_colors());
  CHECK_FALSE(mesh.has_uvs());
  CHECK(mesh.has_normals());
}

TEST_CASE("a mirroring node transform flips the corner order so faces stay counter-clockwise") {
  hifa::test::TempDir dir;
  GltfScene scene;
  scene.meshes = {triangle_a()};
  scene.nodes = {GltfNode{"mirror", 0, {}, std::nullopt, std::array<float, 3>{-1, 1, 1}, std::nullopt}};
  scene.roots = {0};
  hifa::test::write_gltf(dir / "mirror.gltf", scene);
  const auto mesh = hifa::load_scene_mesh(dir / "mirror.gltf");
  REQUIRE(mesh.face_count() == 1);
  // A lies in z = 0 facing +z; mirrored in x it still faces +z, which needs the reversed corners.
  const Eigen::Vector3f p0 = mesh.vertex(mesh.faces(0, 0)), p1 = mesh.vertex(mesh.faces(0, 1)),
                        p2 = mesh.vertex(mesh.faces(0, 2));
  REQUIRE((p1 - p0).cross(p2 - p0).z() > 0);
  require_near(p0, Eigen::Vector3f(-1, 0, 0));  // corner 0 of A mirrored stays first
  require_near(p1, Eigen::Vector3f(-1, 1, 0));  // then A's corner 2
  require_near(p2, Eigen::Vector3f(-2, 0, 0));
}

TEST_CASE("a material's diffuse texture is the file beside the scene, and empty when that file is missing") {
  hifa::test::TempDir dir;
  auto scene = two_part_scene();
  scene.texture_uri = "skin.png";
  scene.meshes[1].material = 0;
  hifa::test::write_gltf(dir / "scene.gltf", scene);
  // The material of the second part's faces (the last face is one of them).
  const auto texture_of_last_face = [&] {
    const auto mesh = hifa::load_scene_mesh(dir / "scene.gltf");
    REQUIRE(mesh.has_face_materials());
    return mesh.materials.at(std::size_t(mesh.material_of(mesh.face_count() - 1))).diffuse_texture;
  };
  CHECK(texture_of_last_face().empty());
  std::ofstream(dir / "skin.png") << "not decoded by the importer";
  CHECK(texture_of_last_face() == (dir / "skin.png").lexically_normal());
}

TEST_CASE("load_skinned_scene reads bone names, parents, weights and offsets; skinned vertices stay in bind space") {
  hifa::test::TempDir dir;
  GltfScene scene;
  GltfMesh m = triangle_a();
  m.joints = {{0, 0, 0, 0}, {0, 1, 0, 0}, {1, 0, 0, 0}};
  m.weights = {{1, 0, 0, 0}, {0.25f, 0.75f, 0, 0}, {1, 0, 0, 0}};
  scene.meshes = {m};
  // hips at (0, 1, 0), spine 0.5 above it. The skinned mesh's node would move it by (3, 0, 0), but a
  // skinned mesh is placed by its skeleton (glTF: its node transform is ignored).
  scene.nodes = {GltfNode{"hips", std::nullopt, {1}, std::array<float, 3>{0, 1, 0}, std::nullopt, std::nullopt},
                 GltfNode{"spine", std::nullopt, {}, std::array<float, 3>{0, 0.5f, 0}, std::nullopt, std::nullopt},
                 GltfNode{"body", 0, {}, std::array<float, 3>{3, 0, 0}, std::nullopt, std::nullopt, true}};
  scene.roots = {0, 2};
  // Inverse bind matrices: inverse(joint global), translations (0, -1, 0) and (0, -1.5, 0)
  // (column-major, translation last).
  scene.skin = hifa::test::GltfSkin{{0, 1},
                                    {{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1},
                                     {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1.5f, 0, 1}}};
  hifa::test::write_gltf(dir / "skinned.gltf", scene);

  const auto skinned = hifa::load_skinned_scene(dir / "skinned.gltf");
  const auto& mesh = skinned.mesh;
  const auto& skeleton = skinned.skeleton;
  REQUIRE(mesh.face_count() == 1);
  require_near(mesh.vertex(mesh.faces(0, 0)), Eigen::Vector3f(1, 0, 0));  // not (4, 0, 0)
  REQUIRE(skeleton.bone_count() == 2);
  const int hips = skeleton.names[0] == "hips" ? 0 : 1, spine = 1 - hips;
  REQUIRE(skeleton.names[hips] == "hips");
  REQUIRE(skeleton.names[spine] == "spine");
  CHECK(skeleton.parents[hips] == -1);
  CHECK(skeleton.parents[spine] == hips);
  require_near(skeleton.bind[spine].topRightCorner<3, 1>(), Eigen::Vector3f(0, 1.5f, 0));
  require_near(skeleton.offsets[spine].topRightCorner<3, 1>(), Eigen::Vector3f(0, -1.5f, 0));

  // Weights per (merged vertex, bone), zeros omitted by the importer.
  Eigen::MatrixXf w = Eigen::MatrixXf::Zero(mesh.vertex_count(), 2);
  for (const auto& weight : skeleton.weights) w(weight.vertex, weight.bone) += weight.weight;
  const auto& source = scene.meshes[0];
  for (int k = 0; k < 3; ++k) {
    const int v = mesh.faces(0, k), s = source.indices[k];
    float want_hips = 0, want_spine = 0;
    for (int j = 0; j < 4; ++j) (source.joints[s][j] == 0 ? want_hips : want_spine) += source.weights[s][j];
    CHECK(w(v, hips) == Approx(want_hips));
    CHECK(w(v, spine) == Approx(want_spine));
  }

  // At the bind pose, skinning the merged vertices gives them back: bind * offset = identity.
  for (std::size_t b = 0; b < 2; ++b) {
    INFO("bone " << skeleton.names[b]);
    CHECK((skeleton.bind[b] * skeleton.offsets[b] - Eigen::Matrix4f::Identity()).norm() < 1e-5f);
  }
}

TEST_CASE("an unskinned scene has an empty skeleton") {
  hifa::test::TempDir dir;
  hifa::test::write_gltf(dir / "scene.gltf", two_part_scene());
  const auto skinned = hifa::load_skinned_scene(dir / "scene.gltf");
  CHECK(skinned.skeleton.empty());
  CHECK(skinned.skeleton.weights.empty());
}

TEST_CASE("a missing, a garbage and a triangle-less file are errors naming the file") {
  hifa::test::TempDir dir;
  const auto missing = dir / "missing.dae";
  CHECK(message_of(missing) == missing.string() + ": no such file");

  const auto garbage = dir / "garbage.dae";
  std::ofstream(garbage) << "this is not a Collada file\n\x01\x02\x03";
  const std::string garbage_message = message_of(garbage);
  CHECK(garbage_message.rfind(garbage.string() + ": cannot import", 0) == 0);

  GltfScene points;
  GltfMesh cloud = triangle_a();
  cloud.normals.clear();
  cloud.mode = 0;
  points.meshes = {cloud};
  points.nodes = {GltfNode{"points", 0, {}, std::nullopt, std::nullopt, std::nullopt}};
  points.roots = {0};
  hifa::test::write_gltf(dir / "points.gltf", points);
  const std::string points_message = message_of(dir / "points.gltf");
  INFO(points_message);
  CHECK(points_message.rfind((dir / "points.gltf").string() + ": ", 0) == 0);
  CHECK(points_message.find("no triangle mesh") != std::string::npos);
}

TEST_CASE("load_any_mesh reads OBJ with hifa's reader and other formats through assimp") {
  hifa::test::TempDir dir;
  // An OBJ face using a vertex that does not exist: hifa's reader names the face and the index.
  std::ofstream(dir / "bad.obj") << "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n";
  try {
    (void)hifa::load_any_mesh(dir / "bad.obj");
    FAIL("bad.obj loaded");
  } catch (const hifa::Error& e) {
    CHECK(std::string(e.what()).find("uses vertex 8 but there are 3") != std::string::npos);
  }
  hifa::test::write_gltf(dir / "scene.GLTF", two_part_scene());
  const auto mesh = hifa::load_any_mesh(dir / "scene.GLTF");
  CHECK(mesh.face_count() == 3);
  CHECK(mesh.vertex_count() == 7);
}
