#pragma once
// What `hifa prepare` is asked to do (the verb's flags), shared by every stage of the pipeline.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hifa::prepare {

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
  // Set (from a signal handler) to stop after the view in progress; the subject in progress is lost.
  const std::atomic<bool>* interrupt = nullptr;
};

}  // namespace hifa::prepare
