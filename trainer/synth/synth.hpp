#pragma once
// hifa synth: a folder of synthetic clothed subjects with known body fit, canonical shape and
// colours (docs/synth.md is the reference for the layout; hifa/synth/ holds the toolkit parts).
//
//   hifa::synth::SynthOptions o;  o.out = "synth/";  o.count = 100;  o.body = "data/body/open_body.npz";
//   hifa::synth::SynthSummary s = hifa::synth::run_synth(o, events);
//
// Per subject i (named subject_00000, ...), a pure function of (seed, i, preset, resolution, body,
// motion files): seed_i = Philox(seed, i); outfit = draw_outfit(seed_i, preset); shape β drawn for
// the preset (docs/synth.md); pose = a pose of the motion library (every BVH in `motion`, retargeted
// onto the shaped body) perturbed within joint limits, or a random pose within the limits when
// there is no motion; then hifa::synth::make_subject. So the same options give the same bytes
// whatever --jobs and whatever was already there (resume).
// Files: OUT/<name>/{posed.obj, canonical.obj, body.json, weights.npy, metadata.json, front.png},
//   written in OUT/.partial-<name>/ and renamed into place when complete; OUT/synth.json (options;
//   a rerun with other options is refused), OUT/contact_sheet.png (every subject's front.png).
// Parallelism: the Kokkos work (field, extraction, posing, the front render) runs on the calling
// thread, using every OpenMP thread; up to `jobs` finished subjects are written (OBJ, npy, JSON,
// PNG) by other threads meanwhile. Kokkos' OpenMP backend must be driven from one thread.
// Interruption: `interrupt` set -> stops after the subject in progress; complete ones stay (and
//   the contact sheet shows them), then throws hifa::Error naming OUT and how many are complete.
// Errors: hifa::Error naming the body file, the output folder, or synth.json when it disagrees.

#include "hifa/synth/garment_spec.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace hifa::synth {

struct SynthOptions {
  std::filesystem::path out;
  int count = 10;
  std::uint64_t seed = 0;
  int jobs = 2;                    // writer threads (>= 1)
  Preset preset = Preset::default_mix;
  int resolution = 256;            // grid points along the subject's longest axis
  std::filesystem::path body;      // SMPL-layout .npz (OpenBody or a user's SMPL file)
  std::filesystem::path motion;    // folder of .bvh files for the pose library; empty or none: random poses
  int thumbnail = 192;             // front render size in the contact sheet, pixels
  const std::atomic<bool>* interrupt = nullptr;
};

struct SynthEvents {
  std::function<void(std::size_t todo)> start;  // subjects to make (not counting complete ones)
  std::function<void()> advance;                // one subject written
};

struct SynthSummary {
  std::size_t made = 0, resumed = 0;
  int leftovers_removed = 0;
  bool pose_library = false;
  std::size_t library_poses = 0;
};

Preset parse_preset(const std::string& name);
std::string preset_name(Preset preset);

SynthSummary run_synth(const SynthOptions& options, const SynthEvents& events = {});

}  // namespace hifa::synth
