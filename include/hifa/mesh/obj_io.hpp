#pragma once
// Wavefront OBJ reading (through tinyobjloader) and writing.
//
//   auto mesh = hifa::read_obj("scan.obj");               // TriMesh<float>
//   auto mesh = hifa::read_obj<double>(stream, "scan.obj"); // `name` only labels errors
//   hifa::write_obj("out/scan.obj", mesh);
//
// Reading
//   vertices   #V x 3   every `v` line; all shapes/groups merged into one mesh
//   faces      #F x 3   polygons fan-triangulated, in file order (face numbers in errors count these)
//   colors     #V x 3   kept only when every `v` line carries "x y z r g b"
//   normals    #V x 3   kept only when every face corner has a `vn` index; OBJ normals belong to
//                       corners, so a vertex takes the normal of its first corner, and a vertex no face
//                       uses gets (0, 0, 0)
//   uvs/face_uvs        kept only when every face corner has a `vt` index (per corner, as in the file)
//   texture    the first material's map_Kd that is set, made absolute relative to the OBJ's folder;
//              the stream overload reads no MTL (there is no folder), so its texture stays empty
// Errors (hifa::Error "<file>: <problem>"): missing file, a syntax tinyobjloader rejects, a face
// corner whose vertex/normal/uv index is out of range, a non-finite coordinate.
//
// Writing: "v x y z [r g b]", "vt u v", "vn x y z", "f v/vt/vn", 1-based, shortest exact decimals
// (a float written and read back is the same float). When `texture` is set, "<stem>.mtl" is written
// next to the OBJ with map_Kd relative to the OBJ's folder. Files are written atomically.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/detail/text_io.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <tiny_obj_loader.h>

#include <cmath>
#include <filesystem>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hifa {

namespace detail {

// Converts tinyobjloader's flat arrays into a TriMesh, checking every index (tinyobjloader only warns).
template <class T>
TriMesh<T> mesh_from_tinyobj(const tinyobj::attrib_t& attrib, const std::vector<tinyobj::shape_t>& shapes,
                             std::string_view name) {
  const std::size_t nv = attrib.vertices.size() / 3;
  const std::size_t nn = attrib.normals.size() / 3;
  const std::size_t nt = attrib.texcoords.size() / 2;
  if (nv > static_cast<std::size_t>(std::numeric_limits<int>::max())) throw Error(name, "too many vertices");

  // Refused rather than kept: a NaN poisons every measure downstream, and "inf" does not even
  // survive write_obj -> read_obj.
  const auto require_finite = [name](const std::vector<tinyobj::real_t>& values, std::size_t width, const char* what) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!std::isfinite(values[i])) {
        throw Error(name, std::string(what) + " " + std::to_string(i / width) + " has a non-finite value");
      }
    }
  };
  require_finite(attrib.vertices, 3, "vertex");
  require_finite(attrib.colors, 3, "vertex colour");
  require_finite(attrib.normals, 3, "normal");
  require_finite(attrib.texcoords, 2, "uv");

  TriMesh<T> mesh;
  mesh.vertices = Eigen::Map<const RowMatrix3<float>>(attrib.vertices.data(), static_cast<Eigen::Index>(nv), 3)
                      .template cast<T>();
  if (nv > 0 && attrib.colors.size() == attrib.vertices.size()) {
    mesh.colors = Eigen::Map<const RowMatrix3<float>>(attrib.colors.data(), static_cast<Eigen::Index>(nv), 3)
                      .template cast<T>();
  }

  // Corners of the triangulated faces, and whether every corner has a normal / a uv.
  std::vector<tinyobj::index_t> corners;
  bool all_normals = nn > 0, all_uvs = nt > 0;
  std::size_t face = 0;
  for (const auto& shape : shapes) {
    std::size_t offset = 0;
    for (const auto count : shape.mesh.num_face_vertices) {
      const auto fail = [&](const std::string& problem) {
        return Error(name, "face " + std::to_string(face) + " " + problem);
      };
      if (count < 3) throw fail("has fewer than 3 corners");
      if (offset + count > shape.mesh.indices.size()) throw fail("is cut short");
      const tinyobj::index_t* polygon = shape.mesh.indices.data() + offset;
      for (std::size_t c = 0; c < count; ++c) {
        const auto& corner = polygon[c];
        if (corner.vertex_index < 0 || static_cast<std::size_t>(corner.vertex_index) >= nv) {
          throw fail("uses vertex " + std::to_string(corner.vertex_index) + " but there are " + std::to_string(nv) +
                     " vertices");
        }
        if (corner.normal_index >= static_cast<int>(nn)) throw fail("uses a normal index out of range");
        if (corner.texcoord_index >= static_cast<int>(nt)) throw fail("uses a uv index out of range");
        all_normals = all_normals && corner.normal_index >= 0;
        all_uvs = all_uvs && corner.texcoord_index >= 0;
      }
      for (std::size_t c = 1; c + 1 < count; ++c) {  // fan: (0, c, c+1)
        corners.insert(corners.end(), {polygon[0], polygon[c], polygon[c + 1]});
        ++face;
      }
      offset += count;
    }
  }

  const auto nf = static_cast<Eigen::Index>(corners.size() / 3);
  mesh.faces.resize(nf, 3);
  for (Eigen::Index f = 0; f < nf; ++f) {
    for (int k = 0; k < 3; ++k) mesh.faces(f, k) = corners[static_cast<std::size_t>(3 * f + k)].vertex_index;
  }
  if (all_normals && nf > 0) {
    mesh.normals = RowMatrix3<T>::Zero(static_cast<Eigen::Index>(nv), 3);
    std::vector<bool> assigned(nv, false);
    for (const auto& corner : corners) {
      const auto v = static_cast<std::size_t>(corner.vertex_index);
      if (assigned[v]) continue;
      assigned[v] = true;
      for (int k = 0; k < 3; ++k) {
        mesh.normals(static_cast<Eigen::Index>(v), k) = static_cast<T>(attrib.normals[3 * corner.normal_index + k]);
      }
    }
  }
  if (all_uvs && nf > 0) {
    mesh.uvs = Eigen::Map<const RowMatrix2<float>>(attrib.texcoords.data(), static_cast<Eigen::Index>(nt), 2)
                   .template cast<T>();
    mesh.face_uvs.resize(nf, 3);
    for (Eigen::Index f = 0; f < nf; ++f) {
      for (int k = 0; k < 3; ++k) mesh.face_uvs(f, k) = corners[static_cast<std::size_t>(3 * f + k)].texcoord_index;
    }
  }
  return mesh;
}

