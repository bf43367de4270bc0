// libFuzzer target for hifa::read_ply. A hifa::Error is the expected answer to bad input; anything
// else (a crash, another exception, a sanitizer report) is a finding. A mesh that reads must also
// survive write_ply -> read_ply (binary and ascii) with bit-identical positions and faces.
#include "hifa/core/error.hpp"
#include "hifa/mesh/ply_io.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  hifa::TriMeshf mesh;
  try {
    mesh = hifa::read_ply<float>(in, "fuzz.ply");
  } catch (const hifa::Error&) {
    return 0;
  }
  for (const auto format : {hifa::PlyFormat::binary_little_endian, hifa::PlyFormat::ascii}) {
    std::stringstream bytes;
    hifa::write_ply(bytes, mesh, format);
    const auto again = hifa::read_ply<float>(bytes, "fuzz-roundtrip.ply");
    if (again.vertices != mesh.vertices || again.faces != mesh.faces || again.normals != mesh.normals ||
        again.has_colors() != mesh.has_colors()) {
      __builtin_trap();
    }
  }
  return 0;
}
