#pragma once
// PLY reading and writing (ascii and binary_little_endian; binary_big_endian is refused clearly).
//
//   auto mesh = hifa::read_ply("scan.ply");                // TriMesh<float>
//   auto mesh = hifa::read_ply<double>(stream, "scan.ply"); // `name` only labels errors
//   hifa::write_ply("out/scan.ply", mesh);                  // binary little-endian by default
//   hifa::write_ply("out/scan.ply", mesh, hifa::PlyFormat::ascii);
//
// Reading
//   vertices  #V x 3   element "vertex", scalar properties x y z (any numeric type)
//   normals   #V x 3   when nx ny nz are all present
//   colors    #V x 3   when red green blue are all present: integer types divided by 2^bits - 1
//                      (uchar / 255, ushort / 65535), floating types taken as they are
//   faces     #F x 3   element "face", list property "vertex_indices" (or "vertex_index") with any
//                      integer count type and any numeric index type; polygons fan-triangulated
//   Other elements and properties (scalar or list) are read past and dropped; UVs are not read.
// Every read is bounds-checked, and a count is checked against the bytes left before anything is
// allocated for it. Errors (hifa::Error "<file>: <problem>", naming the element and item index):
// missing file, empty file, bad header, truncated body, a count larger than the file can hold, a
// negative count, a face with fewer than 3 vertices, an index out of range, a non-finite value.
//
// Writing: positions and normals as float (double for TriMesh<double>, so values round-trip exactly),
// colours as uchar, faces as "list uchar int vertex_indices". Files are written atomically.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/mesh/detail/ply_header.hpp"
#include "hifa/mesh/detail/ply_values.hpp"
#include "hifa/mesh/detail/ply_writer.hpp"
#include "hifa/mesh/detail/text_io.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <array>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hifa {

enum class PlyFormat { ascii, binary_little_endian };

namespace detail {

// Calls on_scalar(property, value) and on_list(property, values) for each property of each item,
// then on_item(index), reading every value whatever the caller keeps.
template <class OnScalar, class OnList, class OnItem>
void read_ply_items(PlyValues& in, const PlyElement& element, OnScalar&& on_scalar, OnList&& on_list,
                    OnItem&& on_item) {
  std::vector<double> list;
  for (std::uint64_t i = 0; i < element.count; ++i) {
    in.at(element.name, i);
    for (std::size_t p = 0; p < element.properties.size(); ++p) {
      const PlyProperty& property = element.properties[p];
      if (!property.is_list) {
        on_scalar(p, in.read(property.type));
        continue;
      }
      list.resize(in.read_count(property.count_type, property.type));
      for (double& value : list) value = in.read(property.type);
      on_list(p, list);
    }
    on_item(i);
  }
}

inline const PlyElement* find_ply_element(const PlyHeader& header, std::string_view element, std::string_view name) {
  const PlyElement* found = nullptr;
  for (const auto& e : header.elements) {
    if (e.name != element) continue;
    if (found) throw Error(name, "more than one '" + std::string(element) + "' element");
    found = &e;
  }
  return found;
}

template <class T>
void read_ply_vertices(PlyValues& in, const PlyElement& element, TriMesh<T>& mesh, std::string_view name) {
  // Slots 0-2 position, 3-5 normal, 6-8 colour; each property maps to one slot or none.
  static constexpr std::array<std::string_view, 9> slot_names = {"x", "y", "z", "nx", "ny", "nz", "red", "green", "blue"};
  std::vector<int> slot_of(element.properties.size(), -1);
  std::array<double, 9> divisor{};
  std::array<bool, 9> present{};
  for (std::size_t p = 0; p < element.properties.size(); ++p) {
    const auto& property = element.properties[p];
    for (int s = 0; s < 9; ++s) {
      if (property.is_list || property.name != slot_names[s]) continue;
      slot_of[p] = s;
      present[s] = true;
      divisor[s] = s >= 6 && ply_is_integer(property.type) ? double((1ull << (8 * ply_size(property.type))) - 1) : 1.0;
    }
  }
  for (int s = 0; s < 3; ++s) {
    if (!present[s]) throw Error(name, "the vertex element has no '" + std::string(slot_names[s]) + "' property");
  }
  const bool normals = present[3] && present[4] && present[5];
  const bool colors = present[6] && present[7] && present[8];
  const auto n = static_cast<Eigen::Index>(element.count);
  mesh.vertices.resize(n, 3);
  if (normals) mesh.normals.resize(n, 3);
  if (colors) mesh.colors.resize(n, 3);

  std::array<double, 9> item{};
  read_ply_items(
      in, element, [&](std::size_t p, double value) { if (slot_of[p] >= 0) item[slot_of[p]] = value / divisor[slot_of[p]]; },
      [](std::size_t, const std::vector<double>&) {},
      [&](std::uint64_t i) {
        const auto row = static_cast<Eigen::Index>(i);
        // NaN fails the comparison too; a finite double beyond T's range would become inf.
        const auto fits = [](double value) { return std::abs(value) <= double(std::numeric_limits<T>::max()); };
        for (int k = 0; k < 3; ++k) {
          if (!fits(item[k]) || (normals && !fits(item[3 + k])) || (colors && !fits(item[6 + k]))) {
            in.fail("has a non-finite value (or one too large for the mesh's number type)");
          }
          mesh.vertices(row, k) = static_cast<T>(item[k]);
          if (normals) mesh.normals(row, k) = static_cast<T>(item[3 + k]);
          if (colors) mesh.colors(row, k) = static_cast<T>(item[6 + k]);
        }
      });
}

inline std::vector<int> read_ply_faces(PlyValues& in, const PlyElement& element, std::uint64_t vertex_count,
                                       std::string_view name) {
  const PlyProperty* indices = element.find("vertex_indices");
  if (!indices) indices = element.find("vertex_index");
  if (!indices || !indices->is_list) throw Error(name, "the face element has no 'vertex_indices' list property");
  const auto indices_at = static_cast<std::size_t>(indices - element.properties.data());

  std::vector<int> faces;
  faces.reserve(3 * element.count);
  std::vector<int> polygon;
  read_ply_items(
      in, element, [](std::size_t, double) {},
      [&](std::size_t p, const std::vector<double>& values) {
        if (p != indices_at) return;
        if (values.size() < 3) in.fail("has " + std::to_string(values.size()) + " vertices (at least 3 needed)");
        polygon.clear();
        for (const double v : values) {
          if (!(v >= 0 && v < static_cast<double>(vertex_count)) || v != std::floor(v)) {
            in.fail("uses vertex " + std::to_string(v) + " but there are " + std::to_string(vertex_count) + " vertices");
          }
          polygon.push_back(static_cast<int>(v));
        }
        for (std::size_t c = 1; c + 1 < polygon.size(); ++c) faces.insert(faces.end(), {polygon[0], polygon[c], polygon[c + 1]});
      },
      [](std::uint64_t) {});
  return faces;
}

template <class T>
TriMesh<T> mesh_from_ply(std::string_view bytes, std::string_view name) {
  const PlyHeader header = parse_ply_header(bytes, name);
  const PlyElement* vertex = find_ply_element(header, "vertex", name);
  const PlyElement* face = find_ply_element(header, "face", name);
  if (!vertex) throw Error(name, "no 'vertex' element");
  if (vertex->count > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    throw Error(name, "the header declares " + std::to_string(vertex->count) + " vertices, more than a TriMesh can index");
  }

  PlyValues in(bytes.substr(header.body_offset), header.encoding, name);
  TriMesh<T> mesh;
  std::vector<int> faces;
  for (const PlyElement& element : header.elements) {
    const std::size_t min_bytes = element.min_item_bytes(in.binary());
    if (min_bytes == 0) {
      // An element without properties stores nothing, but the vertex and face elements must have some.
      if (&element == vertex || &element == face) throw Error(name, "element '" + element.name + "' has no properties");
      continue;
    }
    if (element.count > (in.remaining() + 1) / min_bytes) {
      throw Error(name, "the header declares " + std::to_string(element.count) + " '" + element.name +
                            "' items but the file is too short to hold them (truncated, or a wrong count)");
    }
    if (&element == vertex) {
      read_ply_vertices(in, element, mesh, name);
    } else if (&element == face) {
      faces = read_ply_faces(in, element, vertex->count, name);
    } else {
      read_ply_items(in, element, [](std::size_t, double) {}, [](std::size_t, const std::vector<double>&) {},
                     [](std::uint64_t) {});
    }
  }
  mesh.faces = Eigen::Map<const FaceMatrix>(faces.data(), static_cast<Eigen::Index>(faces.size() / 3), 3);
  return mesh;
}

}  // namespace detail

