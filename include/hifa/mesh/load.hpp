#pragma once
// Loads or saves a mesh choosing the format by the file extension (.obj, .ply; any letter case).
//
//   auto mesh = hifa::load_mesh("scan.PLY");   // TriMesh<float>; load_mesh<double>(...) for double
//   hifa::save_mesh("out/scan.obj", mesh);     // .ply is written binary little-endian
//
// load_mesh also validates: an empty mesh, an index out of range or a NaN/Inf coordinate is an
// error (degenerate faces are not; see validate.hpp).
// Errors (hifa::Error naming the path): "<path>: no such file", an unknown extension, anything the
// format's reader or write_file_atomically reports, and the validation failures above.

#include "hifa/core/error.hpp"
#include "hifa/mesh/detail/text_io.hpp"
#include "hifa/mesh/obj_io.hpp"
#include "hifa/mesh/ply_io.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/mesh/validate.hpp"

#include <cctype>
#include <filesystem>
#include <string>

namespace hifa {

namespace detail {

enum class MeshFormat { obj, ply };

inline MeshFormat mesh_format(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension == ".obj") return MeshFormat::obj;
  if (extension == ".ply") return MeshFormat::ply;
  throw Error(path.string(), "unknown mesh format '" + path.extension().string() + "' (expected .obj or .ply)");
}

}  // namespace detail

template <class T = float>
TriMesh<T> load_mesh(const std::filesystem::path& path) {
  detail::require_readable_file(path);
  auto mesh = detail::mesh_format(path) == detail::MeshFormat::obj ? read_obj<T>(path) : read_ply<T>(path);
  require_valid(mesh, path.string());
  return mesh;
}

template <class T>
void save_mesh(const std::filesystem::path& path, const TriMesh<T>& mesh) {
  if (detail::mesh_format(path) == detail::MeshFormat::obj) {
    write_obj(path, mesh);
  } else {
    write_ply(path, mesh);
  }
}

}  // namespace hifa
