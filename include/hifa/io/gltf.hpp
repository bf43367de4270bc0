#pragma once
// Writes a skinned, animated glTF 2.0 binary (.glb) through Debian's tinygltf: a mesh bound to a
// joint hierarchy with linear blend skinning, and one animation of per-joint rotations and a root
// translation, that Blender, three.js and assimp play. Optional toolkit component: link hifa::gltf
// (Debian's libtinygltf-dev); hifa::geometry never depends on it.
//
//   hifa::SkeletalAnimation anim{frame_time, rotations_per_frame, root_translations};
//   hifa::write_skinned_glb("out/animation.glb", mesh, skeleton, weights, anim);
//   std::string bytes = hifa::mesh_glb(mesh);     // a static mesh's GLB in memory
//
// Inputs:
//   mesh       TriMesh<float> in the skeleton's rest pose: vertices (#V x 3), faces; optional
//              normals (written when every one has a length: normalized, as glTF requires), UVs
//              (TEXCOORD_0, v flipped to glTF's downward v; a vertex with several UVs is split, so
//              the file can have more vertices than the mesh: vertex_map says which), materials
//              (one primitive per material; base colour Kd, and its diffuse texture embedded when
//              it is a PNG or JPEG file: glTF's core image formats)
//   skeleton   Skeleton<T> (hifa/skinning/skeleton.hpp): K joints, parents first, rest joints j_k
//   weights    #V x K skinning weights (any Eigen matrix): non-negative, each row with a positive sum
//   animation  frame_time (seconds, > 0), rotations (frames x K local rotations R_k, relative to
//              the parent, SMPL's θ as matrices; may be empty: no animation), translations (frames
//              root translations t, SMPL's trans)
// What the file holds (glTF 2.0 specification, sections 3.6-3.7 and 5):
//   nodes 0..K-1   the joints, named as the skeleton, joint k's translation j_k - j_parent(k) (the
//                  root's: j_0), the rest pose (identity rotations); node K holds the mesh and skin
//                  and is a root of the scene, as the spec asks of skinned mesh nodes
//   skin           joints 0..K-1, skeleton 0, inverseBindMatrices [I | -j_k] (glTF's global joint
//                  transform at rest is the translation to j_k), so posing is SMPL's LBS exactly:
//                  v' = Σ_k w_k G_k [I | -j_k] v with G_k = G_parent · [R_k | j_k - j_parent] + t
//   JOINTS_0/WEIGHTS_0  each vertex's 4 largest weights (ties: the lower joint), divided by their
//                  sum (WEIGHTS_0 float, summing to 1 to float rounding; the largest takes the
//                  rounding remainder), unused slots joint 0 weight 0; JOINTS_0 unsigned byte
//                  when K <= 256, else unsigned short
//   animation 0    one LINEAR sampler per joint rotation (unit quaternions, sign chosen continuous
//                  from frame to frame so interpolation takes the short way) and one for the root
//                  translation (j_0 + t), keyframes at i · frame_time
//   buffer 0       the GLB's BIN chunk; every bufferView starts at a multiple of 4 bytes, vertex
//                  attributes have target ARRAY_BUFFER, indices ELEMENT_ARRAY_BUFFER (unsigned
//                  int), POSITION and the animation times carry min/max
// The file is written atomically (hifa/core/atomic_file.hpp).
// Errors: hifa::Error naming "write_skinned_glb" or the path: sizes that do not agree, a face material id out of range, a weight row
//   that is negative, non-finite or sums to 0 (naming the vertex), non-finite vertices, rotations
//   or translations, frame_time <= 0, more than 65536 joints, a write failure.
// Cost: O(V · K) for the weights, O(frames · K) for the animation; the whole file is built in memory.

#include "hifa/core/atomic_file.hpp"
#include "hifa/core/error.hpp"
#include "hifa/core/types.hpp"
#include "hifa/mesh/measures.hpp"
#include "hifa/mesh/tri_mesh.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <tiny_gltf.h>

#include <Eigen/Core>
#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <numeric>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace hifa {

struct SkeletalAnimation {
  double frame_time = 1.0 / 30.0;
  std::vector<std::vector<Mat3<double>>> rotations;  // frames x K
  std::vector<Vec3d> translations;                   // frames
};

