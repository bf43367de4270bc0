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
  CHECK(back.materials.empty());
  CHECK(back.face_materials.size() == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "mesh.mtl"));
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
  REQUIRE(mesh.materials.size() == 1);
  CHECK(mesh.materials[0].diffuse_texture == std::filesystem::absolute(dir / "scan/textures/skin.png"));
  CHECK(mesh.has_uvs());

  SECTION("and writing it elsewhere writes an MTL that points back at the same image") {
    std::filesystem::create_directories(dir / "out");
    hifa::write_obj(dir / "out/copy.obj", mesh);
    CHECK(std::filesystem::exists(dir / "out/copy.mtl"));
    const auto copy = hifa::read_obj(dir / "out/copy.obj");
    REQUIRE(copy.materials.size() == 1);
    CHECK(copy.materials[0].diffuse_texture == mesh.materials[0].diffuse_texture);
  }
}

TEST_CASE("every material of an OBJ is kept, with each face's material, its Kd and its map_Kd") {
  hifa::test::TempDir dir;
  // Two quads with their own materials, a third untextured material, and a triangle before any
  // usemtl (which gets the extra white material).
  write_text(dir / "figure.obj",
             "mtllib figure.mtl\n"
             "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 2 0 0\nv 2 1 0\n"
             "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
             "f 1/1 2/2 4/4\n"
             "usemtl skin\nf 1/1 2/2 3/3 4/4\n"
             "usemtl cloth\nf 2/1 5/2 6/3 3/4\n"
             "usemtl eyes\nf 1/1 5/2 6/3\n");
  write_text(dir / "figure.mtl",
             "newmtl skin\nKd 0.9 0.7 0.6\nmap_Kd skin.jpg\n"
             "newmtl cloth\nKd 1 1 1\nmap_Kd maps/cloth.png\n"
             "newmtl eyes\nKd 0.25 0.5 0.75\n");
  const auto mesh = hifa::read_obj(dir / "figure.obj");
  REQUIRE(mesh.face_count() == 6);
  REQUIRE(mesh.materials.size() == 4);
  CHECK(mesh.materials[0].name == "skin");
  CHECK(mesh.materials[0].diffuse == hifa::Vec3f(0.9f, 0.7f, 0.6f));
  CHECK(mesh.materials[0].diffuse_texture == std::filesystem::absolute(dir / "skin.jpg"));
  CHECK(mesh.materials[1].diffuse_texture == std::filesystem::absolute(dir / "maps/cloth.png"));
  CHECK(mesh.materials[2].name == "eyes");
  CHECK(mesh.materials[2].diffuse_texture.empty());
  CHECK(mesh.materials[3].diffuse == hifa::Vec3f::Ones());  // for the face before any usemtl
  CHECK(mesh.materials[3].diffuse_texture.empty());
  CHECK(mesh.face_materials == (Eigen::VectorXi(6) << 3, 0, 0, 1, 1, 2).finished());

  SECTION("and an OBJ round trip keeps them: names, Kd, textures and face materials") {
    std::filesystem::create_directories(dir / "out");
    hifa::write_obj(dir / "out/copy.obj", mesh);
    const auto copy = hifa::read_obj(dir / "out/copy.obj");
    CHECK(copy.faces == mesh.faces);
    CHECK(copy.face_materials == mesh.face_materials);
    REQUIRE(copy.materials.size() == mesh.materials.size());
    for (std::size_t m = 0; m < mesh.materials.size(); ++m) {
      CHECK(copy.materials[m].diffuse == mesh.materials[m].diffuse);
      CHECK(copy.materials[m].diffuse_texture == mesh.materials[m].diffuse_texture);
    }
    CHECK(copy.materials[1].name == "cloth");
    CHECK(copy.materials[3].name == "material3");  // the unnamed one gets a name of its own
  }
}

TEST_CASE("an OBJ with a nan or inf coordinate is refused with the file and line, not read as 0") {
  // tinyobjloader parses these tokens as 0 without a warning.
  const std::string token = GENERATE("nan", "NaN", "-nan", "inf", "-inf", "+Infinity", "1e999", "one");
  const std::string tag = GENERATE("v", "vn", "vt");
  std::string text = "# a triangle\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvn 0 0 1\nvt 0 0\n";
  text += tag + " 0.5 " + token + (tag == "vt" ? "" : " 0") + "\nf 1 2 3\n";
  std::istringstream in(text);
  std::string message;
  try {
    hifa::read_obj(in, "broken.obj");
  } catch (const hifa::Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Catch::Contains("broken.obj") && Catch::Contains("line 7") && Catch::Contains(token));
}

TEST_CASE("finite OBJ numbers in every spelling tinyobjloader accepts still read, with comments after them") {
  std::istringstream in("v +1 -2.5e-1 .5 # a comment\nv\t1.\t0\t0\r\nv 1e-999 1E2 0\nvp 0.5\nf 1 2 3\n");
  const auto mesh = hifa::read_obj(in, "spellings.obj");
  REQUIRE(mesh.vertex_count() == 3);
  CHECK(mesh.vertices.row(0) == Eigen::RowVector3f(1, -0.25f, 0.5f));
  CHECK(mesh.vertices(2, 1) == 100.0f);
  CHECK(mesh.vertices(2, 0) == 0.0f);  // underflow is a number, not an error
}

TEST_CASE("reading an OBJ from a stream ignores its mtllib") {
  std::istringstream in("mtllib missing.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
  const auto mesh = hifa::read_obj<double>(in, "stream.obj");
  CHECK(mesh.face_count() == 1);
  CHECK(mesh.materials.empty());
}

TEST_CASE("a unit cube written as OBJ keeps its area and volume") {
  hifa::test::TempDir dir;
  hifa::write_obj(dir / "cube.obj", hifa::test::unit_cube<double>());
  const auto cube = hifa::read_obj<double>(dir / "cube.obj");
  CHECK(hifa::surface_area(cube) == 6.0);
  CHECK(hifa::signed_volume(cube) == 1.0);
}
