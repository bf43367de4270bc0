#include <catch2/catch.hpp>

#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/measures.hpp"
#include "mesh/random_mesh.hpp"
#include "mesh/shapes.hpp"
#include "support/temp_dir.hpp"

#include <fstream>
#include <sstream>

namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("a float mesh written as OBJ reads back bit for bit, with and without normals, colours and uvs") {
  const bool normals = GENERATE(false, true), colors = GENERATE(false, true), uvs = GENERATE(false, true);
  auto mesh = hifa::test::random_mesh<float>(300, 400, 11);
  if (!normals) mesh.normals.resize(0, 3);
  if (!colors) mesh.colors.resize(0, 3);
  if (!uvs) {
    mesh.uvs.resize(0, 2);
    mesh.face_uvs.resize(0, 3);
  }
  hifa::test::TempDir dir;
  hifa::write_obj(dir / "mesh.obj", mesh);
  const auto back = hifa::read_obj(dir / "mesh.obj");
  CHECK(back.vertices == mesh.vertices);
  CHECK(back.faces == mesh.faces);
  CHECK(back.normals == mesh.normals);
  CHECK(back.colors == mesh.colors);
  CHECK(back.uvs == mesh.uvs);
  CHECK(back.face_uvs == mesh.face_uvs);
  CHECK(back.texture.empty());
}

TEST_CASE("OBJ polygons are triangulated and all objects merge into one mesh") {
  std::istringstream in(
      "o square\nv 0 0 0\nv 2 0 0\nv 2 2 0\nv 0 2 0\nf 1 2 3 4\n"
      "o pentagon\nv 0 0 1\nv 1 0 1\nv 2 1 1\nv 1 2 1\nv 0 1 1\nf 5 6 7 8 9\n");
  const auto mesh = hifa::read_obj(in, "polygons.obj");
  CHECK(mesh.vertex_count() == 9);
  REQUIRE(mesh.face_count() == 2 + 3);
  CHECK(hifa::surface_area(mesh) == Approx(4.0 + 2.5));
  for (Eigen::Index f = 2; f < 5; ++f) CHECK(mesh.faces.row(f).minCoeff() >= 4);
}

TEST_CASE("OBJ normals given per face corner become per-vertex normals") {
  std::istringstream in("v 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nvn 0 0 -1\nf 1//1 2//1 3//2\n");
  const auto mesh = hifa::read_obj(in, "normals.obj");
  REQUIRE(mesh.has_normals());
  CHECK(mesh.normals.row(0) == Eigen::RowVector3f(0, 0, 1));
  CHECK(mesh.normals.row(2) == Eigen::RowVector3f(0, 0, -1));
}

TEST_CASE("an OBJ whose MTL names a map_Kd texture gets the texture path resolved from the OBJ folder") {
  hifa::test::TempDir dir;
  std::filesystem::create_directories(dir / "scan");
  write_text(dir / "scan/body.obj",
             "mtllib body.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nusemtl skin\nf 1/1 2/2 3/3\n");
  write_text(dir / "scan/body.mtl", "newmtl skin\nKd 1 1 1\nmap_Kd textures/skin.png\n");
  const auto mesh = hifa::read_obj(dir / "scan/body.obj");
  CHECK(mesh.texture == std::filesystem::absolute(dir / "scan/textures/skin.png"));
  CHECK(mesh.has_uvs());

  SECTION("and writing it elsewhere writes an MTL that points back at the same image") {
    std::filesystem::create_directories(dir / "out");
    hifa::write_obj(dir / "out/copy.obj", mesh);
    CHECK(std::filesystem::exists(dir / "out/copy.mtl"));
    CHECK(hifa::read_obj(dir / "out/copy.obj").texture == mesh.texture);
  }
}

TEST_CASE("reading an OBJ from a stream ignores its mtllib") {
  std::istringstream in("mtllib missing.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
  const auto mesh = hifa::read_obj<double>(in, "stream.obj");
  CHECK(mesh.face_count() == 1);
  CHECK(mesh.texture.empty());
}

TEST_CASE("a unit cube written as OBJ keeps its area and volume") {
  hifa::test::TempDir dir;
  hifa::write_obj(dir / "cube.obj", hifa::test::unit_cube<double>());
  const auto cube = hifa::read_obj<double>(dir / "cube.obj");
  CHECK(hifa::surface_area(cube) == 6.0);
  CHECK(hifa::signed_volume(cube) == 1.0);
}