namespace detail {

// Appends raw bytes to buffer 0 as a new bufferView starting at a multiple of 4, returns its index.
inline int gltf_view(tinygltf::Model& model, const void* data, std::size_t bytes, int target) {
  auto& buffer = model.buffers[0].data;
  buffer.resize((buffer.size() + 3) / 4 * 4, 0);
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteOffset = buffer.size();
  view.byteLength = bytes;
  view.target = target;
  const auto* p = static_cast<const unsigned char*>(data);
  buffer.insert(buffer.end(), p, p + bytes);
  model.bufferViews.push_back(view);
  return int(model.bufferViews.size()) - 1;
}

// A tightly packed accessor over `values` (count x components of Scalar), returns its index.
template <class Scalar>
int gltf_accessor(tinygltf::Model& model, const std::vector<Scalar>& values, int components, int type, int target,
                  bool with_bounds) {
  tinygltf::Accessor a;
  a.bufferView = gltf_view(model, values.data(), values.size() * sizeof(Scalar), target);
  a.byteOffset = 0;
  if constexpr (std::is_same_v<Scalar, float>) a.componentType = TINYGLTF_COMPONENT_TYPE_FLOAT;
  else if constexpr (std::is_same_v<Scalar, std::uint32_t>) a.componentType = TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT;
  else if constexpr (std::is_same_v<Scalar, std::uint16_t>) a.componentType = TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT;
  else a.componentType = TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE;
  a.count = values.size() / std::size_t(components);
  a.type = type;
  if (with_bounds) {
    a.minValues.assign(std::size_t(components), std::numeric_limits<double>::infinity());
    a.maxValues.assign(std::size_t(components), -std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::size_t c = i % std::size_t(components);
      a.minValues[c] = std::min(a.minValues[c], double(values[i]));
      a.maxValues[c] = std::max(a.maxValues[c], double(values[i]));
    }
  }
  model.accessors.push_back(a);
  return int(model.accessors.size()) - 1;
}

// The image bytes and MIME type of a PNG or JPEG file, or empty when it is neither (or unreadable).
inline std::pair<std::vector<unsigned char>, std::string> gltf_image_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::vector<unsigned char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  static const unsigned char png[] = {0x89, 'P', 'N', 'G'};
  if (bytes.size() > 4 && std::memcmp(bytes.data(), png, 4) == 0) return {std::move(bytes), "image/png"};
  if (bytes.size() > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return {std::move(bytes), "image/jpeg"};
  return {};
}

}  // namespace detail

// The glTF vertex -> mesh vertex map write_skinned_glb uses (identity unless UVs split vertices),
// and, per face corner, the glTF vertex: corners(f, c).
struct GltfVertexLayout {
  std::vector<int> vertex_map;
  FaceMatrix corners;
};

inline GltfVertexLayout gltf_vertex_layout(const TriMesh<float>& mesh) {
  GltfVertexLayout out;
  if (!mesh.has_uvs() || mesh.face_uvs == mesh.faces) {
    out.vertex_map.resize(std::size_t(mesh.vertex_count()));
    std::iota(out.vertex_map.begin(), out.vertex_map.end(), 0);
    out.corners = mesh.faces;
    return out;
  }
  // One glTF vertex per distinct (vertex, uv) pair, in order of first use.
  std::map<std::pair<int, int>, int> index;
  out.corners.resize(mesh.faces.rows(), 3);
  for (Eigen::Index f = 0; f < mesh.faces.rows(); ++f) {
    for (int c = 0; c < 3; ++c) {
      const auto key = std::make_pair(mesh.faces(f, c), mesh.face_uvs(f, c));
      const auto [it, inserted] = index.emplace(key, int(out.vertex_map.size()));
      if (inserted) out.vertex_map.push_back(key.first);
      out.corners(f, c) = it->second;
    }
  }
  return out;
}

