#pragma once
// What `hifa prepare` is asked to do (the verb's flags), shared by every stage of the pipeline.

#include "hifa/mesh/tri_mesh.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace hifa::prepare {

// A scan handed to the body fitter (hifa prepare --fit-body).
struct BodyFitRequest {
  const TriMeshf& scan;       // cleaned, in the scan's units
  double metres_per_unit = 1;
  std::string unit;           // "m", "cm", "mm"
  std::string source;         // the scan's path under its folder, for the fit's "fitted_from"
  std::uint64_t seed = 0;
};

// Fits the body model to a scan: the `hifa-body-fit` JSON (docs/body_fit.md). The fitter lives in
// the trainer (LibTorch); this library, which has none, takes it as a function.
using BodyFitter = std::function<nlohmann::ordered_json(const BodyFitRequest&)>;

struct PrepareOptions {
  std::vector<std::filesystem::path> scans;  // folders of scans: one per file or per subfolder
  std::filesystem::path out;          // the dataset folder (created; resumed when it holds a dataset)
  std::filesystem::path backgrounds;  // folder of background images; empty: procedural backgrounds
  int views = 180;                    // yaw every 360 / views degrees, elevation 0
  int resolution = 512;               // coarse images, square
  int fine_resolution = 0;            // PIFuHD's fine level images; 0: none
  int supersample = 1;                // k x k samples per pixel (anti-aliased edges)
  double pitch_jitter = 0;            // degrees: pitch uniform in [-j, j] per view (seeded); 0: none
  int samples = 8000;                 // points per subject and sigma level
  double sigma_coarse_cm = 5;         // PIFuHD's coarse sigma
  double sigma_fine_cm = 3;           // PIFuHD's fine sigma
  bool balance = false;               // keep as many inside as outside points (PIFu)
  std::string unit = "auto";          // the scans' length unit: m, cm, mm or auto (from the height)
  std::uint64_t seed = 0;
  double test_fraction = 0.1;         // of the prepared subjects, into the split's test list
  std::filesystem::path split_file;   // JSON with a "test" list of names: a fixed split instead
  int jobs = 0;                       // encoding/writing threads; 0: one per core
  bool lighting = true;               // random SH light per view through per-scan PRT; false: albedo
  // The body model (SMPL-layout .npz) the scans' body fits were made with: the canonical data of a
  // subject with a fit needs it (docs/dataset.md). Loaded when the first such subject comes.
  std::filesystem::path body_model = "data/body/open_body.npz";
  BodyFitter fit_body;                // set: fit every scan without a body file (cached per scan)
  // Non-empty: fit_body fits only the scans of these names (a fit costs ~30 s: hifa demo fits only
  // its test figures, for the evaluation with their own fits).
  std::vector<std::string> fit_only;
  // --shard I/N: prepare only the scans at positions p of the name-sorted list with p mod N = I (a
  // round-robin over names: balanced, and the same on every machine that sees the same scans);
  // merge_shards joins the N datasets into the one a single run writes, byte for byte.
  int shard_index = 0, shard_count = 1;
  // Set (from a signal handler) to stop after the view in progress; the subject in progress is lost.
  const std::atomic<bool>* interrupt = nullptr;
};

}  // namespace hifa::prepare
