#pragma once
// A triangle mesh as plain arrays (the libigl layout), row-major so a View can wrap them.
//
//   vertices   #V x 3   positions, in the file's units (metres for scans)
//   faces      #F x 3   vertex indices, counter-clockwise seen from outside (normals point out)
//   normals    #V x 3   optional per-vertex unit normals (empty when absent)
//   colors     #V x 3   optional per-vertex RGB in [0, 1] (empty when absent)
//   uvs        #T x 2   optional texture coordinates (empty when absent)
//   face_uvs   #F x 3   indices into uvs per face corner (present iff uvs is)
//   texture    path of the diffuse texture image (may be empty); readers store it absolute, a relative
//              path is taken relative to the current directory

#include "hifa/core/types.hpp"

#include <Eigen/Core>

#include <filesystem>

namespace hifa {

template <class T>
using RowMatrix3 = Eigen::Matrix<T, Eigen::Dynamic, 3, Eigen::RowMajor>;
template <class T>
using RowMatrix2 = Eigen::Matrix<T, Eigen::Dynamic, 2, Eigen::RowMajor>;
using FaceMatrix = Eigen::Matrix<int, Eigen::Dynamic, 3, Eigen::RowMajor>;

template <class T = float>
struct TriMesh {
  using scalar = T;

  RowMatrix3<T> vertices;
  FaceMatrix faces;
  RowMatrix3<T> normals;
  RowMatrix3<T> colors;
  RowMatrix2<T> uvs;
  FaceMatrix face_uvs;
  std::filesystem::path texture;

  Eigen::Index vertex_count() const { return vertices.rows(); }
  Eigen::Index face_count() const { return faces.rows(); }
  bool empty() const { return vertices.rows() == 0 || faces.rows() == 0; }
  bool has_normals() const { return normals.rows() == vertices.rows() && normals.rows() > 0; }
  bool has_colors() const { return colors.rows() == vertices.rows() && colors.rows() > 0; }
  bool has_uvs() const { return uvs.rows() > 0 && face_uvs.rows() == faces.rows(); }

  Vec3<T> vertex(Eigen::Index i) const { return vertices.row(i).transpose(); }
};

using TriMeshf = TriMesh<float>;
using TriMeshd = TriMesh<double>;

}  // namespace hifa
