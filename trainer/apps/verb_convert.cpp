// hifa convert IN OUT: any mesh hifa or assimp reads (OBJ, PLY, Collada/.zae, glTF/GLB, FBX, X, ...)
// to OBJ or PLY, chosen by OUT's extension. Scenes are merged into one mesh with their node
// transforms applied (hifa/io/assimp.hpp); OUT (and the .mtl of a textured OBJ) is written atomically.

#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "hifa/io/assimp.hpp"
#include "hifa/mesh/load.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace hifa::app {
namespace {

struct ConvertOptions {
  std::filesystem::path in, out;
};

void run_convert(const ConvertOptions& options) {
  const auto mesh = load_any_mesh(options.in);
  save_mesh(options.out, mesh);
  const std::string materials =
      mesh.materials.empty() ? "" : ", " + std::to_string(mesh.materials.size()) + " materials" + (mesh.has_textures() ? " (textured)" : "");
  std::printf("%s -> %s: %td vertices, %td faces%s%s%s\n", options.in.string().c_str(), options.out.string().c_str(),
              mesh.vertex_count(), mesh.face_count(), mesh.has_uvs() ? ", uvs" : "",
              mesh.has_colors() ? ", vertex colours" : "", materials.c_str());
}

}  // namespace

void add_convert(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<ConvertOptions>();
  auto* verb = app.add_subcommand("convert", "Convert a mesh or scene (OBJ, PLY, Collada, glTF, FBX, X, ...) to OBJ or PLY");
  verb->add_option("IN", options->in, "Input mesh or scene; scenes are merged with their node transforms")->required();
  // OUT's format is checked while parsing: a wrong extension is a usage error (exit 2), found
  // before the input is read.
  verb->add_option("OUT", options->out, "Output mesh: .obj (with .mtl when textured) or .ply (binary)")
      ->required()
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            std::string extension = std::filesystem::path(value).extension().string();
            for (char& c : extension) c = char(std::tolower(static_cast<unsigned char>(c)));
            return extension == ".obj" || extension == ".ply" ? "" : "must end in .obj or .ply (got " + value + ")";
          },
          "OBJ|PLY", "mesh format"));
  verb->callback([&action, options] { action = [options] { run_convert(*options); }; });
}

}  // namespace hifa::app
