// Writes small scan folders for the `hifa prepare` tests (tests/prepare/CMakeLists.txt):
//   make_test_scans good DIR   three usable scans in the layouts prepare must read:
//     DIR/tall.obj + tall.mtl + tall.png   an ellipsoid 1.7 m tall (metres, y up) with two materials
//                                          (upper half textured, lower half Kd only), and
//     DIR/tall.body.json                   a body-fit file beside it (copied through)
//     DIR/twosided/twosided.obj            a 170 cm box stored with both windings (a game figure's
//                                          habit), feet at y = 0, in a subfolder with body.json
//     DIR/parts.ply                        two separate ellipsoids with vertex colours, in mm
//   make_test_scans bad DIR    one usable scan (tall) and the bad kinds prepare must skip:
//     unreadable.obj (not OBJ), empty.obj (no faces), inf.obj / nan.ply (an infinite / NaN vertex), flat.obj (zero
//     height), huge.obj (40 km tall: no person's height in any unit)
//   make_test_scans none DIR   only bad scans (prepare must fail with exit code 1)
//   make_test_scans big DIR    one ~100k-face textured scan (1024² texture) for bench/prepare_goal.sh
//   make_test_scans twins DIR  person.obj and twin.obj: the same asymmetric box person with an arm
//                              (tests/apps/end_to_end.sh trains on one and evaluates on the other)

#include "hifa/core/runtime.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/ply_io.hpp"
#include "hifa/render/image.hpp"
#include "hifa/render/image_io.hpp"
#include "support/box_mesh.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>