// The 4 largest weights of row `i` (ties: the lower joint) divided by their sum; joints of unused
// slots 0 with weight 0. Throws hifa::Error naming the vertex for a row that is no weight row.
template <class Weights>
std::pair<std::array<int, 4>, std::array<float, 4>> top4_weights(const Weights& w, Eigen::Index i) {
  const int k_count = int(w.cols());
  std::array<int, 4> joints{0, 0, 0, 0};
  std::array<float, 4> values{0, 0, 0, 0};
  std::vector<int> order(static_cast<std::size_t>(k_count));
  std::iota(order.begin(), order.end(), 0);
  for (int k = 0; k < k_count; ++k) {
    const float v = float(w(i, k));
    if (!std::isfinite(v) || v < 0) {
      throw Error("write_skinned_glb", "weight of vertex " + std::to_string(i) + " for joint " + std::to_string(k) + " is " +
                                           std::to_string(v) + " (weights must be finite and non-negative)");
    }
  }
  const int n = std::min(4, k_count);
  std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](int a, int b) {
    return w(i, a) > w(i, b) || (w(i, a) == w(i, b) && a < b);
  });
  float sum = 0;
  for (int s = 0; s < n; ++s) sum += float(w(i, order[std::size_t(s)]));
  if (!(sum > 0)) throw Error("write_skinned_glb", "vertex " + std::to_string(i) + " has no positive weight");
  float rest = 0;
  for (int s = 0; s < n; ++s) {
    const int k = order[std::size_t(s)];
    if (w(i, k) == 0) continue;
    joints[std::size_t(s)] = k;
    values[std::size_t(s)] = float(w(i, k)) / sum;
    if (s > 0) rest += values[std::size_t(s)];
  }
  values[0] = 1.0f - rest;  // the largest absorbs the rounding, so the four sum to 1 as closely as floats can
  return {joints, values};
}

