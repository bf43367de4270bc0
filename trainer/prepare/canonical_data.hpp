#pragma once
// A subject's body fit and the canonical training data it gives (docs/dataset.md, "Body fit and
// canonical data"): what hifa prepare writes for CAR beside the PIFu views and samples.
//
//   CanonicalData canonical(options, layout);                     // once per run
//   Json entries = canonical.write(scan, normalized, seed, folder);  // per subject, into subject.json
//
// The body fit, by precedence: the scan's own body file (copied as body.<ext>; used only when it
// is a hifa-body-fit JSON, body_fit_file.hpp: other layouts pass through untouched); else, with
// options.fit_body (--fit-body), the fit of DATASET/cache/<name>.body.json when its key (the cleaned
// mesh's hash, the unit, the body model, the seed) matches, else a new fit saved there first -- so
// an interrupted run never fits a scan twice; written as body.json.
// With a hifa-body-fit, into canonical/:
//   scan.ply      the scan in the body's rest pose, body metres (canonical_scan.hpp: inverse LBS by
//                 the nearest posed body point's weights; hifa synth's own canonical.obj when the
//                 scan folder has it, which is exact)
//   weights.npy   #V x K float32, each scan vertex's skinning weights (the same vertex order)
//   samples.bin   canonical SDF samples with their posed positions in the subject's normalized
//                 frame (canonical_samples.hpp): options.samples on the surface and per sigma level
//                 (the PIFu samples' sigmas, in body metres), samples / 8 uniform
//   preview.png   the canonical scan over the rest body from 4 sides (body_xray.hpp)
// Returns subject.json's "body", "body_source" and "canonical" entries ("canonical" null with
// "canonical_missing" saying why when there is no fit). Kokkos and LibTorch (the fitter) run on
// the calling thread, the one that owns the Kokkos runtime.
// Errors: hifa::Error naming the file or the problem (a corrupt fit, a fit made with another body
//   model than --body, a body model that cannot be loaded, a canonical.obj that does not match the
//   scan vertex for vertex); the scan is then skipped.

#include "prepare/dataset_writer.hpp"
#include "prepare/discovery.hpp"
#include "prepare/normalize.hpp"
#include "prepare/options.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>

namespace hifa::prepare {

class CanonicalData {
 public:
  CanonicalData(const PrepareOptions& options, const Layout& layout);
  ~CanonicalData();

  Json write(const ScanSource& scan, const NormalizedScan& s, std::uint64_t seed, const std::filesystem::path& folder);

 private:
  struct Model;
  const PrepareOptions& options_;
  const Layout& layout_;
  std::unique_ptr<Model> model_;  // the body model, loaded on first use
};

}  // namespace hifa::prepare
