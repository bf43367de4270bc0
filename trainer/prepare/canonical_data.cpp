#include "prepare/canonical_data.hpp"

#include "prepare/body_fit_file.hpp"

#include "hifa/core/error.hpp"
#include "hifa/render/prt.hpp"

#ifdef HIFA_PREPARE_WITH_BODY
#include "prepare/body_xray.hpp"
#include "prepare/canonical_samples.hpp"
#include "prepare/canonical_scan.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/sampling/concepts.hpp"  // detail::mix_seed
#include "hifa/io/npy.hpp"
#include "hifa/mesh/load.hpp"
#include "hifa/render/camera.hpp"
#include "hifa/render/contact_sheet.hpp"

#include <optional>
#endif

#include <algorithm>
#include <cstdio>
#include <system_error>

namespace hifa::prepare {
namespace {

namespace fs = std::filesystem;

constexpr const char* fit_cache_format = "hifa-body-fit-cache";

std::string hex(std::uint64_t v) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(v));
  return text;
}

// What decides a fit's bytes: a cached fit with another key is stale.
Json fit_key(const NormalizedScan& s, const PrepareOptions& o, std::uint64_t seed) {
  return {{"mesh", hex(prt_mesh_hash(s.mesh))},
          {"metres_per_unit", s.cm_per_unit / 100},
          {"body_model", o.body_model.stem().string()},
          {"seed", seed}};
}

void copy_through(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) throw Error(from.string(), "cannot copy to " + to.string() + ": " + ec.message());
}

}  // namespace

// The body model, loaded when the first subject with a fit needs it.
struct CanonicalData::Model {
#ifdef HIFA_PREPARE_WITH_BODY
  std::optional<SmplModel<float>> smpl;
#endif
};

CanonicalData::CanonicalData(const PrepareOptions& options, const Layout& layout)
    : options_(options), layout_(layout), model_(std::make_unique<Model>()) {}

CanonicalData::~CanonicalData() = default;

namespace {

// The fit of DATASET/cache/<name>.body.json when its key matches, else a new one saved there.
Json cached_or_new_fit(const PrepareOptions& o, const Layout& layout, const ScanSource& scan, const NormalizedScan& s,
                       std::uint64_t seed) {
  const Json key = fit_key(s, o, seed);
  make_folder(layout.root / "cache");
  const fs::path cache = layout.root / "cache" / (scan.name + ".body.json");
  std::error_code ec;
  if (fs::exists(cache, ec)) {
    try {
      const Json cached = read_json(cache);
      if (cached.value("format", "") == fit_cache_format && cached["key"] == key) return cached["fit"];
    } catch (const Error&) {
      // damaged: fitted again below
    }
  }
  const Json fit = o.fit_body({s.mesh, s.cm_per_unit / 100, s.unit, scan.relative, seed});
  write_json(cache, Json{{"format", fit_cache_format}, {"key", key}, {"fit", fit}});
  return fit;
}

#ifdef HIFA_PREPARE_WITH_BODY

constexpr int preview_size = 160;

// hifa synth's canonical.obj and weights.npy, checked against the scan vertex for vertex.
CanonicalScan given_canonical_of(const ScanSource& scan, const NormalizedScan& s, const FittedBody& body) {
  const TriMeshf canonical = load_mesh(scan.canonical_mesh);
  if (canonical.vertex_count() != s.mesh.vertex_count()) {
    throw Error(scan.canonical_mesh.string(), "has " + std::to_string(canonical.vertex_count()) + " vertices, the scan " +
                                                  std::to_string(s.mesh.vertex_count()) + ": not its rest-pose twin");
  }
  const std::string where = scan.canonical_weights.string();
  const NpyArray array = read_npy(scan.canonical_weights);
  if (array.shape.size() != 2 || array.shape[0] != std::size_t(canonical.vertex_count())) {
    throw Error(where, "is not one row of weights per vertex of " + scan.canonical_mesh.filename().string());
  }
  const std::vector<float> values = array.values<float>(where);
  RowMatrixX<float> weights(Eigen::Index(array.shape[0]), Eigen::Index(array.shape[1]));
  std::copy(values.begin(), values.end(), weights.data());
  TriMeshf mesh;
  mesh.vertices = canonical.vertices;
  mesh.faces = s.mesh.faces;  // the scan's cleaned faces (the twins share their indices)
  return given_canonical(std::move(mesh), std::move(weights), s.mesh, body);
}

Json box_json(const AABBf& box) { return {{"min", json_vec3(box.min())}, {"max", json_vec3(box.max())}}; }

#endif

}  // namespace

