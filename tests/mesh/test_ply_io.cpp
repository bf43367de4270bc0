#include <catch2/catch.hpp>

#include "hifa/core/error.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/ply_io.hpp"
#include "mesh/random_mesh.hpp"
#include "support/temp_dir.hpp"

#include <cstring>
#include <sstream>
#include <string>

namespace {

template <class V>
void append(std::string& bytes, V value) {  // little-endian, as on the x86/arm hosts we build for
  char raw[sizeof value];
  std::memcpy(raw, &value, sizeof value);
  bytes.append(raw, sizeof value);
}

}  // namespace

TEST_CASE("a float mesh written as PLY reads back bit for bit in both encodings") {
  const auto format = GENERATE(hifa::PlyFormat::binary_little_endian, hifa::PlyFormat::ascii);
  const bool normals = GENERATE(false, true), colors = GENERATE(false, true);
  auto mesh = hifa::test::random_mesh<float>(300, 400, 5);
  mesh.uvs.resize(0, 2);
  mesh.face_uvs.resize(0, 3);
  if (!normals) mesh.normals.resize(0, 3);
  if (!colors) mesh.colors.resize(0, 3);
  hifa::test::TempDir dir;
  hifa::write_ply(dir / "mesh.ply", mesh, format);
  const auto back = hifa::read_ply(dir / "mesh.ply");
  CHECK(back.vertices == mesh.vertices);
  CHECK(back.faces == mesh.faces);
  CHECK(back.normals == mesh.normals);
  // Colours travel as uchar; the test colours lie on that grid, so k/255 comes back as k/255.
  CHECK(back.colors == mesh.colors);
}

TEST_CASE("a double mesh round-trips through PLY exactly because it is stored as double") {
  const auto mesh = hifa::test::random_mesh<double>(50, 60, 9);
  std::stringstream bytes;
  hifa::write_ply(bytes, mesh);
  CHECK(bytes.str().find("property double x") != std::string::npos);
  const auto back = hifa::read_ply<double>(bytes, "double.ply");
  CHECK(back.vertices == mesh.vertices);
  CHECK(back.normals == mesh.normals);
}

TEST_CASE("an ascii PLY with polygons, uchar colours and unknown elements reads as a triangle mesh") {
  std::istringstream in(
      "ply\r\nformat ascii 1.0\r\ncomment made by hand\r\nelement vertex 4\r\nproperty float x\r\nproperty float y\r\n"
      "property float z\r\nproperty int flags\r\nproperty list uchar int tags\r\nproperty uchar red\r\n"
      "property uchar green\r\nproperty uchar blue\r\n"
      "element face 1\r\nproperty uchar kind\r\nproperty list uchar uint vertex_indices\r\n"
      "element camera 2\r\nproperty list ushort float params\r\nproperty double focal\r\nend_header\r\n"
      "0 0 0 7 2 1 2 255 0 0\r\n2 0 0 7 0 0 255 0\r\n2 2 0 7 1 9 0 0 255\r\n0 2 0 7 0 51 102 153\r\n"
      "3 4 0 1 2 3\r\n"
      "3 0.5 1.5 2.5 35\r\n0 50\r\n");
  const auto mesh = hifa::read_ply(in, "hand.ply");
  CHECK(mesh.vertex_count() == 4);
  REQUIRE(mesh.face_count() == 2);
  CHECK(hifa::surface_area(mesh) == 4.0f);
  REQUIRE(mesh.has_colors());
  CHECK(mesh.colors(3, 0) == 51.0f / 255.0f);
  CHECK(mesh.colors(1, 1) == 1.0f);
  CHECK_FALSE(mesh.has_normals());
}

TEST_CASE("a binary PLY with double positions, int counts and unknown list properties reads as a triangle mesh") {
  std::string bytes =
      "ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty double x\nproperty double y\n"
      "property double z\nproperty float nx\nproperty float ny\nproperty float nz\nproperty short quality\n"
      "element face 1\nproperty list int ushort vertex_index\nproperty list uchar float texcoord\nend_header\n";
  const double positions[3][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}};
  for (const auto& p : positions) {
    for (const double x : p) append(bytes, x);
    for (const float n : {0.0f, 0.0f, 1.0f}) append(bytes, n);
    append(bytes, std::int16_t{-3});
  }
  append(bytes, std::int32_t{3});
  for (const std::uint16_t i : {0, 1, 2}) append(bytes, i);
  append(bytes, std::uint8_t{6});
  for (int k = 0; k < 6; ++k) append(bytes, 0.5f);
  std::istringstream in(bytes);
  const auto mesh = hifa::read_ply<double>(in, "binary.ply");
  CHECK(mesh.face_count() == 1);
  CHECK(mesh.vertices(1, 0) == 1.0);
  REQUIRE(mesh.has_normals());
  CHECK(mesh.normals(2, 2) == 1.0);
}

TEST_CASE("a big-endian binary PLY is refused with a message saying so") {
  std::istringstream in("ply\nformat binary_big_endian 1.0\nelement vertex 0\nend_header\n");
  CHECK_THROWS_WITH(hifa::read_ply(in, "big.ply"), Catch::Contains("big.ply") && Catch::Contains("binary_big_endian"));
}
