// libFuzzer target for hifa::read_obj. A hifa::Error is the expected answer to bad input; anything
// else (a crash, another exception, a sanitizer report) is a finding. A mesh that reads must also
// survive write_obj -> read_obj with the same vertex and face counts and the same faces.
#include "hifa/core/error.hpp"
#include "hifa/mesh/obj_io.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  hifa::TriMeshf mesh;
  try {
    mesh = hifa::read_obj<float>(in, "fuzz.obj");
  } catch (const hifa::Error&) {
    return 0;
  }
  std::stringstream text;
  hifa::write_obj(text, mesh);
  const auto again = hifa::read_obj<float>(text, "fuzz-roundtrip.obj");
  if (again.vertices.rows() != mesh.vertices.rows() || again.faces != mesh.faces ||
      again.has_uvs() != mesh.has_uvs() || again.has_normals() != mesh.has_normals() ||
      again.has_colors() != mesh.has_colors()) {
    __builtin_trap();
  }
  return 0;
}