Json CanonicalData::write(const ScanSource& scan, const NormalizedScan& s, std::uint64_t seed, const fs::path& folder) {
  Json out;
  fs::path body_file;
  if (!scan.body.empty()) {
    body_file = folder / ("body" + scan.body.extension().string());
    copy_through(scan.body, body_file);
    out["body"] = body_file.filename().string();
    out["body_source"] = "given";
  } else if (options_.fit_body && (options_.fit_only.empty() || std::find(options_.fit_only.begin(), options_.fit_only.end(),
                                                                           scan.name) != options_.fit_only.end())) {
    body_file = folder / "body.json";
    write_json(body_file, cached_or_new_fit(options_, layout_, scan, s, seed));
    out["body"] = "body.json";
    out["body_source"] = "fitted";
  } else {
    out["body"] = nullptr;
    out["body_source"] = nullptr;
  }
  const auto missing = [&](const std::string& why) {
    out["canonical"] = nullptr;
    out["canonical_missing"] = why;
    return out;
  };
  if (body_file.empty()) {
    return missing(options_.fit_body ? "no body fit: no body file beside the scan, and not among the scans to fit"
                                     : "no body fit: no body file beside the scan and no --fit-body");
  }
  if (!is_body_fit_file(body_file)) return missing("the body file is not a hifa-body-fit JSON (copied untouched)");
#ifdef HIFA_PREPARE_WITH_BODY
  const BodyFit fit = read_body_fit(body_file);
  if (fit.model != options_.body_model.stem().string()) {
    throw Error(scan.body.empty() ? body_file.string() : scan.body.string(),
                "fitted with the body model '" + fit.model + "', but the body model given is " +
                    options_.body_model.string() + " (pass --body with that model's .npz)");
  }
  if (!model_->smpl) {
    try {
      model_->smpl.emplace(SmplModel<float>::load(options_.body_model));
    } catch (const Error& e) {
      throw Error(body_file.string(), "needs its body model (--body), which cannot be loaded: " + std::string(e.what()));
    }
  }
  const FittedBody body = fitted_body(*model_->smpl, fit);
  const bool given = !scan.canonical_mesh.empty();
  const CanonicalScan c = given ? given_canonical_of(scan, s, body) : canonicalize_scan(s.mesh, body);

  const fs::path dir = folder / "canonical";
  make_folder(dir);
  save_mesh(dir / "scan.ply", c.mesh);
  write_npy(dir / "weights.npy", make_npy(std::span<const float>(c.weights.data(), std::size_t(c.weights.size())),
                                          {std::size_t(c.weights.rows()), std::size_t(c.weights.cols())}));

  // Body metres -> scan units -> the subject's normalized frame, where the PIFu samples live.
  Mat4<float> to_scan = Mat4<float>::Identity();
  to_scan.topLeftCorner<3, 3>() *= float(body.scale);
  CanonicalSampleRequest request;
  request.count = std::size_t(options_.samples);
  const double metres_per_body_metre = body.scale * s.cm_per_unit / 100;
  request.sigma_coarse = float(options_.sigma_coarse_cm / 100 / metres_per_body_metre);
  request.sigma_fine = float(options_.sigma_fine_cm / 100 / metres_per_body_metre);
  request.posed_to_frame = world_to_normalized_matrix(s.calibration) * to_scan;
  request.seed = detail::mix_seed(seed, 0xca40);
  const CanonicalSamples samples = make_canonical_samples(c.mesh, body, request);
  write_canonical_samples(dir / "samples.bin", samples);

  std::vector<std::string> labels;
  for (const int yaw : body_xray_yaws) labels.push_back(scan.name + " " + std::to_string(yaw));
  ContactSheetOptions sheet;
  sheet.columns = 4;
  sheet.thumb_width = sheet.thumb_height = preview_size;
  write_contact_sheet(dir / "preview.png", body_xray_views(c.mesh, body.rest, preview_size), labels, sheet);

  out["canonical"] = {
      {"source", given ? "given: " + scan.canonical_mesh.filename().string() + " and " +
                             scan.canonical_weights.filename().string()
                       : std::string("inverse LBS by the nearest posed body point's weights, inpainted beyond 8 cm")},
      {"body_model", fit.model},
      {"units", "body metres"},
      {"scan", "canonical/scan.ply"},
      {"weights", "canonical/weights.npy"},
      {"samples", "canonical/samples.bin"},
      {"preview", "canonical/preview.png"},
      {"vertices", c.mesh.vertex_count()},
      {"inside_body_fraction", c.inside_body_fraction},
      {"inside_other_part_fraction", c.inside_other_part_fraction},
      {"on_torn_face_fraction", c.on_torn_face_fraction},
      {"touching_fraction", c.touching_fraction},
      {"inpainted_weights_fraction", c.inpainted_fraction},
      {"scan_units_per_body_metre", body.scale},
      {"posed_to_normalized", json_matrix(request.posed_to_frame)},
      {"sample_counts",
       {{"surface", samples.counts[surface_group]},
        {"near_coarse", samples.counts[near_coarse_group]},
        {"near_fine", samples.counts[near_fine_group]},
        {"uniform", samples.counts[uniform_group]}}},
      {"sigma_coarse", json_float(samples.sigma_coarse)},
      {"sigma_fine", json_float(samples.sigma_fine)},
      {"box", box_json(samples.box)}};
  return out;
#else
  return missing("this hifa was built without hifa::body (body models)");
#endif
}

}  // namespace hifa::prepare
