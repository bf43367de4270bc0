#pragma once
// Imports meshes (and their skinning data) from the formats Open Asset Import Library reads:
// Collada (.dae, zipped .zae), glTF/GLB, FBX, DirectX .X, IQM, 3DS, ... Optional toolkit component:
// link hifa::assimp (needs Debian's libassimp-dev); hifa::geometry and hifa/mesh/load.hpp never
// depend on assimp.
//
//   auto mesh = hifa::load_scene_mesh("human.zae");        // every mesh of the scene, merged
//   auto skinned = hifa::load_skinned_scene("body.X");     // the same mesh + bones and weights
//   auto any = hifa::load_any_mesh("scan.ply");            // .obj/.ply: hifa's readers; else assimp
//
// The merged mesh (TriMesh<T>, see hifa/mesh/tri_mesh.hpp):
//   vertices   #V x 3   every mesh's vertices with its node's global transform applied (the product
//                       of the node transforms from the root down), so parts placed by their nodes
//                       land where the file puts them. Except skinned meshes (with bones): their
//                       vertices are already in the skeleton's bind space and are taken as stored,
//                       their node transform ignored, as glTF (skins) and Direct3D (.X) skinning
//                       define it. (BCN_Epileptic.X: its three skinned parts sit under frames that
//                       rotate them 90 degrees and shift the head by 0.5; applying those would tear the
//                       head off the y-up body that the bones, the offsets and the stored vertices
//                       agree on.) Units and axes are the file's after assimp's own conversions
//                       (Collada: <unit> scale and up_axis are folded into the root node, giving y up).
//   faces      #F x 3   the triangles of every mesh, in scene-graph order (depth first, a node's
//                       meshes in order), polygons triangulated; point and line primitives dropped.
//                       A node transform that mirrors (negative determinant) swaps corners 1 and 2 so
//                       faces stay counter-clockwise seen from outside.
//   normals    #V x 3   kept only when every mesh has normals; transformed by the inverse transpose
//                       of the node transform and renormalized
//   colors     #V x 3   kept only when every mesh has vertex colours (first colour set, alpha dropped)
//   uvs/face_uvs        kept only when every mesh has a 2D first texture-coordinate set; per vertex,
//                       so face_uvs == faces; v points up (OBJ convention, as the OBJ reader keeps)
//   materials  every material of the scene, in the scene's order: name, diffuse colour (Kd) and
//              diffuse texture, absolute (relative paths are taken from the file's folder); the
//              texture is left empty when it is no file on disk (embedded in a .glb/.fbx, or
//              inside a .zae archive)
//   face_materials  #F, each triangle its mesh's material
// A mesh shared by several nodes is instanced once per node.
// Errors (hifa::Error naming the path): "no such file", a file assimp cannot read (its reason), a
// scene without triangles, and what hifa::require_valid rejects (index out of range, non-finite).

#include "hifa/core/error.hpp"
#include "hifa/mesh/detail/text_io.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/mesh/validate.hpp"

#include <assimp/Importer.hpp>
#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <Eigen/Core>
#include <Eigen/LU>

#include <cctype>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <system_error>
#include <vector>

namespace hifa {

// Skinning data of a scene, in the space of the merged mesh: the bind pose as the file stores it. A
// vertex's skinned position for posed global bone transforms G_b (4 x 4, scene space) is
// sum_b w_b * G_b * offsets[b] * v;  with G_b = bind[b] it is v again when the node hierarchy's rest
// pose is the bind pose (most files; check bind[b] * offsets[b] == I before relying on it).
//   names     #B   bone names, unique, in first-use order (mesh order, then bone order per mesh)
//   parents   #B   index of the nearest ancestor node that is also a bone, -1 for a root bone
//   offsets   #B   inverse bind matrices (assimp's aiBone::mOffsetMatrix): skinned-mesh space, which is
//                  merged-mesh space (see `vertices` above) -> bone space. When several meshes use
//                  one bone, the first mesh's is kept (for a consistent rig they agree).
//   bind      #B   global transform of each bone's node in the file's rest pose (scene space)
//   weights        (vertex, bone, weight) triples, vertex indexing the merged mesh; as in the file
//                  (not renormalized: a vertex's weights usually, not always, sum to 1); vertices
//                  of unskinned meshes have none
template <class T = float>
struct SceneSkeleton {
  using Matrix4 = Eigen::Matrix<T, 4, 4>;
  struct Weight {
    int vertex;
    int bone;
    T weight;
  };
  std::vector<std::string> names;
  std::vector<int> parents;
  std::vector<Matrix4> offsets;  // (C++17 aligned new: no Eigen::aligned_allocator needed)
  std::vector<Matrix4> bind;
  std::vector<Weight> weights;

