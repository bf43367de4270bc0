#pragma once
// Finding the scans in the input folder.
//
//   auto found = hifa::prepare::discover_scans("scans/");
//
// Layouts (both may be mixed in one folder):
//   scans/alice.obj (+ alice.mtl, textures) [+ alice.body.json]   one scan per mesh file; the
//                                                                 subject's name is the file stem
//   scans/bob/bob.obj (+ ...)               [+ bob/body.json]      one scan per subfolder; the name is
//                                                                 the folder's; the mesh is the only
//                                                                 .obj/.ply directly inside it (or
//                                                                 the one named like the folder, or
//                                                                 else the one named posed: hifa
//                                                                 synth's posed.obj + canonical.obj)
// Mesh files are .obj and .ply in any letter case (and the scene formats of is_mesh_file when built
// with hifa::assimp). A body-fit file (for CAR) is "<stem>.body.<ext>"
// beside a mesh file, or "body.<ext>" / "<folder>.body.<ext>" inside a subfolder. Beside a
// subfolder's posed.<ext>, canonical.<ext> and weights.npy are hifa synth's rest-pose scan and its
// skinning weights (docs/synth.md). Hidden entries (a leading '.') are ignored, as are subfolders without any mesh
// (e.g. a textures folder): those are listed in `ignored` so the report can say so.
// Outputs: scans sorted by name. A scan that cannot be used as found (two scans with one name, a
//   subfolder with several meshes) is returned with `problem` set, so it is reported like a bad mesh.
// Errors: hifa::Error naming the folder when it does not exist or cannot be listed.

#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

struct ScanSource {
  std::string name;                // subject name (file stem or folder name)
  std::filesystem::path mesh;      // the mesh file
  std::filesystem::path body;      // body-fit file, or empty
  std::filesystem::path canonical_mesh, canonical_weights;  // hifa synth's rest-pose scan and weights, or empty
  std::string relative;            // the mesh's path relative to the scans folder (for reports)
  std::string problem;             // why this scan cannot be used as found; empty when fine
};

struct IgnoredEntry {
  std::string relative;
  std::string reason;
};

struct Discovery {
  std::vector<ScanSource> scans;
  std::vector<IgnoredEntry> ignored;
};

Discovery discover_scans(const std::filesystem::path& folder);

// Several folders searched as one: a name found in two of them is a clash like two in one folder.
// `relative` stays relative to the scan's own folder.
Discovery discover_scans(const std::vector<std::filesystem::path>& folders);

// True for .obj / .ply in any letter case, and, when hifa was built with hifa::assimp, for the
// scene formats it imports (.dae .zae .gltf .glb .fbx .x .iqm .stl .off .3ds).
bool is_mesh_file(const std::filesystem::path& path);

}  // namespace hifa::prepare
