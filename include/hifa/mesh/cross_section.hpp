#pragma once
// Cross-sections of a triangle mesh by a plane: the closed curves where the plane cuts the surface,
// each as the points where mesh edges cross the plane, grouped into connected loops.
//
//   auto loops = hifa::cross_sections(mesh, origin, normal);
//   for (const hifa::SectionLoop& loop : loops) loop.centroid;   // e.g. the middle of a limb
//
// Inputs:  mesh    TriMesh<float>, face indices in range
//          origin  a point of the plane, normal its (not necessarily unit, nonzero) normal
// Outputs: one SectionLoop per connected piece of the cut (two faces that both cross the plane and
//          share a crossing edge are in the same piece), in order of their first crossing point (faces in order, edges in face order):
//            points    every crossing point once: p = a + t (b - a) on edge ab with the signed
//                      distances of a and b of opposite signs (a vertex exactly on the plane counts
//                      as being on the positive side, so a cut through vertices is not counted
//                      twice)
//            edges     the mesh edges (a, b) of those points, and t, so a point is a known linear
//                      combination of two vertices (hifa/body/joint_regressor.hpp needs that)
//            centroid  the mean of the points: for a limb, close to its axis
//            length    the length of the cut curve (the loop's perimeter when it is closed)
//          A plane that misses the mesh gives no loops.
// Cost:    O(F) with a hash of the crossing edges.

#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/topology.hpp"
#include "hifa/mesh/tri_mesh.hpp"

#include <cstdint>
#include <numeric>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hifa {

struct SectionLoop {
  std::vector<Vec3f> points;
  std::vector<std::pair<int, int>> edges;  // (a, b) vertex ids of each point's edge
  std::vector<float> t;                    // point = (1 - t) a + t b
  Vec3f centroid = Vec3f::Zero();
  float length = 0;
};

inline std::vector<SectionLoop> cross_sections(const TriMesh<float>& mesh, const Vec3f& origin, const Vec3f& normal) {
  if (!(normal.squaredNorm() > 0.0f) || !normal.allFinite() || !origin.allFinite()) {
    throw Error("cross_sections", "the plane needs a finite point and a finite, nonzero normal");
  }
  const Vec3f n = normal.normalized();
  const auto side = [&](int v) { return (mesh.vertex(v) - origin).dot(n); };
  std::unordered_map<std::uint64_t, int> point_of_edge;  // crossing edge -> point id
  std::vector<std::pair<int, int>> edges;
  std::vector<float> ts;
  std::vector<std::pair<int, int>> links;  // point pairs joined inside a face
  const auto crossing = [&](int a, int b) -> int {
    const float da = side(a), db = side(b);
    if ((da >= 0.0f) == (db >= 0.0f)) return -1;
    const auto [it, inserted] = point_of_edge.try_emplace(edge_key(a, b), int(edges.size()));
    if (inserted) {
      const int lo = a < b ? a : b, hi = a < b ? b : a;
      const float dl = lo == a ? da : db, dh = lo == a ? db : da;
      edges.emplace_back(lo, hi);
      ts.push_back(dl / (dl - dh));
    }
    return it->second;
  };
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    int found[3], count = 0;
    for (int k = 0; k < 3; ++k) {
      const int p = crossing(mesh.faces(f, k), mesh.faces(f, (k + 1) % 3));
      if (p >= 0) found[count++] = p;
    }
    if (count == 2) links.emplace_back(found[0], found[1]);
  }
  std::vector<int> parent(edges.size());
  std::iota(parent.begin(), parent.end(), 0);
  const auto root = [&parent](int x) {
    while (parent[std::size_t(x)] != x) x = parent[std::size_t(x)] = parent[std::size_t(parent[std::size_t(x)])];
    return x;
  };
  for (const auto& [a, b] : links) parent[std::size_t(root(a))] = root(b);
  const auto point_at = [&](int p) -> Vec3f {
    const auto [a, b] = edges[std::size_t(p)];
    return (1.0f - ts[std::size_t(p)]) * mesh.vertex(a) + ts[std::size_t(p)] * mesh.vertex(b);
  };
  std::vector<int> loop_of_root(edges.size(), -1);
  std::vector<SectionLoop> loops;
  std::vector<int> loop_of_point(edges.size());
  for (std::size_t p = 0; p < edges.size(); ++p) {
    int& id = loop_of_root[std::size_t(root(int(p)))];
    if (id < 0) {
      id = int(loops.size());
      loops.emplace_back();
    }
    loop_of_point[p] = id;
    SectionLoop& loop = loops[std::size_t(id)];
    const Vec3f point = point_at(int(p));
    loop.points.push_back(point);
    loop.edges.push_back(edges[p]);
    loop.t.push_back(ts[p]);
    loop.centroid += point;
  }
  for (SectionLoop& loop : loops) loop.centroid /= float(loop.points.size());
  for (const auto& [a, b] : links) loops[std::size_t(loop_of_point[std::size_t(a)])].length += (point_at(a) - point_at(b)).norm();
  return loops;
}

}  // namespace hifa
