#pragma once
// A triangle mesh as plain arrays (the libigl layout), row-major so a View can wrap them.
//
//   vertices   #V x 3   positions, in the file's units (metres for scans)
//   faces      #F x 3   vertex indices, counter-clockwise seen from outside (normals point out)
//   normals    #V x 3   optional per-vertex unit normals (empty when absent)
//   colors     #V x 3   optional per-vertex RGB in [0, 1] (empty when absent)
//   uvs        #T x 2   optional texture coordinates (empty when absent)
//   face_uvs   #F x 3   indices into uvs per face corner (present iff uvs is)
//   materials       optional list of materials (empty when the mesh has none): each a name, a
//                   diffuse colour Kd (RGB in [0, 1]) and a diffuse texture path (may be empty;
//                   readers store it absolute, a relative path is taken relative to the current
//                   directory). Formats that know materials (OBJ/MTL, assimp's) fill it.
//   face_materials  #F material ids into `materials`, or empty: then every face uses material 0
//                   (if there is one). Algorithms that drop or reorder faces carry these rows along.

#include "hifa/core/types.hpp"

#include <Eigen/Core>

#include <filesystem>
#include <string>
#include <vector>

namespace hifa {

template <class T>
using RowMatrix3 = Eigen::Matrix<T, Eigen::Dynamic, 3, Eigen::RowMajor>;
template <class T>
using RowMatrix2 = Eigen::Matrix<T, Eigen::Dynamic, 2, Eigen::RowMajor>;
using FaceMatrix = Eigen::Matrix<int, Eigen::Dynamic, 3, Eigen::RowMajor>;

// What a face's surface looks like (the part of a Wavefront MTL material hifa uses): the texture,
// when set, gives the colour at the face's UVs; without one (or without UVs) the colour is Kd.
struct Material {
  std::string name;                        // MTL "newmtl" name; may be empty
  Vec3f diffuse = Vec3f::Ones();           // Kd, RGB in [0, 1]
  std::filesystem::path diffuse_texture;   // map_Kd; empty when the material has no texture
};

template <class T = float>
struct TriMesh {
  using scalar = T;

  RowMatrix3<T> vertices;
  FaceMatrix faces;
  RowMatrix3<T> normals;
  RowMatrix3<T> colors;
  RowMatrix2<T> uvs;
  FaceMatrix face_uvs;
  std::vector<Material> materials;
  Eigen::VectorXi face_materials;

  Eigen::Index vertex_count() const { return vertices.rows(); }
  Eigen::Index face_count() const { return faces.rows(); }
  bool empty() const { return vertices.rows() == 0 || faces.rows() == 0; }
  bool has_normals() const { return normals.rows() == vertices.rows() && normals.rows() > 0; }
  bool has_colors() const { return colors.rows() == vertices.rows() && colors.rows() > 0; }
  bool has_uvs() const { return uvs.rows() > 0 && face_uvs.rows() == faces.rows(); }
  bool has_face_materials() const { return face_materials.size() == faces.rows() && faces.rows() > 0; }
  // The material id of face f: face_materials(f), or 0 when the mesh stores none per face.
  int material_of(Eigen::Index f) const { return has_face_materials() ? face_materials(f) : 0; }
  // Whether any material names a texture file.
  bool has_textures() const {
    for (const Material& m : materials) {
      if (!m.diffuse_texture.empty()) return true;
    }
    return false;
  }

  Vec3<T> vertex(Eigen::Index i) const { return vertices.row(i).transpose(); }
};

using TriMeshf = TriMesh<float>;
using TriMeshd = TriMesh<double>;

}  // namespace hifa
