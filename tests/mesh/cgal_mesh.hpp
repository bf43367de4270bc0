#pragma once
// The same arrays as a CGAL::Surface_mesh, so CGAL can serve as the trusted reference.

#include "hifa/mesh/tri_mesh.hpp"

#include <CGAL/Simple_cartesian.h>
#include <CGAL/Surface_mesh.h>

#include <vector>

namespace hifa::test {

using CgalKernel = CGAL::Simple_cartesian<double>;
using CgalMesh = CGAL::Surface_mesh<CgalKernel::Point_3>;

template <class T>
CgalMesh to_cgal(const TriMesh<T>& mesh) {
  CgalMesh out;
  std::vector<CgalMesh::Vertex_index> vertices;
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    vertices.push_back(out.add_vertex({double(mesh.vertices(v, 0)), double(mesh.vertices(v, 1)), double(mesh.vertices(v, 2))}));
  }
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    out.add_face(vertices[mesh.faces(f, 0)], vertices[mesh.faces(f, 1)], vertices[mesh.faces(f, 2)]);
  }
  return out;
}

}  // namespace hifa::test
