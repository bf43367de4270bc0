#pragma once
// Training batches from a `hifa prepare` dataset (docs/dataset.md), reproducible from the seed.
//
//   ViewLoader loader("DATASET", config);                      // split "train"
//   for (int64_t i = 0; i < loader.batches_per_epoch(8); ++i) {
//     ViewBatch b = loader.batch(epoch, i, 8);                  // pure: same arguments, same bytes
//   }
//   BatchPrefetcher ahead(loader, epoch, 0, 8, config.train.workers);   // the same, on worker threads
//   while (auto b = ahead.next()) { ... }
//
// Items: the split's (subject, view) pairs (PreparedDataset::items), in an order shuffled per epoch by
//   a permutation seeded from (train.seed, epoch); batch i of an epoch holds positions
//   [i B, (i + 1) B) of it. Every random draw of an item (augmentation, crop, points) comes from a
//   seed derived from (train.seed, epoch, the item's index in the split), so nothing depends on the
//   batch size, the thread count or the loading order.
// Per item:
//   maps     the coarse PNGs, area-resized (render/image_ops.hpp resize_area) to the config's
//            model.coarse.image_size when the dataset's --res differs (likewise the fine ones to
//            model.fine.image_size); then, with `augment`, augment.hpp's scale/translation warp,
//            background swap and colour jitter (one draw for both levels of the view).
//   points   `points` records drawn from the subject's samples file whose sigma is the sampler's
//            sigma_cm (samples_coarse.bin or samples_fine.bin, matched against the manifest's
//            sigmas). The file already is PIFu's mix (16:1 perturbed-surface : uniform, about
//            PIFu's 4 N : N / 4 draw before balancing), so the draw only re-weighs it: the
//            sampler's surface_weight : uniform_weight split by largest remainder over the two
//            record ranges; with `balance`, half inside and half outside (PIFu's "keep balanced
//            in/out"), each half split over the ranges by weight x the range's fraction of that
//            class -- the mix that PIFu's weighted draw followed by its balancing gives in
//            expectation (uniform points, mostly outside, end up mostly in the outside half); a
//            class with no records leaves the whole draw to the other (counted in the batch's
//            fallbacks, batch.hpp). Without replacement while a pool lasts, cycling through its
//            shuffled order beyond. A file prepared with --balance has lost the range boundary: it
//            is drawn as one range (its own mix kept).
//            xyz_view = R xyz with R = subject_to_view, then the augmentation's affine; labels
//            B x 1 x N.
//   fine     a random fine_crop x fine_crop window of the (warped) fine maps, at a seeded position
//            (its top-left pixel: fine_crop_origin);
//            `fine_points` drawn (as above, fine sampler) only among the fine samples whose
//            projection falls inside the window (|x|, |y| <= 1 in the crop frame) -- PIFuHD's fine
//            level is supervised where its crop sees the point -- or among all when none does
//            (counted in the batch's fallbacks);
//            `fine_points` in the coarse view frame (where the coarse level gives Omega),
//            `fine_points_crop` = ((x - cx) k, (y - cy) k, z k), k = fine size / crop, (cx, cy) the
//            window's centre in the view frame (batch.hpp).
//   Images go to [-1, 1] (2 v - 1), normals are already decoded (prepared_dataset.hpp).
//   body     (a config with body_net) the subject's fit in the view's frame, warped by the same
//            augmentation (data/view_body.hpp): the batch's body_* tensors. The split's items are
//            then those of subjects with a fit (PreparedDataset::body_fit), and model.type body
//            draws no points (its batches have no points or fine crop).
//   canonical  (model.type car, which draws no PIFu points either) train.car_sampler's counts from
//            the subject's canonical samples: `surface` from the surface group, `near` half from
//            each jitter group, `uniform` from the uniform one, in that order (losses/sdf_loss.hpp
//            reads them so), each group drawn like the points above (seeded keys, cycling when it
//            is short). Each point comes relative to the rest root joint with its LBS blend into the
//            view: the nearest rest-body point's weights (body/canonical_skinning.hpp, computed once
//            per subject when the loader opens), then subject_to_view and the augmentation; front
//            is 1 where the posed body's normal there points to the camera (+z in the view). Only
//            subjects with a fit and canonical samples take part. With normal_net.body_normals the
//            subject's posed fit is also drawn in the view (the same R and augmentation) at the
//            coarse size: the batch's body_normals (body/body_render.hpp), what the normal nets
//            read beside the image.
// Errors: hifa::Error from PreparedDataset (naming the file); naming the config key for a fine_crop
//   larger than the fine image or a sigma_cm the dataset does not have; naming the loader for a
//   batch index past the epoch's last batch; with body_net, naming the dataset when no subject of
//   the split has a fit (with canonical samples for car), and a subject's body file when its fit was
//   made with another body model.

