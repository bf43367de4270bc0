// Uses the installed hifa::assimp component: writes a unit square as an OFF file (a format only
// assimp reads here), imports it with hifa::load_any_mesh and saves it as OBJ. Exits non-zero when
// the imported mesh is not the 4 vertices and 2 triangles written.
#include <hifa/io/assimp.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

int main() {
  const auto folder = std::filesystem::temp_directory_path();
  const auto off = folder / "hifa_consumer_square.off";
  std::ofstream(off) << "OFF\n4 1 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n";
  const auto mesh = hifa::load_any_mesh(off);
  hifa::save_mesh(folder / "hifa_consumer_square.obj", mesh);
  const bool ok = mesh.vertex_count() == 4 && mesh.face_count() == 2;
  std::printf("consumer_assimp: %td vertices, %td faces -> %s\n", mesh.vertex_count(), mesh.face_count(), ok ? "ok" : "WRONG");
  std::filesystem::remove(off);
  std::filesystem::remove(folder / "hifa_consumer_square.obj");
  return ok ? 0 : 1;
}
