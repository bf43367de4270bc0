#pragma once
// A minimal glTF 2.0 writer for tests: meshes (positions, indices, optional normals, colours, uvs,
// one skin's joints/weights) and a node tree, as one .gltf text file whose buffer is embedded as a
// base64 data URI. Only what the import tests need; every number comes from the test, so expected
// positions can be computed by hand.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace hifa::test {

struct GltfMesh {
  std::vector<std::array<float, 3>> positions;
  std::vector<std::uint16_t> indices;  // triangles
  std::vector<std::array<float, 3>> normals;
  std::vector<std::array<float, 4>> colors;
  std::vector<std::array<float, 2>> uvs;
  std::vector<std::array<std::uint16_t, 4>> joints;  // with weights: skinned by the scene's skin
  std::vector<std::array<float, 4>> weights;
  std::optional<int> material;
  int mode = 4;  // 4 triangles, 0 points
};

struct GltfNode {
  std::string name;
  std::optional<int> mesh;
  std::vector<int> children;
  std::optional<std::array<float, 3>> translation, scale;
  std::optional<std::array<float, 4>> rotation;  // quaternion x, y, z, w
  bool skinned = false;                          // uses skin 0
};

struct GltfSkin {
  std::vector<int> joints;                        // node indices
  std::vector<std::array<float, 16>> inverse_bind;  // column-major, as glTF stores matrices
};

struct GltfScene {
  std::vector<GltfMesh> meshes;
  std::vector<GltfNode> nodes;
  std::vector<int> roots;
  std::optional<GltfSkin> skin;
  std::string texture_uri;  // one material with this base colour texture when non-empty
};

