#pragma once
// Edge-based topology of a triangle mesh.
//
//   EdgeMap edges = hifa::edge_map(mesh.faces);  // undirected edge -> how faces use it
//   hifa::is_edge_manifold(mesh)     every edge used by <= 2 faces, in opposite directions when 2
//   hifa::is_closed(mesh)            every edge used by exactly 2 faces (no boundary, no fins);
//                                    false for a mesh without faces. Orientation is not checked here
//                                    (is_edge_manifold does), so a closed mesh may still be inside-out.
//   hifa::boundary_edge_count(mesh)  edges used by exactly 1 face
//   hifa::euler_characteristic(mesh) V - E + F, counting only vertices some face uses
//                                    (2 for a closed genus-0 surface, 0 for a torus)
//   hifa::connected_components(mesh) faces joined when they share an EDGE (faces touching only at a
//                                    vertex are separate components); Components{face_component (#F),
//                                    count}, ids numbered 0.. in order of each component's first face
// Inputs: faces #F x 3 with indices >= 0 (see validate.hpp). Complexity: expected O(F).

#include "hifa/mesh/tri_mesh.hpp"

#include <cstdint>
#include <numeric>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace hifa {

struct EdgeUse {
  int faces = 0;       // faces that have this edge
  int low_to_high = 0;  // of those, how many traverse it from the smaller to the larger vertex index
};

// Key of the undirected edge {a, b}: the smaller index in the high 32 bits.
inline std::uint64_t edge_key(int a, int b) {
  const auto lo = static_cast<std::uint32_t>(a < b ? a : b), hi = static_cast<std::uint32_t>(a < b ? b : a);
  return (std::uint64_t{lo} << 32) | hi;
}

using EdgeMap = std::unordered_map<std::uint64_t, EdgeUse>;

inline EdgeMap edge_map(const FaceMatrix& faces) {
  EdgeMap edges;
  edges.reserve(static_cast<std::size_t>(faces.rows()) * 3 / 2 + 1);
  for (Eigen::Index f = 0; f < faces.rows(); ++f) {
    for (int k = 0; k < 3; ++k) {
      const int a = faces(f, k), b = faces(f, (k + 1) % 3);
      EdgeUse& use = edges[edge_key(a, b)];
      ++use.faces;
      if (a < b) ++use.low_to_high;
    }
  }
  return edges;
}

template <class T>
bool is_edge_manifold(const TriMesh<T>& mesh) {
  for (const auto& [key, use] : edge_map(mesh.faces)) {
    if (use.faces > 2 || (use.faces == 2 && use.low_to_high != 1)) return false;
  }
  return true;
}

template <class T>
bool is_closed(const TriMesh<T>& mesh) {
  if (mesh.face_count() == 0) return false;
  for (const auto& [key, use] : edge_map(mesh.faces)) {
    if (use.faces != 2) return false;
  }
  return true;
}

template <class T>
Eigen::Index boundary_edge_count(const TriMesh<T>& mesh) {
  Eigen::Index count = 0;
  for (const auto& [key, use] : edge_map(mesh.faces)) count += use.faces == 1 ? 1 : 0;
  return count;
}

template <class T>
Eigen::Index euler_characteristic(const TriMesh<T>& mesh) {
  const std::unordered_set<int> used(mesh.faces.data(), mesh.faces.data() + mesh.faces.size());
  return static_cast<Eigen::Index>(used.size()) - static_cast<Eigen::Index>(edge_map(mesh.faces).size()) +
         mesh.face_count();
}

struct Components {
  std::vector<int> face_component;  // #F: component id of each face
  int count = 0;
};

template <class T>
Components connected_components(const TriMesh<T>& mesh) {
  const auto nf = static_cast<std::size_t>(mesh.face_count());
  std::vector<int> parent(nf);
  std::iota(parent.begin(), parent.end(), 0);
  const auto root = [&parent](int f) {
    while (parent[f] != f) f = parent[f] = parent[parent[f]];  // path halving
    return f;
  };
  std::unordered_map<std::uint64_t, int> first_face_of_edge;
  first_face_of_edge.reserve(nf * 3 / 2 + 1);
  for (std::size_t f = 0; f < nf; ++f) {
    for (int k = 0; k < 3; ++k) {
      const auto [it, inserted] = first_face_of_edge.try_emplace(
          edge_key(mesh.faces(f, k), mesh.faces(f, (k + 1) % 3)), static_cast<int>(f));
      if (!inserted) parent[root(static_cast<int>(f))] = root(it->second);
    }
  }
  Components out;
  out.face_component.assign(nf, -1);
  std::vector<int> id_of_root(nf, -1);
  for (std::size_t f = 0; f < nf; ++f) {
    int& id = id_of_root[root(static_cast<int>(f))];
    if (id < 0) id = out.count++;
    out.face_component[f] = id;
  }
  return out;
}

}  // namespace hifa
