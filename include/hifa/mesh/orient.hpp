#pragma once
// Makes the faces of each connected piece of a mesh wind consistently and point outwards.
//
//   auto o = hifa::orient_outward(mesh);   // o.mesh, o.flipped_faces, o.components
//
// Why: winding-number inside tests (hifa/spatial/mesh_bvh.hpp) need outward-oriented faces: a piece
// stored inside-out counts -1 inside, and a piece whose faces disagree cancels itself. Scans and
// game figures come with both (and remove_opposite_duplicate_faces, duplicate_faces.hpp, keeps
// whichever copy of a pair came first in the file).
//
// Inputs:  a TriMesh<T> with face indices in range. Faces are neighbours when they share an edge
//          between the same two POSITIONS (vertices at bitwise-equal positions count as one, so
//          pieces split into per-face vertices still connect), used by exactly those two faces.
// Method:  per connected piece, a breadth-first walk from its first face flips each neighbour that
//          traverses the shared edge in the same direction as the face it was reached from (so
//          neighbours agree, as an orientable manifold's faces must); edges used by one face or by
//          more than two (non-manifold) do not propagate. Then the piece's signed volume, measured
//          about its bounding-box centre (so an open piece's sign does not depend on where the
//          origin is), decides: negative flips the whole piece. A flip swaps corners 1 and 2 (and
//          their face_uvs). A closed, outward-oriented mesh is returned unchanged.
// Outputs: OrientedMesh<T>{mesh, flipped_faces, components}; vertices and attributes unchanged.
// Limits:  a non-orientable piece (Moebius) keeps whatever the walk gives; a piece whose volume is
//          exactly 0 (a flat sheet) is left as the walk oriented it.
// Complexity: expected O(V + F).

#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/weld.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hifa {

template <class T>
struct OrientedMesh {
  TriMesh<T> mesh;
  Eigen::Index flipped_faces = 0;
  int components = 0;
};

template <class T>
OrientedMesh<T> orient_outward(const TriMesh<T>& mesh) {
  const Eigen::Index nf = mesh.face_count();
  const std::vector<int> id = weld_vertices(mesh).vertex_map;  // position -> one index
  const auto corner = [&](Eigen::Index f, int k) { return id[std::size_t(mesh.faces(f, k))]; };

  // Undirected edge -> the faces using it (we only need to know the first two and whether more).
  struct Users {
    int count = 0;
    Eigen::Index face[2] = {-1, -1};
  };
  std::unordered_map<std::uint64_t, Users> edges;
  edges.reserve(std::size_t(nf) * 2);
  for (Eigen::Index f = 0; f < nf; ++f) {
    for (int k = 0; k < 3; ++k) {
      const int a = corner(f, k), b = corner(f, (k + 1) % 3);
      if (a == b) continue;
      Users& u = edges[edge_key(a, b)];
      if (u.count < 2) u.face[u.count] = f;
      ++u.count;
    }
  }
  // Does face f (as stored) traverse the edge from a to b?
  const auto traverses = [&](Eigen::Index f, int a, int b) {
    for (int k = 0; k < 3; ++k) {
      if (corner(f, k) == a && corner(f, (k + 1) % 3) == b) return true;
    }
    return false;
  };

  std::vector<char> flip(std::size_t(nf), 0);
  std::vector<int> piece(std::size_t(nf), -1);
  OrientedMesh<T> out;
  std::vector<Eigen::Index> members;
  std::deque<Eigen::Index> queue;
  for (Eigen::Index start = 0; start < nf; ++start) {
    if (piece[std::size_t(start)] >= 0) continue;
    const int p = out.components++;
    members.clear();
    piece[std::size_t(start)] = p;
    queue.push_back(start);
    while (!queue.empty()) {
      const Eigen::Index f = queue.front();
      queue.pop_front();
      members.push_back(f);
      for (int k = 0; k < 3; ++k) {
        int a = corner(f, k), b = corner(f, (k + 1) % 3);
        if (a == b) continue;
        const Users& u = edges[edge_key(a, b)];
        if (u.count != 2) continue;
        const Eigen::Index g = u.face[0] == f ? u.face[1] : u.face[0];
        if (g == f || piece[std::size_t(g)] >= 0) continue;
        if (flip[std::size_t(f)]) std::swap(a, b);  // the direction f really traverses
        // g agrees with f when it traverses the edge b -> a.
        flip[std::size_t(g)] = traverses(g, a, b) ? 1 : 0;
        piece[std::size_t(g)] = p;
        queue.push_back(g);
      }
    }
    // Signed volume of the piece as oriented by the walk, about its box centre.
    Eigen::Matrix<double, 3, 1> lo = Eigen::Matrix<double, 3, 1>::Constant(1e300), hi = -lo;
    for (const Eigen::Index f : members) {
      for (int k = 0; k < 3; ++k) {
        const Eigen::Matrix<double, 3, 1> q = mesh.vertices.row(mesh.faces(f, k)).template cast<double>().transpose();
        lo = lo.cwiseMin(q);
        hi = hi.cwiseMax(q);
      }
    }
    const Eigen::Matrix<double, 3, 1> centre = (lo + hi) / 2;
    double six_volume = 0;
    for (const Eigen::Index f : members) {
      Eigen::Matrix<double, 3, 1> q[3];
      for (int k = 0; k < 3; ++k) {
        q[k] = mesh.vertices.row(mesh.faces(f, k)).template cast<double>().transpose() - centre;
      }
      const double v = q[0].dot(q[1].cross(q[2]));
      six_volume += flip[std::size_t(f)] ? -v : v;
    }
    if (six_volume < 0) {
      for (const Eigen::Index f : members) flip[std::size_t(f)] ^= 1;
    }
  }

  out.mesh = mesh;
  const bool uvs = mesh.face_uvs.rows() == nf && nf > 0;
  for (Eigen::Index f = 0; f < nf; ++f) {
    if (!flip[std::size_t(f)]) continue;
    ++out.flipped_faces;
    std::swap(out.mesh.faces(f, 1), out.mesh.faces(f, 2));
    if (uvs) std::swap(out.mesh.face_uvs(f, 1), out.mesh.face_uvs(f, 2));
  }
  return out;
}

}  // namespace hifa