namespace detail {

inline std::string base64(const std::vector<unsigned char>& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t b0 = bytes[i], b1 = i + 1 < bytes.size() ? bytes[i + 1] : 0,
                        b2 = i + 2 < bytes.size() ? bytes[i + 2] : 0;
    const std::uint32_t triple = (b0 << 16) | (b1 << 8) | b2;
    out += table[(triple >> 18) & 63];
    out += table[(triple >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(triple >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? table[triple & 63] : '=';
  }
  return out;
}

template <class Array>
std::string json_array(const Array& values) {
  std::ostringstream os;
  os.precision(9);
  os << '[';
  for (std::size_t i = 0; i < values.size(); ++i) os << (i ? "," : "") << values[i];
  os << ']';
  return os.str();
}

}  // namespace detail

inline void write_gltf(const std::filesystem::path& path, const GltfScene& scene) {
  std::vector<unsigned char> buffer;
  std::vector<std::string> views, accessors;
  // Appends `count` elements of `components` values each; returns the accessor index.
  const auto add = [&](const void* data, std::size_t bytes, std::size_t count, const char* type, int component_type,
                       bool indices, const std::string& extra = "") {
    while (buffer.size() % 4 != 0) buffer.push_back(0);
    const std::size_t offset = buffer.size();
    buffer.resize(offset + bytes);
    std::memcpy(buffer.data() + offset, data, bytes);
    views.push_back("{\"buffer\":0,\"byteOffset\":" + std::to_string(offset) + ",\"byteLength\":" +
                    std::to_string(bytes) + (indices ? ",\"target\":34963}" : ",\"target\":34962}"));
    accessors.push_back("{\"bufferView\":" + std::to_string(views.size() - 1) + ",\"componentType\":" +
                        std::to_string(component_type) + ",\"count\":" + std::to_string(count) + ",\"type\":\"" +
                        type + "\"" + extra + "}");
    return accessors.size() - 1;
  };
  std::vector<std::string> meshes;
  for (const auto& m : scene.meshes) {
    // glTF requires min/max on positions.
    std::array<float, 3> lo{1e30f, 1e30f, 1e30f}, hi{-1e30f, -1e30f, -1e30f};
    for (const auto& p : m.positions) {
      for (int k = 0; k < 3; ++k) {
        lo[k] = std::min(lo[k], p[k]);
        hi[k] = std::max(hi[k], p[k]);
      }
    }
    std::string attributes =
        "\"POSITION\":" + std::to_string(add(m.positions.data(), m.positions.size() * 12, m.positions.size(), "VEC3",
                                             5126, false,
                                             ",\"min\":" + detail::json_array(lo) + ",\"max\":" + detail::json_array(hi)));
    if (!m.normals.empty()) {
      attributes += ",\"NORMAL\":" + std::to_string(add(m.normals.data(), m.normals.size() * 12, m.normals.size(), "VEC3", 5126, false));
    }
    if (!m.colors.empty()) {
      attributes += ",\"COLOR_0\":" + std::to_string(add(m.colors.data(), m.colors.size() * 16, m.colors.size(), "VEC4", 5126, false));
    }
    if (!m.uvs.empty()) {
      attributes += ",\"TEXCOORD_0\":" + std::to_string(add(m.uvs.data(), m.uvs.size() * 8, m.uvs.size(), "VEC2", 5126, false));
    }
    if (!m.joints.empty()) {
      attributes += ",\"JOINTS_0\":" + std::to_string(add(m.joints.data(), m.joints.size() * 8, m.joints.size(), "VEC4", 5123, false));
      attributes += ",\"WEIGHTS_0\":" + std::to_string(add(m.weights.data(), m.weights.size() * 16, m.weights.size(), "VEC4", 5126, false));
    }
    const auto indices = add(m.indices.data(), m.indices.size() * 2, m.indices.size(), "SCALAR", 5123, true);
    meshes.push_back("{\"primitives\":[{\"attributes\":{" + attributes + "},\"indices\":" + std::to_string(indices) +
                     (m.material ? ",\"material\":" + std::to_string(*m.material) : std::string()) + ",\"mode\":" + std::to_string(m.mode) + "}]}");
  }
  std::string skins;
  if (scene.skin) {
    const auto& skin = *scene.skin;
    const auto matrices = add(skin.inverse_bind.data(), skin.inverse_bind.size() * 64, skin.inverse_bind.size(), "MAT4", 5126, false);
    skins = ",\"skins\":[{\"joints\":" + detail::json_array(skin.joints) + ",\"inverseBindMatrices\":" + std::to_string(matrices) + "}]";
  }
  std::ostringstream os;
  os << "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":" << detail::json_array(scene.roots) << "}],";
  os << "\"nodes\":[";
  for (std::size_t i = 0; i < scene.nodes.size(); ++i) {
    const auto& n = scene.nodes[i];
    os << (i ? "," : "") << "{\"name\":\"" << n.name << "\"";
    if (n.mesh) os << ",\"mesh\":" << *n.mesh;
    if (n.skinned) os << ",\"skin\":0";
    if (!n.children.empty()) os << ",\"children\":" << detail::json_array(n.children);
    if (n.translation) os << ",\"translation\":" << detail::json_array(*n.translation);
    if (n.rotation) os << ",\"rotation\":" << detail::json_array(*n.rotation);
    if (n.scale) os << ",\"scale\":" << detail::json_array(*n.scale);
    os << '}';
  }
  os << "],\"meshes\":[";
  for (std::size_t i = 0; i < meshes.size(); ++i) os << (i ? "," : "") << meshes[i];
  os << ']';
  if (!scene.texture_uri.empty()) {
    os << ",\"images\":[{\"uri\":\"" << scene.texture_uri << "\"}],\"textures\":[{\"source\":0}],"
       << "\"materials\":[{\"pbrMetallicRoughness\":{\"baseColorTexture\":{\"index\":0}}}]";
  }
  os << skins;
  os << ",\"accessors\":[";
  for (std::size_t i = 0; i < accessors.size(); ++i) os << (i ? "," : "") << accessors[i];
  os << "],\"bufferViews\":[";
  for (std::size_t i = 0; i < views.size(); ++i) os << (i ? "," : "") << views[i];
  os << "],\"buffers\":[{\"byteLength\":" << buffer.size() << ",\"uri\":\"data:application/octet-stream;base64,"
     << detail::base64(buffer) << "\"}]}\n";
  std::ofstream(path) << os.str();
}

}  // namespace hifa::test
