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
//   materials  every material of the MTL files (mtllib), in their order: name, Kd, map_Kd made
//              absolute relative to the OBJ's folder (the figures' MTLs name up to 11 JPGs); plus one
//              white, untextured material at the end when some face has no (known) usemtl
//   face_materials  #F, each triangle the material of its polygon's usemtl; empty without materials.
//              The stream overload reads no MTL (there is no folder), so it has no materials.
// Errors (hifa::Error "<file>: <problem>"): missing file, a syntax tinyobjloader rejects, a face
// corner whose vertex/normal/uv index is out of range, a non-finite coordinate; "<file>: line N:
// ..." for a v/vn/vt value that is not a finite number (nan, inf, 1e999, a word): tinyobjloader
// would silently read those as 0, so every such line is checked first with std::from_chars.
// Cost:      one pass over the text for the number check (from_chars, ~10% of tinyobjloader's own
//            parse), then tinyobjloader; the file is read into memory once.
//
// Writing: "v x y z [r g b]", "vt u v", "vn x y z", "f v/vt/vn", 1-based, shortest exact decimals
// (a float written and read back is the same float). With materials, "<stem>.mtl" is written next
// to the OBJ with every material (newmtl, Kd, map_Kd relative to the OBJ's folder when set) and the
// OBJ switches material with "usemtl" wherever face_materials changes; names are the materials'
// own when they are unique words, else "material<i>". Files are written atomically.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/detail/text_io.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <tiny_obj_loader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <set>
#include <sstream>
#include <system_error>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace hifa {

namespace detail {

// Converts tinyobjloader's flat arrays into a TriMesh, checking every index (tinyobjloader only warns).
// Materials (from the MTL files) become TriMesh materials with map_Kd made absolute from `folder`.
template <class T>
TriMesh<T> mesh_from_tinyobj(const tinyobj::attrib_t& attrib, const std::vector<tinyobj::shape_t>& shapes,
                             const std::vector<tinyobj::material_t>& materials, const std::filesystem::path& folder,
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
  std::vector<int> triangle_materials;  // tinyobjloader's id (-1: none) per triangle
  bool all_normals = nn > 0, all_uvs = nt > 0;
  std::size_t face = 0;
  for (const auto& shape : shapes) {
    std::size_t offset = 0;
    for (std::size_t polygon_index = 0; polygon_index < shape.mesh.num_face_vertices.size(); ++polygon_index) {
      const auto count = shape.mesh.num_face_vertices[polygon_index];
      const int material =
          polygon_index < shape.mesh.material_ids.size() ? shape.mesh.material_ids[polygon_index] : -1;
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
        triangle_materials.push_back(material);
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
  if (!materials.empty() && nf > 0) {
    for (const auto& m : materials) {
      Material out;
      out.name = m.name;
      out.diffuse = Vec3f(float(m.diffuse[0]), float(m.diffuse[1]), float(m.diffuse[2]));
      if (!m.diffuse_texname.empty()) out.diffuse_texture = (folder / m.diffuse_texname).lexically_normal();
      mesh.materials.push_back(std::move(out));
    }
    // Faces before any usemtl, or naming a material no MTL defines, get a white untextured one.
    const int count = int(materials.size());
    const bool unassigned = std::any_of(triangle_materials.begin(), triangle_materials.end(),
                                        [count](int id) { return id < 0 || id >= count; });
    if (unassigned) mesh.materials.push_back(Material{});
    mesh.face_materials.resize(nf);
    for (Eigen::Index f = 0; f < nf; ++f) {
      const int id = triangle_materials[std::size_t(f)];
      mesh.face_materials(f) = id < 0 || id >= count ? count : id;
    }
  }
  return mesh;
}

// Every value of the v / vn / vt lines of `text` must be a finite number: tinyobjloader reads
// "nan", "inf", an overflowing exponent or a stray word as 0 without a warning, which would hide a
// broken scan. Throws "<name>: line N: ...". Comments (#) end a line's values.
inline void check_obj_numbers(std::string_view text, std::string_view name) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  std::size_t line = 0, at = 0;
  while (at < text.size()) {
    ++line;
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::size_t i = at;
    at = end + 1;
    while (i < end && blank(text[i])) ++i;
    if (i >= end || text[i] != 'v') continue;
    std::size_t tag = i + 1;
    if (tag < end && (text[tag] == 'n' || text[tag] == 't')) ++tag;
    if (tag >= end || !blank(text[tag])) continue;  // "vp", "v1", a bare "v": not a vertex line
    const std::string_view what = text.substr(i, tag - i);
    for (i = tag; i < end;) {
      while (i < end && blank(text[i])) ++i;
      if (i >= end || text[i] == '#') break;
      std::size_t j = i;
      while (j < end && !blank(text[j]) && text[j] != '#') ++j;
      const std::string_view token = text.substr(i, j - i);
      const char* first = token.data() + (token.front() == '+' ? 1 : 0);
      double value = 0;
      const auto [ptr, ec] = std::from_chars(first, token.data() + token.size(), value);
      const bool whole = ptr == token.data() + token.size();
      // Out of range is overflow (infinite) or underflow (a value that rounds to 0 or a subnormal,
      // which is fine): strtod tells them apart, and this is rare enough to afford the string.
      const bool overflow = ec == std::errc::result_out_of_range && whole &&
                            !std::isfinite(std::strtod(std::string(token).c_str(), nullptr));
      if ((ec == std::errc() && whole && !std::isfinite(value)) || overflow) {
        throw Error(name, "line " + std::to_string(line) + ": non-finite " + std::string(what) + " value '" +
                              std::string(token) + "'");
      }
      if ((ec != std::errc() && ec != std::errc::result_out_of_range) || !whole) {
        throw Error(name, "line " + std::to_string(line) + ": " + std::string(what) + " value '" + std::string(token) +
                              "' is not a number");
      }
      i = j;
    }
  }
}

inline std::string obj_failure(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  return "not a valid OBJ: " + (message.empty() ? std::string("unknown parse error") : message);
}

}  // namespace detail

namespace detail {

// Parses OBJ text already in memory; `mtl_reader` (may be null) resolves mtllib names.
template <class T>
TriMesh<T> parse_obj(const std::string& text, tinyobj::MaterialReader* mtl_reader, const std::filesystem::path& folder,
                     std::string_view name) {
  check_obj_numbers(text, name);
  std::istringstream in(text);
  tinyobj::attrib_t attrib;
  std::vector<tinyobj::shape_t> shapes;
  std::vector<tinyobj::material_t> materials;
  std::string warning, error;
  if (!tinyobj::LoadObj(&attrib, &shapes, &materials, &warning, &error, &in, mtl_reader,
                        /*triangulate=*/false, /*default_vcols_fallback=*/false)) {
    throw Error(name, obj_failure(error));
  }
  return mesh_from_tinyobj<T>(attrib, shapes, materials, folder, name);
}

}  // namespace detail

template <class T = float>
TriMesh<T> read_obj(std::istream& in, std::string_view name) {
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return detail::parse_obj<T>(text, nullptr, {}, name);
}

template <class T = float>
TriMesh<T> read_obj(const std::filesystem::path& path) {
  detail::require_readable_file(path);
  const auto folder = std::filesystem::absolute(path).parent_path();
  std::ifstream file(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) throw Error(path.string(), "cannot be read");
  tinyobj::MaterialFileReader mtl_reader(folder.string() + "/");  // concatenated, so it needs the slash
  return detail::parse_obj<T>(text, &mtl_reader, folder, path.string());
}

namespace detail {

// The names the writer gives the materials: each material's own when it is a unique non-empty word
// (MTL names end at white space), else "material<i>".
inline std::vector<std::string> mtl_names(const std::vector<Material>& materials) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (std::size_t i = 0; i < materials.size(); ++i) {
    std::string n = materials[i].name;
    const bool word = !n.empty() && n.find_first_of(" \t\r\n#") == std::string::npos;
    if (!word || used.count(n) > 0) n = "material" + std::to_string(i);
    while (used.count(n) > 0) n += "_";
    used.insert(n);
    names.push_back(n);
  }
  return names;
}

}  // namespace detail