template <class T = float>
TriMesh<T> read_ply(std::istream& in, std::string_view name) {
  const std::string bytes = detail::read_all(in, name);
  return detail::mesh_from_ply<T>(bytes, name);
}

template <class T = float>
TriMesh<T> read_ply(const std::filesystem::path& path) {
  detail::require_readable_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string(), "cannot open for reading");
  return read_ply<T>(in, path.string());
}

template <std::floating_point T>
void write_ply(std::ostream& os, const TriMesh<T>& mesh, PlyFormat format = PlyFormat::binary_little_endian) {
  using Stored = std::conditional_t<sizeof(T) <= sizeof(float), float, double>;
  const char* type = std::is_same_v<Stored, float> ? "float" : "double";
  const bool binary = format == PlyFormat::binary_little_endian, normals = mesh.has_normals(),
             colors = mesh.has_colors();
  os << "ply\nformat " << (binary ? "binary_little_endian" : "ascii") << " 1.0\ncomment written by hifa\n"
     << "element vertex " << mesh.vertex_count() << '\n';
  for (const char* axis : {"x", "y", "z"}) os << "property " << type << ' ' << axis << '\n';
  if (normals) {
    for (const char* axis : {"nx", "ny", "nz"}) os << "property " << type << ' ' << axis << '\n';
  }
  if (colors) os << "property uchar red\nproperty uchar green\nproperty uchar blue\n";
  os << "element face " << mesh.face_count() << "\nproperty list uchar int vertex_indices\nend_header\n";

  detail::PlyWriter out(os, binary);
  for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) {
    for (int k = 0; k < 3; ++k) out.put(static_cast<Stored>(mesh.vertices(i, k)));
    if (normals) {
      for (int k = 0; k < 3; ++k) out.put(static_cast<Stored>(mesh.normals(i, k)));
    }
    if (colors) {
      for (int k = 0; k < 3; ++k) {
        const T c = mesh.colors(i, k);
        const T clamped = c >= 0 ? (c <= 1 ? c : T(1)) : T(0);  // NaN becomes 0 too
        out.put(static_cast<std::uint8_t>(std::lround(clamped * 255)));
      }
    }
    out.end_item();
  }
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    out.put(std::uint8_t{3});
    for (int k = 0; k < 3; ++k) out.put(static_cast<std::int32_t>(mesh.faces(f, k)));
    out.end_item();
  }
  out.finish();
}

template <std::floating_point T>
void write_ply(const std::filesystem::path& path, const TriMesh<T>& mesh,
               PlyFormat format = PlyFormat::binary_little_endian) {
  write_file_atomically(path, [&](std::ostream& os) { write_ply(os, mesh, format); });
}

}  // namespace hifa