namespace detail {

// An empty glTF 2.0 model with its one buffer.
inline tinygltf::Model gltf_model() {
  tinygltf::Model model;
  model.asset.version = "2.0";
  model.asset.generator = "hifa";
  model.buffers.resize(1);
  return model;
}

// POSITION, NORMAL (when every normal has a length) and TEXCOORD_0 (when the mesh has UVs) of the
// layout's vertices, as accessors of `model`.
inline std::map<std::string, int> gltf_surface_attributes(tinygltf::Model& model, const TriMesh<float>& mesh,
                                                          const GltfVertexLayout& layout) {
  const std::size_t gv = layout.vertex_map.size();
  std::vector<float> positions(3 * gv), normals, uvs;
  bool with_normals = mesh.has_normals();
  if (with_normals) normals.resize(3 * gv);
  const bool with_uvs = mesh.has_uvs();
  if (with_uvs) uvs.resize(2 * gv);
  for (std::size_t i = 0; i < gv; ++i) {
    const int v = layout.vertex_map[i];
    for (int a = 0; a < 3; ++a) positions[3 * i + std::size_t(a)] = mesh.vertices(v, a);
    if (with_normals) {
      const Vec3f n = mesh.normals.row(v).transpose();
      const float len = n.norm();
      if (!(len > 0) || !std::isfinite(len)) {
        with_normals = false;  // viewers compute normals for a primitive without them
      } else {
        for (int a = 0; a < 3; ++a) normals[3 * i + std::size_t(a)] = n[a] / len;
      }
    }
  }
  if (with_uvs) {
    // The UV of glTF vertex i: that of any corner using it (all agree by construction).
    for (Eigen::Index f = 0; f < mesh.faces.rows(); ++f) {
      for (int c = 0; c < 3; ++c) {
        const std::size_t i = std::size_t(layout.corners(f, c));
        uvs[2 * i] = mesh.uvs(mesh.face_uvs(f, c), 0);
        uvs[2 * i + 1] = 1.0f - mesh.uvs(mesh.face_uvs(f, c), 1);  // glTF's v runs down the image
      }
    }
  }
  std::map<std::string, int> attributes;
  attributes["POSITION"] = detail::gltf_accessor(model, positions, 3, TINYGLTF_TYPE_VEC3, TINYGLTF_TARGET_ARRAY_BUFFER, true);
  if (with_normals) attributes["NORMAL"] = detail::gltf_accessor(model, normals, 3, TINYGLTF_TYPE_VEC3, TINYGLTF_TARGET_ARRAY_BUFFER, false);
  if (with_uvs) attributes["TEXCOORD_0"] = detail::gltf_accessor(model, uvs, 2, TINYGLTF_TYPE_VEC2, TINYGLTF_TARGET_ARRAY_BUFFER, false);
  return attributes;
}

// The mesh's materials (a white one when it has none) and mesh 0 with one primitive per material used.
inline void gltf_add_mesh(tinygltf::Model& model, const TriMesh<float>& mesh, const GltfVertexLayout& layout,
                          const std::map<std::string, int>& attributes, const char* where) {
  const bool with_uvs = mesh.has_uvs();
  std::vector<Material> materials = mesh.materials;
  if (materials.empty()) materials.push_back(Material{});
  for (Eigen::Index f = 0; f < mesh.faces.rows(); ++f) {
    const int id = mesh.material_of(f);
    if (id < 0 || std::size_t(id) >= materials.size()) {
      throw Error(where, "face " + std::to_string(f) + " uses material " + std::to_string(id) + " of " + std::to_string(materials.size()));
    }
  }
  for (const Material& m : materials) {
    tinygltf::Material out;
    out.name = m.name;
    out.pbrMetallicRoughness.baseColorFactor = {m.diffuse.x(), m.diffuse.y(), m.diffuse.z(), 1.0};
    out.pbrMetallicRoughness.metallicFactor = 0.0;
    out.pbrMetallicRoughness.roughnessFactor = 1.0;
    if (with_uvs && !m.diffuse_texture.empty()) {
      auto [bytes, mime] = detail::gltf_image_file(m.diffuse_texture);
      if (!bytes.empty()) {
        tinygltf::Image image;
        image.name = m.diffuse_texture.stem().string();
        image.mimeType = mime;
        image.bufferView = detail::gltf_view(model, bytes.data(), bytes.size(), 0);
        model.images.push_back(image);
        if (model.samplers.empty()) {
          tinygltf::Sampler sampler;
          sampler.magFilter = TINYGLTF_TEXTURE_FILTER_LINEAR;
          sampler.minFilter = TINYGLTF_TEXTURE_FILTER_LINEAR_MIPMAP_LINEAR;
          model.samplers.push_back(sampler);
        }
        tinygltf::Texture texture;
        texture.source = int(model.images.size()) - 1;
        texture.sampler = 0;
        model.textures.push_back(texture);
        out.pbrMetallicRoughness.baseColorTexture.index = int(model.textures.size()) - 1;
        out.pbrMetallicRoughness.baseColorFactor = {1.0, 1.0, 1.0, 1.0};  // the texture is the colour
      }
    }
    model.materials.push_back(out);
  }
  tinygltf::Mesh gmesh;
  gmesh.name = "body";
  for (std::size_t m = 0; m < materials.size(); ++m) {
    std::vector<std::uint32_t> indices;
    for (Eigen::Index f = 0; f < mesh.faces.rows(); ++f) {
      if (std::size_t(mesh.material_of(f)) != m) continue;
      for (int c = 0; c < 3; ++c) indices.push_back(std::uint32_t(layout.corners(f, c)));
    }
    if (indices.empty()) continue;
    tinygltf::Primitive primitive;
    primitive.attributes = attributes;
    primitive.indices = detail::gltf_accessor(model, indices, 1, TINYGLTF_TYPE_SCALAR, TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER, false);
    primitive.material = int(m);
    primitive.mode = TINYGLTF_MODE_TRIANGLES;
    gmesh.primitives.push_back(primitive);
  }
  model.meshes.push_back(gmesh);
}

// The model as a GLB (binary chunk padded to 4 bytes) on `os`.
inline void gltf_write_glb(tinygltf::Model& model, std::ostream& os, const std::string& where) {
  model.buffers[0].data.resize((model.buffers[0].data.size() + 3) / 4 * 4, 0);
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToStream(&model, os, false, true)) throw Error(where, "tinygltf could not write the GLB");
}

}  // namespace detail

