#include "prepare/discovery.hpp"

#include "hifa/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

namespace hifa::prepare {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sorted entries of a folder (directory order is filesystem-specific; sorting keeps runs identical).
std::vector<fs::directory_entry> sorted_entries(const fs::path& folder) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(*it);
  if (ec) throw Error(folder.string(), "cannot list the folder: " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

bool hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string()[0] == '.'; }

// The first file of `entries` named "<prefix><ext>" (letter case ignored), or empty.
fs::path file_with_prefix(const std::string& prefix_text, const std::vector<fs::directory_entry>& entries) {
  const std::string prefix = lower(prefix_text);
  for (const auto& e : entries) {
    const std::string name = lower(e.path().filename().string());
    if (e.is_regular_file() && name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0) {
      return e.path();
    }
  }
  return {};
}

ScanSource scan_of_folder(const fs::path& folder, const std::string& relative_folder) {
  ScanSource scan;
  scan.name = folder.filename().string();
  const auto entries = sorted_entries(folder);
  std::vector<fs::path> meshes;
  for (const auto& e : entries) {
    if (e.is_regular_file() && !hidden(e.path()) && is_mesh_file(e.path())) meshes.push_back(e.path());
  }
  if (meshes.size() > 1) {
    // Several meshes: the one named like the folder, else one named "posed" (hifa synth's layout,
    // docs/synth.md: posed.obj beside its rest-pose canonical.obj), else we cannot tell which is
    // the scan.
    auto named = std::find_if(meshes.begin(), meshes.end(),
                              [&](const fs::path& m) { return m.stem().string() == scan.name; });
    if (named == meshes.end()) {
      named = std::find_if(meshes.begin(), meshes.end(), [](const fs::path& m) { return m.stem().string() == "posed"; });
    }
    if (named == meshes.end()) {
      std::string list;
      for (const auto& m : meshes) list += (list.empty() ? "" : ", ") + m.filename().string();
      scan.mesh = folder;
      scan.relative = relative_folder;
      scan.problem = "several meshes in the folder (" + list + ") and none is named " + scan.name +
                     " or posed + the mesh extension: cannot tell which is the scan";
      return scan;
    }
    meshes = {*named};
  }
  scan.mesh = meshes.front();
  scan.relative = relative_folder + "/" + scan.mesh.filename().string();
  scan.body = file_with_prefix("body.", entries);
  if (scan.body.empty()) scan.body = file_with_prefix(scan.name + ".body.", entries);
  // hifa synth's rest-pose twin of posed.obj and its skinning weights.
  if (scan.mesh.stem() == "posed") {
    const fs::path canonical = folder / ("canonical" + scan.mesh.extension().string());
    const fs::path weights = folder / "weights.npy";
    std::error_code ec;
    if (fs::is_regular_file(canonical, ec) && fs::is_regular_file(weights, ec)) {
      scan.canonical_mesh = canonical;
      scan.canonical_weights = weights;
    }
  }
  return scan;
}

}  // namespace

bool is_mesh_file(const fs::path& path) {
  const std::string ext = lower(path.extension().string());
  if (ext == ".obj" || ext == ".ply") return true;
#ifdef HIFA_PREPARE_WITH_ASSIMP
  // Scene formats read through hifa::assimp (load_any_mesh). An explicit list rather than assimp's
  // own (it claims .xml, .txt-like and other extensions a scan folder holds for other reasons).
  for (const char* scene : {".dae", ".zae", ".gltf", ".glb", ".fbx", ".x", ".iqm", ".stl", ".off", ".3ds"}) {
    if (ext == scene) return true;
  }
#endif
  return false;
}

namespace {

// Adds the scans and ignored entries of one folder. With several folders, reports name an entry by
// its whole path (a relative name alone would not say which folder).
void collect(const fs::path& folder, bool several, std::map<std::string, std::vector<ScanSource>>& by_name,
             Discovery& found) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error(folder.string(), "no such folder");
  const auto entries = sorted_entries(folder);
  for (const auto& e : entries) {
    if (hidden(e.path())) continue;
    const std::string relative = e.path().filename().string();
    if (e.is_directory()) {
      bool any_mesh = false;
      for (const auto& inner : sorted_entries(e.path())) any_mesh = any_mesh || (inner.is_regular_file() && is_mesh_file(inner.path()));
      if (!any_mesh) {
        found.ignored.push_back({(several ? e.path().string() : relative) + "/", "a folder without a mesh file"});
        continue;
      }
      ScanSource scan = scan_of_folder(e.path(), relative);
      by_name[scan.name].push_back(std::move(scan));
    } else if (e.is_regular_file() && is_mesh_file(e.path())) {
      ScanSource scan;
      scan.name = e.path().stem().string();
      scan.mesh = e.path();
      scan.relative = relative;
      scan.body = file_with_prefix(scan.name + ".body.", entries);
      by_name[scan.name].push_back(std::move(scan));
    }
  }
}

}  // namespace

Discovery discover_scans(const fs::path& folder) { return discover_scans(std::vector<fs::path>{folder}); }

Discovery discover_scans(const std::vector<fs::path>& folders) {
  if (folders.empty()) throw Error("--scans", "no scans folder given");
  const bool several = folders.size() > 1;
  Discovery found;
  std::map<std::string, std::vector<ScanSource>> by_name;
  for (const fs::path& folder : folders) collect(folder, several, by_name, found);
  for (auto& [name, scans] : by_name) {
    if (scans.size() > 1) {
      // Two scans would write one subject folder: neither is taken, both are reported. `mesh` is
      // the scan's file (or its folder, when that holds several meshes) under its scans folder.
      std::string list;
      for (const auto& s : scans) list += (list.empty() ? "" : ", ") + (several ? s.mesh.string() : s.relative);
      for (auto& s : scans) {
        if (s.problem.empty()) s.problem = "two scans are named '" + name + "' (" + list + "); rename one";
      }
    }
    for (auto& s : scans) found.scans.push_back(std::move(s));
  }
  return found;
}

}  // namespace hifa::prepare
