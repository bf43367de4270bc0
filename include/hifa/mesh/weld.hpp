#pragma once
// Merges duplicate vertices.
//
//   auto [welded, old_to_new] = hifa::weld_vertices(mesh);          // exactly equal positions
//   auto [welded, old_to_new] = hifa::weld_vertices(mesh, 1e-6f);   // within a distance
//
// Inputs: a TriMesh<T> with face indices in range; tolerance >= 0 in mesh units (0: bitwise-equal
// positions, with -0 equal to +0).
// Outputs: Welded<T>{mesh, vertex_map}: vertex_map[old] is the new index of each old vertex (#V).
//   Vertices are visited in order; each one joins the first kept vertex within `tolerance` (so a
//   chain of points each closer than the tolerance to the next is not merged transitively), and
//   otherwise is kept. Kept vertices stay in their original order with their own normal/colour.
//   Faces are remapped; a face that ends up with a repeated vertex is dropped (its face_uvs row too).
//   uvs and materials are copied unchanged; face_materials follow the kept faces.
// Complexity: expected O(V + F) by spatial hashing (cells of size `tolerance`).
// Errors: hifa::Error("weld_vertices", ...) for a negative or non-finite tolerance.

#include "hifa/core/error.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace hifa {

template <class T>
struct Welded {
  TriMesh<T> mesh;
  std::vector<int> vertex_map;
};

namespace detail {

using CellKey = std::array<std::int64_t, 3>;

struct CellKeyHash {
  std::size_t operator()(const CellKey& key) const {
    std::uint64_t h = 0x9E3779B97F4A7C15ull;
    for (const auto k : key) h = (h ^ static_cast<std::uint64_t>(k)) * 0x100000001B3ull;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

// Exact welding keys on the bit pattern; tolerant welding on the grid cell of size `tolerance`.
template <class T>
CellKey weld_cell(const Vec3<T>& p, T tolerance) {
  CellKey key{};
  for (int k = 0; k < 3; ++k) {
    if (tolerance == T(0)) {
      const T value = p[k] + T(0);  // -0 + 0 is +0, so both zeros share a key
      std::memcpy(&key[k], &value, std::min(sizeof value, sizeof key[k]));
    } else {
      // Clamped so huge coordinates cannot overflow the integer (they then share far-out cells).
      const double cell = std::floor(static_cast<double>(p[k]) / static_cast<double>(tolerance));
      key[k] = std::isfinite(cell) ? static_cast<std::int64_t>(std::clamp(cell, -4e18, 4e18)) : 0;
    }
  }
  return key;
}

}  // namespace detail

template <class T>
Welded<T> weld_vertices(const TriMesh<T>& mesh, T tolerance = T(0)) {
  if (!(tolerance >= T(0)) || !std::isfinite(tolerance)) {
    throw Error("weld_vertices", "tolerance must be finite and >= 0, got " + std::to_string(tolerance));
  }
  const Eigen::Index nv = mesh.vertex_count();
  const int reach = tolerance > T(0) ? 1 : 0;  // tolerant: look in the 27 cells around the point
  std::unordered_map<detail::CellKey, std::vector<int>, detail::CellKeyHash> cells;
  std::vector<int> kept;  // old index of each new vertex
  Welded<T> out;
  out.vertex_map.resize(static_cast<std::size_t>(nv));
  for (Eigen::Index v = 0; v < nv; ++v) {
    const Vec3<T> p = mesh.vertex(v);
    const detail::CellKey home = detail::weld_cell(p, tolerance);
    int match = -1;
    for (int dx = -reach; dx <= reach && match < 0; ++dx) {
      for (int dy = -reach; dy <= reach && match < 0; ++dy) {
        for (int dz = -reach; dz <= reach && match < 0; ++dz) {
          const auto found = cells.find({home[0] + dx, home[1] + dy, home[2] + dz});
          if (found == cells.end()) continue;
          for (const int candidate : found->second) {
            if ((mesh.vertex(kept[candidate]) - p).squaredNorm() <= tolerance * tolerance) {
              match = candidate;
              break;
            }
          }
        }
      }
    }
    if (match < 0) {
      match = static_cast<int>(kept.size());
      kept.push_back(static_cast<int>(v));
      cells[home].push_back(match);
    }
    out.vertex_map[static_cast<std::size_t>(v)] = match;
  }

  const auto n_kept = static_cast<Eigen::Index>(kept.size());
  const auto take_rows = [&](const RowMatrix3<T>& from) {
    RowMatrix3<T> to(n_kept, 3);
    for (Eigen::Index i = 0; i < n_kept; ++i) to.row(i) = from.row(kept[static_cast<std::size_t>(i)]);
    return to;
  };
  out.mesh.vertices = take_rows(mesh.vertices);
  if (mesh.has_normals()) out.mesh.normals = take_rows(mesh.normals);
  if (mesh.has_colors()) out.mesh.colors = take_rows(mesh.colors);

  const bool uvs = mesh.has_uvs();
  std::vector<Eigen::Index> faces_kept;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const int a = out.vertex_map[mesh.faces(f, 0)], b = out.vertex_map[mesh.faces(f, 1)],
              c = out.vertex_map[mesh.faces(f, 2)];
    if (a != b && b != c && a != c) faces_kept.push_back(f);
  }
  const auto nf = static_cast<Eigen::Index>(faces_kept.size());
  out.mesh.faces.resize(nf, 3);
  if (uvs) {
    out.mesh.uvs = mesh.uvs;
    out.mesh.face_uvs.resize(nf, 3);
  }
  const bool materials = mesh.has_face_materials();
  if (materials) out.mesh.face_materials.resize(nf);
  for (Eigen::Index i = 0; i < nf; ++i) {
    const Eigen::Index f = faces_kept[static_cast<std::size_t>(i)];
    for (int k = 0; k < 3; ++k) out.mesh.faces(i, k) = out.vertex_map[mesh.faces(f, k)];
    if (uvs) out.mesh.face_uvs.row(i) = mesh.face_uvs.row(f);
    if (materials) out.mesh.face_materials(i) = mesh.face_materials(f);
  }
  out.mesh.materials = mesh.materials;
  return out;
}

}  // namespace hifa
