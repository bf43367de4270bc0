// hifa/io/gltf.hpp: a skinned, animated GLB read back by assimp (the importer hifa::assimp uses) and
// by tinygltf's loader: the same mesh, joints and weights, the spec's layout rules, and vertices
// posed at each keyframe equal to hifa's own LBS (hifa/skinning/lbs.hpp) of the same pose.
#include "support/temp_dir.hpp"

#include "hifa/io/assimp.hpp"
#include "hifa/io/gltf.hpp"
#include "hifa/render/image_io.hpp"
#include "hifa/skinning/lbs.hpp"
#include "hifa/skinning/skeleton.hpp"

#include <assimp/Importer.hpp>
#include <assimp/scene.h>

#include <catch2/catch.hpp>

#include <Eigen/Geometry>
#include <Kokkos_Core.hpp>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <tiny_gltf.h>
#include <vector>

namespace {

using hifa::Mat3;
using hifa::Vec3d;
using Weights = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kJoints = 6;

// A square tube along x from 0 to 5 (21 rings of 4 vertices) around a chain of 6 joints at x = 0..5.
hifa::TriMeshf tube() {
  hifa::TriMeshf m;
  const int rings = 21;
  m.vertices.resize(4 * rings, 3);
  for (int r = 0; r < rings; ++r) {
    for (int c = 0; c < 4; ++c) {
      const double a = c * 3.14159265358979 / 2;
      m.vertices.row(4 * r + c) << float(0.25 * r), float(0.2 * std::cos(a)), float(0.2 * std::sin(a));
    }
  }
  m.faces.resize(8 * (rings - 1), 3);
  for (int r = 0; r + 1 < rings; ++r) {
    for (int c = 0; c < 4; ++c) {
      const int a = 4 * r + c, b = 4 * r + (c + 1) % 4, a2 = a + 4, b2 = b + 4;
      m.faces.row(8 * r + 2 * c) << a, b, b2;
      m.faces.row(8 * r + 2 * c + 1) << a, b2, a2;
    }
  }
  return m;
}

hifa::Skeletond chain() {
  hifa::Skeletond s;
  s.rest_joints.resize(kJoints, 3);
  for (int k = 0; k < kJoints; ++k) {
    s.parents.push_back(k - 1);
    s.names.push_back("bone" + std::to_string(k));
    s.rest_joints.row(k) << k, 0, 0;
  }
  return s;
}

// Smooth weights over all 6 joints (Gaussian in x), so the top-4 selection matters.
Weights smooth_weights(const hifa::TriMeshf& m) {
  Weights w(m.vertex_count(), kJoints);
  for (Eigen::Index i = 0; i < m.vertex_count(); ++i) {
    for (int k = 0; k < kJoints; ++k) w(i, k) = float(std::exp(-std::pow((m.vertices(i, 0) - k) / 1.2, 2)));
    w.row(i) /= w.row(i).sum();
  }
  return w;
}

hifa::SkeletalAnimation random_motion(int frames, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  hifa::SkeletalAnimation anim;
  anim.frame_time = 0.125;
  for (int f = 0; f < frames; ++f) {
    std::vector<Mat3<double>> r;
    for (int k = 0; k < kJoints; ++k) {
      const Vec3d w(u(rng), u(rng), u(rng));
      r.push_back(hifa::rodrigues(Vec3d(f == 0 ? Vec3d::Zero() : Vec3d(0.9 * w))));
    }
    anim.rotations.push_back(r);
    anim.translations.push_back(f == 0 ? Vec3d::Zero() : Vec3d(u(rng), u(rng), u(rng)));
  }
  return anim;
}

// The dense #V x K weights the file should carry: each row's top 4, renormalized.
Weights top4_dense(const Weights& w) {
  Weights out = Weights::Zero(w.rows(), w.cols());
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    const auto [j, v] = hifa::top4_weights(w, i);
    for (int s = 0; s < 4; ++s) out(i, j[std::size_t(s)]) += v[std::size_t(s)];
  }
  return out;
}

