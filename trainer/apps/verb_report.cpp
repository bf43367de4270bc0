// hifa report: the results page of trained and evaluated runs (report_sources.hpp, docs/report.md):
// OUT/index.html with the eval table, each method's mesh beside the ground truth in 3D viewers,
// the normal maps, animated avatars and loss curves; opens from file:// offline.

#include "report_sources.hpp"
#include "verbs.hpp"

#include "hifa/core/error.hpp"
#include "report/report_page.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hifa::app {
namespace {

namespace fs = std::filesystem;

struct ReportVerbOptions {
  fs::path out;
  std::vector<std::string> methods, avatars;
  ReportSources sources;
  trainer::ReportOptions page;
};

// "LABEL=PATH", or a bare PATH labelled by `name_of(PATH)`.
std::pair<std::string, fs::path> labelled(const std::string& text, const std::string& option) {
  const std::size_t cut = text.find('=');
  if (cut == 0 || cut + 1 == text.size()) throw Error(option, "'" + text + "': expected LABEL=PATH or PATH");
  if (cut == std::string::npos) return {folder_name(text), fs::path(text)};
  return {text.substr(0, cut), fs::path(text.substr(cut + 1))};
}

void run_report(ReportVerbOptions o) {
  if (o.methods.empty() && o.sources.runs.empty() && o.avatars.empty()) {
    throw Error("hifa report", "nothing to show: give --method, --runs or --avatar");
  }
  if (!o.sources.scans.empty() && o.sources.data.empty()) throw Error("--scans", "needs --data (the dataset the scans were prepared into)");
  for (const std::string& m : o.methods) o.sources.methods.push_back(labelled(m, "--method"));
  for (const std::string& a : o.avatars) o.sources.avatars.push_back(labelled(a, "--avatar"));
  const trainer::ReportSize size = trainer::write_report(gather_report(o.sources), o.out, o.page);
  std::printf("%s: index.html, %.1f MB (%d meshes decimated for display)\n", o.out.string().c_str(), double(size.bytes) / 1e6,
              size.decimated);
}

}  // namespace

void add_report(CLI::App& app, VerbAction& action) {
  auto options = std::make_shared<ReportVerbOptions>();
  auto* verb = app.add_subcommand("report", "A results page: eval table, meshes beside the ground truth in 3D, avatars, loss curves");
  verb->add_option("--out", options->out, "Output folder: index.html, opens from file:// offline")->required();
  verb->add_option("--method", options->methods,
                   "LABEL=EVAL_DIR, repeatable: an evaluation folder (hifa eval-run's RUN/eval: metrics.json, meshes, normal maps)");
  verb->add_option("--runs", options->sources.runs,
                   "Run folders: their loss curves, and without --method their evaluations (RUN/eval*/, RUN/<snapshot>/eval*/)");
  verb->add_option("--data", options->sources.data, "The prepared dataset evaluated: input images (and with --scans, ground truth)");
  verb->add_option("--scans", options->sources.scans, "The scans folders it was prepared from: the ground truth beside each method");
  verb->add_option("--avatar", options->avatars, "[LABEL=]GLB, repeatable: an animated avatar (hifa animate's animation.glb)");
  verb->add_option("--subjects", options->sources.max_subjects, "Test subjects shown (one view each)")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  verb->add_option("--display-faces", options->page.display_faces, "Meshes with more faces are decimated for the page")
      ->check(CLI::Range(std::int64_t(100), std::int64_t(10000000)))
      ->capture_default_str();
  verb->add_option("--title", options->sources.title, "The page's title")->capture_default_str();
  verb->callback([&action, options] { action = [options] { run_report(*options); }; });
}

}  // namespace hifa::app