template <class T, class Weights>
void write_skinned_glb(const std::filesystem::path& path, const TriMesh<float>& mesh, const Skeleton<T>& skeleton,
                       const Weights& weights, const SkeletalAnimation& animation) {
  const char* where = "write_skinned_glb";
  skeleton.validate();
  const int k_count = skeleton.joint_count();
  const Eigen::Index nv = mesh.vertex_count();
  if (mesh.empty()) throw Error(where, "the mesh has no faces");
  if (k_count > 65536) throw Error(where, std::to_string(k_count) + " joints; glTF's JOINTS_0 holds at most 65536");
  if (weights.rows() != nv || weights.cols() != k_count) {
    throw Error(where, "weights are " + std::to_string(weights.rows()) + " x " + std::to_string(weights.cols()) + ", expected " +
                           std::to_string(nv) + " x " + std::to_string(k_count) + " (vertices x joints)");
  }
  if (!mesh.vertices.allFinite()) throw Error(where, "a mesh vertex is not finite");
  const std::size_t frames = animation.rotations.size();
  if (animation.translations.size() != frames) {
    throw Error(where, std::to_string(frames) + " frames of rotations but " + std::to_string(animation.translations.size()) +
                           " root translations");
  }
  if (frames > 0 && !(animation.frame_time > 0)) throw Error(where, "frame_time must be positive");
  for (std::size_t f = 0; f < frames; ++f) {
    if (animation.rotations[f].size() != std::size_t(k_count)) {
      throw Error(where, "frame " + std::to_string(f) + " has " + std::to_string(animation.rotations[f].size()) +
                             " rotations for " + std::to_string(k_count) + " joints");
    }
    if (!animation.translations[f].allFinite()) throw Error(where, "root translation of frame " + std::to_string(f) + " is not finite");
  }

  tinygltf::Model model = detail::gltf_model();

  // Vertex attributes.
  const GltfVertexLayout layout = gltf_vertex_layout(mesh);
  const std::size_t gv = layout.vertex_map.size();
  std::map<std::string, int> attributes = detail::gltf_surface_attributes(model, mesh, layout);
  {
    std::vector<std::uint16_t> joints(4 * gv);
    std::vector<float> w(4 * gv);
    for (std::size_t i = 0; i < gv; ++i) {
      const auto [j4, w4] = top4_weights(weights, layout.vertex_map[i]);
      for (int s = 0; s < 4; ++s) {
        joints[4 * i + std::size_t(s)] = std::uint16_t(j4[std::size_t(s)]);
        w[4 * i + std::size_t(s)] = w4[std::size_t(s)];
      }
    }
    if (k_count <= 256) {
      const std::vector<std::uint8_t> joints8(joints.begin(), joints.end());
      attributes["JOINTS_0"] = detail::gltf_accessor(model, joints8, 4, TINYGLTF_TYPE_VEC4, TINYGLTF_TARGET_ARRAY_BUFFER, false);
    } else {
      attributes["JOINTS_0"] = detail::gltf_accessor(model, joints, 4, TINYGLTF_TYPE_VEC4, TINYGLTF_TARGET_ARRAY_BUFFER, false);
    }
    attributes["WEIGHTS_0"] = detail::gltf_accessor(model, w, 4, TINYGLTF_TYPE_VEC4, TINYGLTF_TARGET_ARRAY_BUFFER, false);
  }

  detail::gltf_add_mesh(model, mesh, layout, attributes, where);

  // Joint nodes in the rest pose, the mesh node, the skin.
  const auto& j = skeleton.rest_joints;
  for (int k = 0; k < k_count; ++k) {
    tinygltf::Node node;
    node.name = skeleton.names[std::size_t(k)].empty() ? "joint_" + std::to_string(k) : skeleton.names[std::size_t(k)];
    const int p = skeleton.parents[std::size_t(k)];
    const Vec3d t = p < 0 ? Vec3d(j.row(k).template cast<double>().transpose())
                          : Vec3d((j.row(k) - j.row(p)).template cast<double>().transpose());
    node.translation = {t.x(), t.y(), t.z()};
    model.nodes.push_back(node);
  }
  for (int k = 1; k < k_count; ++k) model.nodes[std::size_t(skeleton.parents[std::size_t(k)])].children.push_back(k);
  {
    tinygltf::Node node;
    node.name = "body";
    node.mesh = 0;
    node.skin = 0;
    model.nodes.push_back(node);
  }
  {
    std::vector<float> ibm(16 * std::size_t(k_count), 0.0f);
    for (int k = 0; k < k_count; ++k) {
      float* m = ibm.data() + 16 * k;  // column-major
      m[0] = m[5] = m[10] = m[15] = 1.0f;
      for (int a = 0; a < 3; ++a) m[12 + a] = -float(j(k, a));
    }
    tinygltf::Skin skin;
    skin.name = "skeleton";
    skin.skeleton = 0;
    for (int k = 0; k < k_count; ++k) skin.joints.push_back(k);
    skin.inverseBindMatrices = detail::gltf_accessor(model, ibm, 16, TINYGLTF_TYPE_MAT4, 0, false);
    model.skins.push_back(skin);
  }
  tinygltf::Scene scene;
  scene.name = "hifa";
  scene.nodes = {0, k_count};
  model.scenes.push_back(scene);
  model.defaultScene = 0;

  // The animation.
  if (frames > 0) {
    tinygltf::Animation anim;
    anim.name = "motion";
    std::vector<float> times(frames);
    for (std::size_t f = 0; f < frames; ++f) times[f] = float(double(f) * animation.frame_time);
    const int input = detail::gltf_accessor(model, times, 1, TINYGLTF_TYPE_SCALAR, 0, true);
    auto add_channel = [&](int output, int node, const char* property) {
      tinygltf::AnimationSampler sampler;
      sampler.input = input;
      sampler.output = output;
      sampler.interpolation = "LINEAR";
      anim.samplers.push_back(sampler);
      tinygltf::AnimationChannel channel;
      channel.sampler = int(anim.samplers.size()) - 1;
      channel.target_node = node;
      channel.target_path = property;
      anim.channels.push_back(channel);
    };
    for (int k = 0; k < k_count; ++k) {
      std::vector<float> q(4 * frames);
      Eigen::Quaterniond previous = Eigen::Quaterniond::Identity();
      for (std::size_t f = 0; f < frames; ++f) {
        const Mat3<double>& r = animation.rotations[f][std::size_t(k)];
        if (!r.allFinite()) throw Error(where, "rotation of joint " + std::to_string(k) + " in frame " + std::to_string(f) + " is not finite");
        Eigen::Quaterniond quat(r);
        quat.normalize();
        if (quat.dot(previous) < 0) quat.coeffs() = -quat.coeffs();  // the same rotation, nearer the last
        previous = quat;
        for (int c = 0; c < 4; ++c) q[4 * f + std::size_t(c)] = float(quat.coeffs()[c]);  // x, y, z, w
      }
      add_channel(detail::gltf_accessor(model, q, 4, TINYGLTF_TYPE_VEC4, 0, false), k, "rotation");
    }
    std::vector<float> root(3 * frames);
    for (std::size_t f = 0; f < frames; ++f)
      for (int a = 0; a < 3; ++a) root[3 * f + std::size_t(a)] = float(double(j(0, a)) + animation.translations[f][a]);
    add_channel(detail::gltf_accessor(model, root, 3, TINYGLTF_TYPE_VEC3, 0, false), 0, "translation");
    model.animations.push_back(anim);
  }

  write_file_atomically(path, [&](std::ostream& os) { detail::gltf_write_glb(model, os, path.string()); });
}