namespace {

namespace fs = std::filesystem;
using hifa::TriMeshf;

// A UV ellipsoid: (slices + 1) x (stacks + 1) vertices (a seam column for the texture), radii r,
// centred at c; counter-clockwise seen from outside.
TriMeshf ellipsoid(int slices, int stacks, const hifa::Vec3f& r, const hifa::Vec3f& c) {
  TriMeshf m;
  const int cols = slices + 1;
  m.vertices.resize(cols * (stacks + 1), 3);
  m.uvs.resize(cols * (stacks + 1), 2);
  for (int j = 0; j <= stacks; ++j) {
    const float theta = std::numbers::pi_v<float> * float(j) / float(stacks);  // 0 at the top
    for (int i = 0; i <= slices; ++i) {
      const float phi = 2 * std::numbers::pi_v<float> * float(i) / float(slices);
      const int v = j * cols + i;
      m.vertices.row(v) << c.x() + r.x() * std::sin(theta) * std::cos(phi), c.y() + r.y() * std::cos(theta),
          c.z() - r.z() * std::sin(theta) * std::sin(phi);
      m.uvs.row(v) << float(i) / float(slices), 1 - float(j) / float(stacks);
    }
  }
  std::vector<std::array<int, 3>> faces;
  for (int j = 0; j < stacks; ++j) {
    for (int i = 0; i < slices; ++i) {
      const int a = j * cols + i, b = a + 1, d = a + cols, e = d + 1;
      if (j > 0) faces.push_back({a, d, b});
      if (j < stacks - 1) faces.push_back({b, d, e});
    }
  }
  m.faces.resize(Eigen::Index(faces.size()), 3);
  for (std::size_t f = 0; f < faces.size(); ++f) m.faces.row(Eigen::Index(f)) << faces[f][0], faces[f][1], faces[f][2];
  m.face_uvs = m.faces;
  return m;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

void tall(const fs::path& dir) {
  TriMeshf m = ellipsoid(24, 16, {0.25f, 0.85f, 0.18f}, {0.1f, 0.85f, -0.05f});
  hifa::Image<float> texture(32, 32, 3);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) {
      const bool check = ((x / 4) + (y / 4)) % 2;
      texture(x, y, 0) = check ? 0.9f : 0.2f;
      texture(x, y, 1) = float(y) / 31;
      texture(x, y, 2) = float(x) / 31;
    }
  hifa::write_png(dir / "tall.png", texture);
  // Two materials, as real figures have: the upper half textured, the lower half by its Kd only.
  m.materials = {hifa::Material{"skin", hifa::Vec3f::Ones(), dir / "tall.png"},
                 hifa::Material{"cloth", hifa::Vec3f(0.2f, 0.3f, 0.8f), {}}};
  m.face_materials.resize(m.face_count());
  for (Eigen::Index f = 0; f < m.face_count(); ++f) m.face_materials(f) = m.vertices(m.faces(f, 0), 1) >= 0.85f ? 0 : 1;
  hifa::write_obj(dir / "tall.obj", m);
  write_text(dir / "tall.body.json", "{\"betas\": [0.1, -0.2], \"note\": \"copied through untouched\"}\n");
}

void twosided(const fs::path& dir) {
  fs::create_directories(dir / "twosided");
  // A 40 x 170 x 25 cm box, feet at y = 0, every face then again with the other winding and its
  // own vertices.
  const TriMeshf box = hifa::test::box_mesh(hifa::Vec3f(-20, 0, -12.5f), hifa::Vec3f(20, 170, 12.5f));
  TriMeshf m;
  m.vertices.resize(16, 3);
  m.vertices << box.vertices, box.vertices;
  m.faces.resize(24, 3);
  m.faces << box.faces, (box.faces.array() + 8).matrix().rowwise().reverse();
  hifa::write_obj(dir / "twosided" / "twosided.obj", m);
  write_text(dir / "twosided" / "body.json", "{\"pose\": [0, 0, 0]}\n");
}

void parts(const fs::path& dir) {
  // Two ellipsoids (body and a separate "head") in millimetres, coloured per vertex.
  TriMeshf a = ellipsoid(16, 10, {200, 650, 150}, {0, 650, 0});
  TriMeshf b = ellipsoid(12, 8, {110, 130, 110}, {0, 1450, 0});
  TriMeshf m;
  m.vertices.resize(a.vertex_count() + b.vertex_count(), 3);
  m.vertices << a.vertices, b.vertices;
  m.faces.resize(a.face_count() + b.face_count(), 3);
  m.faces << a.faces, b.faces.array() + int(a.vertex_count());
  m.colors.resize(m.vertex_count(), 3);
  for (Eigen::Index v = 0; v < m.vertex_count(); ++v) m.colors.row(v) << 0.8f, v < a.vertex_count() ? 0.3f : 0.7f, 0.4f;
  hifa::write_ply(dir / "parts.ply", m);
}

void bad(const fs::path& dir) {
  write_text(dir / "unreadable.obj", "this is not\x01 an OBJ file\nf 1 2 x\n");
  write_text(dir / "empty.obj", "# nothing here\n");
  // tinyobjloader reads a literal "nan" as 0, so the OBJ gets an overflowing coordinate (inf once
  // parsed) and the PLY a real NaN.
  write_text(dir / "inf.obj", "v 0 0 0\nv 1 0 0\nv 1e999 1 0\nf 1 2 3\n");
  TriMeshf nan;
  nan.vertices.resize(3, 3);
  nan.vertices << 0, 0, 0, 1, 0, 0, std::nanf(""), 1, 0;
  nan.faces.resize(1, 3);
  nan.faces << 0, 1, 2;
  hifa::write_ply(dir / "nan.ply", nan);
  write_text(dir / "flat.obj", "v 0 0 0\nv 1 0 0\nv 0 0 1\nf 1 2 3\n");
  write_text(dir / "huge.obj", "v 0 0 0\nv 1000 0 0\nv 0 40000 0\nv 0 0 1000\nf 1 2 3\nf 1 3 4\nf 1 4 2\nf 2 4 3\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_test_scans good|bad|none|big|twins DIR\n");
    return 2;
  }
  const hifa::KokkosRuntime runtime(1);
  const std::string kind = argv[1];
  const fs::path dir = argv[2];
  fs::remove_all(dir);
  fs::create_directories(dir);
  if (kind == "good") {
    tall(dir);
    twosided(dir);
    parts(dir);
  } else if (kind == "bad") {
    tall(dir);
    bad(dir);
  } else if (kind == "big") {
    TriMeshf m = ellipsoid(316, 160, {0.3f, 0.87f, 0.2f}, {0, 0.87f, 0});
    hifa::Image<float> texture(1024, 1024, 3);
    for (int y = 0; y < 1024; ++y)
      for (int x = 0; x < 1024; ++x) {
        const float check = ((x / 32 + y / 32) % 2) ? 1.0f : 0.4f;
        texture(x, y, 0) = check * float(x) / 1023;
        texture(x, y, 1) = check * float(y) / 1023;
        texture(x, y, 2) = check;
      }
    hifa::write_png(dir / "big.png", texture);
    m.materials = {hifa::Material{"skin", hifa::Vec3f::Ones(), dir / "big.png"}};
    hifa::write_obj(dir / "big.obj", m);
    std::printf("%ld faces\n", long(m.face_count()));
  } else if (kind == "twins") {
    const TriMeshf person = hifa::test::box_person_with_arm();
    hifa::write_obj(dir / "person.obj", person);
    hifa::write_obj(dir / "twin.obj", person);
  } else if (kind == "none") {
    bad(dir);
  } else {
    std::fprintf(stderr, "make_test_scans: unknown kind %s\n", kind.c_str());
    return 2;
  }
  return 0;
}
