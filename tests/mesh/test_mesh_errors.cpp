// Every bad input gives a hifa::Error whose message names the file (and says what is wrong).
#include <catch2/catch.hpp>

#include "hifa/core/error.hpp"
#include "hifa/mesh/load.hpp"
#include "mesh/shapes.hpp"
#include "support/temp_dir.hpp"

#include <fstream>
#include <limits>
#include <string>

namespace {

std::filesystem::path write_text(const hifa::test::TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The message of the hifa::Error that `action` throws (fails the test when it throws nothing).
template <class Action>
std::string error_of(Action&& action) {
  try {
    action();
  } catch (const hifa::Error& e) {
    return e.what();
  }
  FAIL("no hifa::Error was thrown");
  return {};
}

const std::string ply_header = "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                               "property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n";

}  // namespace

TEST_CASE("an empty file is an error naming the file") {
  hifa::test::TempDir dir;
  const auto name = GENERATE(std::string("empty.obj"), std::string("empty.ply"));
  const auto path = write_text(dir, name, "");
  const auto message = error_of([&] { hifa::load_mesh(path); });
  CHECK_THAT(message, Catch::Contains(name) && Catch::Contains("empty"));
}

TEST_CASE("a missing file is an error saying no such file") {
  hifa::test::TempDir dir;
  const auto name = GENERATE(std::string("gone.obj"), std::string("gone.ply"), std::string("gone.stl"));
  CHECK_THAT(error_of([&] { hifa::load_mesh(dir / name); }), Catch::Contains(name) && Catch::Contains("no such file"));
  if (name == "gone.obj") {
    CHECK_THAT(error_of([&] { hifa::read_obj(dir / name); }), Catch::Contains(name) && Catch::Contains("no such file"));
  }
  if (name == "gone.ply") {
    CHECK_THAT(error_of([&] { hifa::read_ply(dir / name); }), Catch::Contains(name) && Catch::Contains("no such file"));
  }
}

TEST_CASE("a truncated binary PLY is an error naming the file and the element") {
  hifa::test::TempDir dir;
  const auto path = dir / "cut.ply";
  hifa::write_ply(path, hifa::test::unit_cube<float>());
  const auto size = std::filesystem::file_size(path);
  const auto cut = GENERATE(1, 5, 13, 60, 120);
  std::filesystem::resize_file(path, size - static_cast<std::uintmax_t>(cut));
  const auto message = error_of([&] { hifa::read_ply(path); });
  CHECK_THAT(message, Catch::Contains("cut.ply"));
  CHECK_THAT(message, Catch::Contains("truncated"));
}

TEST_CASE("a PLY header that declares more items than the file holds is an error before any allocation") {
  hifa::test::TempDir dir;
  const auto format = GENERATE(std::string("ascii"), std::string("binary_little_endian"));
  const auto path = write_text(dir, "liar.ply",
                               "ply\nformat " + format +
                                   " 1.0\nelement vertex 400000000\nproperty float x\nproperty float y\n"
                                   "property float z\nend_header\n0 0 0\n");
  CHECK_THAT(error_of([&] { hifa::read_ply(path); }), Catch::Contains("liar.ply") && Catch::Contains("400000000"));
}

TEST_CASE("a PLY with a negative count is an error naming the file") {
  hifa::test::TempDir dir;
  SECTION("in the header") {
    const auto path = write_text(dir, "negative.ply",
                                 "ply\nformat ascii 1.0\nelement vertex -3\nproperty float x\nend_header\n");
    CHECK_THAT(error_of([&] { hifa::read_ply(path); }), Catch::Contains("negative.ply") && Catch::Contains("negative"));
  }
  SECTION("in a face list") {
    const auto path = write_text(dir, "negative.ply",
                                 "ply\nformat binary_little_endian 1.0\nelement vertex 0\nproperty float x\n"
                                 "property float y\nproperty float z\nelement face 1\n"
                                 "property list char int vertex_indices\nend_header\n\xff");
    CHECK_THAT(error_of([&] { hifa::read_ply(path); }),
               Catch::Contains("negative.ply") && Catch::Contains("face 0") && Catch::Contains("negative"));
  }
}

TEST_CASE("a face index out of range is an error naming the file and the face") {
  hifa::test::TempDir dir;
  SECTION("PLY") {
    const auto path = write_text(dir, "range.ply", ply_header + "0 0 0\n1 0 0\n0 1 0\n3 0 1 3\n");
    CHECK_THAT(error_of([&] { hifa::load_mesh(path); }),
               Catch::Contains("range.ply") && Catch::Contains("face 0") && Catch::Contains("vertex 3"));
  }
  SECTION("OBJ") {
    const auto path = write_text(dir, "range.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\nf 1 2 9\n");
    CHECK_THAT(error_of([&] { hifa::load_mesh(path); }),
               Catch::Contains("range.obj") && Catch::Contains("face 1") && Catch::Contains("vertex 8"));
  }
}

TEST_CASE("a NaN vertex is an error naming the file and the vertex") {
  hifa::test::TempDir dir;
  SECTION("ascii PLY") {
    const auto path = write_text(dir, "nan.ply", ply_header + "0 0 0\n1 nan 0\n0 1 0\n3 0 1 2\n");
    CHECK_THAT(error_of([&] { hifa::load_mesh(path); }),
               Catch::Contains("nan.ply") && Catch::Contains("vertex 1") && Catch::Contains("non-finite"));
  }
  SECTION("binary PLY") {
    auto cube = hifa::test::unit_cube<float>();
    cube.vertices(5, 2) = std::numeric_limits<float>::quiet_NaN();
    hifa::write_ply(dir / "nan.ply", cube);
    CHECK_THAT(error_of([&] { hifa::load_mesh(dir / "nan.ply"); }),
               Catch::Contains("nan.ply") && Catch::Contains("vertex 5") && Catch::Contains("non-finite"));
  }
  SECTION("a double that float cannot hold") {
    auto cube = hifa::test::unit_cube<double>();
    cube.vertices(2, 0) = 1e300;
    hifa::write_ply(dir / "huge.ply", cube);
    CHECK(hifa::load_mesh<double>(dir / "huge.ply").vertices(2, 0) == 1e300);
    CHECK_THAT(error_of([&] { hifa::load_mesh<float>(dir / "huge.ply"); }),
               Catch::Contains("huge.ply") && Catch::Contains("vertex 2"));
  }
}

TEST_CASE("writing into a folder that does not exist is an error naming the file") {
  hifa::test::TempDir dir;
  const auto cube = hifa::test::unit_cube<float>();
  const auto name = GENERATE(std::string("out.obj"), std::string("out.ply"));
  const auto path = dir / "no-such-folder" / name;
  CHECK_THAT(error_of([&] { hifa::save_mesh(path, cube); }), Catch::Contains(path.string()));
  if (name == "out.ply") {
    CHECK_THAT(error_of([&] { hifa::write_ply(path, cube, hifa::PlyFormat::ascii); }), Catch::Contains(name));
  } else {
    CHECK_THAT(error_of([&] { hifa::write_obj(path, cube); }), Catch::Contains(name));
  }
  CHECK_FALSE(std::filesystem::exists(dir / "no-such-folder"));
}

TEST_CASE("an unknown mesh extension is an error naming the file") {
  hifa::test::TempDir dir;
  const auto path = write_text(dir, "mesh.stl", "solid");
  CHECK_THAT(error_of([&] { hifa::load_mesh(path); }), Catch::Contains("mesh.stl") && Catch::Contains(".stl"));
  CHECK_THAT(error_of([&] { hifa::save_mesh(dir / "mesh.off", hifa::test::unit_cube<float>()); }),
             Catch::Contains("mesh.off"));
}

TEST_CASE("load and save pick the format by extension in any letter case") {
  hifa::test::TempDir dir;
  const auto cube = hifa::test::unit_cube<float>();
  for (const char* name : {"a.OBJ", "b.Ply"}) {
    hifa::save_mesh(dir / name, cube);
    const auto back = hifa::load_mesh(dir / name);
    CHECK(back.vertices == cube.vertices);
    CHECK(back.faces == cube.faces);
  }
}

TEST_CASE("a syntax error in an OBJ is an error naming the file") {
  hifa::test::TempDir dir;
  const auto path = write_text(dir, "zero.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 0 1 2\n");
  CHECK_THAT(error_of([&] { hifa::read_obj(path); }), Catch::Contains("zero.obj"));
}

TEST_CASE("a PLY vertex element without properties is an error, not faces indexing missing vertices") {
  hifa::test::TempDir dir;
  const auto path = write_text(dir, "bare.ply",
                               "ply\nformat ascii 1.0\nelement vertex 3\nelement face 1\n"
                               "property list uchar int vertex_indices\nend_header\n3 0 1 2\n");
  CHECK_THAT(error_of([&] { hifa::read_ply(path); }), Catch::Contains("bare.ply") && Catch::Contains("'vertex'"));
}
