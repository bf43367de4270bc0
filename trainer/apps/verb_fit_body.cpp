// hifa fit-body --scan SCAN [--body open|X.npz] [--unit auto|m|cm|mm] --out FIT.json [--sheet PNG]:
// registers the body model to a clothed scan (trainer/body/scan_fit.hpp, docs/body_fit.md) and
// writes the fit as hifa-body-fit JSON, atomically; --sheet draws the scan with the body in red
// from four sides.
// hifa fit-body --image IMG --run RUN ...: the body from one image (fit_body_image.hpp).

#include "body_fitter.hpp"
#include "fit_body_image.hpp"
#include "verbs.hpp"

#include "body/fit_json.hpp"
#include "body/scan_fit.hpp"
#include "prepare/body_model_path.hpp"
#include "prepare/body_xray.hpp"
#include "prepare/canonical_scan.hpp"
#include "prepare/normalize.hpp"
#include "runtime/heap.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/mesh/load.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace hifa::app {
namespace {

struct FitBodyArgs {
  std::filesystem::path scan, out, sheet, canonical;
  std::string body = "open", unit = "auto";
  trainer::ScanFitOptions options;
};

void run_fit_body(const FitBodyArgs& a) {
  const auto started = std::chrono::steady_clock::now();
  prepare::ScanSource source;
  source.name = a.scan.stem().string();
  source.mesh = a.scan;
  const prepare::NormalizedScan scan = prepare::load_scan(source, a.unit);
  const std::filesystem::path body_path = prepare::body_model_path(a.body);
  const auto model = SmplModel<float>::load(body_path);
  // The fit frees and reallocates the same tensors every step: keep them in the heap (runtime/heap.hpp).
  trainer::keep_freed_memory();
  const trainer::ScanFit fit = trainer::fit_body_to_scan(scan.mesh, scan.cm_per_unit / 100, model.data(), a.options);
  const std::string model_name = body_path.stem().string();
  prepare::write_json(a.out, trainer::fit_json(fit, model_name, scan.unit, a.scan.string()));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%s -> %s: %s (%s), up %s, %.1f%% of the body inside, energy %.4f, %.1f s%s\n", a.scan.string().c_str(),
              a.out.string().c_str(), scan.unit.c_str(), scan.unit_reason.c_str(), fit.up.c_str(),
              100 * fit.inside_fraction, fit.energies.total, seconds, fit.doubts.empty() ? "" : ", DOUBTFUL:");
  for (const std::string& d : fit.doubts) std::printf("  %s\n", d.c_str());
  if (!a.canonical.empty()) {
    const prepare::FittedBody body = prepare::fitted_body(model, trainer::body_fit_of(fit, model_name, scan.unit));
    const prepare::CanonicalScan c = prepare::canonicalize_scan(scan.mesh, body);
    save_mesh(a.canonical, c.mesh);
    std::printf("canonical scan (rest pose, body metres): %s; of its vertices %.1f%% caught where body parts touch "
                "(inside another part or on a torn face), %.1f%% inside the rest body\n",
                a.canonical.string().c_str(), 100 * c.touching_fraction, 100 * c.inside_body_fraction);
  }
  if (!a.sheet.empty()) {
    TriMeshf body;
    body.vertices = fit.posed_vertices;
    body.faces = model.data().faces;
    prepare::write_fit_sheet(a.sheet, scan.mesh, body, source.name);
    std::printf("contact sheet: %s\n", a.sheet.string().c_str());
  }
}

}  // namespace

prepare::BodyFitter make_body_fitter(const std::filesystem::path& body_model) {
  auto model = std::make_shared<std::optional<SmplModel<float>>>();
  return [model, body_model](const prepare::BodyFitRequest& r) {
    if (!*model) model->emplace(SmplModel<float>::load(body_model));
    trainer::ScanFitOptions options;
    options.seed = r.seed;
    // The fit frees and reallocates the same tensors every step: keep them in the heap (runtime/heap.hpp).
    trainer::keep_freed_memory();
    const trainer::ScanFit fit = trainer::fit_body_to_scan(r.scan, r.metres_per_unit, (*model)->data(), options);
    return trainer::fit_json(fit, body_model.stem().string(), r.unit, r.source);
  };
}

void add_fit_body(CLI::App& app, VerbAction& action) {
  auto a = std::make_shared<FitBodyArgs>();
  auto i = std::make_shared<FitBodyImageArgs>();
  auto* verb = app.add_subcommand("fit-body", "Fit the body model to a clothed scan (no landmarks needed) or to one image");
  auto* scan = verb->add_option("--scan", a->scan, "The scan: OBJ, PLY or any format the importer reads");
  auto* image = verb->add_option("--image", i->image, "Or one square RGB image: the body estimator of --run, then a fit "
                                                      "to its silhouette and normal maps");
  scan->excludes(image);
  image->excludes(scan);
  verb->add_option("--out", a->out, "The fit, hifa-body-fit JSON")->required();
  // Each mode's own options are refused with the other mode (not silently ignored).
  const auto image_only = [&](CLI::Option* o) { o->excludes(scan); };
  image_only(verb->add_option("--run", i->run, "With --image: a body-estimator run (model.type body), or a CAR run with its body stage"));
  image_only(verb->add_option("--mask", i->mask, "With --image: the person's mask (default: from the predicted normal maps)"));
  image_only(verb->add_option("--normals", i->normals_run,
                              "With --image: a run whose normal nets predict the maps (when --run has none)"));
  image_only(verb->add_option("--iterations", i->iterations, "With --image: steps of the test-time fit")
                 ->check(CLI::Range(0, 100000))
                 ->capture_default_str());
  const auto scan_only = [&](CLI::Option* o) { o->excludes(image); };
  scan_only(verb->add_option("--body", a->body, prepare::body_option_help)->capture_default_str());
  scan_only(verb->add_option("--unit", a->unit, "The scan's unit")
                ->check(CLI::IsMember({"auto", "m", "cm", "mm"}))
                ->capture_default_str());
  verb->add_option("--sheet", a->sheet, "Also draw the fit (on the scan from four sides, or over the image) (PNG)");
  scan_only(verb->add_option("--canonical", a->canonical, "Also write the scan moved to the body's rest pose (OBJ or PLY)"));
  scan_only(verb->add_option("--seed", a->options.seed, "Seed of the scan's surface samples")->capture_default_str());
  verb->callback([&action, a, i] {
    if (!i->image.empty()) {
      if (i->run.empty()) throw CLI::ValidationError("--image needs --run (a body-estimator run)");
      i->out = a->out;
      i->sheet = a->sheet;
      action = [i] { run_fit_body_image(*i); };
      return;
    }
    if (a->scan.empty()) throw CLI::ValidationError("give --scan SCAN or --image IMG --run RUN");
    action = [a] { run_fit_body(*a); };
  });
}

}  // namespace hifa::app
