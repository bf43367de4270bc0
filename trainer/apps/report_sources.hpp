#pragma once
// What `hifa report` and `hifa demo` put on the results page (report/report_page.hpp), gathered
// from the folders training and evaluation wrote:
//
//   ReportSources s;
//   s.methods = {{"PIFuHD", "runs/pifuhd/eval"}, {"CAR", "runs/car/eval"}};
//   s.runs = {"runs/pifuhd", "runs/car"};
//   s.data = "DATASET";  s.scans = {"scans/"};
//   write_report(gather_report(s), "out/report", {});
//
// methods  an evaluation folder each (hifa eval-run's RUN/eval, the demo's): metrics.json gives the
//          table row (the mean over the test subjects), <subject>_<view>.obj the meshes, and
//          <subject>_<view>_normal_{front,back}.png the predicted normal maps
// subjects the views the first method reconstructed, at most max_subjects; each shows every method's
//          mesh of that view, and with data and scans the input image (the dataset's view, fine
//          image when it has one) and the ground-truth scan in the same frame
// runs     each run's loss_curves.png; and when no method is named, the methods are the runs'
//          evaluations: every RUN/eval*/ and RUN/<snapshot>/eval*/ with a metrics.json
// avatars  animated GLBs (hifa animate's animation.glb)
// Errors: hifa::Error naming the folder or file that is missing or not what it should be.

#include "report/report_page.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace hifa::app {

struct ReportSources {
  std::string title = "hifa results";
  std::vector<std::pair<std::string, std::filesystem::path>> methods;  // label, evaluation folder
  std::vector<std::filesystem::path> runs;
  std::filesystem::path data;                                         // optional: the prepared dataset
  std::vector<std::filesystem::path> scans;                           // its scans folders (ground truth)
  std::vector<std::pair<std::string, std::filesystem::path>> avatars;  // label, GLB
  int max_subjects = 5;
};

trainer::ReportPage gather_report(const ReportSources& sources);

// The last name of a path, of the folder for "DIR/": a run's or a file's label.
std::string folder_name(const std::filesystem::path& path);

}  // namespace hifa::app