// hifa's LBS of the rest mesh for frame f of the animation, with the given weights.
hifa::RowMatrix3<float> hifa_posed(const hifa::TriMeshf& m, const hifa::Skeletond& s, const Weights& w,
                                   const hifa::SkeletalAnimation& anim, std::size_t f) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  const Space space;
  const auto fk = hifa::forward_kinematics(s, anim.rotations[f], anim.translations[f]);
  hifa::SkinningWeights<Space::memory_space> wv("w", w.rows(), w.cols());
  for (Eigen::Index i = 0; i < w.rows(); ++i)
    for (Eigen::Index k = 0; k < w.cols(); ++k) wv(i, k) = w(i, k);
  const hifa::LbsWarper<Space::memory_space> warp{hifa::upload_transforms<Space::memory_space>(space, fk.skinning), wv};
  return hifa::warp_mesh(space, warp, m).vertices;
}

Eigen::Matrix4d to_eigen(const aiMatrix4x4& m) {
  Eigen::Matrix4d out;
  out << m.a1, m.a2, m.a3, m.a4, m.b1, m.b2, m.b3, m.b4, m.c1, m.c2, m.c3, m.c4, m.d1, m.d2, m.d3, m.d4;
  return out;
}

// assimp's own reading of the file posed at keyframe `key`: every node's local transform from the
// animation's keys where it has a channel (else its stored one), globals down the node tree, and
// each vertex Σ_b w_b · G_b · offset_b · v over the bones assimp read.
hifa::RowMatrix3<float> assimp_posed(const aiScene* scene, unsigned key) {
  const aiAnimation* anim = scene->mAnimations[0];
  std::map<std::string, Eigen::Matrix4d> globals;
  auto visit = [&](auto&& self, const aiNode* node, const Eigen::Matrix4d& parent) -> void {
    Eigen::Matrix4d local = to_eigen(node->mTransformation);
    for (unsigned c = 0; c < anim->mNumChannels; ++c) {
      const aiNodeAnim* ch = anim->mChannels[c];
      if (std::string(ch->mNodeName.C_Str()) != node->mName.C_Str()) continue;
      const Eigen::Vector3d t = local.block<3, 1>(0, 3);
      Eigen::Matrix3d r = local.block<3, 3>(0, 0);
      Eigen::Vector3d pos = t;
      if (ch->mNumRotationKeys > 0) {
        REQUIRE(ch->mNumRotationKeys > key);
        const aiQuaternion q = ch->mRotationKeys[key].mValue;
        r = Eigen::Quaterniond(q.w, q.x, q.y, q.z).toRotationMatrix();
      }
      // Joints other than the root have no translation channel: assimp gives them one constant key.
      if (ch->mNumPositionKeys > 0) {
        REQUIRE((ch->mNumPositionKeys > key || ch->mNumPositionKeys == 1));
        const aiVector3D p = ch->mPositionKeys[std::min(key, ch->mNumPositionKeys - 1)].mValue;
        pos = Eigen::Vector3d(p.x, p.y, p.z);
      }
      local.setIdentity();
      local.block<3, 3>(0, 0) = r;
      local.block<3, 1>(0, 3) = pos;
    }
    const Eigen::Matrix4d global = parent * local;
    globals[node->mName.C_Str()] = global;
    for (unsigned i = 0; i < node->mNumChildren; ++i) self(self, node->mChildren[i], global);
  };
  visit(visit, scene->mRootNode, Eigen::Matrix4d::Identity());
  REQUIRE(scene->mNumMeshes == 1);
  const aiMesh* mesh = scene->mMeshes[0];
  hifa::RowMatrix3<float> out = hifa::RowMatrix3<float>::Zero(mesh->mNumVertices, 3);
  for (unsigned b = 0; b < mesh->mNumBones; ++b) {
    const aiBone* bone = mesh->mBones[b];
    const Eigen::Matrix4d m = globals.at(bone->mName.C_Str()) * to_eigen(bone->mOffsetMatrix);
    for (unsigned i = 0; i < bone->mNumWeights; ++i) {
      const aiVertexWeight& vw = bone->mWeights[i];
      const aiVector3D& v = mesh->mVertices[vw.mVertexId];
      const Eigen::Vector4d p = m * Eigen::Vector4d(v.x, v.y, v.z, 1);
      out.row(vw.mVertexId) += (vw.mWeight * p.head<3>()).cast<float>().transpose();
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a GLB round trip through assimp keeps the mesh, joints and weights and poses each keyframe as hifa's LBS") {
  hifa::test::TempDir dir;
  const auto mesh = tube();
  const auto skeleton = chain();
  const Weights weights = smooth_weights(mesh);
  const auto anim = random_motion(3, 7);
  const auto path = dir / "tube.glb";
  hifa::write_skinned_glb(path, mesh, skeleton, weights, anim);

  const auto skinned = hifa::load_skinned_scene(path);
  CHECK(skinned.mesh.vertex_count() == mesh.vertex_count());
  CHECK(skinned.mesh.face_count() == mesh.face_count());
  CHECK((skinned.mesh.vertices - mesh.vertices).cwiseAbs().maxCoeff() == 0);
  REQUIRE(skinned.skeleton.bone_count() == kJoints);
  // Bones in first-use order; map them back by name.
  Weights read = Weights::Zero(mesh.vertex_count(), kJoints);
  for (const auto& w : skinned.skeleton.weights) {
    const int k = skeleton.find(skinned.skeleton.names[std::size_t(w.bone)]);
    REQUIRE(k >= 0);
    read(w.vertex, k) += w.weight;
  }
  const Weights expected = top4_dense(weights);
  CHECK((read - expected).cwiseAbs().maxCoeff() < 1e-7);
  for (Eigen::Index i = 0; i < read.rows(); ++i) CHECK(read.row(i).sum() == Approx(1).margin(1e-6));
  for (std::size_t b = 0; b < skinned.skeleton.bone_count(); ++b) {
    const int k = skeleton.find(skinned.skeleton.names[b]);
    const int p = skinned.skeleton.parents[b];
    CHECK((p < 0 ? -1 : skeleton.find(skinned.skeleton.names[std::size_t(p)])) == skeleton.parents[std::size_t(k)]);
    // The file's rest pose is the bind pose: bind · inverse bind = I.
    CHECK((skinned.skeleton.bind[b] * skinned.skeleton.offsets[b] - Eigen::Matrix4f::Identity()).cwiseAbs().maxCoeff() < 1e-6);
  }

  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(path.string(), 0);
  REQUIRE(scene != nullptr);
  REQUIRE(scene->mNumAnimations == 1);
  CHECK(scene->mMeshes[0]->mNumVertices == unsigned(mesh.vertex_count()));
  const aiAnimation* a = scene->mAnimations[0];
  CHECK(a->mNumChannels == unsigned(kJoints));  // rotation and the root's translation share a node channel
  for (unsigned key = 0; key < 3; ++key) {
    const auto posed = assimp_posed(scene, key);
    const auto ours = hifa_posed(mesh, skeleton, expected, anim, key);
    INFO("keyframe " << key);
    CHECK((posed - ours).cwiseAbs().maxCoeff() < 2e-5);
    if (key > 0) CHECK((ours - mesh.vertices).cwiseAbs().maxCoeff() > 0.1);  // the pose moved it
  }
}

TEST_CASE("a GLB follows glTF's layout rules as tinygltf's loader reads them") {
  hifa::test::TempDir dir;
  auto mesh = tube();
  // Per-corner UVs that differ between the two faces of each quad's diagonal: vertices split.
  mesh.uvs.resize(2 * mesh.vertex_count(), 2);
  mesh.face_uvs.resize(mesh.face_count(), 3);
  for (Eigen::Index i = 0; i < mesh.vertex_count(); ++i) {
    mesh.uvs.row(2 * i) << float(i % 4) / 4, float(i / 4) / 21;
    mesh.uvs.row(2 * i + 1) << float(i % 4) / 4 + 0.01f, float(i / 4) / 21;
  }
  for (Eigen::Index f = 0; f < mesh.face_count(); ++f)
    for (int c = 0; c < 3; ++c) mesh.face_uvs(f, c) = 2 * mesh.faces(f, c) + int(f % 2);
  hifa::Image<std::uint8_t> texture(2, 2, 3, 200);
  hifa::write_png(dir / "skin.png", texture);
  mesh.materials = {hifa::Material{"skin", hifa::Vec3f(1, 0.5f, 0.5f), dir / "skin.png"}};
  mesh.normals = mesh.vertices;
  mesh.normals.col(0).setZero();  // radial, not unit: the writer normalizes
  const auto anim = random_motion(4, 11);
  const auto path = dir / "uv.glb";
  hifa::write_skinned_glb(path, mesh, chain(), smooth_weights(mesh), anim);
  const auto layout = hifa::gltf_vertex_layout(mesh);
  CHECK(layout.vertex_map.size() == std::size_t(2 * mesh.vertex_count()));

  tinygltf::Model model;
  tinygltf::TinyGLTF loader;
  std::string error, warning;
  REQUIRE(loader.LoadBinaryFromFile(&model, &error, &warning, path.string()));
  CHECK(error.empty());
  CHECK(warning.empty());
  CHECK(model.asset.version == "2.0");
  for (const auto& view : model.bufferViews) CHECK(view.byteOffset % 4 == 0);
  REQUIRE(model.meshes.size() == 1);
  const auto& primitive = model.meshes[0].primitives.at(0);
  for (const char* attribute : {"POSITION", "NORMAL", "TEXCOORD_0", "JOINTS_0", "WEIGHTS_0"}) {
    INFO(attribute);
    REQUIRE(primitive.attributes.count(attribute) == 1);
    const auto& accessor = model.accessors[std::size_t(primitive.attributes.at(attribute))];
    CHECK(accessor.count == layout.vertex_map.size());
    CHECK(model.bufferViews[std::size_t(accessor.bufferView)].target == TINYGLTF_TARGET_ARRAY_BUFFER);
  }
  CHECK(model.bufferViews[std::size_t(model.accessors[std::size_t(primitive.indices)].bufferView)].target ==
        TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER);
  auto floats = [&](int index) {
    const auto& accessor = model.accessors[std::size_t(index)];
    const auto& view = model.bufferViews[std::size_t(accessor.bufferView)];
    REQUIRE(accessor.componentType == TINYGLTF_COMPONENT_TYPE_FLOAT);
    const auto* p = reinterpret_cast<const float*>(model.buffers[0].data.data() + view.byteOffset + accessor.byteOffset);
    return std::vector<float>(p, p + view.byteLength / 4);
  };
  const auto& position = model.accessors[std::size_t(primitive.attributes.at("POSITION"))];
  REQUIRE(position.minValues.size() == 3);
  const auto positions = floats(primitive.attributes.at("POSITION"));
  for (int a = 0; a < 3; ++a) {
    float lo = 1e9f, hi = -1e9f;
    for (std::size_t i = std::size_t(a); i < positions.size(); i += 3) lo = std::min(lo, positions[i]), hi = std::max(hi, positions[i]);
    CHECK(position.minValues[std::size_t(a)] == lo);
    CHECK(position.maxValues[std::size_t(a)] == hi);
  }
  const auto normals = floats(primitive.attributes.at("NORMAL"));
  for (std::size_t i = 0; i < normals.size(); i += 3)
    CHECK(std::hypot(normals[i], normals[i + 1], normals[i + 2]) == Approx(1).margin(1e-6));
  const auto weights = floats(primitive.attributes.at("WEIGHTS_0"));
  for (std::size_t i = 0; i < weights.size(); i += 4) {
    CHECK(std::abs(weights[i] + weights[i + 1] + weights[i + 2] + weights[i + 3] - 1.0f) <= 2e-7f);
    for (int s = 0; s < 4; ++s) CHECK(weights[i + std::size_t(s)] >= 0);
  }
  CHECK(model.accessors[std::size_t(primitive.attributes.at("JOINTS_0"))].componentType == TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE);
  REQUIRE(model.images.size() == 1);
  CHECK(model.images[0].mimeType == "image/png");
  CHECK(model.images[0].width == 2);  // tinygltf decoded the embedded PNG
  CHECK(model.materials.at(0).pbrMetallicRoughness.baseColorTexture.index == 0);
  REQUIRE(model.skins.size() == 1);
  CHECK(model.skins[0].joints.size() == std::size_t(kJoints));
  REQUIRE(model.animations.size() == 1);
  const auto& animation = model.animations[0];
  CHECK(animation.channels.size() == std::size_t(kJoints + 1));
  const auto& times = model.accessors[std::size_t(animation.samplers[0].input)];
  CHECK(times.count == 4);
  CHECK(times.minValues.at(0) == 0);
  CHECK(times.maxValues.at(0) == Approx(3 * 0.125));
  for (const auto& channel : animation.channels) {
    const auto values = floats(animation.samplers[std::size_t(channel.sampler)].output);
    if (channel.target_path != "rotation") {
      CHECK(channel.target_node == 0);
      continue;
    }
    for (std::size_t i = 0; i < values.size(); i += 4) {
      CHECK(Eigen::Vector4f(values[i], values[i + 1], values[i + 2], values[i + 3]).norm() == Approx(1).margin(1e-6));
      // Consecutive keys on the same side of the quaternion double cover: LINEAR takes the short way.
      if (i >= 4) CHECK(values[i] * values[i - 4] + values[i + 1] * values[i - 3] + values[i + 2] * values[i - 2] + values[i + 3] * values[i - 1] >= 0);
    }
  }
}

TEST_CASE("write_skinned_glb refuses bad weights and mismatched animation, leaving no file") {
  hifa::test::TempDir dir;
  const auto mesh = tube();
  Weights w = smooth_weights(mesh);
  const auto path = dir / "bad.glb";
  w(5, 2) = -0.5f;
  CHECK_THROWS_WITH(hifa::write_skinned_glb(path, mesh, chain(), w, random_motion(2, 1)),
                    Catch::Contains("weight of vertex 5 for joint 2 is -0.5"));
  w.row(5).setZero();
  CHECK_THROWS_WITH(hifa::write_skinned_glb(path, mesh, chain(), w, random_motion(2, 1)), Catch::Contains("vertex 5 has no positive weight"));
  auto anim = random_motion(2, 1);
  anim.translations.pop_back();
  CHECK_THROWS_WITH(hifa::write_skinned_glb(path, mesh, chain(), smooth_weights(mesh), anim),
                    Catch::Contains("2 frames of rotations but 1 root translations"));
  CHECK_THROWS_WITH(hifa::write_skinned_glb(path, mesh, chain(), Weights(Weights::Ones(3, kJoints)), random_motion(2, 1)),
                    Catch::Contains("weights are 3 x 6, expected 84 x 6"));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("mesh_glb gives a static GLB: the mesh's vertices and faces, smooth normals, no skin or animation") {
  const hifa::TriMeshf mesh = tube();
  const std::string bytes = hifa::mesh_glb(mesh);
  tinygltf::Model model;
  tinygltf::TinyGLTF loader;
  std::string error, warning;
  REQUIRE(loader.LoadBinaryFromMemory(&model, &error, &warning, reinterpret_cast<const unsigned char*>(bytes.data()),
                                      unsigned(bytes.size())));
  REQUIRE(model.meshes.size() == 1);
  REQUIRE(model.meshes[0].primitives.size() == 1);
  CHECK(model.skins.empty());
  CHECK(model.animations.empty());
  const tinygltf::Primitive& p = model.meshes[0].primitives[0];
  REQUIRE(p.attributes.count("NORMAL") == 1);
  CHECK(model.accessors[std::size_t(p.attributes.at("POSITION"))].count == std::size_t(mesh.vertex_count()));
  CHECK(model.accessors[std::size_t(p.indices)].count == std::size_t(3 * mesh.face_count()));
  // The normals are the area-weighted ones: unit length, and pointing out of the tube (away from x's axis).
  const tinygltf::Accessor& na = model.accessors[std::size_t(p.attributes.at("NORMAL"))];
  const tinygltf::BufferView& nv = model.bufferViews[std::size_t(na.bufferView)];
  const auto* n = reinterpret_cast<const float*>(model.buffers[0].data.data() + nv.byteOffset + na.byteOffset);
  for (Eigen::Index v = 0; v < mesh.vertex_count(); ++v) {
    const Eigen::Vector3f normal(n[3 * v], n[3 * v + 1], n[3 * v + 2]);
    CHECK(normal.norm() == Approx(1.0f).margin(1e-5));
    CHECK(normal.tail<2>().dot(mesh.vertices.row(v).tail<2>().transpose()) > 0);
  }
  CHECK_THROWS_WITH(hifa::mesh_glb(hifa::TriMeshf{}), Catch::Contains("the mesh has no faces"));
}
