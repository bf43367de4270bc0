#pragma once
// The results page of `hifa report` and `hifa demo` (docs/report.md): one self-contained folder
// that opens from file:// in Chromium and Firefox, offline, and can be zipped and mailed.
//
//   ReportPage page;  page.title = "hifa demo";
//   page.subjects.push_back({"figure_a, view 000", "in.png", "front.png", "back.png",
//                            {{"PIFuHD", pifuhd_mesh}, {"ground truth", scan}}});
//   page.avatars.push_back({"CAR avatar", "animation.glb"});
//   ReportSize size = write_report(page, "out/report", {});
//
// DIR/index.html      the page: the eval table (the best value of each column marked), per
//                     subject the input image, the predicted normal maps and one 3D viewer per
//                     mesh (orbit and zoom; the cameras of a row move together), the animated
//                     avatars playing, the loss curves
// DIR/models.js       every mesh as a GLB data URI, loaded by a classic <script> (browsers refuse
//                     fetch() from file://, but not scripts): window.HIFA_MODELS[id]
// DIR/viewer/         Google's <model-viewer> (npm @google/model-viewer, its UMD build, three.js
//                     inside) and its licence, copied from options.viewer (scripts/setup installs it)
// DIR/images/         the PNGs the page shows (copied)
// Meshes with more than options.display_faces faces are decimated for display (hifa/mesh/decimate.hpp)
// and the page says so; metrics are never computed on what the page shows.
// The page records what a test needs on <body>: data-errors (console errors and failed loads),
// data-loaded (viewers whose model loaded), data-boxes ("id x y w h" per viewer, page pixels).
// Written to DIR.partial, then renamed over DIR: a killed run leaves the old page. DIR is replaced
// whole, so a folder that holds anything but a report is refused.
// Errors: hifa::Error naming the file for an image or GLB that cannot be read, a missing viewer
// (saying how to get it), an empty mesh, an unwritable DIR or one that is not a report.

#include "hifa/mesh/tri_mesh.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hifa::trainer {

struct ReportMesh {
  std::string label;   // the method ("PIFuHD") or "ground truth"
  TriMeshf mesh;
};

struct ReportSubject {
  std::string name;
  std::filesystem::path image, normal_front, normal_back;  // PNGs; an empty path is left out
  std::vector<ReportMesh> meshes;                          // one viewer each, in this order
};

struct ReportAvatar {
  std::string label;
  std::filesystem::path glb;  // hifa animate's animation.glb: plays on the page
};

struct ReportTable {
  std::vector<std::string> columns;       // metric names
  std::vector<bool> lower_is_better;      // per column
  struct Row {
    std::string label;
    std::vector<std::optional<double>> values;  // per column; nullopt: not measured
  };
  std::vector<Row> rows;
  std::string caption;
};

struct ReportCurves {
  std::string label;
  std::filesystem::path png;  // a run's loss_curves.png
};

struct ReportPage {
  std::string title = "hifa results";
  std::vector<std::string> notes;  // paragraphs under the title
  ReportTable table;
  std::vector<ReportSubject> subjects;
  std::vector<ReportAvatar> avatars;
  std::vector<ReportCurves> curves;
};

struct ReportOptions {
  std::int64_t display_faces = 20000;  // larger meshes are decimated for the page (about 0.6 MB each)
  std::filesystem::path viewer;        // model-viewer-umd.min.js; empty: see viewer_script()
};

struct ReportSize {
  std::uintmax_t bytes = 0;  // of the whole folder
  int decimated = 0;         // meshes shown decimated
};

// The viewer script a report copies: options.viewer, else $HIFA_MODEL_VIEWER when set, else where
// scripts/setup installs it, the checkout's .deps/npm/node_modules/@google/model-viewer/dist/
// model-viewer-umd.min.js. hifa::Error naming the path and how to get it when it is not there
// (hifa demo asks before any work).
std::filesystem::path viewer_script(const ReportOptions& options);

ReportSize write_report(const ReportPage& page, const std::filesystem::path& dir, const ReportOptions& options);

}  // namespace hifa::trainer