// Writes the OBJ text; `mtl_name` (may be empty) is the MTL file to reference for the materials
// (without it no usemtl lines are written).
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
  const bool materials = !mtl_name.empty() && !mesh.materials.empty();
  const std::vector<std::string> names = materials ? detail::mtl_names(mesh.materials) : std::vector<std::string>{};
  if (materials) os << "mtllib " << mtl_name << '\n';
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
  int current = -1;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    if (materials && mesh.material_of(f) != current) {
      current = mesh.material_of(f);
      if (current < 0 || std::size_t(current) >= names.size()) {
        throw Error("write_obj", "face " + std::to_string(f) + " uses material " + std::to_string(current) +
                                     " but there are " + std::to_string(names.size()));
      }
      os << "usemtl " << names[std::size_t(current)] << '\n';
    }
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
  if (!mesh.materials.empty()) {
    const auto mtl_path = std::filesystem::path(path).replace_extension(".mtl");
    mtl_name = mtl_path.filename().string();
    const auto folder = std::filesystem::absolute(path).parent_path();
    const std::vector<std::string> names = detail::mtl_names(mesh.materials);
    write_file_atomically(mtl_path, [&](std::ostream& os) {
      os << "# written by hifa\n";
      for (std::size_t i = 0; i < mesh.materials.size(); ++i) {
        const Material& m = mesh.materials[i];
        os << "newmtl " << names[i] << "\nKd";
        for (int c = 0; c < 3; ++c) {
          os << ' ';
          detail::write_number(os, m.diffuse[c]);
        }
        os << '\n';
        if (!m.diffuse_texture.empty()) {
          const auto texture = std::filesystem::absolute(m.diffuse_texture).lexically_proximate(folder);
          os << "map_Kd " << texture.generic_string() << '\n';
        }
      }
    });
  }
  write_file_atomically(path, [&](std::ostream& os) { write_obj(os, mesh, mtl_name); });
}

}  // namespace hifa