#include "config/config.hpp"
#include "data/augment.hpp"
#include "data/batch.hpp"
#include "data/prepared_dataset.hpp"
#include "data/view_body.hpp"

#include "prepare/backgrounds.hpp"

#include "hifa/body/smpl_model.hpp"
#include "hifa/core/rng.hpp"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hifa::trainer {

class ViewLoader {
 public:
  // split: "train" | "test" | "all". Reads config.train.* (samplers, fine_crop, augment, seed) and
  // config.coarse.image_size / fine image_size.
  ViewLoader(const std::filesystem::path& dataset, const Config& config, const std::string& split = "train");

  int64_t items() const { return int64_t(items_.size()); }  // (subject, view) pairs in the split
  int64_t batches_per_epoch(int batch) const;                // items / batch, last partial batch dropped
  // Pure and thread-safe: the same (epoch, index, batch) always gives the same bytes. With a shard
  // (batch.hpp), only the shard's items of that batch: the same bytes as those items of the whole.
  ViewBatch batch(int64_t epoch, int64_t index, int batch_size, bool augment = true, Shard shard = {}) const;

  const PreparedDataset& dataset() const { return dataset_; }
  bool has_fine() const { return fine_size_ > 0; }
  // The split's item indices in the order of `epoch`.
  std::vector<int64_t> epoch_order(int64_t epoch) const;

 private:
  struct Item;
  struct SubjectCanonical;
  Item load_item(int64_t epoch, int64_t item, bool augment) const;
  void load_bodies(const Config& config);
  std::shared_ptr<const SubjectCanonical> load_canonical(const SmplModel<float>& model, const SubjectBodyFit& fit,
                                                         const std::string& subject) const;
  void draw_canonical(const SubjectCanonical& c, const Mat3<float>& subject_to_view, const ViewAffine& affine,
                      const CounterRng& rng, Item& out) const;

  PreparedDataset dataset_;
  std::vector<ViewItem> items_;
  SamplerConfig coarse_sampler_, fine_sampler_;
  std::string coarse_file_, fine_file_;
  AugmentConfig augment_;
  std::uint64_t seed_ = 0;
  int coarse_size_ = 0, fine_size_ = 0, crop_ = 0;
  bool points_ = true;                     // draw points (not for model.type body)
  int shape_count_ = 0;                    // the body model's β count (0: no body targets)
  std::map<std::string, Vec3f> rest_root_;  // per subject with a fit: J(β)_0 of its β
  CanonicalSamplerConfig car_sampler_;
  std::map<std::string, std::shared_ptr<const SubjectCanonical>> canonical_;  // model.type car: per subject
  bool body_normals_ = false;              // draw the fit in each view (normal_net.body_normals)
  prepare::Backgrounds backgrounds_ = prepare::Backgrounds::procedural();
};

// Parallel loading: `workers` threads compute batch(epoch, i) for i = first, first + 1, ... up to
// `depth` ahead; next() returns them in order; nullopt after the epoch's last batch. An error in a
// worker is rethrown by the next() that would have returned its batch. The destructor stops and
// joins the workers.
class BatchPrefetcher {
 public:
  BatchPrefetcher(const ViewLoader& loader, int64_t epoch, int64_t first_index, int batch_size, int workers,
                  int depth = 4, Shard shard = {});
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  std::optional<ViewBatch> next();

 private:
  void work();

  const ViewLoader& loader_;
  const int64_t epoch_, end_;
  const int batch_size_, depth_;
  const Shard shard_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t next_claim_, next_out_;
  bool stop_ = false;
  std::map<int64_t, ViewBatch> ready_;
  std::map<int64_t, std::exception_ptr> failed_;
  std::vector<std::thread> threads_;
};

}  // namespace hifa::trainer
