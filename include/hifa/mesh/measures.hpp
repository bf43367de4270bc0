#pragma once
// Measures of a triangle mesh.
//
//   T          surface_area(mesh)     sum of triangle areas, in (mesh units)^2
//   T          signed_volume(mesh)    enclosed volume by the divergence theorem, sum over faces of
//                                     a . (b x c) / 6; positive for a closed mesh whose faces are
//                                     counter-clockwise seen from outside, negative if inside-out,
//                                     and meaningless (origin-dependent) for an open mesh
//   AABB<T>    bounding_box(mesh)     over all vertices (empty box for no vertices)
//   #F x 3     face_normals(mesh)     unit normals by the right-hand rule; (0,0,0) for zero-area faces
//   #V x 3     vertex_normals(mesh)   area-weighted average of the incident face normals, unit length;
//                                     (0,0,0) for vertices no face (of non-zero area) uses
// Preconditions: face indices in range (see validate.hpp). Sums accumulate in double so a float mesh
// with millions of faces keeps its precision. Complexity: O(V + F).

#include "hifa/core/types.hpp"
#include "hifa/mesh/tri_mesh.hpp"

namespace hifa {

namespace detail {

template <class T>
Vec3d corner(const TriMesh<T>& mesh, Eigen::Index f, int k) {
  return mesh.vertex(mesh.faces(f, k)).template cast<double>();
}

// (b - a) x (c - a) in double: twice the area, along the face normal.
template <class T>
Vec3d doubled_area_vector(const TriMesh<T>& mesh, Eigen::Index f) {
  const Vec3d a = corner(mesh, f, 0);
  return (corner(mesh, f, 1) - a).cross(corner(mesh, f, 2) - a);
}

}  // namespace detail

template <class T>
T surface_area(const TriMesh<T>& mesh) {
  double twice = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) twice += detail::doubled_area_vector(mesh, f).norm();
  return static_cast<T>(twice / 2);
}

template <class T>
T signed_volume(const TriMesh<T>& mesh) {
  double six_times = 0;
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    six_times += detail::corner(mesh, f, 0).dot(detail::corner(mesh, f, 1).cross(detail::corner(mesh, f, 2)));
  }
  return static_cast<T>(six_times / 6);
}

template <class T>
AABB<T> bounding_box(const TriMesh<T>& mesh) {
  AABB<T> box;
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) box.extend(mesh.vertex(v));
  return box;
}

template <class T>
RowMatrix3<T> face_normals(const TriMesh<T>& mesh) {
  RowMatrix3<T> normals(mesh.face_count(), 3);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    normals.row(f) = detail::doubled_area_vector(mesh, f).normalized().template cast<T>().transpose();
  }
  return normals;
}

template <class T>
RowMatrix3<T> vertex_normals(const TriMesh<T>& mesh) {
  // The unnormalized cross product already weighs each face by (twice) its area.
  Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor> sum =
      Eigen::Matrix<double, Eigen::Dynamic, 3, Eigen::RowMajor>::Zero(mesh.vertex_count(), 3);
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f) {
    const Vec3d n = detail::doubled_area_vector(mesh, f);
    for (int k = 0; k < 3; ++k) sum.row(mesh.faces(f, k)) += n.transpose();
  }
  RowMatrix3<T> normals(mesh.vertex_count(), 3);
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) normals.row(v) = sum.row(v).normalized().template cast<T>();
  return normals;
}

}  // namespace hifa