  std::size_t bone_count() const { return names.size(); }
  bool empty() const { return names.empty(); }
};

template <class T = float>
struct SkinnedScene {
  TriMesh<T> mesh;
  SceneSkeleton<T> skeleton;
};

namespace detail {

inline Eigen::Matrix4d to_eigen(const aiMatrix4x4& m) {
  Eigen::Matrix4d out;
  // aiMatrix4x4 is row-major (a1..a4 the first row) and acts on column vectors, as Eigen does.
  out << m.a1, m.a2, m.a3, m.a4, m.b1, m.b2, m.b3, m.b4, m.c1, m.c2, m.c3, m.c4, m.d1, m.d2, m.d3, m.d4;
  return out;
}

// Every (mesh, global transform) instance of the scene graph, depth first.
struct MeshInstance {
  unsigned mesh;
  Eigen::Matrix4d transform;
};

inline void collect_instances(const aiNode* node, const Eigen::Matrix4d& parent, std::vector<MeshInstance>& out,
                              std::map<std::string, Eigen::Matrix4d>& node_globals,
                              std::map<std::string, std::string>& node_parents) {
  const Eigen::Matrix4d global = parent * to_eigen(node->mTransformation);
  node_globals.emplace(node->mName.C_Str(), global);
  for (unsigned i = 0; i < node->mNumMeshes; ++i) out.push_back({node->mMeshes[i], global});
  for (unsigned i = 0; i < node->mNumChildren; ++i) {
    node_parents.emplace(node->mChildren[i]->mName.C_Str(), node->mName.C_Str());
    collect_instances(node->mChildren[i], global, out, node_globals, node_parents);
  }
}

inline const aiScene* import_scene(Assimp::Importer& importer, const std::filesystem::path& path) {
  require_readable_file(path);
  // Triangulate: TriMesh holds triangles. JoinIdenticalVertices: formats like Collada store one vertex
  // per face corner; joining gives a connected mesh (assimp keeps bone weights consistent).
  // ValidateDataStructure: a broken file becomes an error here rather than out-of-range indices later.
  const aiScene* scene = importer.ReadFile(
      path.string(), aiProcess_Triangulate | aiProcess_JoinIdenticalVertices | aiProcess_ValidateDataStructure);
  if (scene == nullptr) {
    throw Error(path.string(), std::string("cannot import: ") + importer.GetErrorString());
  }
  if ((scene->mFlags & AI_SCENE_FLAGS_INCOMPLETE) != 0 || scene->mRootNode == nullptr) {
    throw Error(path.string(), "incomplete scene (no node hierarchy)");
  }
  return scene;
}

// The diffuse texture of `material` as a file on disk, or empty.
inline std::filesystem::path texture_file(const aiScene* scene, const aiMaterial* material,
                                          const std::filesystem::path& folder) {
  aiString name;
  if (material->GetTextureCount(aiTextureType_DIFFUSE) == 0 ||
      material->GetTexture(aiTextureType_DIFFUSE, 0, &name) != AI_SUCCESS) {
    return {};
  }
  if (scene->GetEmbeddedTexture(name.C_Str()) != nullptr) return {};  // "*0", or a name inside a .glb
  std::filesystem::path texture(name.C_Str());
  if (texture.is_relative()) texture = folder / texture;
  texture = texture.lexically_normal();
  std::error_code ec;
  return std::filesystem::is_regular_file(texture, ec) ? texture : std::filesystem::path{};
}

template <class T>
SkinnedScene<T> convert_scene(const aiScene* scene, const std::filesystem::path& path) {
  const std::string name = path.string();
  std::vector<MeshInstance> instances;
  std::map<std::string, Eigen::Matrix4d> node_globals;
  std::map<std::string, std::string> node_parents;
  collect_instances(scene->mRootNode, Eigen::Matrix4d::Identity(), instances, node_globals, node_parents);

  // Sizes first, and which attributes every mesh has.
  std::size_t nv = 0, nf = 0;
  bool normals = true, colors = true, uvs = true;
  for (const auto& instance : instances) {
    const aiMesh* m = scene->mMeshes[instance.mesh];
    nv += m->mNumVertices;
    for (unsigned f = 0; f < m->mNumFaces; ++f) nf += m->mFaces[f].mNumIndices == 3 ? 1 : 0;
    normals = normals && m->HasNormals();
    colors = colors && m->HasVertexColors(0);
    uvs = uvs && m->HasTextureCoords(0) && m->mNumUVComponents[0] >= 2;
  }
  if (nf == 0) throw Error(name, "the scene has no triangle mesh");
  if (nv > static_cast<std::size_t>(std::numeric_limits<int>::max())) throw Error(name, "too many vertices");

  SkinnedScene<T> out;
  TriMesh<T>& mesh = out.mesh;
  const auto V = static_cast<Eigen::Index>(nv), F = static_cast<Eigen::Index>(nf);
  mesh.vertices.resize(V, 3);
  mesh.faces.resize(F, 3);
  if (normals) mesh.normals.resize(V, 3);
  if (colors) mesh.colors.resize(V, 3);
  if (uvs) mesh.uvs.resize(V, 2);

  const auto folder = std::filesystem::absolute(path).parent_path();
  for (unsigned i = 0; i < scene->mNumMaterials; ++i) {
    const aiMaterial* material = scene->mMaterials[i];
    Material out_material;
    aiString material_name;
    if (material->Get(AI_MATKEY_NAME, material_name) == AI_SUCCESS) out_material.name = material_name.C_Str();
    aiColor3D kd(1, 1, 1);
    if (material->Get(AI_MATKEY_COLOR_DIFFUSE, kd) == AI_SUCCESS) out_material.diffuse = Vec3f(kd.r, kd.g, kd.b);
    out_material.diffuse_texture = texture_file(scene, material, folder);
    mesh.materials.push_back(std::move(out_material));
  }
  // assimp gives every mesh a material (a default one when the file has none).
  if (!mesh.materials.empty()) mesh.face_materials.resize(F);
  auto& skeleton = out.skeleton;
  std::map<std::string, int> bone_index;
  Eigen::Index base = 0, face = 0;
  for (const auto& instance : instances) {
    const aiMesh* m = scene->mMeshes[instance.mesh];
    // Skinned vertices are in the skeleton's bind space already (see the top of this header).
    const Eigen::Matrix4d X = m->HasBones() ? Eigen::Matrix4d::Identity() : instance.transform;
    const Eigen::Matrix3d normal_matrix = X.topLeftCorner<3, 3>().inverse().transpose();
    const bool mirrored = X.topLeftCorner<3, 3>().determinant() < 0;
    for (unsigned i = 0; i < m->mNumVertices; ++i) {
      const Eigen::Index v = base + i;
      const aiVector3D& p = m->mVertices[i];
      mesh.vertices.row(v) = (X * Eigen::Vector4d(p.x, p.y, p.z, 1)).template head<3>().template cast<T>().transpose();
      if (normals) {
        const aiVector3D& n = m->mNormals[i];
        const Eigen::Vector3d transformed = normal_matrix * Eigen::Vector3d(n.x, n.y, n.z);
        const double length = transformed.norm();
        // A zero normal (assimp's marker for "none here") stays zero rather than becoming NaN.
        mesh.normals.row(v) = (length > 0 ? Eigen::Vector3d(transformed / length) : transformed).template cast<T>().transpose();
      }
      if (colors) {
        const aiColor4D& c = m->mColors[0][i];
        mesh.colors.row(v) << T(c.r), T(c.g), T(c.b);
      }
      if (uvs) mesh.uvs.row(v) << T(m->mTextureCoords[0][i].x), T(m->mTextureCoords[0][i].y);
    }
    for (unsigned f = 0; f < m->mNumFaces; ++f) {
      const aiFace& corners = m->mFaces[f];
      if (corners.mNumIndices != 3) continue;
      for (int k = 0; k < 3; ++k) {
        const unsigned index = corners.mIndices[mirrored && k > 0 ? 3 - k : k];  // (0, 2, 1)
        if (index >= m->mNumVertices) {
          throw Error(name, "mesh '" + std::string(m->mName.C_Str()) + "' face " + std::to_string(f) + " uses vertex " +
                                std::to_string(index) + " of " + std::to_string(m->mNumVertices));
        }
        mesh.faces(face, k) = static_cast<int>(base + index);
      }
      if (!mesh.materials.empty()) {
        mesh.face_materials(face) = m->mMaterialIndex < scene->mNumMaterials ? int(m->mMaterialIndex) : 0;
      }
      ++face;
    }

    for (unsigned b = 0; b < m->mNumBones; ++b) {
      const aiBone* bone = m->mBones[b];
      const std::string bone_name = bone->mName.C_Str();
      auto [it, added] = bone_index.emplace(bone_name, static_cast<int>(skeleton.names.size()));
      if (added) {
        skeleton.names.push_back(bone_name);
        const Eigen::Matrix4d offset = to_eigen(bone->mOffsetMatrix);
        skeleton.offsets.push_back(offset.template cast<T>());
        // A bone without a node of its name (a broken rig) is taken to be at its bind pose.
        const auto global = node_globals.find(bone_name);
        const Eigen::Matrix4d bind = global != node_globals.end() ? global->second : Eigen::Matrix4d(offset.inverse());
        skeleton.bind.push_back(bind.template cast<T>());
      }
      for (unsigned w = 0; w < bone->mNumWeights; ++w) {
        const aiVertexWeight& weight = bone->mWeights[w];
        if (weight.mVertexId >= m->mNumVertices) {
          throw Error(name, "bone '" + bone_name + "' weights vertex " + std::to_string(weight.mVertexId) + " of " +
                                std::to_string(m->mNumVertices));
        }
        skeleton.weights.push_back({static_cast<int>(base + weight.mVertexId), it->second, T(weight.mWeight)});
      }
    }
    base += m->mNumVertices;
  }
  if (uvs) mesh.face_uvs = mesh.faces;

  // Parents: walk up the node hierarchy to the first ancestor that is a bone.
  skeleton.parents.assign(skeleton.names.size(), -1);
  for (std::size_t b = 0; b < skeleton.names.size(); ++b) {
    for (auto up = node_parents.find(skeleton.names[b]); up != node_parents.end(); up = node_parents.find(up->second)) {
      if (const auto parent = bone_index.find(up->second); parent != bone_index.end()) {
        skeleton.parents[b] = parent->second;
        break;
      }
    }
  }
  require_valid(mesh, name);
  return out;
}

inline std::string lower_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

}  // namespace detail

// The merged mesh and skinning data of any file assimp reads (see the top of this header).
template <class T = float>
SkinnedScene<T> load_skinned_scene(const std::filesystem::path& path) {
  Assimp::Importer importer;  // owns the scene: convert before it goes out of scope
  return detail::convert_scene<T>(detail::import_scene(importer, path), path);
}

// Every mesh of the scene merged into one, node transforms applied (see the top of this header).
template <class T = float>
TriMesh<T> load_scene_mesh(const std::filesystem::path& path) {
  return load_skinned_scene<T>(path).mesh;
}

// .obj and .ply through hifa's own readers (hifa::load_mesh: exact floats, OBJ's per-corner UVs),
// every other extension through assimp (load_scene_mesh).
template <class T = float>
TriMesh<T> load_any_mesh(const std::filesystem::path& path) {
  const std::string extension = detail::lower_extension(path);
  if (extension == ".obj" || extension == ".ply") return load_mesh<T>(path);
  return load_scene_mesh<T>(path);
}

}  // namespace hifa