// A static mesh as the bytes of a GLB (no file: a page embeds them as a data URI, hifa report):
// the mesh of write_skinned_glb without skin or animation, its normals those of the mesh or, when
// it has none, the area-weighted vertex normals (hifa/mesh/measures.hpp), so viewers shade it
// smoothly. Errors as write_skinned_glb's for the mesh.
inline std::string mesh_glb(const TriMesh<float>& mesh) {
  const char* where = "mesh_glb";
  if (mesh.empty()) throw Error(where, "the mesh has no faces");
  if (!mesh.vertices.allFinite()) throw Error(where, "a mesh vertex is not finite");
  TriMesh<float> shaded = mesh;
  if (!shaded.has_normals()) {
    shaded.normals = vertex_normals(shaded);
    // A vertex no face of area uses has none; any unit vector keeps the others' smooth shading
    // (a primitive's normals are all or none).
    for (Eigen::Index v = 0; v < shaded.normals.rows(); ++v)
      if (!(shaded.normals.row(v).norm() > 0)) shaded.normals.row(v) << 0, 0, 1;
  }
  tinygltf::Model model = detail::gltf_model();
  const GltfVertexLayout layout = gltf_vertex_layout(shaded);
  detail::gltf_add_mesh(model, shaded, layout, detail::gltf_surface_attributes(model, shaded, layout), where);
  tinygltf::Node node;
  node.name = "mesh";
  node.mesh = 0;
  model.nodes.push_back(node);
  tinygltf::Scene scene;
  scene.name = "hifa";
  scene.nodes = {0};
  model.scenes.push_back(scene);
  model.defaultScene = 0;
  std::ostringstream os;
  detail::gltf_write_glb(model, os, where);
  return os.str();
}

}  // namespace hifa
