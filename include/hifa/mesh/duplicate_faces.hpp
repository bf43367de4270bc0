#pragma once
// Finds triangles stored twice with opposite windings and drops one copy of each pair.
//
//   auto d = hifa::remove_opposite_duplicate_faces(mesh);   // d.mesh, d.kept_faces, d.removed_pairs
//
// Why: game-style figures often store every triangle twice, once per winding, so that they render
// from both sides without back-face culling. Such a surface has generalized winding number ~0
// everywhere (each face cancels its twin, hifa/spatial/mesh_bvh.hpp), so every inside/outside label
// computed from it says "outside". Dropping one copy of each pair restores a meaningful winding
// number (after hifa/mesh/orient.hpp has made the kept copies point outwards).
//
// Inputs:  a TriMesh<T> with face indices in range (validate.hpp). Two faces are twins when their
//          corners are the same three POSITIONS (bitwise-equal coordinates, -0 equal to +0; the
//          vertex indices may differ, as they do when each copy has its own vertices) and they
//          traverse them in opposite directions.
// Outputs: DeduplicatedFaces<T>{mesh, kept_faces, removed_pairs}: twins are paired off in file order
//          (the first face of one winding with the first of the other, and so on); of each pair the
//          face that comes first in the file is kept, the later one dropped. Unpaired faces (no twin,
//          or one copy more of one winding) are kept. Faces stored twice with the SAME winding are
//          kept (they double the winding number, which leaves inside >= 0.5 inside and 0 outside).
//          kept_faces lists the original indices of the kept faces, ascending; the mesh keeps all
//          vertices and every per-vertex attribute, uvs and materials, and the face_uvs and
//          face_materials rows of the kept faces. Degenerate faces (a repeated position) are kept unpaired.
// Complexity: expected O(F) (hashing of position triples).

#include "hifa/mesh/tri_mesh.hpp"

#include <Eigen/Core>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace hifa {

template <class T>
struct DeduplicatedFaces {
  TriMesh<T> mesh;
  std::vector<Eigen::Index> kept_faces;  // original face index of each face of `mesh`
  Eigen::Index removed_pairs = 0;        // number of faces dropped (one per pair)
};

namespace detail {

// A position as comparable bits (-0 folded into +0, so they compare equal as the floats do).
template <class T>
std::array<std::uint64_t, 3> position_bits(const TriMesh<T>& mesh, int v) {
  std::array<std::uint64_t, 3> bits{};
  for (int c = 0; c < 3; ++c) {
    double x = double(mesh.vertices(v, c));
    if (x == 0) x = 0;  // -0 -> +0
    bits[std::size_t(c)] = std::bit_cast<std::uint64_t>(x);
  }
  return bits;
}

// Key of an unordered position triple: the three positions sorted.
struct TriangleKey {
  std::array<std::array<std::uint64_t, 3>, 3> p;
  bool operator==(const TriangleKey&) const = default;
};

struct TriangleKeyHash {
  std::size_t operator()(const TriangleKey& k) const {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a over the nine words
    for (const auto& q : k.p) {
      for (const std::uint64_t w : q) {
        h ^= w;
        h *= 1099511628211ull;
        h ^= h >> 29;
      }
    }
    return std::size_t(h);
  }
};

}  // namespace detail

template <class T>
DeduplicatedFaces<T> remove_opposite_duplicate_faces(const TriMesh<T>& mesh) {
  const Eigen::Index nf = mesh.face_count();
  // Per triangle key, the faces of each winding not yet paired, in file order (a queue each).
  struct Pending {
    std::vector<Eigen::Index> faces[2];
    std::size_t next[2] = {0, 0};
  };
  std::unordered_map<detail::TriangleKey, Pending, detail::TriangleKeyHash> pending;
  pending.reserve(std::size_t(nf));
  std::vector<char> drop(std::size_t(nf), 0);
  Eigen::Index removed = 0;
  for (Eigen::Index f = 0; f < nf; ++f) {
    std::array<std::array<std::uint64_t, 3>, 3> p;
    for (int k = 0; k < 3; ++k) p[std::size_t(k)] = detail::position_bits(mesh, mesh.faces(f, k));
    if (p[0] == p[1] || p[1] == p[2] || p[0] == p[2]) continue;  // degenerate: no winding to pair
    // Rotate the smallest position to the front; the winding is then whether the other two are
    // in ascending order (a rotation keeps the winding, a swap reverses it).
    int first = 0;
    for (int k = 1; k < 3; ++k) {
      if (p[std::size_t(k)] < p[std::size_t(first)]) first = k;
    }
    const auto& a = p[std::size_t(first)];
    const auto& b = p[std::size_t((first + 1) % 3)];
    const auto& c = p[std::size_t((first + 2) % 3)];
    const int winding = b < c ? 0 : 1;
    detail::TriangleKey key{{a, winding == 0 ? b : c, winding == 0 ? c : b}};
    Pending& entry = pending[key];
    auto& twins = entry.faces[1 - winding];
    if (entry.next[1 - winding] < twins.size()) {
      ++entry.next[1 - winding];  // pair with the earliest unpaired twin, which stays
      drop[std::size_t(f)] = 1;
      ++removed;
    } else {
      entry.faces[winding].push_back(f);
    }
  }

  DeduplicatedFaces<T> out;
  out.removed_pairs = removed;
  out.kept_faces.reserve(std::size_t(nf - removed));
  for (Eigen::Index f = 0; f < nf; ++f) {
    if (!drop[std::size_t(f)]) out.kept_faces.push_back(f);
  }
  out.mesh.vertices = mesh.vertices;
  out.mesh.normals = mesh.normals;
  out.mesh.colors = mesh.colors;
  out.mesh.uvs = mesh.uvs;
  out.mesh.materials = mesh.materials;
  const auto kept = Eigen::Index(out.kept_faces.size());
  out.mesh.faces.resize(kept, 3);
  const bool uvs = mesh.face_uvs.rows() == nf && nf > 0;
  if (uvs) out.mesh.face_uvs.resize(kept, 3);
  const bool materials = mesh.has_face_materials();
  if (materials) out.mesh.face_materials.resize(kept);
  for (Eigen::Index i = 0; i < kept; ++i) {
    out.mesh.faces.row(i) = mesh.faces.row(out.kept_faces[std::size_t(i)]);
    if (uvs) out.mesh.face_uvs.row(i) = mesh.face_uvs.row(out.kept_faces[std::size_t(i)]);
    if (materials) out.mesh.face_materials(i) = mesh.face_materials(out.kept_faces[std::size_t(i)]);
  }
  return out;
}

}  // namespace hifa