inline std::string obj_failure(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  return "not a valid OBJ: " + (message.empty() ? std::string("unknown parse error") : message);
}

}  // namespace detail

template <class T = float>
TriMesh<T> read_obj(std::istream& in, std::string_view name) {
  tinyobj::attrib_t attrib;
  std::vector<tinyobj::shape_t> shapes;
  std::vector<tinyobj::material_t> materials;
  std::string warning, error;
  if (!tinyobj::LoadObj(&attrib, &shapes, &materials, &warning, &error, &in, /*readMatFn=*/nullptr,
                        /*triangulate=*/false, /*default_vcols_fallback=*/false)) {
    throw Error(name, detail::obj_failure(error));
  }
  return detail::mesh_from_tinyobj<T>(attrib, shapes, name);
}

template <class T = float>
TriMesh<T> read_obj(const std::filesystem::path& path) {
  detail::require_readable_file(path);
  const auto folder = std::filesystem::absolute(path).parent_path();
  tinyobj::attrib_t attrib;
  std::vector<tinyobj::shape_t> shapes;
  std::vector<tinyobj::material_t> materials;
  std::string warning, error;
  const std::string mtl_dir = folder.string() + "/";  // tinyobjloader concatenates, so it needs the slash
  if (!tinyobj::LoadObj(&attrib, &shapes, &materials, &warning, &error, path.c_str(), mtl_dir.c_str(),
                        /*triangulate=*/false, /*default_vcols_fallback=*/false)) {
    throw Error(path.string(), detail::obj_failure(error));
  }
  auto mesh = detail::mesh_from_tinyobj<T>(attrib, shapes, path.string());
  for (const auto& material : materials) {
    if (material.diffuse_texname.empty()) continue;
    mesh.texture = (folder / material.diffuse_texname).lexically_normal();
    break;
  }
  return mesh;
}

// Writes the OBJ text; `mtl_name` (may be empty) is the MTL file to reference for the texture.
template <class T>
void write_obj(std::ostream& os, const TriMesh<T>& mesh, std::string_view mtl_name = {}) {
  const auto row = [&os](const char* tag, const auto& values) {
    os << tag;
    for (Eigen::Index k = 0; k < values.size(); ++k) {
      os << ' ';
      detail::write_number(os, values(k));
    }
    os << '\n';
  };
  os << "# written by hifa\n";
  if (!mtl_name.empty()) os << "mtllib " << mtl_name << "\nusemtl material0\n";
  const bool colors = mesh.has_colors(), normals = mesh.has_normals(), uvs = mesh.has_uvs();
  for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) {
    if (colors) {
      Eigen::Matrix<T, 1, 6> v;
      v << mesh.vertices.row(i), mesh.colors.row(i);
      row("v", v);
    } else {
      row("v", mesh.vertices.row(i));
    }
  }
  if (uvs) {
    for (Eigen::Index i = 0; i < mesh.uvs.rows(); ++i) row("vt", mesh.uvs.row(i));
  }
  if (normals) {
    for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) row("vn", mesh.normals.row(i));
  }
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    os << 'f';
    for (int k = 0; k < 3; ++k) {
      const int v = mesh.faces(f, k) + 1;
      os << ' ' << v;
      if (uvs) os << '/' << mesh.face_uvs(f, k) + 1;
      if (normals) os << (uvs ? "/" : "//") << v;
    }
    os << '\n';
  }
}

template <class T>
void write_obj(const std::filesystem::path& path, const TriMesh<T>& mesh) {
  std::string mtl_name;
  if (!mesh.texture.empty()) {
    const auto mtl_path = std::filesystem::path(path).replace_extension(".mtl");
    mtl_name = mtl_path.filename().string();
    const auto folder = std::filesystem::absolute(path).parent_path();
    const auto texture = std::filesystem::absolute(mesh.texture).lexically_proximate(folder);
    write_file_atomically(mtl_path, [&](std::ostream& os) {
      os << "# written by hifa\nnewmtl material0\nKd 1 1 1\nmap_Kd " << texture.generic_string() << '\n';
    });
  }
  write_file_atomically(path, [&](std::ostream& os) { write_obj(os, mesh, mtl_name); });
}

}  // namespace hifa
