#pragma once
// Read access to a dataset written by `hifa prepare` (docs/dataset.md is the format; the writer is
// trainer/prepare/). No LibTorch here: the loader (view_loader.hpp) turns what this reads into
// tensors.
//
//   PreparedDataset d("DATASET");
//   for (const ViewItem& item : d.items("train")) {
//     ViewMaps coarse = d.read_view(item, false);       // image, mask, normals at --res
//     Mat3<float> R = d.subject_to_view(item);          // xyz_view = R xyz_subject
//     auto samples = d.samples(item.subject, "samples_coarse.bin");  // read once, then cached
//   }
//
// Opening reads manifest.json (format "hifa-pifu-dataset", version 1 or 2; its options give views,
//   resolution, fine_resolution and the two sigmas) and split.json, and checks that every subject named in the split
//   has its folder with subject.json.
// items(split): "train", "test" or "all" (train then test); per subject in the split's order, its
//   views 0 .. views - 1.
// read_view: the four PNGs of the view at --res (fine: at --fine-res, from fine/<map>/), decoded:
//   image RGB in [0, 1], mask 1 channel in [0, 1], normals n = 2 v - 1 where the mask is > 0 and 0
//   elsewhere (the file stores 0 there, which is not (n + 1) / 2 of any unit normal).
// samples(subject, file): samples_coarse.bin / samples_fine.bin through prepare/samples.hpp's
//   checked reader (magic, version, floats per record, size = header + count records), plus the
//   subject.json facts needed to draw from it: how many records each mixture component has (the
//   writer concatenates components in order, so the split is the mixture's largest-remainder counts)
//   unless the file was balanced, when the order is lost. Read once per (subject, file) and cached;
//   safe to call from several threads (the first caller reads, the others wait for it).
// canonical_samples(subject): the subject's canonical SDF samples for CAR (canonical/samples.bin,
//   prepare/canonical_samples.hpp's checked reader), null when subject.json says it has no canonical
//   data (no body fit; every subject of a version-1 dataset, which PIFuHD training reads as before).
//   Cached like samples().
// Errors: hifa::Error naming the file: a missing DATASET, manifest or split; a manifest of another
//   format or version; a subject of the split without its folder; a missing or undecodable PNG, one
//   of the wrong size or channel count; a missing or corrupt calib or samples file.

#include "prepare/body_fit_file.hpp"
#include "prepare/canonical_samples.hpp"

#include "hifa/core/types.hpp"
#include "hifa/render/image.hpp"

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hifa::trainer {

struct ViewItem {
  std::string subject;
  int view = 0;
};

struct ViewMaps {
  Image<float> image;         // W x W x 3, [0, 1]
  Image<float> mask;          // W x W x 1, [0, 1]
  Image<float> normal_front;  // W x W x 3, unit normals, 0 outside the mask
  Image<float> normal_back;
};

// One samples file: records x, y, z (subject frame), label; and where each component's records are.
struct SubjectSamples {
  std::vector<float> records;             // count x 4
  std::size_t surface = 0, uniform = 0;   // records [0, surface) perturbed-surface, then uniform
  bool ordered = false;                   // false when balanced: the split above is unknown (0, 0)
  float sigma_cm = 0;
  std::size_t count() const { return records.size() / 4; }
};

// A subject's body fit (subject.json "body", a hifa-body-fit file) and the matrix that takes its
// posed body -- body metres, the fit's translation included -- into the subject's normalized frame
// (subject.json canonical.posed_to_normalized).
struct SubjectBodyFit {
  prepare::BodyFit fit;
  Mat4<float> posed_to_normalized = Mat4<float>::Identity();
};

class PreparedDataset {
 public:
  explicit PreparedDataset(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return root_; }
  int views() const { return views_; }
  int resolution() const { return resolution_; }
  int fine_resolution() const { return fine_resolution_; }  // 0: no fine images
  double sigma_coarse_cm() const { return sigma_coarse_cm_; }  // the sigma of samples_coarse.bin
  double sigma_fine_cm() const { return sigma_fine_cm_; }      // ... and of samples_fine.bin
  const std::vector<std::string>& subjects(const std::string& split) const;

  std::vector<ViewItem> items(const std::string& split) const;
  ViewMaps read_view(const ViewItem& item, bool fine) const;
  Mat3<float> subject_to_view(const ViewItem& item) const;
  std::shared_ptr<const SubjectSamples> samples(const std::string& subject, const std::string& file) const;
  std::shared_ptr<const prepare::CanonicalSamples> canonical_samples(const std::string& subject) const;
  // Null for a subject without canonical data (no hifa-body-fit); cached like samples().
  std::shared_ptr<const SubjectBodyFit> body_fit(const std::string& subject) const;

  std::filesystem::path subject_folder(const std::string& subject) const { return root_ / "subjects" / subject; }
  std::string view_name(int view) const;

 private:
  std::filesystem::path root_;
  int views_ = 0, resolution_ = 0, fine_resolution_ = 0;
  double sigma_coarse_cm_ = 0, sigma_fine_cm_ = 0;
  std::vector<std::string> train_, test_, all_;

  template <class T>
  struct CacheEntry {
    std::once_flag once;
    std::shared_ptr<const T> value;
  };
  template <class T>
  using Cache = std::map<std::pair<std::string, std::string>, std::shared_ptr<CacheEntry<T>>>;
  // The cached value of `key`, made by `load` (returning shared_ptr<const T>) on the first call.
  template <class T, class Load>
  std::shared_ptr<const T> cached(Cache<T>& cache, const std::pair<std::string, std::string>& key, Load&& load) const;

  mutable std::mutex cache_mutex_;
  mutable Cache<SubjectSamples> samples_cache_;
  mutable Cache<prepare::CanonicalSamples> canonical_cache_;
  mutable Cache<SubjectBodyFit> body_cache_;
};

}  // namespace hifa::trainer
